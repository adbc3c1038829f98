//! `cargo xtask dist`: builds the release wasm, binds and optimizes it, and composes the two
//! things we ship from it and the JS shim in `js-shim/`:
//!
//! - `dist/well-client.js`, the drop-in classic script: wasm-bindgen's `no-modules` glue, the
//!   shim and the optimized wasm as a string with one character per byte (see
//!   [`wasm_literal`]), so the page's next script can use `wellClient` synchronously;
//! - `dist/npm/`, the npm package: wasm-bindgen's `web` glue, the optimized wasm file, the
//!   shim as an ES module, the entry point, its types and `package.json`.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{anyhow, bail, Context, Result};

use crate::cmd;
use crate::setup::{TERSER, WASM_OPT, WASM_TARGET};
use crate::timing::Timings;
use crate::workspace::Workspace;

/// The line of `js-shim/classic.js` replaced by the `no-modules` glue.
const GLUE_MARKER: &str = "/*@GLUE@*/";
/// The line of `js-shim/classic.js` replaced by `js-shim/shim.js`.
const SHIM_MARKER: &str = "/*@SHIM@*/";
/// The string literal of `js-shim/classic.js` replaced by the wasm (see [`wasm_literal`]).
const WASM_MARKER: &str = "@WASM_BYTES@";
/// The string literal of `js-shim/classic.js` replaced by `[length, checksum]` of the wasm
/// (see [`wasm_check`]), which the script checks before compiling.
const CHECK_MARKER: &str = "@WASM_CHECK@";
/// The drop-in script starts with a UTF-8 byte order mark: for a classic script it wins over
/// the page's charset (CRM pages are often GBK) and the server's, so the wasm string, which
/// has characters up to U+00FF, reads back as the bytes it was made of.
const UTF8_BOM: char = '\u{feff}';
/// What wasm-bindgen writes beside its glue, and what wasm-opt makes of it.
const BG_WASM: &str = "well_client_bg.wasm";
const OPT_WASM: &str = "well_client_bg.opt.wasm";
/// Appended to `shim.js` in the npm package, which imports it as a module.
const SHIM_EXPORTS: &str = "\nexport { createWellClient, Deferred };\n";

/// Builds everything and returns the files written, as absolute paths.
pub fn run(ws: &Workspace) -> Result<Vec<PathBuf>> {
    let mut t = Timings::new("dist");
    let target = ws.target_dir()?;
    let _lock = lock(&target)?;
    t.step("cargo build (wasm32, release)", || {
        cmd::run(ws.cargo().args([
            "build",
            "-p",
            "well-client",
            "--release",
            "--target",
            WASM_TARGET,
        ]))
    })?;
    let wasm = target.join(WASM_TARGET).join("release/well_client.wasm");
    let classic = target.join("wasm-bindgen/classic");
    let esm = target.join("wasm-bindgen/esm");
    t.step("wasm-bindgen (no-modules, web)", || {
        bindgen(&wasm, "no-modules", &classic)?;
        bindgen(&wasm, "web", &esm)
    })?;
    let (classic_wasm, esm_wasm) = t.step("wasm-opt", || {
        let classic_wasm = optimize(ws, &classic)?;
        // Both targets' glue differs but their wasm is the same module, and wasm-opt is
        // deterministic: optimize it once when it is (half the time of the slowest step).
        let esm_wasm = if same_bytes(&classic.join(BG_WASM), &esm.join(BG_WASM))? {
            let reused = esm.join(OPT_WASM);
            std::fs::copy(&classic_wasm, &reused)
                .with_context(|| format!("copying to {}", reused.display()))?;
            println!("the web target's {BG_WASM} is the no-modules one: optimized once");
            reused
        } else {
            optimize(ws, &esm)?
        };
        Ok((classic_wasm, esm_wasm))
    })?;
    let files = t.step("compose dist/", || {
        let shim = ShimSources::read(&ws.path("js-shim"))?;
        let bound = Bound {
            classic_glue: read_text(&classic.join("well_client.js"))?,
            classic_wasm: read_bytes(&classic_wasm)?,
            esm_glue: read_text(&esm.join("well_client.js"))?,
            esm_wasm: read_bytes(&esm_wasm)?,
        };
        let version = ws.package_version("well-client")?;
        let drop_in = compose_classic(
            &shim.classic,
            &bound.classic_glue,
            &shim.shim,
            &bound.classic_wasm,
        )
        .context("composing dist/well-client.js from js-shim/classic.js")?;
        let drop_in = minify(ws, &target, &drop_in)?;
        write_dist(&ws.path("dist"), drop_in, &shim, &bound, &version)
    })?;
    t.print();
    Ok(files)
}

