//! Timed steps, and the summary table every command ends with, so a slow or failing step is
//! visible at a glance at the bottom of a long log.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// The steps of one command, in the order they ran (or were skipped).
pub struct Timings {
    title: &'static str,
    rows: Vec<Row>,
}

struct Row {
    name: String,
    outcome: Outcome,
    elapsed: Duration,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Outcome {
    Passed,
    Failed,
    Skipped,
    NotRun,
}

impl Timings {
    /// Starts an empty table for the command called `title`.
    pub fn new(title: &'static str) -> Self {
        Timings {
            title,
            rows: Vec::new(),
        }
    }

    /// Runs one step, announcing it and its duration; a failure is recorded and returned with
    /// the step's name attached.
    pub fn step<T>(&mut self, name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        println!("\n==> {}: {name}", self.title);
        let start = Instant::now();
        let result = f();
        let elapsed = start.elapsed();
        let outcome = if result.is_ok() {
            Outcome::Passed
        } else {
            Outcome::Failed
        };
        println!(
            "<== {}: {name}: {} in {}",
            self.title,
            label(outcome),
            seconds(elapsed)
        );
        self.rows.push(Row {
            name: name.to_owned(),
            outcome,
            elapsed,
        });
        result.with_context(|| format!("{} step `{name}` failed", self.title))
    }

    /// Records a step that was deliberately left out.
    pub fn skip(&mut self, name: &str) {
        self.push_idle(name, Outcome::Skipped);
    }

    /// Records a step that never ran because an earlier one failed.
    pub fn not_run(&mut self, name: &str) {
        self.push_idle(name, Outcome::NotRun);
    }

    fn push_idle(&mut self, name: &str, outcome: Outcome) {
        self.rows.push(Row {
            name: name.to_owned(),
            outcome,
            elapsed: Duration::ZERO,
        });
    }

    /// Prints the table of steps with their outcome and duration, and the total.
    pub fn print(&self) {
        print!("{}", self.render());
    }

    fn render(&self) -> String {
        let width = self
            .rows
            .iter()
            .map(|row| row.name.len())
            .chain(["total".len()])
            .max()
            .unwrap_or(0);
        let mut out = format!("\n{} summary\n", self.title);
        let mut total = Duration::ZERO;
        for row in &self.rows {
            total += row.elapsed;
            let time = match row.outcome {
                Outcome::Passed | Outcome::Failed => seconds(row.elapsed),
                Outcome::Skipped | Outcome::NotRun => String::new(),
            };
            let line = format!(
                "  {:<width$}  {:<8}  {:>9}",
                row.name,
                label(row.outcome),
                time
            );
            out += line.trim_end();
            out.push('\n');
        }
        out += &format!("  {:<width$}  {:<8}  {:>9}\n", "total", "", seconds(total));
        out
    }
}

fn label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "ok",
        Outcome::Failed => "FAILED",
        Outcome::Skipped => "skipped",
        Outcome::NotRun => "not run",
    }
}

/// A duration as seconds with one decimal, the precision that matters for build steps.
pub fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::anyhow;

    #[test]
    fn a_failed_step_is_named_in_the_error_and_the_table() {
        let mut t = Timings::new("test");
        t.step("fmt", || Ok(())).unwrap();
        let err = t
            .step("clippy", || Err::<(), _>(anyhow!("lint")))
            .unwrap_err();
        assert_eq!(format!("{err:#}"), "test step `clippy` failed: lint");
        t.not_run("native");
        t.skip("e2e");
        let table = t.render();
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[1], "test summary");
        assert!(lines[2].starts_with("  fmt     ok"), "{table}");
        assert!(lines[3].starts_with("  clippy  FAILED"), "{table}");
        assert_eq!(lines[4], "  native  not run");
        assert_eq!(lines[5], "  e2e     skipped");
        assert!(lines[6].starts_with("  total"), "{table}");
    }

    #[test]
    fn seconds_have_one_decimal() {
        assert_eq!(seconds(Duration::from_millis(12_345)), "12.3 s");
        assert_eq!(seconds(Duration::ZERO), "0.0 s");
    }
}
