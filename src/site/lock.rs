//! One writer per output folder: a lock on `.golive-lock` inside it.
//!
//! `golive build` holds it for the whole build; `golive serve` for as long as it
//! runs (it keeps the folder's manifest in memory, so nobody else may write
//! there meanwhile). A build that finds the folder held by another build waits
//! for it, saying so; one that finds it held by `serve` is refused at once, as
//! is a second `serve`. The lock is the operating system's (`File::lock`,
//! flock on Unix), so it goes away with its process however that ends: there
//! are no stale locks and no timeouts that a clock could get wrong.
//!
//! While holding it, a process writes its pid and command into the file so
//! that others can name it, and empties the file again when it lets go.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::interrupt;

pub const FILE: &str = ".golive-lock";

/// How often a waiting build looks again.
const POLL: Duration = Duration::from_millis(100);

/// Which command holds, or wants, the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Build,
    Serve,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Role::Build => "build",
            Role::Serve => "serve",
        }
    }
}

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// `golive serve` holds the folder: the message says so.
    Busy(String),
    Io(io::Error),
}

/// The held lock of an output folder; let go when dropped.
#[derive(Debug)]
pub struct OutputLock {
    file: File,
    path: PathBuf,
}

impl OutputLock {
    /// Takes the lock of the existing folder `dir` as `role`, waiting for a
    /// build that holds it (printing who it waits for) and refusing at once
    /// when `golive serve` holds it.
    /// A user's interrupt ends the wait with `ErrorKind::Interrupted`.
    pub fn acquire(dir: &Path, role: Role) -> Result<OutputLock, LockError> {
        let path = dir.join(FILE);
        let mut waiting_for = None;
        loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(LockError::Io)?;
            match file.try_lock() {
                Ok(()) => {
                    let mut lock = OutputLock {
                        file,
                        path: path.clone(),
                    };
                    // The holder before may have deleted the file while we
                    // waited on it: then lock the one now at the path.
                    if !lock.is_current() {
                        continue;
                    }
                    lock.announce(role).map_err(LockError::Io)?;
                    return Ok(lock);
                }
                Err(fs::TryLockError::WouldBlock) => {}
                Err(fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
            }
            let holder = Holder::read(&file);
            if holder.role == Some(Role::Serve) {
                return Err(LockError::Busy(busy(dir, &holder, role)));
            }
            if waiting_for.as_ref() != Some(&holder) {
                eprintln!(
                    "waiting for {} to finish writing {} ...",
                    holder.describe(),
                    dir.display()
                );
                waiting_for = Some(holder);
            }
            if interrupt::requested() {
                return Err(LockError::Io(interrupt::error()));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Whether the lock file at the path is still the one held (the folder
    /// was not deleted, or replaced, since).
    pub fn is_current(&self) -> bool {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            match (self.file.metadata(), fs::metadata(&self.path)) {
                (Ok(held), Ok(there)) => held.dev() == there.dev() && held.ino() == there.ino(),
                _ => false,
            }
        }
        #[cfg(not(unix))]
        {
            self.path.is_file()
        }
    }

    /// Deletes the lock file (a build that created the folder and leaves it
    /// as it found it); the lock itself is let go on drop.
    pub fn remove_file(&self) -> io::Result<()> {
        fs::remove_file(&self.path)
    }

    fn announce(&mut self, role: Role) -> io::Result<()> {
        self.file.set_len(0)?;
        self.file.rewind()?;
        writeln!(self.file, "{} {}", std::process::id(), role.name())
    }
}

impl Drop for OutputLock {
    fn drop(&mut self) {
        // Nobody holds it now; closing the file lets go of the lock.
        let _ = self.file.set_len(0);
        let _ = self.file.unlock();
    }
}

/// Who holds a lock, as its file says.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Holder {
    pid: Option<u32>,
    role: Option<Role>,
}

impl Holder {
    fn read(file: &File) -> Holder {
        let mut text = String::new();
        // A few bytes are enough; never read a huge file whole.
        let _ = (&mut &*file).rewind();
        let _ = file.take(64).read_to_string(&mut text);
        let mut words = text.split_whitespace();
        let pid = words.next().and_then(|w| w.parse().ok());
        let role = match words.next() {
            Some("build") => Some(Role::Build),
            Some("serve") => Some(Role::Serve),
            _ => None,
        };
        // A holder that has died cannot hold the lock: the text is stale and
        // its real holder is about to write its own.
        match pid {
            Some(pid) if alive(pid) => Holder {
                pid: Some(pid),
                role,
            },
            _ => Holder {
                pid: None,
                role: None,
            },
        }
    }

    fn describe(&self) -> String {
        match (self.role, self.pid) {
            (Some(role), Some(pid)) => format!("golive {} (pid {pid})", role.name()),
            _ => "another golive process".to_string(),
        }
    }
}

/// Whether a process with this pid exists (Linux; elsewhere, assume so).
fn alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new(&format!("/proc/{pid}")).exists()
    } else {
        true
    }
}

fn busy(dir: &Path, holder: &Holder, role: Role) -> String {
    let (dir, holder) = (dir.display(), holder.describe());
    match role {
        Role::Build => format!(
            "{dir} is in use by {holder}, which keeps it up to date; stop it (Ctrl-C) before building into it, or build elsewhere with --out DIR"
        ),
        Role::Serve => format!(
            "{dir} is already served by {holder}; stop it first, or serve from another folder with --out DIR"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_serve_is_refused_and_the_file_is_emptied_on_release() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(dir.path(), Role::Serve).unwrap();
        let text = fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert_eq!(text, format!("{} serve\n", std::process::id()));
        // Another open file description in this process conflicts like another process.
        match OutputLock::acquire(dir.path(), Role::Build) {
            Err(LockError::Busy(message)) => {
                assert!(message.contains("golive serve (pid"), "{message}")
            }
            other => panic!("a build into a served folder must be refused: {other:?}"),
        }
        drop(first);
        assert_eq!(fs::read_to_string(dir.path().join(FILE)).unwrap(), "");
        let again = OutputLock::acquire(dir.path(), Role::Build).unwrap();
        assert!(again.is_current());
        fs::remove_file(dir.path().join(FILE)).unwrap();
        assert!(!again.is_current());
    }
}
