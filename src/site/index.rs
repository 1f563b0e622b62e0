//! The unchanged rebuild's shortcut: `.golive-index` in the output folder, a
//! small file a build writes last, saying what the folder was built from.
//!
//! It holds the cache key (shared inputs, theme, date, version, ledger place),
//! the stamp of every release file and of every other file a release was read
//! from (the ledger, for a postponed one), the stamp of the calendars' memory,
//! the stamps of the manifest and cache it goes with, the span of time in which
//! every page stays current (no release's deadline, and no moment at which a
//! release moves between the dashboard's or a runbook page's sections, lies
//! between the build's time and the new one), and the counts for the summary.
//!
//! A build that finds all of it equal, and the folder not marked dirty, does
//! nothing else: it reads neither cache nor manifest, renders and writes
//! nothing, because the full build would have kept every file too. Anything
//! different, and the full build runs, and writes a new index last.
//!
//! No build needs to remove an index: a build that changes the folder marks
//! it dirty while it writes (an interrupted one leaves it so), and when it
//! ends the folder's manifest (any file written or deleted) or cache (any
//! release rendered or gone) has another stamp; `serve`'s quick path, which
//! never writes an index, marks the folder dirty too, until `persist` writes
//! the manifest and cache. A failed or rolled-back build leaves the folder, and
//! so its index, as it was. Like the full build, the shortcut trusts the manifest:
//! it does not look at the output files themselves (a page deleted by hand is
//! written again only after an input changes, or by a build into a new folder).
//!
//! The file ends with the hash of what precedes it, so that a torn write (it is
//! written in place, not through a temporary file) is simply not used.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use chrono::{DateTime, Utc};

use super::cache::{CachedRelease, Stamp};
use super::lock::Role;
use super::manifest::{self, MANIFEST};
use super::{BuildSummary, Builder, output};
use crate::calendar::memory;
use crate::render::lists::dashboard::RECENT_DAYS;
use crate::send::place::Place;

pub const FILE: &str = ".golive-index";

/// Bumped whenever what the index holds changes meaning.
const VERSION: u32 = 2;
const MAGIC: &[u8; 12] = b"golive-index";

/// What a build's output folder was built from (see the module's doc).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Index {
    pub key: String,
    /// The release files, as `content::release_files` lists them, with their stamps.
    pub releases: Vec<(PathBuf, Option<Stamp>)>,
    /// The other files releases were read from, with their stamps then.
    pub depends: Vec<(PathBuf, Option<Stamp>)>,
    /// The calendars' memory after the build.
    pub calendar: Option<Stamp>,
    /// The manifest and the cache after the build.
    pub manifest: Option<Stamp>,
    pub cache: Option<Stamp>,
    /// When every page is what a build would render then.
    pub span: Span,
    pub counts: Counts,
}

/// What the summary line says of the folder.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub releases: usize,
    pub pages: usize,
    pub emails: usize,
    pub files: usize,
}

/// The span of time around `now` in which a page rendered then stays as it is:
/// strictly after `since` and before `until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    pub since: i64,
    pub until: i64,
}

impl Default for Span {
    fn default() -> Self {
        Span {
            since: i64::MIN,
            until: i64::MAX,
        }
    }
}

impl Span {
    /// Narrows the span to the moments `at` a page rendered at `rendered_at`
    /// changes: exactly where `CachedRelease::current_at` would say no (a
    /// second either side counted, as it does).
    pub fn narrow(&mut self, rendered_at: i64, at: impl IntoIterator<Item = i64>) {
        for d in at {
            if d >= rendered_at - 1 {
                self.until = self.until.min(d.saturating_sub(1));
            }
            if d <= rendered_at + 1 {
                self.since = self.since.max(d.saturating_add(1));
            }
        }
    }

    pub fn contains(&self, now: i64) -> bool {
        self.since < now && now < self.until
    }

    /// The span of a build whose list pages were rendered at `now`: every
    /// release's own deadlines (from when it was rendered), and the moments
    /// the dashboard and runbook pages move it (its go-live, and the end of
    /// the dashboard's recent days after it and after a postponed one's
    /// original date).
    pub fn of<'a>(now: i64, releases: impl Iterator<Item = &'a CachedRelease>) -> Span {
        let mut span = Span::default();
        let recent = RECENT_DAYS * 86_400;
        for entry in releases {
            span.narrow(entry.rendered_at, entry.deadlines.iter().copied());
            let summary = &entry.summary;
            let moments = [
                Some(summary.target.unix),
                summary.original_target.as_ref().map(|o| o.unix),
            ];
            let moments = moments
                .into_iter()
                .flatten()
                .flat_map(|t| [t, t.saturating_add(recent)]);
            span.narrow(now, moments);
        }
        span
    }
}

fn header() -> Vec<u8> {
    super::cache::header_of(MAGIC, VERSION)
}

impl Index {
    /// The index of the output folder `out`, if it has a whole one of this format.
    pub fn read(out: &Path) -> Option<Index> {
        let bytes = std::fs::read(out.join(FILE)).ok()?;
        let body = bytes.strip_prefix(header().as_slice())?;
        let (body, sum) = body.split_at_checked(body.len().checked_sub(8)?)?;
        if manifest::hash(body).to_le_bytes() != sum {
            return None;
        }
        rmp_serde::from_slice(body).ok()
    }

