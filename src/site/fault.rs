//! A fault hook for tests, so that they can stop a build at an exact point
//! instead of hoping that a timer lands half-way through it.
//!
//! `GOLIVE_FAULT_AFTER_WRITES=N:MODE` in the environment of a `golive` process:
//!
//! - `abort`: `std::process::abort()` right after the Nth file write (no
//!   unwinding, no cleanup: what `kill -9` leaves);
//! - `panic`: a panic right after the Nth write (unwinding runs);
//! - `pause`: before the write after the Nth, print `golive: fault hook:
//!   paused after N writes` to stderr and block every writer until a line (or
//!   end of file) arrives on stdin, or the user interrupts the build;
//! - `fail`: the write after the Nth, and every one after it, writes half of
//!   the file and fails with "No space left on device" (a full disk).
//!
//! Writes are counted over the whole process: each file written into the
//! output folder, and each file renamed into place when a build commits (see
//! `output`), so `abort` can also land in the middle of a commit. Nothing here
//! runs unless the variable is set; it is not a feature for users.

use std::fs::File;
use std::io::{self, Write as _};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use super::interrupt;

const VARIABLE: &str = "GOLIVE_FAULT_AFTER_WRITES";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Abort,
    Panic,
    Pause,
    Fail,
}

struct Fault {
    after: usize,
    mode: Mode,
    done: AtomicUsize,
    announced: AtomicBool,
}

/// Set by the stdin reader that a `pause` starts.
static RESUMED: AtomicBool = AtomicBool::new(false);

/// The hook the environment asks for, read once per process.
fn active() -> Option<&'static Fault> {
    static FAULT: OnceLock<Option<Fault>> = OnceLock::new();
    FAULT
        .get_or_init(|| {
            let value = std::env::var(VARIABLE).ok()?;
            let (n, mode) = value.split_once(':').unwrap_or((&value, "abort"));
            let mode = match mode {
                "abort" => Mode::Abort,
                "panic" => Mode::Panic,
                "pause" => Mode::Pause,
                "fail" => Mode::Fail,
                _ => return None,
            };
            Some(Fault {
                after: n.trim().parse().ok()?,
                mode,
                done: AtomicUsize::new(0),
                announced: AtomicBool::new(false),
            })
        })
        .as_ref()
}

/// Writes `bytes` to `file`: one counted file write.
pub fn write(file: &mut File, bytes: &[u8]) -> io::Result<()> {
    if let Some(fault) = active() {
        let due = fault.done.load(Ordering::SeqCst) >= fault.after;
        match fault.mode {
            Mode::Pause if due => fault.pause()?,
            Mode::Fail if due => {
                file.write_all(&bytes[..bytes.len() / 2])?;
                return Err(disk_full());
            }
            _ => {}
        }
    }
    file.write_all(bytes)?;
    step();
    Ok(())
}

/// Counts one write (or rename into place); aborts or panics after the Nth.
pub fn step() {
    let Some(fault) = active() else {
        return;
    };
    let n = fault.done.fetch_add(1, Ordering::SeqCst) + 1;
    if n != fault.after {
        return;
    }
    match fault.mode {
        Mode::Abort => {
            eprintln!("golive: fault hook: aborting after {n} writes");
            std::process::abort();
        }
        Mode::Panic => panic!("golive: fault hook: panic after {n} writes"),
        Mode::Pause | Mode::Fail => {}
    }
}

impl Fault {
    /// Blocks until stdin says go on, or the user interrupts the build.
    fn pause(&self) -> io::Result<()> {
        if !self.announced.swap(true, Ordering::SeqCst) {
            std::thread::spawn(|| {
                let _ = io::stdin().read_line(&mut String::new());
                RESUMED.store(true, Ordering::SeqCst);
            });
            eprintln!(
                "golive: fault hook: paused after {} writes (pid {})",
                self.after,
                std::process::id()
            );
        }
        while !RESUMED.load(Ordering::SeqCst) {
            interrupt::check()?;
            std::thread::sleep(Duration::from_millis(10));
        }
        Ok(())
    }
}

/// What a full disk reports.
fn disk_full() -> io::Error {
    #[cfg(unix)]
    {
        io::Error::from_raw_os_error(28) // ENOSPC
    }
    #[cfg(not(unix))]
    {
        io::Error::new(io::ErrorKind::StorageFull, "no space left on device")
    }
}
