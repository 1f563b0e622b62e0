//! The send ledger (`.golive/sent.jsonl` in the site unless `super::place` says
//! otherwise): one JSON line per recipient
//! per step of an attempt. It makes a second send of the same email a refusal, lets
//! a send that stopped half-way go only to the recipients still owed, and keeps the
//! Message-ID of a message whose outcome is unknown so that it is re-sent as the
//! same message.
//!
//! Crash safety: each record is serialised first and written with one `write_all`
//! of the whole line, then synced. A line cut off by a crash is never glued to the
//! next record: before appending, a last line without its newline is terminated, so
//! the fragment stays a line of its own. Reading skips lines that are not whole
//! records, with a warning that names the file and line.
//!
//! A delivered record also carries a compact snapshot of the evaluated release as
//! the email told it (`evaluate::snapshot`), so that a later email can say what
//! changed since (`super::baseline`). Records written before snapshots existed
//! have none and still read.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::place::Place;
use crate::evaluate::snapshot::Snapshot;

/// One step of one recipient's delivery.
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
    /// The server's answer, or what went wrong, for failed and unknown outcomes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// What the email told: on delivered records only (older ledgers have none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<Snapshot>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Written before the message goes out (before DATA). As a recipient's last
    /// record it means the sender died before it learnt the outcome.
    Attempted,
    /// The server accepted the message (250 after the final dot).
    Delivered,
    /// The server refused it, or the message never went out: certainly not delivered.
    Failed,
    /// The message went out but no answer came (connection dropped, timeout).
    Unknown,
}

impl Outcome {
    /// Whether the message may or may not have arrived.
    pub fn is_unknown(self) -> bool {
        matches!(self, Outcome::Attempted | Outcome::Unknown)
    }
}

/// Where the ledger is, and how to name it to the user.
pub struct Ledger {
    path: PathBuf,
    shown: PathBuf,
}

/// What reading the ledger found.
#[derive(Debug, Default)]
pub struct Reading {
    /// Every whole record, oldest first.
    pub entries: Vec<Entry>,
    /// One warning per line that is not a whole record, naming file and line.
    pub warnings: Vec<String>,
}

impl Ledger {
    /// The ledger at `place`.
    pub fn at(place: &Place) -> Ledger {
        Ledger {
            path: place.path().to_path_buf(),
            shown: place.shown().to_path_buf(),
        }
    }

    /// The ledger at its default place in the site in `root`.
    pub fn in_site(root: &Path) -> Ledger {
        Ledger::at(&Place::default_in(root))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path as the user wrote it (the default relative to the site), for messages.
    pub fn shown(&self) -> &Path {
        &self.shown
    }

    /// The lock file beside the ledger (see `super::lock`).
    pub fn lock_path(&self) -> PathBuf {
        with_suffix(&self.path, ".lock")
    }

    pub fn shown_lock_path(&self) -> PathBuf {
        with_suffix(&self.shown, ".lock")
    }

    /// Every whole record; lines that are not one are skipped with a warning. A
    /// missing ledger is an empty one.
    pub fn read(&self) -> io::Result<Reading> {
        // `build` reads it too (the postponement preview): a pipe or a device in
        // its place must not make it wait forever.
        match fs::metadata(&self.path) {
            Ok(meta) if meta.is_dir() => return Err(io::Error::other(self.folder_in_place())),
            Ok(meta) if !meta.is_file() => {
                return Err(io::Error::other(
                    "it is not a regular file; move it away (golive writes a new ledger)",
                ));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Reading::default()),
            _ => {}
        }
        let file = match File::open(&self.path) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Reading::default()),
            Err(e) => return Err(e),
        };
        let mut reader = BufReader::new(file);
        let mut reading = Reading::default();
        let mut line = Vec::new();
        for number in 1.. {
            line.clear();
            if reader.read_until(b'\n', &mut line)? == 0 {
                break;
            }
            let complete = line.ends_with(b"\n");
            let text = line.trim_ascii();
            if text.is_empty() {
                continue;
            }
            match serde_json::from_slice::<Entry>(text) {
                Ok(entry) => reading.entries.push(entry),
                Err(_) if !complete => reading.warnings.push(format!(
                    "line {number} of {} is incomplete (cut off by a crash?); it is ignored",
                    self.shown.display()
                )),
                Err(_) => reading.warnings.push(format!(
                    "line {number} of {} is not a whole send record (cut off by a crash, or edited?); it is ignored",
                    self.shown.display()
                )),
            }
        }
        Ok(reading)
    }

    /// Opens the ledger for appending, creating it and its folder. A last line
    /// without its newline is terminated first, so that the next record starts on
    /// a line of its own.
    pub fn appender(&self) -> io::Result<Appender> {
        if let Some(dir) = self.path.parent() {
            fs::create_dir_all(dir)?;
        }
        if self.path.is_dir() {
            return Err(io::Error::other(self.folder_in_place()));
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(&self.path)?;
        if ends_without_newline(&mut file)? {
            file.write_all(b"\n")?;
            file.sync_data()?;
        }
        Ok(Appender { file })
    }
}