/// Serializes dist runs sharing a target directory (engineers building in one checkout):
/// each one rewrites the wasm-bindgen output the other is reading. Released when dropped.
fn lock(target: &Path) -> Result<File> {
    std::fs::create_dir_all(target).with_context(|| format!("creating {}", target.display()))?;
    let path = target.join("xtask-dist.lock");
    let file = File::create(&path).with_context(|| format!("creating {}", path.display()))?;
    match file.try_lock() {
        Ok(()) => return Ok(file),
        Err(TryLockError::WouldBlock) => {
            println!("waiting for another `cargo xtask dist` in this checkout to finish");
        }
        Err(TryLockError::Error(err)) => {
            return Err(err).with_context(|| format!("locking {}", path.display()))
        }
    }
    file.lock()
        .with_context(|| format!("locking {}", path.display()))?;
    Ok(file)
}

fn bindgen(wasm: &Path, target: &str, out_dir: &Path) -> Result<()> {
    // A clean directory, so nothing stale from an earlier build can be picked up.
    if out_dir.exists() {
        std::fs::remove_dir_all(out_dir)
            .with_context(|| format!("removing {}", out_dir.display()))?;
    }
    cmd::run(
        Command::new("wasm-bindgen")
            .args(["--target", target, "--no-typescript", "--out-dir"])
            .arg(out_dir)
            .arg(wasm),
    )
}

fn same_bytes(a: &Path, b: &Path) -> Result<bool> {
    Ok(read_bytes(a)? == read_bytes(b)?)
}

/// The wasm-opt passes: flattening the code and rebuilding its control flow (`--rereloop`)
/// before two rounds of `-Oz` lets them find more to share and remove than `-Oz` alone
/// (wasm 68.9 -> 67.4 KB gzip, 1.5 s more).
const WASM_OPT_PASSES: [&str; 4] = ["--flatten", "--rereloop", "-Oz", "-Oz"];

/// Runs the pinned `wasm-opt` on the `*_bg.wasm` in `dir` and returns the optimized file.
fn optimize(ws: &Workspace, dir: &Path) -> Result<PathBuf> {
    let input = dir.join(BG_WASM);
    let output = dir.join(OPT_WASM);
    if !input.is_file() {
        bail!("wasm-bindgen did not write {}", input.display());
    }
    let wasm_opt = ws.path(WASM_OPT);
    if !wasm_opt.is_file() {
        bail!("{} is missing: run `cargo xtask setup`", wasm_opt.display());
    }
    cmd::run(
        Command::new(&wasm_opt)
            .args(WASM_OPT_PASSES)
            .arg(&input)
            .arg("-o")
            .arg(&output),
    )?;
    // wasm-opt has been seen to exit 0 without a usable result; never ship what we did not get.
    let optimized = std::fs::read(&output)
        .with_context(|| format!("wasm-opt exited 0 but did not write {}", output.display()))?;
    if !optimized.starts_with(b"\0asm") {
        bail!("{} is not a wasm module", output.display());
    }
    Ok(output)
}

/// The hand-written files of `js-shim/` that dist composes with the generated ones.
struct ShimSources {
    classic: String,
    shim: String,
    esm: String,
    types: String,
    package_json: String,
    readme: Option<String>,
}

