//! Stopping a build at a safe point when the user asks (Ctrl-C, SIGTERM, SIGHUP).
//!
//! The signal handler only raises a flag. A build looks at it before each file
//! it writes and before each release it renders, and stops there with
//! `ErrorKind::Interrupted`; the output folder then rolls back (see `output`).
//! Once a build has begun putting its files into place (`Output::commit`) it no
//! longer looks: stopping half-way through that would leave a mix of two builds.
//! A second signal stops the process at once; the next build then finds the
//! folder marked unfinished and checks it.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Installs the handler for SIGINT, SIGTERM and SIGHUP (once per process).
/// The first signal raises the flag and calls `then` (serve uses it to wake
/// its loop); a second one exits with 130 without cleaning up.
pub fn install(then: impl Fn() + Send + 'static) -> Result<(), String> {
    ctrlc::set_handler(move || {
        if REQUESTED.swap(true, Ordering::SeqCst) {
            eprintln!("interrupted again: stopping now; the next build checks the output folder");
            std::process::exit(130);
        }
        then();
    })
    .map_err(|e| format!("cannot handle Ctrl-C: {e}"))
}

/// Whether the user asked to stop.
pub fn requested() -> bool {
    REQUESTED.load(Ordering::SeqCst)
}

/// The error a build stops with when asked to. `std` retries the kernel's own
/// EINTR, so an `Interrupted` error that reaches the build is this one.
pub fn error() -> io::Error {
    io::Error::new(io::ErrorKind::Interrupted, "interrupted")
}

/// `Err(error())` once the user asked to stop.
pub fn check() -> io::Result<()> {
    if requested() { Err(error()) } else { Ok(()) }
}
