//! Running external programs: each command is echoed before it runs, so a log can be replayed
//! by hand, and a non-zero exit is an error that names the command.

use std::ffi::OsStr;
use std::process::{Command, Stdio};

use anyhow::{bail, Context, Result};

/// The cargo that runs us (cargo sets `CARGO` for `cargo run`), so nested builds use the same
/// toolchain even when several are installed.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Runs `cmd` with inherited stdio after echoing it, and fails unless it exits with 0.
pub fn run(cmd: &mut Command) -> Result<()> {
    let line = display(cmd);
    println!("$ {line}");
    let status = cmd
        .status()
        .with_context(|| format!("could not start `{line}`"))?;
    if !status.success() {
        bail!("`{line}` failed ({status})");
    }
    Ok(())
}

/// Runs `cmd` quietly and returns its stdout when it exits with 0; `None` when it cannot be
/// started or fails. For probing what is installed.
pub fn probe(cmd: &mut Command) -> Option<String> {
    let output = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    String::from_utf8(output.stdout).ok()
}

/// The command as a shell line: added environment first, arguments quoted when needed.
pub fn display(cmd: &Command) -> String {
    let mut words = Vec::new();
    if let Some(dir) = cmd.get_current_dir() {
        words.push(format!("(cd {} &&", quote(dir.as_os_str())));
    }
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            words.push(format!("{}={}", key.to_string_lossy(), quote(value)));
        }
    }
    words.push(quote(cmd.get_program()));
    words.extend(cmd.get_args().map(quote));
    let mut line = words.join(" ");
    if cmd.get_current_dir().is_some() {
        line.push(')');
    }
    line
}

fn quote(word: &OsStr) -> String {
    let word = word.to_string_lossy();
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c));
    if plain {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_quotes_only_what_a_shell_would_split() {
        let mut cmd = Command::new("cargo");
        cmd.args(["clippy", "--", "-D", "warnings", "two words", "it's"])
            .env("CI", "true")
            .current_dir("/tmp/x y");
        assert_eq!(
            display(&cmd),
            r"(cd '/tmp/x y' && CI=true cargo clippy -- -D warnings 'two words' 'it'\''s')"
        );
    }

    #[test]
    fn run_reports_the_failing_command() {
        let err = run(Command::new("false").arg("--flag")).unwrap_err();
        assert!(err.to_string().contains("`false --flag` failed"), "{err}");
    }

    #[test]
    fn probe_is_none_for_missing_programs() {
        assert_eq!(probe(&mut Command::new("/nonexistent/program")), None);
        assert_eq!(
            probe(Command::new("echo").arg("hi")).as_deref(),
            Some("hi\n")
        );
    }
}