impl ShimSources {
    fn read(dir: &Path) -> Result<Self> {
        let required = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).with_context(|| {
                format!(
                    "reading {}: dist composes the SDK's JS shim, which must provide \
                     classic.js, shim.js, esm.js, index.d.ts and package.json",
                    path.display()
                )
            })
        };
        let readme = dir.join("README.md");
        Ok(ShimSources {
            classic: required("classic.js")?,
            shim: required("shim.js")?,
            esm: required("esm.js")?,
            types: required("index.d.ts")?,
            package_json: required("package.json")?,
            readme: readme.is_file().then(|| read_text(&readme)).transpose()?,
        })
    }
}

/// What wasm-bindgen and wasm-opt produced for each target.
struct Bound {
    classic_glue: String,
    classic_wasm: Vec<u8>,
    esm_glue: String,
    esm_wasm: Vec<u8>,
}

/// Replaces `dist/` with the drop-in script and the npm package; returns the files written.
fn write_dist(
    dist: &Path,
    drop_in: String,
    shim: &ShimSources,
    bound: &Bound,
    version: &str,
) -> Result<Vec<PathBuf>> {
    let package_json =
        set_package_version(&shim.package_json, version).context("js-shim/package.json")?;
    let mut files: Vec<(PathBuf, Vec<u8>)> = vec![
        (dist.join("well-client.js"), drop_in.into_bytes()),
        (
            dist.join("npm/well_client.js"),
            bound.esm_glue.clone().into_bytes(),
        ),
        (dist.join("npm/well_client_bg.wasm"), bound.esm_wasm.clone()),
        (
            dist.join("npm/shim.js"),
            format!("{}{SHIM_EXPORTS}", shim.shim).into_bytes(),
        ),
        (dist.join("npm/index.js"), shim.esm.clone().into_bytes()),
        (dist.join("npm/index.d.ts"), shim.types.clone().into_bytes()),
        (dist.join("npm/package.json"), package_json.into_bytes()),
    ];
    if let Some(readme) = &shim.readme {
        files.push((dist.join("npm/README.md"), readme.clone().into_bytes()));
    }
    std::fs::create_dir_all(dist.join("npm"))
        .with_context(|| format!("creating {}", dist.display()))?;
    // Each file is replaced by a rename, so a page or test reading dist/ meanwhile sees the
    // old file or the new one, never half of one, and never no file.
    for (path, bytes) in &files {
        let partial = path.with_file_name(format!(".{}.partial", file_name(path)));
        std::fs::write(&partial, bytes)
            .with_context(|| format!("writing {}", partial.display()))?;
        std::fs::rename(&partial, path)
            .with_context(|| format!("renaming {} to {}", partial.display(), path.display()))?;
    }
    let wanted: Vec<&Path> = files.iter().map(|(path, _)| path.as_path()).collect();
    remove_all_but(dist, &wanted)?;
    Ok(files.into_iter().map(|(path, _)| path).collect())
}

