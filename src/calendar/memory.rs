//! What the calendars remember between builds: `calendar.json` beside the send
//! ledger (`.golive/calendar.json` in the site unless `send::place` says otherwise). For every event UID it keeps the times last
//! published, the SEQUENCE and the DTSTAMP, so that a moved event is published
//! with a higher SEQUENCE (calendar apps then take the new times) and an
//! unchanged one with the same bytes as before.
//!
//! `build` (and serve's builds) write it, atomically, only when it changes;
//! `golive email` and `send` only read it and apply the same rule (`place`).
//! Like the ledger it belongs with the site (commit it, or keep it where CI
//! keeps the ledger): without it the numbering starts again at 0.

use std::collections::BTreeMap;
use std::io;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::At;
use crate::send::place::{CALENDAR_MEMORY, Place};

/// One event as last published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub start: At,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end: Option<At>,
    pub sequence: u32,
    /// When the sequence last changed (the event's DTSTAMP).
    pub stamp: DateTime<Utc>,
}

/// Every event ever published from the site, by UID. Events that went away
/// are kept: if one comes back, its SEQUENCE goes on from where it was.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    pub events: BTreeMap<String, Record>,
}

/// The rule, as a pure function: what an event with `uid` at `start`..`end`
/// is published as, given what was `recorded` for it, at `now`. The same times
/// keep the record; other times add one to the sequence; a new UID starts at 0.
/// The stamp is `now` whenever the sequence is set.
pub fn place(
    recorded: Option<&Record>,
    start: &At,
    end: Option<&At>,
    now: DateTime<Utc>,
) -> Record {
    // Whole seconds: DTSTAMP has no fractions, and the file must say what was published.
    let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
    match recorded {
        Some(r) if &r.start == start && r.end.as_ref() == end => r.clone(),
        Some(r) => Record {
            start: start.clone(),
            end: end.cloned(),
            sequence: r.sequence.saturating_add(1),
            stamp: now,
        },
        None => Record {
            start: start.clone(),
            end: end.cloned(),
            sequence: 0,
            stamp: now,
        },
    }
}

/// The memory file beside the ledger at `place`.
pub fn path(place: &Place) -> PathBuf {
    place.beside(CALENDAR_MEMORY)
}

/// The memory file as the user would write it, for messages.
pub fn shown(place: &Place) -> PathBuf {
    place.shown_beside(CALENDAR_MEMORY)
}

/// What reading the memory found: the memory (empty when there is no file),
/// and a warning when the file is there but unusable (it is then left alone).
#[derive(Debug, Default)]
pub struct Reading {
    pub memory: Memory,
    pub warning: Option<String>,
}

impl Reading {
    /// Whether the file may be written: not when it holds what golive cannot read.
    pub fn writable(&self) -> bool {
        self.warning.is_none()
    }
}

/// The largest memory read: about a million events, far beyond any site, yet
/// bounded, so a file put in its place cannot exhaust memory.
const MAX_BYTES: u64 = 256 * 1024 * 1024;

/// Reads the memory beside the ledger at `place`. A missing file is an empty memory.
pub fn read(place: &Place) -> Reading {
    let file = path(place);
    let unusable = |why: String| Reading {
        memory: Memory::default(),
        warning: Some(format!(
            "{}: {why}; calendar events are numbered as if new (SEQUENCE 0) and the file is left as it is: fix it or delete it",
            shown(place).display()
        )),
    };
    // Not followed: a link could lead out of the site, or to anything.
    match std::fs::symlink_metadata(&file) {
        // No file yet (its folder missing, or a file in its place: then the
        // build's write says why it cannot keep the memory).
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            return Reading::default();
        }
        Err(e) => return unusable(e.to_string()),
        // Never wait on a pipe or a device put in its place.
        Ok(meta) if meta.file_type().is_symlink() => {
            return unusable("it is a symbolic link, not a file of the site".into());
        }
        Ok(meta) if !meta.is_file() => return unusable("it is not a regular file".into()),
        Ok(meta) if meta.len() > MAX_BYTES => {
            return unusable(format!("it is larger than {} MiB", MAX_BYTES / 1024 / 1024));
        }
        Ok(_) => {}
    }
    match std::fs::read(&file) {
        Ok(bytes) => match serde_json::from_slice(&bytes) {
            Ok(memory) => Reading {
                memory,
                warning: None,
            },
            Err(e) => unusable(format!("not a calendar memory golive can read ({e})")),
        },
        Err(e) => unusable(e.to_string()),
    }
}

/// Writes `memory` as the memory beside the ledger at `place`, atomically (as
/// the build's own bookkeeping is written), so a reader, or an interrupted
/// build, only ever sees a whole file. The folder is created when missing.
pub fn write(place: &Place, memory: &Memory) -> io::Result<()> {
    let file = path(place);
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut bytes = serde_json::to_vec_pretty(memory).map_err(io::Error::other)?;
    bytes.push(b'\n');
    crate::site::manifest::write_atomically(&file, &bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t(h: u32) -> At {
        At::Instant(Utc.with_ymd_and_hms(2026, 12, 4, h, 0, 0).unwrap())
    }

    #[test]
    fn the_sequence_rule() {
        let now = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
        let later = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
        let new = place(None, &t(9), Some(&t(10)), now);
        assert_eq!((new.sequence, new.stamp), (0, now));
        let same = place(Some(&new), &t(9), Some(&t(10)), later);
        assert_eq!(same, new, "same times keep number and stamp");
        let moved = place(Some(&new), &t(11), Some(&t(12)), later);
        assert_eq!((moved.sequence, moved.stamp), (1, later));
        let end_only = place(Some(&moved), &t(11), None, later);
        assert_eq!(end_only.sequence, 2);
    }

    #[test]
    fn stamps_are_whole_seconds() {
        let now = Utc.timestamp_opt(1_700_000_000, 123_456_789).unwrap();
        assert_eq!(
            place(None, &t(9), None, now).stamp.timestamp_subsec_nanos(),
            0
        );
    }
}
