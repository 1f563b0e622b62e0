//! The one gate every file of a site passes through on its way in.
//!
//! golive reads settings, people, releases, checklists, runbooks, verification
//! results and template overrides. All of them are read by `read`, which
//! enforces one rule: only regular files inside the site folder (the canonical
//! `--root`), at most `MAX_FILE_BYTES` of them. A symbolic link is followed when
//! its target is inside the site; one that leads outside is refused without
//! reading a byte, so an error message can never show the content of a file
//! from elsewhere (`/etc/passwd`, `/proc/self/environ`). A named pipe, a device
//! or a folder is refused before it is opened, so reading never hangs, and no
//! file is trusted to report its own size (`/proc` files say 0).

use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Location, display_path};

/// Files larger than this are refused: a release file is a few KiB.
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Why a file was not read.
#[derive(Debug)]
pub enum Refusal {
    /// Nothing at that path.
    Missing,
    /// A symbolic link whose target does not exist.
    DanglingLink,
    /// The file resolves to a place outside the site folder.
    Outside(Way),
    /// Not a regular file: a folder, a named pipe, a device or a socket.
    NotRegular(&'static str),
    /// Larger than `MAX_FILE_BYTES`.
    TooLarge,
    /// The operating system refused (permissions, a link loop, ...).
    Io(io::Error),
}

/// How a path leads outside the site folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Way {
    /// The path is a symbolic link to a file outside.
    Link,
    /// The path is inside, but a folder on the way links outside.
    LinkedFolder,
    /// The path itself names a place outside (absolute, or with `..`).
    Path,
}

/// A file that was not read: which one (as shown to the user) and why.
#[derive(Debug)]
pub struct Refused {
    /// The path as the user would type it: relative to the site when inside it.
    pub shown: PathBuf,
    /// The site folder: as given (`--root`), or its real path when the file
    /// is refused for lying outside it.
    pub root: PathBuf,
    pub reason: Refusal,
}

impl Refused {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match &self.reason {
            Refusal::Missing => "check the name; paths are relative to the file that names them",
            Refusal::DanglingLink => "fix the link, or replace it with the file itself",
            Refusal::Outside(_) => "copy the file into the site folder",
            Refusal::NotRegular(_) => {
                "golive reads only regular files; replace it with one, or move it out of the site's content"
            }
            Refusal::TooLarge => "split the content, or check that this is the file you meant",
            Refusal::Io(_) => "check the file's permissions",
        }
    }

    /// A diagnostic at the start of the refused file itself.
    pub fn into_diagnostic(self) -> Diagnostic {
        Diagnostic::new(&self.shown, Location::START, self.to_string()).with_help(self.help())
    }
}

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self.shown.display();
        let root = self.root.display();
        match &self.reason {
            Refusal::Missing => write!(f, "{shown} does not exist"),
            Refusal::DanglingLink => {
                write!(
                    f,
                    "{shown} is a symbolic link to a file that does not exist"
                )
            }
            Refusal::Outside(way) => {
                let what = match way {
                    Way::Link => "is a symbolic link to a file outside the site folder",
                    Way::LinkedFolder => {
                        "is in a folder that is a symbolic link to a place outside the site folder"
                    }
                    Way::Path => "is outside the site folder",
                };
                write!(f, "{shown} {what}; golive reads only files inside {root}")
            }
            Refusal::NotRegular(kind) => write!(f, "{shown} is {kind}, not a regular file"),
            Refusal::TooLarge => write!(
                f,
                "{shown} is larger than {} MiB; golive reads files of at most {} MiB",
                MAX_FILE_BYTES / 1024 / 1024,
                MAX_FILE_BYTES / 1024 / 1024
            ),
            Refusal::Io(e) => write!(f, "cannot read {shown}: {e}"),
        }
    }
}

/// Reads the file at `path` (absolute, or relative to the working folder) of
/// the site in `root`, by the rule above.
pub fn read(root: &Path, path: &Path) -> Result<Vec<u8>, Refused> {
    let refuse = |reason| Refused {
        shown: display_path(root, path),
        root: root.to_path_buf(),
        reason,
    };
    let entry = std::fs::symlink_metadata(path).map_err(|e| {
        refuse(match e.kind() {
            io::ErrorKind::NotFound => Refusal::Missing,
            _ => Refusal::Io(e),
        })
    })?;
    let is_link = entry.file_type().is_symlink();
    let real = std::fs::canonicalize(path).map_err(|e| {
        refuse(match e.kind() {
            io::ErrorKind::NotFound if is_link => Refusal::DanglingLink,
            io::ErrorKind::NotFound => Refusal::Missing,
            _ => Refusal::Io(e),
        })
    })?;
    let site = std::fs::canonicalize(root).map_err(|e| refuse(Refusal::Io(e)))?;
    if !real.starts_with(&site) {
        // Named by its real place, so that the message says where "inside" is.
        let way = if is_link {
            Way::Link
        } else if lexically_inside(root, path) {
            Way::LinkedFolder
        } else {
            Way::Path
        };
        let mut refused = refuse(Refusal::Outside(way));
        refused.root = site;
        return Err(refused);
    }
    // The type before opening: opening a named pipe would wait for a writer.
    let target = std::fs::metadata(&real).map_err(|e| refuse(Refusal::Io(e)))?;
    if let Some(kind) = irregular(&target.file_type()) {
        return Err(refuse(Refusal::NotRegular(kind)));
    }
    let file = open(&real).map_err(|e| refuse(Refusal::Io(e)))?;
    // And again on what was opened, in case the path changed in between.
    let opened = file.metadata().map_err(|e| refuse(Refusal::Io(e)))?;
    if let Some(kind) = irregular(&opened.file_type()) {
        return Err(refuse(Refusal::NotRegular(kind)));
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| refuse(Refusal::Io(e)))?;
    if bytes.len() > MAX_FILE_BYTES {
        return Err(refuse(Refusal::TooLarge));
    }
    Ok(bytes)
}

