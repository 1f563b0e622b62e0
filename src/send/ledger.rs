//! The send ledger, `.golive/sent.jsonl` in the site: one JSON line per recipient
//! per attempt. It makes a second send of the same email a refusal, and lets a
//! send that failed half-way go only to the recipients still owed.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// One recipient's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub release: String,
    pub kind: String,
    /// Fingerprint of the email's content (subject, text, HTML).
    pub hash: String,
    pub message_id: String,
    pub recipient: String,
    /// RFC 3339.
    pub time: String,
    pub outcome: Outcome,
    /// The server's answer, for failures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Delivered,
    Failed,
}

pub struct Ledger {
    path: PathBuf,
}

impl Ledger {
    pub fn in_site(root: &Path) -> Ledger {
        Ledger {
            path: root.join(".golive").join("sent.jsonl"),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Every entry of `release` and `kind`, oldest first. Lines that do not
    /// parse (a crash mid-write) are skipped.
    pub fn entries(&self, release: &str, kind: &str) -> io::Result<Vec<Entry>> {
        let text = match fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(text
            .lines()
            .filter_map(|l| serde_json::from_str::<Entry>(l).ok())
            .filter(|e| e.release == release && e.kind == kind)
            .collect())
    }

    /// Appends one entry and flushes it, so a crash loses at most the line being written.
    pub fn append(&self, entry: &Entry) -> io::Result<()> {
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        let mut line = serde_json::to_string(entry).map_err(io::Error::other)?;
        line.push('\n');
        file.write_all(line.as_bytes())?;
        file.sync_data()
    }
}
