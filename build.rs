//! Puts the commit a binary was built from into its version, for `golive --version`:
//! `GOLIVE_VERSION` is `0.1.0 (5d895bc 2026-12-01)`, with `-dirty` after the
//! hash when the sources the binary is built from had uncommitted changes.
//!
//! Where it comes from, first match wins:
//! - `GOLIVE_BUILD_COMMIT`, for packagers building outside a checkout: its text
//!   goes between the parentheses (`GOLIVE_BUILD_COMMIT="5d895bc 2026-12-01"`);
//!   set but empty, the version is the bare package version.
//! - git, when the package folder is the top of a git work tree (a crate
//!   unpacked inside some other repository must not take that one's commit).
//! - nothing: no git, or not a repository; the bare package version.
//!
//! The generated site never shows this: its pages and its build cache use the
//! package version only, so a new commit neither changes the pages nor throws
//! the cache away (templates are in the cache key on their own).

use std::path::{Path, PathBuf};
use std::process::Command;

/// What the binary is built from (compiled in, or embedded with `include_str!`):
/// a change here is what makes a build `-dirty`, and it rebuilds the crate
/// anyway, so re-running this script on it costs nothing extra.
const SOURCES: &[&str] = &[
    "build.rs",
    "Cargo.toml",
    "Cargo.lock",
    "src",
    "layouts",
    "emails",
    "scaffold",
];

fn main() {
    println!("cargo:rerun-if-env-changed=GOLIVE_BUILD_COMMIT");
    let version = env!("CARGO_PKG_VERSION");
    let commit = match std::env::var("GOLIVE_BUILD_COMMIT") {
        Ok(given) => Some(given.trim().to_string()).filter(|c| !c.is_empty()),
        Err(_) => from_git(),
    };
    let full = match commit {
        Some(commit) => format!("{version} ({commit})"),
        None => version.to_string(),
    };
    println!("cargo:rustc-env=GOLIVE_VERSION={full}");
}

/// `5d895bc 2026-12-01` (or `5d895bc-dirty 2026-12-01`) from the repository
/// whose top is this package's folder, asking git to re-run this script when
/// HEAD moves (a commit, a checkout) or the sources change.
fn from_git() -> Option<String> {
    let here = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR")?);
    let top = git(&here, &["rev-parse", "--show-toplevel"])?;
    if std::fs::canonicalize(&top).ok()? != std::fs::canonicalize(&here).ok()? {
        return None;
    }
    // HEAD, the branch it names and the packed refs, where git keeps them
    // (`--git-path` knows a worktree's HEAD from the shared refs).
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(&here, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in watched {
        // A watched path that does not exist would re-run this script (and
        // rebuild the crate) on every build.
        if let Some(path) = git(&here, &["rev-parse", "--git-path", &name]) {
            let path = here.join(path);
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    for source in SOURCES {
        println!("cargo:rerun-if-changed={source}");
    }

    let head = git(&here, &["log", "-1", "--format=%h %cs"])?;
    let (hash, date) = head.split_once(' ')?;
    // No optional locks: a build must not take the index lock from a user's git.
    let mut status = vec!["--no-optional-locks", "status", "--porcelain", "--"];
    status.extend(SOURCES);
    let dirty = match git(&here, &status) {
        Some(changes) => !changes.is_empty(),
        None => false,
    };
    Some(format!(
        "{hash}{} {date}",
        if dirty { "-dirty" } else { "" }
    ))
}

/// The trimmed output of a git command run in `dir`, or None when git is
/// missing or the command fails.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8(output.stdout).ok()?.trim().to_string())
}