impl Ledger {
    /// Why a folder where the ledger should be is refused, and the fix.
    fn folder_in_place(&self) -> String {
        format!(
            "it is a folder, and the ledger is a file: name a file in it, such as {} \
             (with --ledger, GOLIVE_LEDGER or `ledger:` in site.yaml), or move the folder away",
            self.shown.join("sent.jsonl").display()
        )
    }
}

/// Appends records to an open ledger.
pub struct Appender {
    file: File,
}

impl Appender {
    /// Appends one record as one whole line and syncs it to disk, so that a crash
    /// loses at most the line being written and never a line already recorded.
    pub fn record(&mut self, entry: &Entry) -> io::Result<()> {
        let mut line = serde_json::to_vec(entry).map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()
    }
}

fn ends_without_newline(file: &mut File) -> io::Result<bool> {
    if file.metadata()?.len() == 0 {
        return Ok(false);
    }
    let mut last = [0u8];
    file.seek(SeekFrom::End(-1))?;
    file.read_exact(&mut last)?;
    Ok(last[0] != b'\n')
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(recipient: &str, outcome: Outcome) -> Entry {
        Entry {
            release: "r-1.0.0".into(),
            kind: "success".into(),
            hash: "h".into(),
            message_id: "<id@x>".into(),
            recipient: recipient.into(),
            time: "2026-12-04T09:00:00+00:00".into(),
            outcome,
            detail: None,
            snapshot: None,
        }
    }

    fn ledger() -> (tempfile::TempDir, Ledger) {
        let dir = tempfile::tempdir().unwrap();
        let ledger = Ledger::in_site(dir.path());
        (dir, ledger)
    }

    #[test]
    fn a_missing_ledger_and_folder_read_as_empty_and_are_created_on_append() {
        let (_dir, ledger) = ledger();
        let reading = ledger.read().unwrap();
        assert!(reading.entries.is_empty() && reading.warnings.is_empty());
        ledger
            .appender()
            .unwrap()
            .record(&entry("a@x", Outcome::Attempted))
            .unwrap();
        assert_eq!(
            ledger.read().unwrap().entries,
            [entry("a@x", Outcome::Attempted)]
        );
    }

    #[test]
    fn a_torn_last_line_is_terminated_before_the_next_record_and_warned_about_once() {
        let (_dir, ledger) = ledger();
        let whole = serde_json::to_string(&entry("a@x", Outcome::Delivered)).unwrap();
        let torn = &serde_json::to_string(&entry("b@x", Outcome::Delivered)).unwrap()[..30];
        fs::create_dir_all(ledger.path().parent().unwrap()).unwrap();
        fs::write(ledger.path(), format!("{whole}\n{torn}")).unwrap();

        let before = ledger.read().unwrap();
        assert_eq!(before.entries.len(), 1);
        assert_eq!(
            before.warnings,
            ["line 2 of .golive/sent.jsonl is incomplete (cut off by a crash?); it is ignored"]
        );

        ledger
            .appender()
            .unwrap()
            .record(&entry("c@x", Outcome::Delivered))
            .unwrap();
        let text = fs::read_to_string(ledger.path()).unwrap();
        assert_eq!(text.lines().nth(1), Some(torn), "the fragment stays apart");
        let after = ledger.read().unwrap();
        let recipients: Vec<&str> = after.entries.iter().map(|e| e.recipient.as_str()).collect();
        assert_eq!(recipients, ["a@x", "c@x"]);
        assert_eq!(after.warnings.len(), 1);
        assert!(after.warnings[0].starts_with("line 2 of"));
    }

    #[test]
    fn bad_lines_anywhere_are_skipped_with_their_line_numbers_and_the_rest_kept() {
        let (_dir, ledger) = ledger();
        let line = |r: &str| serde_json::to_string(&entry(r, Outcome::Delivered)).unwrap();
        let mut bytes = format!("{}\n\n", line("a@x")).into_bytes();
        bytes.extend_from_slice(b"{\"release\":\x07\xff\n");
        bytes.extend_from_slice(format!("{}\n", line("b@x")).as_bytes());
        fs::create_dir_all(ledger.path().parent().unwrap()).unwrap();
        fs::write(ledger.path(), bytes).unwrap();
        let reading = ledger.read().unwrap();
        assert_eq!(reading.entries.len(), 2);
        assert_eq!(reading.warnings.len(), 1);
        assert!(reading.warnings[0].starts_with("line 3 of .golive/sent.jsonl is not a whole"));
    }

    #[test]
    fn a_complete_last_record_without_its_newline_counts_and_is_not_glued_to() {
        let (_dir, ledger) = ledger();
        let whole = serde_json::to_string(&entry("a@x", Outcome::Delivered)).unwrap();
        fs::create_dir_all(ledger.path().parent().unwrap()).unwrap();
        fs::write(ledger.path(), &whole).unwrap();
        assert_eq!(ledger.read().unwrap().entries.len(), 1);
        ledger
            .appender()
            .unwrap()
            .record(&entry("b@x", Outcome::Delivered))
            .unwrap();
        let reading = ledger.read().unwrap();
        assert_eq!(reading.entries.len(), 2);
        assert!(reading.warnings.is_empty());
    }

    #[test]
    fn a_snapshot_is_stored_on_one_line_and_lines_without_one_still_read() {
        let (_dir, ledger) = ledger();
        // A line as golive wrote it before snapshots existed.
        let old = r#"{"release":"r-1.0.0","kind":"readiness","hash":"h","message_id":"<id@x>","recipient":"a@x","time":"2026-12-01T09:00:00+00:00","outcome":"delivered"}"#;
        fs::create_dir_all(ledger.path().parent().unwrap()).unwrap();
        fs::write(ledger.path(), format!("{old}\n")).unwrap();
        let mut told = entry("b@x", Outcome::Delivered);
        told.snapshot = Some(Snapshot {
            target: crate::evaluate::Moment {
                iso: "2026-12-04T09:00:00+00:00".into(),
                display: "Fri 4 Dec 2026, 09:00 UTC".into(),
                unix: 1_796_374_800,
                utc: None,
            },
            decision_due: None,
            verdict: crate::evaluate::Verdict::GoPending,
            score: Some(91.5),
            blockers: vec!["Disk quota".into()],
            approvals: [("CTO".to_string(), "pending".to_string())].into(),
        });
        ledger.appender().unwrap().record(&told).unwrap();
        let text = fs::read_to_string(ledger.path()).unwrap();
        assert_eq!(text.lines().count(), 2);
        let reading = ledger.read().unwrap();
        assert!(reading.warnings.is_empty(), "{:?}", reading.warnings);
        assert_eq!(reading.entries[0].snapshot, None);
        assert_eq!(reading.entries[0].recipient, "a@x");
        assert_eq!(reading.entries[1], told);
        assert!(
            text.lines().nth(1).unwrap().len() < 600,
            "compact: {}",
            text.lines().nth(1).unwrap()
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_pipe_in_place_of_the_ledger_is_an_error_not_a_wait() {
        use std::os::unix::ffi::OsStrExt as _;
        let (_dir, ledger) = ledger();
        fs::create_dir_all(ledger.path().parent().unwrap()).unwrap();
        let path = std::ffi::CString::new(ledger.path().as_os_str().as_bytes()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(path.as_ptr(), 0o600) }, 0);
        let error = ledger.read().unwrap_err();
        assert!(error.to_string().contains("not a regular file"), "{error}");
    }

    #[test]
    fn a_folder_in_place_of_the_ledger_is_refused_naming_a_file_to_use() {
        let dir = tempfile::tempdir().unwrap();
        let place = Place::resolve(dir.path(), None, Some(Path::new("ops/golive")));
        fs::create_dir_all(place.path()).unwrap();
        let ledger = Ledger::at(&place);
        let read = ledger.read().unwrap_err().to_string();
        assert!(read.contains("it is a folder"), "{read}");
        assert!(read.contains("ops/golive/sent.jsonl"), "{read}");
        let append = ledger.appender().err().unwrap().to_string();
        assert_eq!(append, read);
    }

    #[test]
    fn control_characters_in_a_detail_stay_inside_their_line() {
        let (_dir, ledger) = ledger();
        let mut failed = entry("a@x", Outcome::Failed);
        failed.detail = Some("550 no\r\nsuch\u{7} user\n".into());
        ledger.appender().unwrap().record(&failed).unwrap();
        let text = fs::read_to_string(ledger.path()).unwrap();
        assert_eq!(text.lines().count(), 1);
        assert_eq!(ledger.read().unwrap().entries, [failed]);
    }
}
