//! A rebuild after release files changed, for `golive serve`, which knows from
//! its file watcher what changed. It trusts that and the builder's memory of its
//! last good build (shared inputs, templates, cache, manifest) instead of
//! reading every file's stamp, the cache and the manifest again: only the
//! changed releases are read, checked and rendered, and the pages that list
//! them are joined again. When it returns, every file is in place; the
//! bookkeeping files (manifest, cache) are not written at all: the folder
//! stays marked dirty until `persist` (serve stopping) or the next full
//! build writes them. Writing them would cost about 100 ms at 10,000
//! releases; a serve killed meanwhile costs the next build a check of every
//! file instead.
//!
//! Any other change (site.yaml, people, checklists, runbooks, templates, a file
//! a release points to) takes the full build.

use std::path::{Path, PathBuf};
use std::time::Instant;

use super::cache::{BuildCache, SearchEdits, Stamp, related_hash};
use super::lock::OutputLock;
use super::output::{self, Manifest, Output, Written};
use super::{BuildError, BuildSummary, Builder, Kept, Rendering, site_pages, today};
use std::collections::HashMap;

use crate::content::{self, Identity, LoadedRelease};
use crate::diagnostic::{Diagnostics, InvalidSite, display_path};
use crate::evaluate::{self, Footprint, Related, relations};

impl Builder {
    /// Rebuilds after the files `changed` (as the watcher names them) changed.
    /// `Ok(None)` when this is not a change it can take: then call `build`.
    /// Nothing is written unless every changed release is valid.
    pub fn rebuild_releases(
        &mut self,
        changed: &[PathBuf],
    ) -> Result<Option<BuildSummary>, BuildError> {
        let started = Instant::now();
        let releases_dir = content::releases_dir(&self.root);
        // Only a serving builder knows the folder between builds.
        let held = self.lock.as_ref().is_some_and(OutputLock::is_current);
        if !self.serves() || !held || self.manifest.is_none() {
            return Ok(None);
        }
        let (Some(kept), Some(cache)) = (self.kept.as_mut(), self.cache.as_mut()) else {
            return Ok(None);
        };
        // A deleted output folder, a new day (dates on the pages), a warning
        // that came or went since (a deadline passed) or anything but release
        // files: the full build.
        let output_there = self.out.join(output::MARKER).is_file();
        let zone = kept.shared.config.timezone.0;
        let now = self.clock.now(zone);
        if !output_there
            || today(now, zone) != kept.today
            || cache.releases.values().any(|e| !e.current_at(now))
        {
            return Ok(None);
        }
        // When the feed was last made (see `draw`).
        let then = kept.now;
        kept.now = now;
        let mut releases = Vec::with_capacity(changed.len());
        for path in changed {
            if content::is_release_path(&self.root, path) {
                releases.push(path);
            } else if !is_passing_file(&releases_dir, path, cache) {
                return Ok(None);
            }
        }
        if releases.is_empty() {
            return Ok(None);
        }
        let mut changed = releases;
        changed.sort();
        changed.dedup();

        // Check every changed file before writing anything.
        let mut problems = Diagnostics::default();
        let mut fresh: Vec<(LoadedRelease, Option<Stamp>)> = Vec::new();
        let mut removed = Vec::new();
        for path in changed {
            let shown = display_path(&self.root, path);
            match std::fs::symlink_metadata(path) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    removed.push(shown);
                    continue;
                }
                // A symbolic link, a folder or an unreadable entry: the full
                // build decides what it is (`input::read` says what it reads).
                Ok(meta) if meta.is_file() => {}
                _ => return Ok(None),
            }
            // The stamp first: if the file changes while it is read, the next
            // build sees a newer stamp and reads it again.
            let stamp = Stamp::of(path);
            let loaded = crate::yaml::read(&self.root, path)
                .map_err(|d| vec![d])
                .and_then(|source| kept.shared.release_from(path, source));
            match loaded {
                Ok((loaded, _)) => fresh.push((loaded, stamp)),
                Err(d) => problems.extend(d),
            }
        }
        // The full duplicate check (with its messages) only if a slug clashes.
        let others =
            |path: &PathBuf| !removed.contains(path) && !fresh.iter().any(|(l, _)| &l.path == path);
        let clash = fresh.iter().enumerate().any(|(i, (l, _))| {
            fresh[..i]
                .iter()
                .any(|(o, _)| content::slugs_clash(&o.slug, &l.slug))
                || cache
                    .releases
                    .iter()
                    .any(|(p, e)| content::slugs_clash(&e.summary.slug, &l.slug) && others(p))
        });
        // Every release as the site will hold it, for the checks across releases.
        let identities = || -> Vec<Identity> {
            cache
                .releases
                .iter()
                .filter(|(path, _)| others(path))
                .map(|(path, e)| e.identity(path))
                .chain(fresh.iter().map(|(l, _)| Identity::of(l)))
                .collect()
        };
        if clash {
            problems.extend(content::duplicate_slugs(&self.root, &identities()));
        }
        if problems.is_empty() {
            problems.extend(content::dependency_problems(&self.root, &identities()));
        }
        let problems = problems.into_sorted();
        if !problems.is_empty() {
            // Until a full build has seen the site valid again, every change
            // takes the full build: it checks all files, so a broken file stays
            // reported while another one is edited.
            self.kept = None;
            return Err(InvalidSite {
                diagnostics: problems,
            }
            .into());
        }

        // A release that comes or goes keeps the others' search ids only on
        // a site without colliding ids (`search::ids`); else the full build.
        let new: Vec<&PathBuf> = fresh
            .iter()
            .map(|(l, _)| &l.path)
            .filter(|p| !cache.releases.contains_key(*p))
            .collect();
        if !new.is_empty() || !removed.is_empty() {
            use crate::search::ids;
            let mut taken: std::collections::HashSet<u32> =
                cache.releases.values().map(|e| e.search.id).collect();
            taken.insert(crate::search::SITE_ID);
            let settled = ids::settled(cache.releases.iter().map(|(p, e)| (p, e.search.id)));
            if !settled || !new.iter().all(|p| taken.insert(ids::primary(p))) {
                return Ok(None);
            }
        }

        // Every release related to the others: a kept one by its cached
        // footprint, a changed one evaluated for its own.
        let (paths, footprints): (Vec<PathBuf>, Vec<Footprint>) = cache
            .releases
            .iter()
            .filter(|(path, _)| others(path))
            .map(|(path, e)| (path.clone(), e.footprint.clone()))
            .chain(fresh.iter().map(|(l, _)| {
                let report = evaluate::evaluate(
                    l,
                    &kept.shared.config,
                    &kept.shared.checklists,
                    &kept.shared.people,
                    kept.today,
                );
                (
                    l.path.clone(),
                    Footprint::of(&l.release, &report, &kept.shared.config),
                )
            }))
            .unzip();
        let found = relations::relate(&footprints, &kept.shared.config, &kept.shared.people);
        let related: HashMap<PathBuf, Related> = paths.into_iter().zip(found).collect();
        let manifest = self.manifest.take().expect("checked above");
        let root = self.root.clone();
        // Not `self.place`: `kept` borrows `self` mutably here.
        let place = crate::send::place::Place::resolve(
            &self.root,
            self.ledger.as_ref(),
            kept.shared.config.ledger.as_deref(),
        );
        let remembered = super::calendars::recall(&place, &mut self.calendar);
        let changes = Changes {
            fresh,
            removed: &removed,
            related,
            root: &root,
            calendar: &remembered.reading.memory,
            place: &place,
            then,
        };
        let written = match write(kept, cache, &self.out, manifest, changes) {
            Ok((wrote, manifest)) => {
                self.manifest = Some(manifest);
                self.behind = true;
                wrote
            }
            Err((e, manifest)) => {
                // Rolled back (then `manifest` is what the folder holds again)
                // or not: either way the next build is a full one, and the
                // cache, changed for the releases rendered, is dropped.
                self.manifest = manifest;
                self.kept = None;
                self.cache = None;
                return Err(e);
            }
        };
        let Wrote { written, drawn } = written;
        let rendered = drawn.len();
        let warnings = super::calendars::remember_rendered(
            &mut self.calendar,
            remembered,
            cache.releases.values(),
            drawn.iter().filter_map(|p| cache.releases.get(p)),
        )
        .into_iter()
        .collect();
        let releases = cache.releases.len();
        Ok(Some(BuildSummary {
            warnings,
            releases,
            rendered,
            files: written.files,
            written: written.written,
            deleted: written.deleted,
            bytes_written: written.bytes_written,
            elapsed: started.elapsed(),
            ..BuildSummary::default()
        }))
    }
}

