//! Static files, CORS, the command line and the thread-hosted simulator.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use well_sim::{Sim, SimConfig};

use crate::support::start;

#[tokio::test]
async fn serves_www_and_mounts_with_content_types() {
    let www = tempfile::tempdir().unwrap();
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(www.path().join("index.html"), "<h1>demo</h1>").unwrap();
    std::fs::create_dir(www.path().join("sub")).unwrap();
    std::fs::write(www.path().join("sub/index.html"), "<p>sub</p>").unwrap();
    std::fs::write(www.path().join("style.css"), "body{}").unwrap();
    std::fs::write(www.path().join("data.json"), "{}").unwrap();
    std::fs::write(www.path().join("logo.png"), [0x89, b'P', b'N', b'G']).unwrap();
    std::fs::write(dist.path().join("well-client.js"), "var wellClient;").unwrap();
    std::fs::write(dist.path().join("mod.mjs"), "export {}").unwrap();
    std::fs::write(dist.path().join("core.wasm"), [0, b'a', b's', b'm']).unwrap();
    let (sim, _api) = start(SimConfig {
        www: Some(www.path().into()),
        mounts: vec![("/dist".into(), dist.path().into())],
        ..SimConfig::ephemeral()
    })
    .await;
    let get = |path: &str| {
        let url = format!("{}{path}", sim.http_url());
        async move { reqwest::get(url).await.unwrap() }
    };
    let cases = [
        ("/", "text/html", "<h1>demo</h1>"),
        ("/index.html", "text/html", "<h1>demo</h1>"),
        ("/sub/", "text/html", "<p>sub</p>"),
        ("/style.css", "text/css", "body{}"),
        ("/data.json", "application/json", "{}"),
        ("/dist/well-client.js", "text/javascript", "var wellClient;"),
        ("/dist/mod.mjs", "text/javascript", "export {}"),
    ];
    for (path, mime, body) in cases {
        let res = get(path).await;
        assert_eq!(res.status().as_u16(), 200, "{path}");
        let ct = res.headers()["content-type"].to_str().unwrap().to_string();
        assert!(ct.starts_with(mime), "{path}: {ct}");
        assert_eq!(res.text().await.unwrap(), body, "{path}");
    }
    let wasm = get("/dist/core.wasm").await;
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(
        get("/logo.png").await.headers()["content-type"],
        "image/png"
    );
    assert_eq!(get("/missing.txt").await.status().as_u16(), 404);
    // The API still wins over files.
    assert_eq!(
        get("/api/csta/agent/client-state").await.status().as_u16(),
        426
    );
}

#[tokio::test]
async fn cors_preflight_for_the_api_and_admin() {
    let (sim, _api) = start(SimConfig::ephemeral()).await;
    let client = reqwest::Client::new();
    for (path, method) in [
        ("/api/csta/agent/state", "POST"),
        ("/admin/calls", "POST"),
        ("/login", "POST"),
    ] {
        let res = client
            .request(
                reqwest::Method::OPTIONS,
                format!("{}{path}", sim.http_url()),
            )
            .header("Origin", "http://crm.example:3000")
            .header("Access-Control-Request-Method", method)
            .header("Access-Control-Request-Headers", "content-type,sessionid")
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        let h = res.headers();
        assert_eq!(h["access-control-allow-origin"], "*", "{path}");
        let allowed = h["access-control-allow-headers"]
            .to_str()
            .unwrap()
            .to_lowercase();
        assert!(
            allowed.contains("sessionid") && allowed.contains("content-type"),
            "{allowed}"
        );
        assert!(h["access-control-allow-methods"]
            .to_str()
            .unwrap()
            .contains(method));
    }
    let res = client
        .get(format!("{}/admin/status", sim.http_url()))
        .header("Origin", "http://crm.example:3000")
        .send()
        .await
        .unwrap();
    assert_eq!(res.headers()["access-control-allow-origin"], "*");
}

fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn runs_on_its_own_thread_without_a_runtime() {
    let sim = Sim::spawn(SimConfig::ephemeral()).unwrap();
    let reply = http_get(sim.addr(), "/admin/status");
    assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
    assert!(reply.contains("\"running\":true"));
    assert!(sim.ws_url().ends_with("/mvc/stomp/websocket"));
    let addr = sim.addr();
    drop(sim);
    assert!(TcpStream::connect(addr).is_err(), "stopped when dropped");
}

#[test]
fn command_line_help_seed_and_quick_start() {
    let exe = env!("CARGO_BIN_EXE_well-sim");
    let help = Command::new(exe).arg("--help").output().unwrap();
    let help = String::from_utf8(help.stdout).unwrap();
    for flag in [
        "--listen",
        "--www",
        "--mount",
        "--broker",
        "--seed",
        "--print-seed",
        "--stomp-version",
        "--heart-beat",
        "--heartbeat-timeout-secs",
        "--allocation-timeout-secs",
        "--outside-answer-ms",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
    let seed = Command::new(exe).arg("--print-seed").output().unwrap();
    let seed = well_sim::seed::Seed::from_json(&String::from_utf8(seed.stdout).unwrap()).unwrap();
    assert_eq!(seed, well_sim::seed::Seed::default());

    // A seed file replaces the default tenant.
    let dir = tempfile::tempdir().unwrap();
    let seed_file = dir.path().join("seed.json");
    std::fs::write(
        &seed_file,
        r#"{"tenants":[{"domain":"acme.cc","agents":[{"number":"100","password":"pw"}],"extensions":[{"number":"800"}]}]}"#,
    )
    .unwrap();
    let started = Instant::now();
    let mut child = Command::new(exe)
        .args(["--listen", "127.0.0.1:0", "--seed"])
        .arg(&seed_file)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let ready = started.elapsed();
    let url = line
        .split_whitespace()
        .nth(2)
        .unwrap()
        .trim_start_matches("http://")
        .to_string();
    let addr: std::net::SocketAddr = url.parse().unwrap();
    let reply = http_get(addr, "/admin/agents");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(ready < Duration::from_secs(2), "usable after {ready:?}");
    assert!(reply.contains("100@acme.cc"), "{reply}");
}