/// Removes every file under `dir` that is not in `keep`, and the directories left empty.
fn remove_all_but(dir: &Path, keep: &[&Path]) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            remove_all_but(&path, keep)?;
            if std::fs::read_dir(&path)?.next().is_none() {
                std::fs::remove_dir(&path)
                    .with_context(|| format!("removing {}", path.display()))?;
            }
        } else if !keep.contains(&path.as_path()) {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    Ok(())
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Minifies the composed drop-in script with the pinned terser (comments, whitespace, local
/// names; `/*! ... */` banners stay): the shim and the glue are written to be read, and a page
/// pays for every byte. terser keeps the meaning of the wasm string (the script checks its
/// bytes when it loads); the byte order mark is put back first.
fn minify(ws: &Workspace, target: &Path, script: &str) -> Result<String> {
    let terser = ws.path(TERSER);
    if !terser.is_file() {
        bail!("{} is missing: run `cargo xtask setup`", terser.display());
    }
    let dir = target.join("wasm-bindgen");
    let (input, output) = (
        dir.join("well-client.full.js"),
        dir.join("well-client.min.js"),
    );
    std::fs::write(&input, script.trim_start_matches(UTF8_BOM))
        .with_context(|| format!("writing {}", input.display()))?;
    cmd::run(
        Command::new("node")
            .arg(&terser)
            .arg(&input)
            .args(["--compress", "--mangle", "--comments", "/^!/", "-o"])
            .arg(&output),
    )?;
    let minified = read_text(&output)?;
    if !minified.contains("wellClient") {
        bail!(
            "terser's output {} is not the drop-in script",
            output.display()
        );
    }
    let mut out = String::with_capacity(minified.len() + 3);
    out.push(UTF8_BOM);
    out.push_str(&minified);
    Ok(out)
}

/// Fills the four placeholders of the classic template and puts the byte order mark first.
/// Each placeholder must appear exactly once, and only the template is searched, never the
/// text put in.
fn compose_classic(template: &str, glue: &str, shim: &str, wasm: &[u8]) -> Result<String> {
    let wasm_text = wasm_literal(wasm);
    let (length, checksum) = wasm_check(wasm);
    let check_text = format!("[{length}, {checksum}]");
    let literals = |marker: &str| [format!("\"{marker}\""), format!("'{marker}'")];
    let (wasm_literals, check_literals) = (literals(WASM_MARKER), literals(CHECK_MARKER));
    let (mut glues, mut shims, mut wasms, mut checks) = (0, 0, 0, 0);
    let mut out =
        String::with_capacity(template.len() + glue.len() + shim.len() + wasm_text.len() + 3);
    out.push(UTF8_BOM);
    for line in template.split_inclusive('\n') {
        let content = line.trim();
        if content == GLUE_MARKER {
            glues += 1;
            push_block(&mut out, glue);
        } else if content == SHIM_MARKER {
            shims += 1;
            push_block(&mut out, shim);
        } else if let Some(literal) = wasm_literals.iter().find(|l| line.contains(l.as_str())) {
            wasms += line.matches(literal.as_str()).count();
            out += &line.replace(literal.as_str(), &wasm_text);
        } else if let Some(literal) = check_literals.iter().find(|l| line.contains(l.as_str())) {
            checks += line.matches(literal.as_str()).count();
            out += &line.replace(literal.as_str(), &check_text);
        } else {
            out += line;
        }
    }
    for (count, what) in [
        (glues, format!("a line `{GLUE_MARKER}`")),
        (shims, format!("a line `{SHIM_MARKER}`")),
        (wasms, format!("the string literal \"{WASM_MARKER}\"")),
        (checks, format!("the string literal \"{CHECK_MARKER}\"")),
    ] {
        match count {
            1 => {}
            0 => bail!("the template has no placeholder {what}"),
            n => bail!("the template has {n} placeholders {what}; it needs exactly one"),
        }
    }
    Ok(out)
}

/// The wasm as a JavaScript string literal with one character per byte, U+0000 to U+00FF,
/// which the script turns back into bytes with `charCodeAt`. Only what a string literal cannot
/// hold is escaped: the quote, the backslash, CR and LF; NUL too, as `\0`, or `\x00` before a
/// digit (where `\0` would be an octal escape, a syntax error in strict code). Under gzip this
/// costs about 1.06 times the wasm's own compressed size, where base64 costs 1.30 times.
fn wasm_literal(wasm: &[u8]) -> String {
    // Bytes from 0x80 take two bytes of UTF-8; escapes take two to four.
    let mut out = String::with_capacity(wasm.len() * 3 / 2 + 2);
    out.push('"');
    for (i, &byte) in wasm.iter().enumerate() {
        match byte {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            0 if wasm.get(i + 1).is_some_and(u8::is_ascii_digit) => out.push_str("\\x00"),
            0 => out.push_str("\\0"),
            _ => out.push(char::from(byte)),
        }
    }
    out.push('"');
    out
}

/// The wasm's length and checksum (`sum = sum * 31 + byte`, modulo 2^32), which the script
/// recomputes from the characters it decoded: a file that was read in another encoding than
/// UTF-8 fails the check with one clear error instead of a compile error about bad bytes.
fn wasm_check(wasm: &[u8]) -> (usize, u32) {
    let checksum = wasm.iter().fold(0u32, |sum, &byte| {
        sum.wrapping_mul(31).wrapping_add(u32::from(byte))
    });
    (wasm.len(), checksum)
}

/// Appends a block of code as whole lines.
fn push_block(out: &mut String, block: &str) {
    *out += block;
    if !block.ends_with('\n') {
        out.push('\n');
    }
}

/// Sets the top-level `"version"` of a package.json text to `version`, keeping the rest of the
/// text (key order, formatting) as it is.
fn set_package_version(text: &str, version: &str) -> Result<String> {
    let parsed: serde_json::Value = serde_json::from_str(text).context("not valid JSON")?;
    if !parsed.is_object() {
        bail!("not a JSON object");
    }
    let literal = serde_json::to_string(version)?;
    let updated = match top_level_string_value(text, "version")? {
        Some(range) => format!("{}{literal}{}", &text[..range.start], &text[range.end..]),
        None => {
            let brace = text.find('{').ok_or_else(|| anyhow!("no opening brace"))?;
            let (head, tail) = text.split_at(brace + 1);
            let separator = if parsed.as_object().is_some_and(|o| o.is_empty()) {
                ""
            } else {
                ","
            };
            format!("{head}\n  \"version\": {literal}{separator}{tail}")
        }
    };
    let check: serde_json::Value = serde_json::from_str(&updated)?;
    if check.get("version").and_then(|v| v.as_str()) != Some(version) {
        bail!("could not set the version");
    }
    Ok(updated)
}

/// The byte range (quotes included) of the string value of top-level `key` in a JSON object
/// text that is known to be valid.
fn top_level_string_value(text: &str, key: &str) -> Result<Option<std::ops::Range<usize>>> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => depth = depth.saturating_sub(1),
            b'"' => {
                let end = string_end(bytes, i)?;
                let after = skip_space(bytes, end);
                if depth == 1 && bytes.get(after) == Some(&b':') && &text[i + 1..end - 1] == key {
                    let value = skip_space(bytes, after + 1);
                    if bytes.get(value) != Some(&b'"') {
                        bail!("\"{key}\" is not a string");
                    }
                    return Ok(Some(value..string_end(bytes, value)?));
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(None)
}

/// The index just past the closing quote of the string starting at `start`.
fn string_end(bytes: &[u8], start: usize) -> Result<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Ok(i + 1),
            _ => i += 1,
        }
    }
    bail!("unterminated string")
}

