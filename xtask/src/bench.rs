//! `cargo xtask bench`: the figures behind "smaller and many times faster", measured in one
//! run — the size table, the native event-path benchmark and the browser event-path benchmark
//! — and, given the original's files, the same figures for the library we replace, with the
//! ratios. Timing is reported, never judged: the machines are noisy.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

use crate::cmd;
use crate::dist;
use crate::setup;
use crate::sim;
use crate::sizes;
use crate::timing::Timings;
use crate::workspace::Workspace;

/// Where the original's files are when `--original` is not given; the browser benchmark
/// reads the same variable.
pub const ORIGINAL_DIR_ENV: &str = "WELL_ORIGINAL_DIR";
/// The e2e test that measures the event path in the browser (`#[ignore]`d: only we run it).
const BROWSER_BENCH: &str = "bench_event_path";

/// The directory of the original's files: `--original`, else `$WELL_ORIGINAL_DIR`, made
/// absolute (the browser benchmark runs in `e2e/`) and checked to hold the three files.
pub fn original_dir(option: Option<PathBuf>) -> Result<Option<PathBuf>> {
    let from_env = || {
        std::env::var_os(ORIGINAL_DIR_ENV)
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
    };
    let Some(dir) = option.or_else(from_env) else {
        return Ok(None);
    };
    let dir = std::path::absolute(&dir)
        .with_context(|| format!("resolving the original's directory {}", dir.display()))?;
    sizes::check_original_dir(&dir)?;
    Ok(Some(dir))
}

/// `cargo xtask bench-size`: builds dist and prints the size table.
pub fn size(ws: &Workspace, original: Option<&Path>) -> Result<()> {
    let files = dist::run(ws)?;
    print!("{}", sizes::comparison(ws.root(), &files, original)?);
    if original.is_none() {
        println!("{}", how_to_compare());
    }
    Ok(())
}

/// Builds dist, runs the three measurements, and ends with their tables together.
pub fn run(ws: &Workspace, original: Option<&Path>) -> Result<()> {
    setup::run(ws, setup::Needs { rabbitmq: false })?;
    let files = dist::run(ws)?;
    let mut t = Timings::new("bench");
    let size = t.step("size", || sizes::comparison(ws.root(), &files, original))?;
    print!("{size}");
    let native = t.step("event path, native", || {
        let output =
            teed(
                ws.cargo()
                    .args(["bench", "-p", "well-client", "--bench", "event_path"]),
            )?;
        Ok(report_block(&output))
    })?;
    let exe = t.step("build the simulator", || sim::build(ws))?;
    let browser = t.step("event path, browser", || {
        let mut test = ws.cargo();
        test.args([
            "test",
            "-p",
            "well-e2e",
            "--test",
            BROWSER_BENCH,
            "--",
            "--ignored",
            "--nocapture",
        ])
        .env("WELL_SIM_BIN", &exe);
        match original {
            Some(dir) => test.env(ORIGINAL_DIR_ENV, dir),
            None => test.env_remove(ORIGINAL_DIR_ENV),
        };
        Ok(report_block(&teed(&mut test)?))
    })?;
    t.print();
    println!("\n## Size\n{size}");
    println!("## Event path, native (cargo bench --bench event_path)\n\n{native}");
    // Without the original, the browser benchmark's report ends by saying how to add it.
    println!("## Event path, browser (e2e/tests/{BROWSER_BENCH}.rs)\n\n{browser}");
    Ok(())
}

fn how_to_compare() -> String {
    format!(
        "Measured ours only. To compare with the original in the same run, pass `--original DIR` \
         (or set {ORIGINAL_DIR_ENV}=DIR), DIR holding the files of well-client.js 1.3.7: {}.",
        sizes::ORIGINAL_FILES.join(", ")
    )
}

/// Runs `cmd` after echoing it, showing its output as it comes (stderr untouched), and returns
/// its stdout; fails unless it exits with 0.
fn teed(cmd: &mut Command) -> Result<String> {
    let line = cmd::display(cmd);
    println!("$ {line}");
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("could not start `{line}`"))?;
    let mut output = String::new();
    if let Some(stdout) = child.stdout.take() {
        for text in BufReader::new(stdout).lines() {
            let text = text.with_context(|| format!("reading the output of {line}"))?;
            println!("{text}");
            output += &text;
            output.push('\n');
        }
    }
    let status = child.wait()?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(output)
}

/// The report in a benchmark's output: from its first table line (`|`) to the first blank
/// line after it.
fn report_block(output: &str) -> String {
    let mut block = String::new();
    for line in output
        .lines()
        .skip_while(|line| !line.starts_with('|'))
        .take_while(|line| !line.trim().is_empty())
    {
        block += line;
        block.push('\n');
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_is_the_table_and_the_lines_that_follow_it() {
        let output = "\nrunning 1 test\n\n| a | b |\n|---:|---:|\n| 1 | 2 |\nEach row: x.\n\n\
                      test bench ... ok\n| not | this |\n";
        assert_eq!(
            report_block(output),
            "| a | b |\n|---:|---:|\n| 1 | 2 |\nEach row: x.\n"
        );
        assert_eq!(report_block("| only |"), "| only |\n");
        assert_eq!(report_block("no table\n"), "");
    }

    #[test]
    fn the_original_directory_must_hold_the_three_files() {
        let dir = tempfile::tempdir().unwrap();
        let err = original_dir(Some(dir.path().to_path_buf())).unwrap_err();
        assert!(err.to_string().contains("jquery-1.11.3.min.js"), "{err}");
        for name in sizes::ORIGINAL_FILES {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        assert_eq!(
            original_dir(Some(dir.path().to_path_buf())).unwrap(),
            Some(dir.path().to_path_buf())
        );
    }

    #[test]
    fn teed_returns_stdout_and_fails_with_the_command() {
        let out = teed(Command::new("sh").args(["-c", "echo one; echo two"])).unwrap();
        assert_eq!(out, "one\ntwo\n");
        let err = teed(Command::new("sh").args(["-c", "exit 3"])).unwrap_err();
        assert!(err.to_string().contains("failed"), "{err}");
    }
}
