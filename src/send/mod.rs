//! Send: hand a composed email to the SMTP server in site.yaml, one envelope per
//! recipient, and record every step in the ledger.
//!
//! - `lock`: one real send at a time per ledger, for the whole read-decide-deliver-record.
//! - `ledger`: the append-only record of what went out, safe against torn lines.
//! - `place`: where the ledger (with its lock and the calendars' memory) lives.
//! - `ci`: the CI rule: no real send when the ledger goes with the checkout.
//! - `baseline`: which earlier email a new one is compared with (pure).
//! - `plan`: who is owed, and under which Message-ID (pure).
//! - `server`, `transaction`: the SMTP session (TLS, AUTH) and one message's phases.
//! - `explain`: SMTP errors in plain words.
//!
//! Credentials come only from the environment variables that site.yaml names and are
//! never printed or stored.

pub mod baseline;
pub mod ci;
pub mod explain;
pub mod ledger;
pub mod lock;
pub mod place;
pub mod plan;
pub mod server;
pub mod transaction;

use std::path::Path;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;

use crate::config::site::SmtpConfig;

/// How to reach the server.
pub struct Connection {
    pub smtp: SmtpConfig,
    /// An extra CA certificate (PEM) to trust, e.g. a company CA or a test server's.
    pub ca_file: Option<std::path::PathBuf>,
    /// Connect and per-command timeout.
    pub timeout: Duration,
}

/// A failure that stops the whole send: no point trying other recipients.
#[derive(Debug)]
pub struct Fatal(pub String);

/// User and password from the variables site.yaml names; both or neither.
fn credentials(smtp: &SmtpConfig) -> Result<Option<Credentials>, Fatal> {
    let read = |name: &Option<String>| -> Result<Option<String>, Fatal> {
        match name {
            None => Ok(None),
            Some(var) => std::env::var(var)
                .map(Some)
                .map_err(|_| Fatal(format!("environment variable {var} is not set (site.yaml smtp names it for the SMTP login); export it, or remove it from site.yaml"))),
        }
    };
    match (read(&smtp.username_env)?, read(&smtp.password_env)?) {
        (Some(user), Some(password)) => Ok(Some(Credentials::new(user, password))),
        (None, None) => Ok(None),
        _ => Err(Fatal(
            "site.yaml smtp names only one of username_env and password_env; name both".into(),
        )),
    }
}

/// How often, and how patiently, to retry temporary failures.
#[derive(Debug, Clone, Copy)]
pub struct Retry {
    pub attempts: u32,
    pub first_delay: Duration,
}

/// Where the dry run writes the message it would send.
pub fn outbox_path(root: &Path, slug: &str, kind: &str) -> std::path::PathBuf {
    root.join(".golive")
        .join("outbox")
        .join(format!("{slug}-{kind}.eml"))
}

/// Writes the dry run's message whole or not at all: into a temporary file beside
/// it, synced, then renamed over it. An interrupted run leaves the previous file,
/// and two dry runs at once each leave a whole one.
pub fn write_outbox(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let temporary = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::File::create(&temporary)
        .and_then(|mut file| file.write_all(bytes).and_then(|()| file.sync_all()))
        .and_then(|()| std::fs::rename(&temporary, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}