/// Writes the changed releases' files, then the pages that list releases if
/// what they show changed, and puts them into place; updates `cache` to
/// match. Returns what was written and what the folder holds now; on failure,
/// the error and, if the update was rolled back, what the folder holds again.
fn write(
    kept: &Kept,
    cache: &mut BuildCache,
    out: &Path,
    manifest: Manifest,
    changes: Changes,
) -> Result<(Wrote, Manifest), (BuildError, Option<Manifest>)> {
    let output = Output::partial(out, manifest);
    let drawn = match draw(kept, cache, &output, changes) {
        Ok(drawn) => drawn,
        Err(e) => return Err((e, output.roll_back().ok())),
    };
    match output.commit() {
        Ok(committed) => Ok((
            Wrote {
                written: committed.written,
                drawn,
            },
            committed.manifest,
        )),
        Err(e) => Err((e.into(), None)),
    }
}

/// What a quick rebuild wrote, and the releases it rendered.
struct Wrote {
    written: Written,
    drawn: Vec<PathBuf>,
}

/// What changed since the last build: the changed releases (read and
/// checked), the removed ones, and every remaining release's relations.
struct Changes<'a> {
    fresh: Vec<(LoadedRelease, Option<Stamp>)>,
    removed: &'a [PathBuf],
    related: HashMap<PathBuf, Related>,
    root: &'a Path,
    /// The calendar memory that numbers the releases' events.
    calendar: &'a crate::calendar::memory::Memory,
    /// Where the send ledger is.
    place: &'a crate::send::place::Place,
    /// The time the feed the output holds was made at (or would be made at
    /// the same: see `draw`), the builder's last `now`.
    then: chrono::DateTime<chrono::Utc>,
}

