//! Finding the file a request names inside the output folder, and nothing
//! else: no path outside it (through `..` or a symbolic link), no hidden
//! files (golive's bookkeeping: `.golive-manifest`, `.golive-cache.json`,
//! lock and marker files), no temporary files (`*.golive-tmp*`), nothing that
//! is not a regular file.
//!
//! The file is opened first and its real path checked afterwards (on Linux
//! through `/proc/self/fd`), so a link swapped in between a check and the
//! open cannot slip through: what is checked is what was opened. Elsewhere
//! the real path comes from `canonicalize` after the open, which leaves a
//! small window for such a swap.

use std::ffi::OsStr;
use std::fs::File;
use std::path::{Component, Path, PathBuf};

/// An opened regular file inside the output folder.
#[derive(Debug)]
pub struct Found {
    pub file: File,
    pub len: u64,
    /// The path asked for (its extension gives the Content-Type).
    pub name: PathBuf,
}

/// Opens what a decoded request path names below `out`: the file itself, or
/// the `index.html` of a folder (a path ending in `/` asks for that only).
pub fn open(out: &Path, path: &str) -> Option<Found> {
    let wanted = if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    };
    let relative = Path::new(wanted.trim_start_matches('/'));
    if !is_public(relative) {
        return None;
    }
    // Resolved for every request: the output folder may be deleted and built
    // again, or be a link the user set up.
    let root = out.canonicalize().ok()?;
    let direct = root.join(relative);
    let index = direct.join("index.html");
    open_inside(&root, direct).or_else(|| open_inside(&root, index))
}

/// A relative path of plain names, none of them hidden or temporary.
fn is_public(relative: &Path) -> bool {
    relative
        .components()
        .all(|c| matches!(c, Component::Normal(name) if !is_private(name)))
}

/// Hidden names (which golive's bookkeeping files all have) and golive's
/// temporary files.
fn is_private(name: &OsStr) -> bool {
    let name = name.as_encoded_bytes();
    name.starts_with(b".") || name.windows(11).any(|w| w == b".golive-tmp")
}

fn open_inside(root: &Path, candidate: PathBuf) -> Option<Found> {
    let file = open_without_blocking(&candidate)?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let real = real_path(&file, &candidate)?;
    if !is_public(real.strip_prefix(root).ok()?) {
        return None;
    }
    Some(Found {
        file,
        len: meta.len(),
        name: candidate,
    })
}

/// Opens for reading without waiting: a FIFO put in the folder would
/// otherwise block the worker in `open` until a writer came along.
#[cfg(unix)]
fn open_without_blocking(path: &Path) -> Option<File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .ok()
}

#[cfg(not(unix))]
fn open_without_blocking(path: &Path) -> Option<File> {
    File::open(path).ok()
}

/// Where the opened file really is. A file replaced since it was opened
/// (golive renames new pages over old ones) reads `... (deleted)`, still inside.
#[cfg(target_os = "linux")]
fn real_path(file: &File, _candidate: &Path) -> Option<PathBuf> {
    use std::os::fd::AsRawFd;
    std::fs::read_link(format!("/proc/self/fd/{}", file.as_raw_fd())).ok()
}

#[cfg(not(target_os = "linux"))]
fn real_path(_file: &File, candidate: &Path) -> Option<PathBuf> {
    candidate.canonicalize().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_names() {
        for name in [
            ".golive-manifest",
            ".golive-cache.json",
            ".golive-output",
            ".golive-lock",
            ".env",
            "index.html.golive-tmp",
            "index.html.123.4.golive-tmp",
            "index.html.golive-tmp.123",
        ] {
            assert!(is_private(OsStr::new(name)), "{name}");
        }
        for name in ["index.html", "golive.css", "golive-tmp", "a.b.c"] {
            assert!(!is_private(OsStr::new(name)), "{name}");
        }
    }

    #[test]
    fn only_regular_files_below_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("public");
        std::fs::create_dir_all(out.join("docs")).unwrap();
        std::fs::write(out.join("index.html"), "home").unwrap();
        std::fs::write(out.join("docs/index.html"), "docs").unwrap();
        std::fs::write(dir.path().join("secret"), "secret").unwrap();
        std::os::unix::fs::symlink("../secret", out.join("leak")).unwrap();
        std::os::unix::fs::symlink("index.html", out.join("alias")).unwrap();
        let fifo = out.join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();

        let name = |path: &str| open(&out, path).map(|f| f.name);
        assert_eq!(
            name("/"),
            Some(out.canonicalize().unwrap().join("index.html"))
        );
        assert!(name("/docs").unwrap().ends_with("docs/index.html"));
        assert!(name("/docs/").unwrap().ends_with("docs/index.html"));
        assert!(name("/alias").is_some());
        for refused in ["/leak", "/../secret", "/docs/../../secret", "/index.html/"] {
            assert!(name(refused).is_none(), "{refused}");
        }
        if made.is_ok_and(|s| s.success()) {
            assert!(name("/fifo").is_none(), "a FIFO is not a page");
        }
    }

    #[test]
    fn an_output_folder_that_is_a_link_is_served_from_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("elsewhere");
        std::fs::create_dir_all(&real).unwrap();
        std::fs::write(real.join("index.html"), "home").unwrap();
        let out = dir.path().join("public");
        std::os::unix::fs::symlink(&real, &out).unwrap();
        assert!(open(&out, "/").is_some());
        assert!(open(&out, "/../elsewhere/index.html").is_none());
    }
}
