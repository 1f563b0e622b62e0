//! One real send at a time per ledger. The whole send (read the ledger, decide who
//! is owed, deliver, record) runs under an exclusive lock on a file beside the
//! ledger, so a second sender of the same email waits, then reads what the first
//! one recorded and sends only what is still owed.
//!
//! The lock is `flock`-style (`File::lock`): the operating system releases it when
//! the holder exits, however it exits (`kill -9` included), so a crashed send never
//! leaves a stale lock behind. The file itself stays; it holds the pid of the
//! current holder, only to tell a waiting sender who it waits for.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Seek, SeekFrom, Write};
use std::path::Path;

/// Held for the life of the value; released on drop or process exit.
#[derive(Debug)]
pub struct SendLock {
    _file: File,
}

impl SendLock {
    /// Takes the lock in `path`, creating the file and its folder. When another
    /// process holds it, calls `waiting` once with that process's pid (if it could
    /// be read) and blocks until the lock is free.
    pub fn acquire(path: &Path, waiting: impl FnOnce(Option<u32>)) -> io::Result<SendLock> {
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(path)
                    .ok()
                    .and_then(|text| text.trim().parse().ok());
                waiting(holder);
                file.lock()?;
            }
            Err(TryLockError::Error(e)) => return Err(e),
        }
        // Only the holder writes, so this never races with another writer.
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        writeln!(file, "{}", std::process::id())?;
        Ok(SendLock { _file: file })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn a_second_taker_waits_for_the_first_and_learns_its_pid() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("sent.jsonl.lock");
        let first = SendLock::acquire(&path, |_| panic!("nobody holds it yet")).unwrap();
        let (told, heard) = mpsc::channel();
        let second_path = path.clone();
        let second = std::thread::spawn(move || {
            SendLock::acquire(&second_path, |holder| told.send(holder).unwrap()).unwrap()
        });
        // The second taker reports that it waits (deterministic: it cannot get
        // the lock while `first` lives), then gets it once `first` is dropped.
        assert_eq!(heard.recv().unwrap(), Some(std::process::id()));
        drop(first);
        let _second = second.join().unwrap();
    }
}
