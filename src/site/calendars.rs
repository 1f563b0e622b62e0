//! The calendars' memory (`calendar::memory`, `.golive/calendar.json` in the
//! site) as a build uses it: read under the output folder's lock before
//! rendering, written after the build's files are in place, and only when a
//! published event changed. A serving builder keeps its copy between builds
//! and reads the file again only when its stamp changed.
//!
//! The file belongs to the site, not the output folder: a build into a site
//! it cannot write to still succeeds, with one warning.

use std::path::Path;

use super::cache::{CachedRelease, Stamp};
use crate::calendar::{self, memory};

/// The memory as the builder last read or wrote it, and the file's stamp then.
pub(super) struct Remembered {
    pub reading: memory::Reading,
    stamp: Option<Stamp>,
}

/// The memory of the site in `root`, from the builder's copy (`kept`) when
/// the file has not changed since; taken out of the builder until `remember`
/// gives it back.
pub(super) fn recall(root: &Path, kept: &mut Option<Remembered>) -> Remembered {
    let stamp = Stamp::of(&memory::path(root));
    match kept.take() {
        Some(kept) if kept.stamp == stamp && kept.reading.writable() => kept,
        _ => Remembered {
            reading: memory::read(root),
            stamp,
        },
    }
}

/// Records the events of `releases` (all the site's, as now published) and
/// writes the file if that changed it; the builder keeps the result in
/// `kept`. Returns the warning, if any, that the build should show.
pub(super) fn remember<'a>(
    root: &Path,
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
    match memory::write(root, &new) {
        Ok(()) => {
            *kept = Some(Remembered {
                reading: memory::Reading {
                    memory: new,
                    warning: None,
                },
                stamp: Stamp::of(&memory::path(root)),
            });
            None
        }
        Err(e) => Some(unwritable(root, &e)),
    }
}

fn unwritable(root: &Path, e: &std::io::Error) -> String {
    format!(
        "cannot write {} ({e}): the calendar files were built, but their events' SEQUENCE and DTSTAMP are not remembered for the next build",
        memory::path(root).display()
    )
}
