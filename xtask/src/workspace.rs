//! Where things are: the repository root, cargo's target directory, and the versions the
//! manifests and the lock file pin.

use std::cell::OnceCell;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde_json::Value;

use crate::cmd;

/// The cargo workspace this xtask belongs to.
pub struct Workspace {
    root: PathBuf,
    metadata: OnceCell<Value>,
}

impl Workspace {
    /// The workspace whose `xtask/` member this binary was built from.
    pub fn locate() -> Result<Self> {
        let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let root = manifest_dir
            .parent()
            .ok_or_else(|| anyhow!("{} has no parent directory", manifest_dir.display()))?;
        Ok(Workspace {
            root: root.to_path_buf(),
            metadata: OnceCell::new(),
        })
    }

    /// The repository root.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// `path` relative to the repository root.
    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    /// A command run from the repository root.
    pub fn cargo(&self) -> std::process::Command {
        let mut cargo = cmd::cargo();
        cargo.current_dir(&self.root);
        cargo
    }

    /// Cargo's target directory, wherever `CARGO_TARGET_DIR` or a config file puts it.
    pub fn target_dir(&self) -> Result<PathBuf> {
        let dir = self
            .metadata()?
            .get("target_directory")
            .and_then(Value::as_str)
            .ok_or_else(|| anyhow!("`cargo metadata` reported no target_directory"))?;
        Ok(PathBuf::from(dir))
    }

    /// The version of workspace package `name` as its manifest declares it.
    pub fn package_version(&self, name: &str) -> Result<String> {
        let packages = self
            .metadata()?
            .get("packages")
            .and_then(Value::as_array)
            .ok_or_else(|| anyhow!("`cargo metadata` reported no packages"))?;
        packages
            .iter()
            .find(|package| package.get("name").and_then(Value::as_str) == Some(name))
            .and_then(|package| package.get("version").and_then(Value::as_str))
            .map(str::to_owned)
            .ok_or_else(|| anyhow!("no workspace package named {name}"))
    }

    /// The version of dependency `name` that `Cargo.lock` resolved.
    pub fn locked_version(&self, name: &str) -> Result<String> {
        let path = self.path("Cargo.lock");
        let lock = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {}", path.display()))?;
        locked_version(&lock, name).with_context(|| format!("in {}", path.display()))
    }

    fn metadata(&self) -> Result<&Value> {
        if let Some(metadata) = self.metadata.get() {
            return Ok(metadata);
        }
        let mut command = self.cargo();
        command.args(["metadata", "--format-version", "1", "--no-deps"]);
        let text = cmd::probe(&mut command)
            .ok_or_else(|| anyhow!("`{}` failed", cmd::display(&command)))?;
        let metadata = serde_json::from_str(&text).context("parsing `cargo metadata` output")?;
        Ok(self.metadata.get_or_init(|| metadata))
    }
}

/// Finds the single `[[package]]` called `name` in the text of a `Cargo.lock` and returns its
/// version; two versions of it would make "the" version ambiguous, so that is an error.
pub fn locked_version(lock: &str, name: &str) -> Result<String> {
    let mut versions = Vec::new();
    for block in lock.split("[[package]]").skip(1) {
        let field = |key: &str| {
            block.lines().find_map(|line| {
                let (k, v) = line.split_once('=')?;
                (k.trim() == key).then(|| v.trim().trim_matches('"').to_owned())
            })
        };
        if field("name").as_deref() == Some(name) {
            versions.push(field("version").ok_or_else(|| anyhow!("{name} has no version"))?);
        }
    }
    match versions.as_slice() {
        [version] => Ok(version.clone()),
        [] => bail!("no package {name} in the lock file"),
        many => bail!(
            "the lock file has several versions of {name}: {}",
            many.join(", ")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.130"

[[package]]
name = "syn"
version = "1.0.109"

[[package]]
name = "syn"
version = "2.0.110"
"#;

    #[test]
    fn finds_the_exact_package_not_a_prefix() {
        assert_eq!(locked_version(LOCK, "wasm-bindgen").unwrap(), "0.2.130");
    }

    #[test]
    fn missing_or_ambiguous_packages_are_errors() {
        assert!(locked_version(LOCK, "js-sys")
            .unwrap_err()
            .to_string()
            .contains("no package js-sys"));
        assert!(locked_version(LOCK, "syn")
            .unwrap_err()
            .to_string()
            .contains("1.0.109, 2.0.110"));
    }

    #[test]
    fn reads_this_repository() {
        let ws = Workspace::locate().unwrap();
        assert!(ws.path("Cargo.lock").is_file());
        assert_eq!(ws.package_version("xtask").unwrap(), "0.1.0");
        assert!(ws.target_dir().unwrap().is_absolute());
    }
}
