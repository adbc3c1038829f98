//! Sizes of what we ship, raw and gzipped at level 9, against the budget and against the
//! library the drop-in script replaces. Reported, never enforced: size is tracked by the
//! `bench` benchmark, not by a pass/fail test.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use flate2::write::GzEncoder;
use flate2::Compression;

use crate::workspace::Workspace;

/// jQuery 1.11.3 + stomp.min.js + well-client.js, all three minified and gzipped: what a CRM
/// page loads today and what `dist/well-client.js` replaces (DESIGN.md's reference figure).
pub const ORIGINAL_GZ: u64 = 47_400;
/// The gzipped size the whole drop-in script (wasm included) should stay under.
pub const BUDGET_GZ: u64 = 40_000;
/// The drop-in script, relative to the repository root.
pub const DROP_IN: &str = "dist/well-client.js";
/// The original's files in a `--original` directory, in the order its pages load them.
pub const ORIGINAL_FILES: [&str; 3] = ["jquery-1.11.3.min.js", "stomp.min.js", "well-client.js"];
/// How the rows of the original's files are named in the table.
const ORIGINAL_PREFIX: &str = "original: ";

/// One shipped file's size.
#[derive(Debug, PartialEq, Eq)]
pub struct FileSize {
    /// Path relative to the repository root (or, for the original, its table name).
    pub path: String,
    pub raw: u64,
    pub gzip: u64,
}

/// Prints the size table of `files` (paths under the repository root) and the budget line;
/// `with_ratio` adds each file's size as a share of DESIGN.md's figure for the original.
pub fn report(ws: &Workspace, files: &[PathBuf], with_ratio: bool) -> Result<()> {
    let sizes = measure(ws.root(), files)?;
    let baseline = with_ratio.then_some(Baseline::Reference);
    print!("{}", render(&sizes, &[], baseline));
    Ok(())
}

/// The size table of `files` (paths under `root`), with the original's three files from `original` (a directory
/// holding [`ORIGINAL_FILES`]) measured the same way and every file's gzip size as a share of
/// their total; without `original`, as a share of DESIGN.md's figure for it.
pub fn comparison(root: &Path, files: &[PathBuf], original: Option<&Path>) -> Result<String> {
    let sizes = measure(root, files)?;
    let Some(dir) = original else {
        return Ok(render(&sizes, &[], Some(Baseline::Reference)));
    };
    let paths: Vec<PathBuf> = ORIGINAL_FILES.iter().map(|name| dir.join(name)).collect();
    let mut theirs = measure(dir, &paths)?;
    for size in &mut theirs {
        size.path = format!("{ORIGINAL_PREFIX}{}", size.path);
    }
    let total = FileSize {
        path: format!("{ORIGINAL_PREFIX}all three"),
        raw: theirs.iter().map(|size| size.raw).sum(),
        gzip: theirs.iter().map(|size| size.gzip).sum(),
    };
    let baseline = Baseline::Measured(total.gzip);
    theirs.push(total);
    Ok(render(&sizes, &theirs, Some(baseline)))
}

