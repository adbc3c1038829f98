//! Sizes of what we ship, raw and gzipped at level 9, against the budget and against the
//! library the drop-in script replaces. Reported, never enforced: size is tracked by the
//! `bench-size` benchmark, not by a pass/fail test.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::workspace::Workspace;

/// jQuery 1.11.3 + stomp.min.js + well-client.js, minified and gzipped: what a CRM page loads
/// today and what `dist/well-client.js` replaces.
pub const ORIGINAL_GZ: u64 = 47_400;
/// The gzipped size the whole drop-in script (wasm included) should stay under.
pub const BUDGET_GZ: u64 = 40_000;
/// The drop-in script, relative to the repository root.
pub const DROP_IN: &str = "dist/well-client.js";

/// One shipped file's size.
#[derive(Debug, PartialEq, Eq)]
pub struct FileSize {
    /// Path relative to the repository root.
    pub path: String,
    pub raw: u64,
    pub gzip: u64,
}

/// Prints the size table of `files` (paths under the repository root) and the budget line;
/// `with_ratio` adds each file's size as a fraction of the original library.
pub fn report(ws: &Workspace, files: &[PathBuf], with_ratio: bool) -> Result<()> {
    let sizes = measure(ws.root(), files)?;
    print!("{}", render(&sizes, with_ratio));
    Ok(())
}

fn measure(root: &Path, files: &[PathBuf]) -> Result<Vec<FileSize>> {
    files
        .iter()
        .map(|file| {
            let bytes =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            let path = file.strip_prefix(root).unwrap_or(file);
            Ok(FileSize {
                path: path.display().to_string(),
                raw: bytes.len() as u64,
                gzip: gzip_len(&bytes)?,
            })
        })
        .collect()
}

/// The size of `bytes` gzipped at level 9, as `gzip -9` would ship it.
pub fn gzip_len(bytes: &[u8]) -> Result<u64> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    Ok(encoder.finish()?.len() as u64)
}

fn render(sizes: &[FileSize], with_ratio: bool) -> String {
    let width = sizes
        .iter()
        .map(|size| size.path.len())
        .chain(["file".len()])
        .max()
        .unwrap_or(0);
    let mut out = format!(
        "\n{:<width$}  {:>10}  {:>10}",
        "file", "raw bytes", "gzip -9"
    );
    if with_ratio {
        out += "  of original";
    }
    out.push('\n');
    for size in sizes {
        out += &format!(
            "{:<width$}  {:>10}  {:>10}",
            size.path,
            grouped(size.raw),
            grouped(size.gzip)
        );
        if with_ratio {
            out += &format!("  {:>11}", ratio(size.gzip));
        }
        out.push('\n');
    }
    match sizes.iter().find(|size| size.path == DROP_IN) {
        Some(drop_in) => {
            let verdict = if drop_in.gzip < BUDGET_GZ {
                format!("{} under budget", kilobytes(BUDGET_GZ - drop_in.gzip))
            } else {
                format!("OVER BUDGET: +{} bytes", grouped(drop_in.gzip - BUDGET_GZ))
            };
            out += &format!(
                "budget: {DROP_IN} is {} gz of {} ({verdict}); it replaces jQuery 1.11.3 + \
                 stomp.min.js + well-client.js at {} gz ({} of that)\n",
                kilobytes(drop_in.gzip),
                kilobytes(BUDGET_GZ),
                kilobytes(ORIGINAL_GZ),
                ratio(drop_in.gzip),
            );
        }
        None => out += &format!("budget: {DROP_IN} was not built\n"),
    }
    out
}

/// Decimal kilobytes (1 KB = 1000 bytes), the unit of the budget.
fn kilobytes(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

fn ratio(gzip: u64) -> String {
    format!("{:.1}%", gzip as f64 * 100.0 / ORIGINAL_GZ as f64)
}

/// `1234567` as `1,234,567`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_shrinks_repetition_and_has_a_header() {
        let text = "wellClient.agentLogin(".repeat(1000);
        let gz = gzip_len(text.as_bytes()).unwrap();
        assert!(gz < 200, "{gz}");
        // 10-byte header + 8-byte trailer around an empty deflate stream.
        assert!(gzip_len(b"").unwrap() >= 18);
    }

    #[test]
    fn table_lists_files_and_judges_the_drop_in_against_the_budget() {
        let sizes = [
            FileSize {
                path: DROP_IN.into(),
                raw: 123_456,
                gzip: 38_000,
            },
            FileSize {
                path: "dist/npm/well_client_bg.wasm".into(),
                raw: 90_000,
                gzip: 30_000,
            },
        ];
        let table = render(&sizes, true);
        assert!(
            table.contains("dist/well-client.js              123,456      38,000        80.2%"),
            "{table}"
        );
        assert!(
            table.contains("is 38.0 KB gz of 40.0 KB (2.0 KB under budget)"),
            "{table}"
        );
        let over = render(
            &[FileSize {
                path: DROP_IN.into(),
                raw: 1,
                gzip: 40_000,
            }],
            false,
        );
        assert!(over.contains("OVER BUDGET: +0 bytes"), "{over}");
        assert!(!over.contains("of original"), "{over}");
    }

    #[test]
    fn grouped_inserts_thousands_separators() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