fn skip_space(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

fn read_text(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn read_bytes(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "(function () {\n  /*@GLUE@*/\n  var bytes = \"@WASM_BYTES@\";\n  \
         var check = \"@WASM_CHECK@\";\n/*@SHIM@*/\n})();\n";

    /// What a JavaScript engine makes of a double-quoted literal that uses only the escapes
    /// `wasm_literal` writes.
    fn js_string_value(literal: &str) -> Vec<u32> {
        let inner = literal
            .strip_prefix('"')
            .unwrap()
            .strip_suffix('"')
            .unwrap();
        let mut chars = inner.chars();
        let mut out = Vec::new();
        while let Some(c) = chars.next() {
            if c != '\\' {
                assert!(c != '"' && c != '\n' && c != '\r', "unescaped {c:?}");
                out.push(u32::from(c));
                continue;
            }
            match chars.next().unwrap() {
                'n' => out.push(10),
                'r' => out.push(13),
                '0' => {
                    let next = chars.clone().next();
                    assert!(!next.is_some_and(|d| d.is_ascii_digit()), "octal escape");
                    out.push(0);
                }
                'x' => {
                    let hex: String = chars.by_ref().take(2).collect();
                    out.push(u32::from_str_radix(&hex, 16).unwrap());
                }
                other => out.push(u32::from(other)),
            }
        }
        out
    }

    #[test]
    fn classic_template_gets_glue_shim_and_the_wasm_as_one_character_per_byte() {
        let out = compose_classic(
            TEMPLATE,
            "let wasm_bindgen;",
            "function shim() {}\n",
            b"\0asm",
        )
        .unwrap();
        let sum = [0u32, 0x61, 0x73, 0x6d]
            .iter()
            .fold(0u32, |s, b| s.wrapping_mul(31).wrapping_add(*b));
        assert_eq!(
            out,
            format!(
                "\u{feff}(function () {{\nlet wasm_bindgen;\n  var bytes = \"\\0asm\";\n  \
                 var check = [4, {sum}];\nfunction shim() {{}}\n}})();\n"
            )
        );
    }

    #[test]
    fn every_byte_reads_back_as_itself() {
        let mut wasm: Vec<u8> = (0..=255).collect();
        wasm.extend_from_slice(b"\x007\0\0\"\\\r\n\xff");
        let literal = wasm_literal(&wasm);
        let expected: Vec<u32> = wasm.iter().map(|&b| u32::from(b)).collect();
        assert_eq!(js_string_value(&literal), expected);
        assert!(literal.contains("\\x007\\0\\0"), "{literal}");
        // One character per byte: bytes from 0x80 are two bytes of UTF-8, escapes two to four.
        assert!(literal.len() < wasm.len() * 2 + 20);
    }

    #[test]
    fn the_check_is_the_length_and_a_checksum_that_sees_order() {
        assert_eq!(wasm_check(b""), (0, 0));
        assert_eq!(wasm_check(b"\x01\x02"), (2, 31 + 2));
        assert_ne!(wasm_check(b"ab").1, wasm_check(b"ba").1);
        let big = vec![0xffu8; 100_000];
        assert_eq!(wasm_check(&big).0, 100_000);
    }

    #[test]
    fn single_quoted_literals_are_accepted() {
        let template = TEMPLATE
            .replace("\"@WASM_BYTES@\"", "'@WASM_BYTES@'")
            .replace("\"@WASM_CHECK@\"", "'@WASM_CHECK@'");
        let out = compose_classic(&template, "", "", b"x").unwrap();
        assert!(out.contains("var bytes = \"x\";"), "{out}");
        assert!(out.contains("var check = [1, 120];"), "{out}");
    }

    #[test]
    fn inserted_text_is_not_searched_for_placeholders() {
        let out = compose_classic(TEMPLATE, "/*@SHIM@*/\n\"@WASM_BYTES@\"", "", b"").unwrap();
        assert!(out.contains("/*@SHIM@*/\n\"@WASM_BYTES@\"\n"), "{out}");
    }

    #[test]
    fn missing_or_repeated_placeholders_are_errors() {
        let no_glue = TEMPLATE.replace("/*@GLUE@*/", "");
        let err = compose_classic(&no_glue, "", "", b"").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the template has no placeholder a line `/*@GLUE@*/`"
        );

        let two_shims = format!("{TEMPLATE}/*@SHIM@*/\n");
        let err = compose_classic(&two_shims, "", "", b"").unwrap_err();
        assert!(
            err.to_string()
                .contains("2 placeholders a line `/*@SHIM@*/`"),
            "{err}"
        );

        let marker_inside_a_line = TEMPLATE.replace("  /*@GLUE@*/", "x(); /*@GLUE@*/");
        assert!(compose_classic(&marker_inside_a_line, "", "", b"").is_err());

        let unquoted = TEMPLATE.replace("\"@WASM_BYTES@\"", "@WASM_BYTES@");
        let err = compose_classic(&unquoted, "", "", b"").unwrap_err();
        assert!(
            err.to_string()
                .contains("no placeholder the string literal \"@WASM_BYTES@\""),
            "{err}"
        );

        let no_check = TEMPLATE.replace("\"@WASM_CHECK@\"", "null");
        let err = compose_classic(&no_check, "", "", b"").unwrap_err();
        assert!(
            err.to_string()
                .contains("no placeholder the string literal \"@WASM_CHECK@\""),
            "{err}"
        );
    }

    #[test]
    fn package_version_replaces_only_the_top_level_version() {
        let text = r#"{
  "name": "well-client",
  "description": "{ \"version\": tricky }",
  "engines": { "version": "9" },
  "version": "0.0.0-dev",
  "files": ["index.js"]
}
"#;
        let out = set_package_version(text, "2.0.0").unwrap();
        assert_eq!(out, text.replace("0.0.0-dev", "2.0.0"));
    }

    #[test]
    fn package_version_is_added_when_absent() {
        let out = set_package_version("{\n  \"name\": \"w\"\n}\n", "2.0.0").unwrap();
        assert_eq!(out, "{\n  \"version\": \"2.0.0\",\n  \"name\": \"w\"\n}\n");
        let out = set_package_version("{}", "1.2.3").unwrap();
        assert_eq!(out, "{\n  \"version\": \"1.2.3\"}");
    }

    #[test]
    fn package_json_must_be_an_object_with_a_string_version() {
        assert!(set_package_version("[1]", "1.0.0").is_err());
        assert!(set_package_version("{", "1.0.0").is_err());
        let err = set_package_version(r#"{"version": 2}"#, "1.0.0").unwrap_err();
        assert!(err.to_string().contains("not a string"), "{err}");
    }

    #[test]
    fn dist_holds_the_drop_in_and_the_npm_package() {
        let dir = tempfile::tempdir().unwrap();
        let dist = dir.path().join("dist");
        std::fs::create_dir_all(dist.join("stale")).unwrap();
        std::fs::write(dist.join("stale/old.js"), "old").unwrap();
        std::fs::write(dist.join("npm-old.js"), "old").unwrap();
        let shim = ShimSources {
            classic: TEMPLATE.into(),
            shim: "function createWellClient() {}\nclass Deferred {}\n".into(),
            esm: "export * from './shim.js';\n".into(),
            types: "export {};\n".into(),
            package_json: "{\"name\": \"well-client\", \"version\": \"0.0.0\"}".into(),
            readme: None,
        };
        let bound = Bound {
            classic_glue: "let wasm_bindgen;".into(),
            classic_wasm: b"\0asm".to_vec(),
            esm_glue: "export function initSync() {}".into(),
            esm_wasm: b"\0asm\x01".to_vec(),
        };
        let drop_in = compose_classic(
            &shim.classic,
            &bound.classic_glue,
            &shim.shim,
            &bound.classic_wasm,
        )
        .unwrap();
        let files = write_dist(&dist, drop_in, &shim, &bound, "2.0.0").unwrap();
        let names: Vec<String> = files
            .iter()
            .map(|f| f.strip_prefix(&dist).unwrap().display().to_string())
            .collect();
        assert_eq!(
            names,
            [
                "well-client.js",
                "npm/well_client.js",
                "npm/well_client_bg.wasm",
                "npm/shim.js",
                "npm/index.js",
                "npm/index.d.ts",
                "npm/package.json"
            ]
        );
        assert!(!dist.join("stale").exists());
        assert!(!dist.join("npm-old.js").exists());
        let mut left = std::fs::read_dir(dist.join("npm"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect::<Vec<_>>();
        left.sort();
        assert_eq!(
            left,
            [
                "index.d.ts",
                "index.js",
                "package.json",
                "shim.js",
                "well_client.js",
                "well_client_bg.wasm"
            ]
        );
        let shim_js = std::fs::read_to_string(dist.join("npm/shim.js")).unwrap();
        assert!(shim_js.ends_with("class Deferred {}\n\nexport { createWellClient, Deferred };\n"));
        let package = std::fs::read_to_string(dist.join("npm/package.json")).unwrap();
        assert_eq!(
            package,
            "{\"name\": \"well-client\", \"version\": \"2.0.0\"}"
        );
        assert_eq!(
            std::fs::read(dist.join("npm/well_client_bg.wasm")).unwrap(),
            b"\0asm\x01"
        );
    }
}
