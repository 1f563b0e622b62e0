//! The calendars' memory (`calendar::memory`, `calendar.json` beside the send
//! ledger) as a build uses it: read under the output folder's lock before
//! rendering, written after the build's files are in place, and only when a
//! published event changed. A serving builder keeps its copy between builds
//! and reads the file again only when its stamp changed.
//!
//! The file belongs to the site, not the output folder: a build into a site
//! it cannot write to still succeeds, with one warning.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::cache::{CachedRelease, Stamp};
use super::output::{Output, hash};
use crate::calendar::{self, memory};
use crate::render::OutputFile;
use crate::send::place::Place;

/// The memory as the builder last read or wrote it, and the file's stamp then.
pub(super) struct Remembered {
    pub reading: memory::Reading,
    stamp: Option<Stamp>,
    /// Where it was read: a copy from another place is not this one's.
    place: Place,
    /// Whether every release of the builder's last build has its events as
    /// this memory records them (`remember` kept or wrote it): a quick
    /// rebuild then checks only the releases it rendered.
    matched: bool,
}

/// The memory beside the ledger at `place`, from the builder's copy (`kept`) when
/// the file has not changed since; taken out of the builder until `remember`
/// gives it back.
pub(super) fn recall(place: &Place, kept: &mut Option<Remembered>) -> Remembered {
    let stamp = Stamp::of(&memory::path(place));
    match kept.take() {
        Some(kept) if kept.place == *place && kept.stamp == stamp && kept.reading.writable() => {
            kept
        }
        _ => Remembered {
            reading: memory::read(place),
            stamp,
            place: place.clone(),
            matched: false,
        },
    }
}

/// `remember` after a build that rendered only `rendered` of `releases`:
/// when the memory matched every release before, only those can differ from
/// it, and only theirs are checked (10,000 releases hold some 40,000 events).
pub(super) fn remember_rendered<'a>(
    kept: &mut Option<Remembered>,
    remembered: Remembered,
    releases: impl Iterator<Item = &'a CachedRelease> + Clone,
    rendered: impl Iterator<Item = &'a CachedRelease> + Clone,
) -> Option<String> {
    if remembered.matched {
        remember(kept, remembered, rendered)
    } else {
        remember(kept, remembered, releases)
    }
}

/// Records the events of `releases` (all the site's, as now published) and
/// writes the file if that changed it; the builder keeps the result in
/// `kept`. Returns the warning, if any, that the build should show.
pub(super) fn remember<'a>(
    kept: &mut Option<Remembered>,
    remembered: Remembered,
    releases: impl Iterator<Item = &'a CachedRelease> + Clone,
) -> Option<String> {
    if let Some(warning) = &remembered.reading.warning {
        return Some(warning.clone());
    }
    let old = &remembered.reading.memory;
    if releases
        .clone()
        .all(|e| calendar::matches(&e.calendar, old))
    {
        *kept = Some(Remembered {
            matched: true,
            ..remembered
        });
        return None;
    }
    let mut new = old.clone();
    for e in releases {
        for (uid, record) in &e.calendar.events {
            new.events.insert(uid.clone(), record.clone());
        }
    }
    let place = remembered.place;
    match memory::write(&place, &new) {
        Ok(()) => {
            *kept = Some(Remembered {
                reading: memory::Reading {
                    memory: new,
                    warning: None,
                },
                stamp: Stamp::of(&memory::path(&place)),
                place,
                matched: true,
            });
            None
        }
        Err(e) => Some(unwritable(&place, &e)),
    }
}

/// The site's feed (`calendar.ics` at the root) of `releases` at `now`. The
/// events of releases this build did not render are copied from the feed
/// the output holds, or from their own `calendar.ics`, each only if it is
/// the file the manifest says was written (so the cache need not keep them).
pub(super) fn feed_file(
    output: &Output,
    site_title: &str,
    releases: &HashMap<PathBuf, CachedRelease>,
    now: chrono::DateTime<chrono::Utc>,
) -> OutputFile {
    let trusted = |path: &Path| -> Option<String> {
        let h = output.previous(path)?;
        let bytes = std::fs::read(output.dir().join(path)).ok()?;
        (hash(&bytes) == h).then(|| String::from_utf8(bytes).ok())?
    };
    // Read only when a release needs it: not in a cold build.
    let needed = releases.values().any(|e| e.calendar.vevents.is_none());
    let old_feed = needed.then(|| trusted(Path::new(calendar::FILE))).flatten();
    let release_file =
        |slug: &str| trusted(&PathBuf::from("releases").join(slug).join(calendar::FILE));
    OutputFile {
        path: calendar::FILE.into(),
        bytes: calendar::feed(
            site_title,
            releases.values().map(|e| (&e.summary, &e.calendar)),
            now,
            &calendar::Earlier {
                old_feed: old_feed.as_deref(),
                release_file: &release_file,
            },
        ),
    }
}

/// Whether the feed, as written at `then`, is still what it would be at
/// `now` for a release that went from `old` to `new`: the same events,
/// numbered alike, with the same text (its own `calendar.ics` has the same
/// bytes: the feed's VEVENTs are that file's), in the same place and listed
/// alike.
pub(super) fn feed_keeps(
    old: &CachedRelease,
    new: &CachedRelease,
    then: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    let file = |e: &CachedRelease| {
        let path = PathBuf::from("releases")
            .join(&e.summary.slug)
            .join(calendar::FILE);
        e.outputs.iter().find(|(p, _)| *p == path).map(|(_, h)| *h)
    };
    old.calendar == new.calendar
        && old.summary.slug == new.summary.slug
        && old.summary.window.start.unix == new.summary.window.start.unix
        && calendar::upcoming(&old.summary, then) == calendar::upcoming(&new.summary, now)
        && file(old).is_some()
        && file(old) == file(new)
}

/// Whether one of `releases` comes into or leaves the feed between `then`
/// and `now` (its window ends between them).
pub(super) fn feed_drifts<'a>(
    mut releases: impl Iterator<Item = &'a CachedRelease>,
    then: chrono::DateTime<chrono::Utc>,
    now: chrono::DateTime<chrono::Utc>,
) -> bool {
    then != now
        && releases
            .any(|e| calendar::upcoming(&e.summary, then) != calendar::upcoming(&e.summary, now))
}

fn unwritable(place: &Place, e: &std::io::Error) -> String {
    format!(
        "cannot write {} ({e}): the calendar files were built, but their events' SEQUENCE and DTSTAMP are not remembered for the next build; it lives beside the send ledger ({}, {}): make that folder writable, or choose another place with `ledger:` in site.yaml, --ledger or GOLIVE_LEDGER",
        memory::shown(place).display(),
        place.shown().display(),
        place.origin().describe()
    )
}