/// Renders and writes the changed releases, the unchanged ones whose
/// relations to the others changed, and, if needed, the list pages and the
/// feed. Returns the releases it rendered.
///
/// The feed (32 MB at 10,000 releases) is made again only when what it shows
/// changed: a release came or went, one rendered has other events or text
/// (`calendars::feed_keeps`), or one's window ended since `then` (the feed
/// lists upcoming releases). Otherwise the feed of `then` is the feed of now.
fn draw(
    kept: &Kept,
    cache: &mut BuildCache,
    output: &Output,
    changes: Changes,
) -> Result<Vec<PathBuf>, BuildError> {
    let Changes {
        mut fresh,
        removed,
        related,
        root,
        calendar,
        place,
        then,
    } = changes;
    let site = Rendering {
        shared: &kept.shared,
        theme: &kept.theme,
        now: kept.now,
        today: kept.today,
        output,
        ledger: Default::default(),
        calendar,
        place,
        collected: Default::default(),
    };
    // Unchanged releases that gain or lose a relation are rendered again
    // (every release's relations hashed: on both cores).
    use rayon::prelude::*;
    let mut again: Vec<&PathBuf> = cache
        .releases
        .par_iter()
        .filter(|(path, e)| {
            !fresh.iter().any(|(l, _)| &l.path == *path)
                && related
                    .get(*path)
                    .is_some_and(|r| related_hash(r) != e.related)
        })
        .map(|(path, _)| path)
        .collect();
    again.sort();
    for path in again {
        let file = root.join(path);
        let stamp = Stamp::of(&file);
        let loaded = kept
            .shared
            .release(root, &file)
            .map_err(|diagnostics| InvalidSite { diagnostics })?;
        fresh.push((loaded, stamp));
    }
    let mut drawn = Vec::with_capacity(fresh.len());
    let mut lists_changed = !removed.is_empty();
    let mut feed_changed = !removed.is_empty();
    let mut edits = SearchEdits::default();
    for (loaded, stamp) in fresh {
        let none = Related::default();
        let relations = related.get(&loaded.path).unwrap_or(&none);
        let id = match cache.releases.get(&loaded.path) {
            Some(entry) => entry.search.id,
            None => crate::search::ids::primary(&loaded.path),
        };
        let (path, entry) = site.release(&loaded, stamp, relations, id)?;
        drawn.push(path.clone());
        let old = cache.releases.insert(path, entry.clone());
        edits.record(old.as_ref().map(|o| &o.search), Some(&entry.search));
        let Some(old) = old else {
            lists_changed = true;
            feed_changed = true;
            continue;
        };
        feed_changed |= !super::calendars::feed_keeps(&old, &entry, then, kept.now);
        // The rows are rendered from the summary; the feed from the events.
        lists_changed |= old.summary != entry.summary
            || old.runbooks != entry.runbooks
            || old.calendar != entry.calendar;
        for (p, _) in &old.outputs {
            if !entry.outputs.iter().any(|(q, _)| q == p) {
                output.drop_file(p);
            }
        }
    }
    for path in removed {
        if let Some(old) = cache.releases.remove(path) {
            for (p, _) in &old.outputs {
                output.drop_file(p);
            }
            edits.record(Some(&old.search), None);
        }
    }
    let change = crate::search::shards::Change {
        previous: &cache.search.shards,
        replaced: edits.replaced,
        touched: edits.touched,
        collected: site.collected.take(),
        read_old: true,
    };
    cache.search.shards = crate::search::shards::update(output, change)?;
    if lists_changed {
        let files = site_pages(
            &kept.theme,
            &kept.shared,
            &cache.releases,
            kept.now,
            kept.today,
        )?;
        for file in &files {
            output.put(file)?;
        }
        // A product, month or list that lost its last release (or a page of
        // its rows) is no longer produced.
        let produced: std::collections::HashSet<&Path> =
            files.iter().map(|f| f.path.as_path()).collect();
        let gone: Vec<PathBuf> = output
            .previous_paths()
            .filter(|p| crate::render::is_list_page(p) && !produced.contains(p))
            .map(Path::to_path_buf)
            .collect();
        for path in gone {
            output.drop_file(&path);
        }
    }
    if feed_changed || super::calendars::feed_drifts(cache.releases.values(), then, kept.now) {
        output.put(&super::calendars::feed_file(
            output,
            &kept.shared.config.title,
            &cache.releases,
            kept.now,
        ))?;
    }
    Ok(drawn)
}

/// Whether `path` is a file that came and went beside the releases without
/// being one or being read by one: the temporary file that `sed -i` or an
/// editor's safe save writes and then renames over a release file.
fn is_passing_file(releases_dir: &Path, path: &Path, cache: &BuildCache) -> bool {
    path.starts_with(releases_dir)
        && std::fs::symlink_metadata(path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound)
        && !cache
            .releases
            .values()
            .any(|e| e.depends.iter().any(|(p, _)| p == path))
}
