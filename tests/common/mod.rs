//! Helpers shared by the integration tests: fixture sites in temporary folders,
//! running the `golive` binary, and snapshots of output folders.

#![allow(dead_code)]

pub mod calendar;
pub mod html;
pub mod serve;
pub mod smtp;

use std::collections::BTreeMap;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// A run that takes longer than this is treated as a hang: the child is killed and
/// the test fails. It is a guard against hangs, not a performance assertion.
pub const HANG_LIMIT: Duration = Duration::from_secs(120);

/// The folder of a fixture site under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// A copy of a fixture site in a temporary folder, removed when dropped.
pub struct Site {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Site {
    /// Copies `tests/fixtures/<name>` into a fresh temporary folder.
    pub fn copy_of(name: &str) -> Site {
        Site::copy_of_dir(&fixture(name))
    }

    /// Copies the site in `from` (its `content/` and, if any, `layouts/`).
    pub fn copy_of_dir(from: &Path) -> Site {
        let dir = tempfile::tempdir().expect("create a temporary folder");
        let root = dir.path().join("site");
        for part in ["content", "layouts", "emails"] {
            if from.join(part).is_dir() {
                copy_dir(&from.join(part), &root.join(part));
            }
        }
        Site { _dir: dir, root }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative)).unwrap_or_else(|e| panic!("read {relative}: {e}"))
    }

    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.path(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).unwrap();
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("write {relative}: {e}"));
    }

    pub fn remove(&self, relative: &str) {
        fs::remove_file(self.path(relative)).unwrap_or_else(|e| panic!("remove {relative}: {e}"));
    }

    /// Runs `golive --root <site> <args...>`.
    pub fn run(&self, args: &[&str]) -> Output {
        let mut all: Vec<&str> = vec!["--root", self.root.to_str().expect("utf-8 temp path")];
        all.extend_from_slice(args);
        golive(&all, &self.root)
    }

    /// Every file below `relative`, by path relative to it, with its bytes.
    pub fn snapshot(&self, relative: &str) -> Snapshot {
        snapshot(&self.path(relative))
    }

    /// Names of the entries directly in the site folder (to spot leftovers such as
    /// a staging folder beside public/).
    pub fn top_level(&self) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&self.root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// Relative path -> contents (`None` for a folder, so that a new empty folder
/// also counts as a change).
pub type Snapshot = BTreeMap<PathBuf, Option<Vec<u8>>>;

pub fn snapshot(dir: &Path) -> Snapshot {
    let mut out = BTreeMap::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap_or_else(|e| panic!("walk {}: {e}", dir.display()));
        let relative = entry.path().strip_prefix(dir).unwrap().to_path_buf();
        if entry.file_type().is_dir() {
            out.insert(relative, None);
        } else {
            out.insert(relative, Some(fs::read(entry.path()).unwrap()));
        }
    }
    out
}

/// Recursive copy with std::fs.
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display())) {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// What a run of the binary produced.
#[derive(Debug)]
pub struct Output {
    /// `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// For assertion messages.
    pub fn describe(&self) -> String {
        format!(
            "exit code: {:?}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// Runs the golive binary in `cwd` with `args`, killing it if it runs past `HANG_LIMIT`.
pub fn golive(args: &[&str], cwd: &Path) -> Output {
    golive_with_env(args, cwd, &[])
}

/// The `golive` binary with `args`, run in `cwd` without colour or backtraces
/// and with no input; the caller chooses what happens to its output.
///
/// Without `CI` and `GOLIVE_LEDGER` from the test's own environment: `.ci/run`
/// sets `CI=true`, under which a real send with the default ledger refuses (the
/// CI rule); the tests of that rule set `CI` themselves (`golive_with_env`).
pub fn golive_command(args: &[&str], cwd: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_golive"));
    command
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .env_remove("CI")
        .env_remove("GOLIVE_LEDGER")
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null());
    command
}

/// Like `golive`, with extra environment variables.
pub fn golive_with_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut child = golive_command(args, cwd)
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start golive");
    let pid = child.id();
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let (tx, rx) = mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let status = child.wait();
        let _ = tx.send(());
        status
    });
    if rx.recv_timeout(HANG_LIMIT).is_err() {
        // Kill only the child we started, by its id.
        let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
        let _ = waiter.join();
        panic!(
            "golive {} did not finish within {:?} (hang); killed pid {pid}",
            args.join(" "),
            HANG_LIMIT
        );
    }
    let status = waiter.join().unwrap().expect("wait for golive");
    let stdout = String::from_utf8_lossy(&out_reader.join().unwrap()).into_owned();
    let stderr = String::from_utf8_lossy(&err_reader.join().unwrap()).into_owned();
    Output {
        code: status.code(),
        stdout,
        stderr,
    }
}

/// The 1-based line of the only occurrence of `needle` in `text`.
pub fn line_of(text: &str, needle: &str) -> usize {
    let hits: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(
        hits.len(),
        1,
        "expected `{needle}` on exactly one line, found it on lines {hits:?} of:\n{text}"
    );
    hits[0]
}

/// The 1-based line of the only occurrence of `needle` in raw bytes (for files that
/// are not valid UTF-8).
pub fn line_of_bytes(bytes: &[u8], needle: &[u8]) -> usize {
    let starts: Vec<usize> = bytes
        .windows(needle.len())
        .enumerate()
        .filter(|(_, w)| *w == needle)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        starts.len(),
        1,
        "expected exactly one occurrence of {needle:?}"
    );
    bytes[..starts[0]].iter().filter(|b| **b == b'\n').count() + 1
}

/// `text` with the only occurrence of `from` replaced by `to`.
pub fn replace_once(text: &str, from: &str, to: &str) -> String {
    let n = text.matches(from).count();
    assert_eq!(
        n, 1,
        "expected `{from}` exactly once, found it {n} times in:\n{text}"
    );
    text.replacen(from, to, 1)
}

/// The header and help lines of each diagnostic reported at `file:line:`.
pub fn diagnostics_at(stderr: &str, file: &str, line: usize) -> Vec<String> {
    let prefix = format!("{file}:{line}:");
    let mut found = Vec::new();
    let mut current: Option<String> = None;
    for l in stderr.lines() {
        if is_header(l) {
            if let Some(block) = current.take() {
                found.push(block);
            }
            if l.starts_with(&prefix) {
                current = Some(format!("{l}\n"));
            }
        } else if let Some(block) = current.as_mut()
            && (l.trim_start().starts_with("= ") || !l.contains(" | ") && !l.trim().ends_with('|'))
        {
            block.push_str(l);
            block.push('\n');
        }
    }
    found.extend(current);
    found
}

/// `path:line:column: error: ...`
pub fn is_header(l: &str) -> bool {
    let Some((head, _message)) = l.split_once(": error: ") else {
        return false;
    };
    let mut parts = head.rsplitn(3, ':');
    let column = parts.next().unwrap_or("");
    let line = parts.next().unwrap_or("");
    let path = parts.next().unwrap_or("");
    !path.is_empty()
        && !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && !column.is_empty()
        && column.bytes().all(|b| b.is_ascii_digit())
}

/// Every `path:line` that has a diagnostic.
pub fn reported_places(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter(|l| is_header(l))
        .map(|l| {
            let head = l.split(": error: ").next().unwrap();
            let (place, _column) = head.rsplit_once(':').unwrap();
            place.to_string()
        })
        .collect()
}