/// Checks that `dir` holds the original's three files.
pub fn check_original_dir(dir: &Path) -> Result<()> {
    for name in ORIGINAL_FILES {
        if !dir.join(name).is_file() {
            bail!(
                "{} has no {name}: the original's directory must hold {}",
                dir.display(),
                ORIGINAL_FILES.join(", ")
            );
        }
    }
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

/// What the "of original" column divides by.
#[derive(Clone, Copy)]
enum Baseline {
    /// DESIGN.md's figure for the original, [`ORIGINAL_GZ`].
    Reference,
    /// The gzip total of the original's files, measured in this run.
    Measured(u64),
}

impl Baseline {
    fn gzip(self) -> u64 {
        match self {
            Baseline::Reference => ORIGINAL_GZ,
            Baseline::Measured(gzip) => gzip,
        }
    }
}

/// A Markdown table, padded to read well in a terminal too: our files, then the original's,
/// then the budget line (and, with the measured original, how ours compares to it).
fn render(ours: &[FileSize], theirs: &[FileSize], baseline: Option<Baseline>) -> String {
    let rows: Vec<&FileSize> = ours.iter().chain(theirs).collect();
    let width = rows
        .iter()
        .map(|size| size.path.len())
        .chain(["file".len()])
        .max()
        .unwrap_or(0);
    let mut out = format!(
        "\n| {:<width$} | {:>10} | {:>10} |",
        "file", "raw bytes", "gzip -9"
    );
    let mut rule = format!(
        "|:{}|{}:|{}:|",
        "-".repeat(width + 1),
        "-".repeat(11),
        "-".repeat(11)
    );
    if baseline.is_some() {
        out += " of original |";
        rule += &format!("{}:|", "-".repeat(12));
    }
    out += "\n";
    out += &rule;
    out.push('\n');
    for size in rows {
        out += &format!(
            "| {:<width$} | {:>10} | {:>10} |",
            size.path,
            grouped(size.raw),
            grouped(size.gzip)
        );
        if let Some(baseline) = baseline {
            out += &format!(" {:>11} |", percent(size.gzip, baseline.gzip()));
        }
        out.push('\n');
    }
    let Some(drop_in) = ours.iter().find(|size| size.path == DROP_IN) else {
        out += &format!("budget: {DROP_IN} was not built\n");
        return out;
    };
    let verdict = if drop_in.gzip < BUDGET_GZ {
        format!("{} under budget", kilobytes(BUDGET_GZ - drop_in.gzip))
    } else {
        format!("OVER BUDGET: +{} bytes", grouped(drop_in.gzip - BUDGET_GZ))
    };
    out += &format!(
        "budget: {DROP_IN} is {} gz of {} ({verdict}); it replaces jQuery 1.11.3 + \
         stomp.min.js + well-client.js at {} gz, all three minified ({} of that)\n",
        kilobytes(drop_in.gzip),
        kilobytes(BUDGET_GZ),
        kilobytes(ORIGINAL_GZ),
        percent(drop_in.gzip, ORIGINAL_GZ),
    );
    if let (Some(Baseline::Measured(gzip)), Some(total)) = (baseline, theirs.last()) {
        out += &format!(
            "against the original's files as given: {DROP_IN} is {} of their gzip size \
             ({} gz) and {} of their raw size ({} bytes)\n",
            percent(drop_in.gzip, gzip),
            kilobytes(gzip),
            percent(drop_in.raw, total.raw),
            grouped(total.raw),
        );
    }
    out
}

/// Decimal kilobytes (1 KB = 1000 bytes), the unit of the budget.
fn kilobytes(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// `part` as a percentage of `whole`, one decimal.
fn percent(part: u64, whole: u64) -> String {
    format!("{:.1}%", part as f64 * 100.0 / whole as f64)
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

    fn drop_in(raw: u64, gzip: u64) -> FileSize {
        FileSize {
            path: DROP_IN.into(),
            raw,
            gzip,
        }
    }

    #[test]
    fn table_lists_files_and_judges_the_drop_in_against_the_budget() {
        let sizes = [
            drop_in(123_456, 38_000),
            FileSize {
                path: "dist/npm/well_client_bg.wasm".into(),
                raw: 90_000,
                gzip: 30_000,
            },
        ];
        let table = render(&sizes, &[], Some(Baseline::Reference));
        assert!(
            table.contains(
                "\n| file                         |  raw bytes |    gzip -9 | of original |\n\
                 |:-----------------------------|-----------:|-----------:|------------:|\n\
                 | dist/well-client.js          |    123,456 |     38,000 |       80.2% |\n"
            ),
            "{table}"
        );
        assert!(
            table.contains("is 38.0 KB gz of 40.0 KB (2.0 KB under budget)"),
            "{table}"
        );
        assert!(!table.contains("as given"), "{table}");
        let over = render(&[drop_in(1, 40_000)], &[], None);
        assert!(over.contains("OVER BUDGET: +0 bytes"), "{over}");
        assert!(!over.contains("of original"), "{over}");
    }

    #[test]
    fn the_measured_original_is_listed_and_is_what_ratios_divide_by() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("dist")).unwrap();
        std::fs::write(root.join(DROP_IN), "wellClient();".repeat(100)).unwrap();
        let original = root.join("original");
        std::fs::create_dir(&original).unwrap();
        assert!(check_original_dir(&original).is_err());
        for (name, text) in ORIGINAL_FILES.iter().zip(["jQuery", "Stomp", "wellClient"]) {
            std::fs::write(original.join(name), text.repeat(1000)).unwrap();
        }
        check_original_dir(&original).unwrap();

        let table = comparison(root, &[root.join(DROP_IN)], Some(&original)).unwrap();
        let row = |name: &str| {
            table
                .lines()
                .find(|line| line.starts_with(&format!("| {name} ")))
                .unwrap_or_else(|| panic!("no row {name} in {table}"))
                .to_owned()
        };
        assert!(
            row("original: stomp.min.js").contains("|      5,000 |"),
            "{table}"
        );
        let total = row("original: all three");
        assert!(total.contains("|     21,000 |"), "{table}");
        assert!(total.ends_with(" 100.0% |"), "{table}");
        assert!(row(DROP_IN).contains("|      1,300 |"), "{table}");
        assert!(
            table.contains("against the original's files as given: dist/well-client.js is "),
            "{table}"
        );
        assert!(
            table.contains("of their raw size (21,000 bytes)"),
            "{table}"
        );

        let alone = comparison(root, &[root.join(DROP_IN)], None).unwrap();
        assert!(!alone.contains("original: "), "{alone}");
        assert!(alone.contains("of original"), "{alone}");
    }

    #[test]
    fn grouped_inserts_thousands_separators() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }
}