    /// Writes it into `out` (in place: a torn file fails its hash).
    pub fn write(&self, out: &Path) -> std::io::Result<()> {
        let body = rmp_serde::to_vec_named(self).map_err(std::io::Error::other)?;
        let mut bytes = header();
        bytes.extend_from_slice(&body);
        bytes.extend_from_slice(&manifest::hash(&body).to_le_bytes());
        std::fs::write(out.join(FILE), bytes)
    }

    /// Removes the index of `out`, if any: the folder is about to change.
    pub fn remove(out: &Path) -> std::io::Result<()> {
        match std::fs::remove_file(out.join(FILE)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
            _ => Ok(()),
        }
    }

    /// The stamps of the bookkeeping files of `out` that the index goes with.
    pub fn bookkeeping(out: &Path) -> (Option<Stamp>, Option<Stamp>) {
        (
            Stamp::of(&out.join(MANIFEST)),
            Stamp::of(&out.join(super::cache::FILE)),
        )
    }

    /// Whether a build with `key`, these release `files`, the calendars'
    /// memory at `calendar` and the time `now` would find everything as this
    /// index says (the folder's dirty marker is the caller's to check).
    pub fn holds(
        &self,
        out: &Path,
        key: &str,
        files: &[PathBuf],
        calendar: &Path,
        now: i64,
    ) -> bool {
        if self.key != key
            || !self.span.contains(now)
            || self.releases.len() != files.len()
            || Stamp::of(calendar) != self.calendar
            || Index::bookkeeping(out) != (self.manifest, self.cache)
        {
            return false;
        }
        let same = |(p, s): &(PathBuf, Option<Stamp>)| Stamp::of(p) == *s;
        self.releases.iter().zip(files).all(|((p, _), f)| p == f)
            && self.releases.par_iter().all(same)
            && self.depends.par_iter().all(same)
    }
}

impl Builder {
    /// The counts of the output folder if its index says a full build would
    /// change nothing (and this builder is a plain build's).
    pub(super) fn unchanged(
        &self,
        key: &str,
        files: &[PathBuf],
        place: &Place,
        now: DateTime<Utc>,
    ) -> Option<Counts> {
        // No output folder (or not golive's): no index either.
        self.lock.as_ref()?;
        let index = (self.role == Role::Build && !output::is_unfinished(&self.out))
            .then(|| Index::read(&self.out))
            .flatten();
        if let Some(index) = index
            && index.holds(&self.out, key, files, &memory::path(place), now.timestamp())
        {
            return Some(index.counts);
        }
        None
    }

    /// Writes the index of the build that just settled: its release `files`,
    /// at `now`, with `summary`'s counts. Only a plain build writes one
    /// (`serve` changes the folder without a full build), and only when what
    /// it knows is whole; a failure to write it costs the next build its
    /// shortcut, nothing else.
    pub(super) fn index(
        &self,
        files: &[PathBuf],
        place: &Place,
        now: DateTime<Utc>,
        summary: &BuildSummary,
    ) {
        let Some(cache) = self.cache.as_ref().filter(|_| self.role == Role::Build) else {
            return;
        };
        if self.behind {
            return;
        }
        let mut releases = Vec::with_capacity(files.len());
        for file in files {
            let shown = crate::diagnostic::display_path(&self.root, file);
            // The stamp each release had when it was read, not now's.
            let Some(entry) = cache.releases.get(&shown) else {
                return;
            };
            releases.push((file.clone(), Some(entry.stamp)));
        }
        let mut depends: Vec<(PathBuf, Option<Stamp>)> = cache
            .releases
            .values()
            .flat_map(|e| e.depends.iter().cloned())
            .collect();
        depends.sort_by(|a, b| {
            let key = |s: &Option<Stamp>| s.map(|s| (s.modified, s.size));
            (&a.0, key(&a.1)).cmp(&(&b.0, key(&b.1)))
        });
        depends.dedup();
        let (manifest, cache_stamp) = Index::bookkeeping(&self.out);
        let index = Index {
            key: cache.key.clone(),
            releases,
            depends,
            calendar: Stamp::of(&memory::path(place)),
            manifest,
            cache: cache_stamp,
            span: Span::of(now.timestamp(), cache.releases.values()),
            counts: Counts {
                releases: summary.releases,
                pages: summary.pages,
                emails: summary.emails,
                files: summary.files,
            },
        };
        if index.write(&self.out).is_err() {
            let _ = Index::remove(&self.out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_ends_a_second_before_a_deadline_after_the_render() {
        let mut span = Span::default();
        span.narrow(100, [200, 50]);
        assert_eq!(
            span,
            Span {
                since: 51,
                until: 199
            }
        );
        assert!(span.contains(150) && span.contains(52) && span.contains(198));
        assert!(!span.contains(199) && !span.contains(51));
    }

    #[test]
    fn a_deadline_at_the_render_leaves_no_span() {
        let mut span = Span::default();
        span.narrow(100, [101]);
        assert!(!span.contains(100) && !span.contains(99) && !span.contains(102));
    }

    #[test]
    fn a_torn_index_is_not_read() {
        let dir = tempfile::tempdir().unwrap();
        let index = Index {
            key: "k".into(),
            releases: vec![],
            depends: vec![],
            calendar: None,
            manifest: None,
            cache: None,
            span: Span {
                since: 0,
                until: 10,
            },
            counts: Counts::default(),
        };
        index.write(dir.path()).unwrap();
        assert_eq!(Index::read(dir.path()), Some(index));
        let path = dir.path().join(FILE);
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        assert_eq!(Index::read(dir.path()), None);
    }
}
