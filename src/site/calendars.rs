//! The calendars' memory (`calendar::memory`, `calendar.json` beside the send
//! ledger) as a build uses it: read under the output folder's lock before
//! rendering, written after the build's files are in place, and only when a
//! published event changed. A serving builder keeps its copy between builds
//! and reads the file again only when its stamp changed.
//!
//! The file belongs to the site, not the output folder: a build into a site
//! it cannot write to still succeeds, with one warning.

use super::cache::{CachedRelease, Stamp};
use crate::calendar::{self, memory};
use crate::send::place::Place;

/// The memory as the builder last read or wrote it, and the file's stamp then.
pub(super) struct Remembered {
    pub reading: memory::Reading,
    stamp: Option<Stamp>,
    /// Where it was read: a copy from another place is not this one's.
    place: Place,
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
        },
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
        *kept = Some(remembered);
        return None;
    }
    let mut new = old.clone();
    for e in releases {
        for p in &e.calendar {
            new.events.insert(p.event.uid.clone(), p.record());
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
            });
            None
        }
        Err(e) => Some(unwritable(&place, &e)),
    }
}

fn unwritable(place: &Place, e: &std::io::Error) -> String {
    format!(
        "cannot write {} ({e}): the calendar files were built, but their events' SEQUENCE and DTSTAMP are not remembered for the next build; it lives beside the send ledger ({}, {}): make that folder writable, or choose another place with `ledger:` in site.yaml, --ledger or GOLIVE_LEDGER",
        memory::shown(place).display(),
        place.shown().display(),
        place.origin().describe()
    )
}