/// Whether something exists at `path` (a file, a folder, or a link, even a
/// broken one): the question to ask before falling back to a default.
pub fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Whether `path` names a place below `root` by its words alone: no `..`.
fn lexically_inside(root: &Path, path: &Path) -> bool {
    path.strip_prefix(root).is_ok_and(|rest| {
        rest.components().all(|c| {
            matches!(
                c,
                std::path::Component::Normal(_) | std::path::Component::CurDir
            )
        })
    })
}

/// What a file type is, with its article, when it is not a regular file.
fn irregular(kind: &std::fs::FileType) -> Option<&'static str> {
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a folder");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_char_device() || kind.is_block_device() {
            return Some("a device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

/// Opens for reading without blocking on a pipe and without following a link
/// that appeared since the path was resolved.
fn open(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }
    options.open(path)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn site() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("content")).unwrap();
        (dir, root)
    }

    #[test]
    fn reads_regular_files_and_links_inside_the_site() {
        let (_dir, root) = site();
        std::fs::write(root.join("content/a.yaml"), "a: 1\n").unwrap();
        symlink("a.yaml", root.join("content/b.yaml")).unwrap();
        assert_eq!(
            read(&root, &root.join("content/a.yaml")).unwrap(),
            b"a: 1\n"
        );
        assert_eq!(
            read(&root, &root.join("content/b.yaml")).unwrap(),
            b"a: 1\n"
        );
    }

    #[test]
    fn refuses_links_and_paths_outside_the_site() {
        let (dir, root) = site();
        let secret = dir.path().join("secret.txt");
        std::fs::write(&secret, "hunter2").unwrap();
        symlink(&secret, root.join("content/people.yaml")).unwrap();
        let refused = read(&root, &root.join("content/people.yaml")).unwrap_err();
        assert!(matches!(refused.reason, Refusal::Outside(Way::Link)));
        let text = refused.to_string();
        assert!(text.starts_with("content/people.yaml is a symbolic link to a file outside"));
        assert!(
            !text.contains("hunter2") && !text.contains("secret.txt"),
            "{text}"
        );
        let refused = read(&root, &root.join("content/../../secret.txt")).unwrap_err();
        assert!(matches!(refused.reason, Refusal::Outside(Way::Path)));
        assert!(matches!(
            read(&root, Path::new("/etc/passwd")).unwrap_err().reason,
            Refusal::Outside(Way::Path)
        ));
    }

    #[test]
    fn refuses_folders_pipes_devices_and_dangling_links_without_hanging() {
        let (_dir, root) = site();
        std::fs::create_dir(root.join("content/x.yaml")).unwrap();
        let fifo = root.join("content/pipe.yaml");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        symlink("/dev/zero", root.join("content/zero.yaml")).unwrap();
        symlink("nowhere.yaml", root.join("content/dangling.yaml")).unwrap();
        let reason = |name: &str| {
            read(&root, &root.join("content").join(name))
                .unwrap_err()
                .reason
        };
        assert!(matches!(reason("x.yaml"), Refusal::NotRegular("a folder")));
        if made.is_ok_and(|s| s.success()) {
            assert!(matches!(reason("pipe.yaml"), Refusal::NotRegular(_)));
        }
        // /dev/zero is outside the site before it is anything else.
        assert!(matches!(reason("zero.yaml"), Refusal::Outside(Way::Link)));
        assert!(matches!(reason("dangling.yaml"), Refusal::DanglingLink));
        assert!(matches!(reason("missing.yaml"), Refusal::Missing));
    }

    #[test]
    fn refuses_files_over_the_cap_whatever_they_claim() {
        let (_dir, root) = site();
        let big = root.join("content/big.yaml");
        std::fs::write(&big, vec![b'a'; MAX_FILE_BYTES + 1]).unwrap();
        assert!(matches!(
            read(&root, &big).unwrap_err().reason,
            Refusal::TooLarge
        ));
        std::fs::write(&big, vec![b'a'; MAX_FILE_BYTES]).unwrap();
        assert_eq!(read(&root, &big).unwrap().len(), MAX_FILE_BYTES);
    }
}
