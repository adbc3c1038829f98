//! `well-sim`: the CTI simulator as a command-line server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use well_client::stomp::Version;
use well_sim::broker::external::BrokerUrl;
use well_sim::broker::StompSettings;
use well_sim::pbx::PbxConfig;
use well_sim::seed::Seed;
use well_sim::{Sim, SimConfig};

/// A simulator of the call-center platform: token login, the REST API, a STOMP-over-WebSocket
/// broker and a small PBX on one address, plus an admin API (/admin) for scripted callers and
/// fault injection. See sim/README.md.
#[derive(Parser, Debug)]
#[command(name = "well-sim", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8088")]
    listen: SocketAddr,

    /// Directory served at / (index.html for directories).
    #[arg(long, value_name = "DIR")]
    www: Option<PathBuf>,

    /// Serve DIR under /PREFIX as well, e.g. --mount /dist=dist (repeatable).
    #[arg(long, value_name = "/PREFIX=DIR", value_parser = parse_mount)]
    mount: Vec<(String, PathBuf)>,

    /// Publish events to this external STOMP broker instead of the embedded one:
    /// stomp://[login:passcode@]host:port[/vhost] (RabbitMQ: stomp://127.0.0.1:61613).
    #[arg(long, value_name = "URL", value_parser = BrokerUrl::parse)]
    broker: Option<BrokerUrl>,

    /// Seed file (JSON: tenants, agents, extensions, queues, outside numbers) replacing the
    /// default tenant test.cc.
    #[arg(long, value_name = "FILE")]
    seed: Option<PathBuf>,

    /// Print the default seed as JSON and exit (a starting point for --seed).
    #[arg(long)]
    print_seed: bool,

    /// Newest STOMP version the embedded broker answers with: 1.0, 1.1 or 1.2 (the platform
    /// answers 1.1).
    #[arg(long, default_value = "1.1", value_parser = parse_version)]
    stomp_version: Version,

    /// The embedded broker's heart-beat header, "<send ms>,<receive ms>".
    #[arg(long, default_value = "10000,10000", value_parser = parse_heart_beat)]
    heart_beat: (u32, u32),

    /// Log an agent out when no HTTP heartbeat came for this long.
    #[arg(long, default_value_t = 180)]
    heartbeat_timeout_secs: u64,

    /// Release a reserved (agentAllocated) agent with no call after this long.
    #[arg(long, default_value_t = 150)]
    allocation_timeout_secs: u64,

    /// Dialled outside numbers without their own behaviour answer after this long.
    #[arg(long, default_value_t = 1000)]
    outside_answer_ms: u64,
}

fn parse_mount(text: &str) -> Result<(String, PathBuf), String> {
    let (prefix, dir) = text
        .split_once('=')
        .ok_or_else(|| format!("{text}: expected /PREFIX=DIR"))?;
    if !prefix.starts_with('/') || prefix.len() < 2 {
        return Err(format!(
            "{text}: the prefix must start with / and name a path"
        ));
    }
    Ok((prefix.trim_end_matches('/').to_string(), PathBuf::from(dir)))
}

fn parse_version(text: &str) -> Result<Version, String> {
    match Version::parse(text) {
        Some(v) => Ok(v),
        None => Err(format!("{text}: expected 1.0, 1.1 or 1.2")),
    }
}

fn parse_heart_beat(text: &str) -> Result<(u32, u32), String> {
    well_client::stomp::parse_heart_beat(text).ok_or_else(|| format!("{text}: expected <ms>,<ms>"))
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    if args.print_seed {
        match serde_json::to_string_pretty(&Seed::default()) {
            Ok(text) => println!("{text}"),
            Err(e) => {
                eprintln!("well-sim: {e}");
                return ExitCode::FAILURE;
            }
        }
        return ExitCode::SUCCESS;
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("well_sim=info")),
        )
        .init();
    let seed = match &args.seed {
        None => Seed::default(),
        Some(path) => match std::fs::read_to_string(path)
            .map_err(|e| e.to_string())
            .and_then(|t| Seed::from_json(&t).map_err(|e| e.to_string()))
        {
            Ok(seed) => seed,
            Err(e) => {
                eprintln!("well-sim: seed {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        },
    };
    let config = SimConfig {
        listen: args.listen,
        www: args.www,
        mounts: args.mount,
        broker: args.broker,
        seed,
        pbx: PbxConfig {
            heartbeat_timeout_ms: args.heartbeat_timeout_secs * 1000,
            allocation_timeout_ms: args.allocation_timeout_secs * 1000,
            outside_answer_ms: args.outside_answer_ms,
            ..PbxConfig::default()
        },
        stomp: StompSettings {
            max_version: args.stomp_version,
            heart_beat: args.heart_beat,
        },
    };
    let sim = match Sim::start(config).await {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("well-sim: cannot listen on {}: {e}", args.listen);
            return ExitCode::FAILURE;
        }
    };
    println!(
        "well-sim: REST {} STOMP {} admin {}/admin",
        sim.http_url(),
        sim.ws_url(),
        sim.http_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    sim.shutdown().await;
    ExitCode::SUCCESS
}
