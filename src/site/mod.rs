//! Site: the whole build, from a site folder to its output folder.
//!
//! A build checks everything first (settings, people, checklists, runbooks,
//! templates and every changed release) and touches the output only if all of it
//! is valid. Then each release that changed is evaluated and rendered, in
//! parallel, and its files are written as soon as they exist, so memory holds a
//! few releases' pages at a time, not the site's. Unchanged releases are not
//! even parsed (see `cache`), and unchanged files are not rewritten (see `output`).

pub mod cache;
mod calendars;
mod fault;
mod holding;
mod index;
pub mod interrupt;
pub mod lock;
pub mod manifest;
pub mod output;
mod pages;
mod quick;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use rayon::prelude::*;

use crate::clock::Clock;
use crate::content::packed::Packed;
use crate::content::{self, Identity, LoadedSite, Shared};
use crate::diagnostic::{Diagnostic, InvalidSite};
use crate::evaluate::{self, Footprint, Related, Report};
use crate::render::Theme;
use crate::search;
use crate::send::place::{Chosen, Place};
use cache::{BuildCache, CachedRelease, Stamp};
use lock::{LockError, OutputLock, Role};
use manifest::Checked;
use output::{Manifest, Output};
use pages::{Rendering, site_pages};

/// What a build did, for the summary line and `--verbose`.
#[derive(Debug, Clone, Default)]
pub struct BuildSummary {
    pub releases: usize,
    /// Releases parsed and rendered by this build (the rest were unchanged).
    pub rendered: usize,
    pub pages: usize,
    pub emails: usize,
    /// Files in the output, written (new or changed), and deleted.
    pub files: usize,
    pub written: usize,
    pub deleted: usize,
    pub bytes_written: u64,
    /// Set when the output was left unfinished by an interrupted build and
    /// this build checked every file instead of trusting the manifest.
    pub checked: Option<Checked>,
    pub elapsed: Duration,
    /// How long each stage took.
    pub timings: Vec<(&'static str, Duration)>,
    /// What the build could do but not as it should (the calendars' memory
    /// could not be written): one line each, for stderr.
    pub warnings: Vec<String>,
}

/// Why a build stopped. Whatever the reason, the output folder is either as
/// it was before the build, or marked for the next build to check
/// (`output::is_unfinished`).
#[derive(Debug)]
pub enum BuildError {
    /// The content or a template has problems; the writer must fix them (exit 2).
    Invalid(InvalidSite),
    /// The output could not be written.
    Io(std::io::Error),
    /// The user asked the build to stop (Ctrl-C, SIGTERM); `waiting` when it
    /// was still waiting for another build's lock and had written nothing.
    Interrupted { waiting: bool },
    /// Another golive process holds the output folder and keeps it (`serve`).
    Busy(String),
}

impl From<InvalidSite> for BuildError {
    fn from(invalid: InvalidSite) -> Self {
        BuildError::Invalid(invalid)
    }
}

impl From<std::io::Error> for BuildError {
    fn from(e: std::io::Error) -> Self {
        // std retries the kernel's EINTR itself: this is the user's interrupt.
        if e.kind() == std::io::ErrorKind::Interrupted {
            BuildError::Interrupted { waiting: false }
        } else {
            BuildError::Io(e)
        }
    }
}

impl From<LockError> for BuildError {
    fn from(e: LockError) -> Self {
        match e {
            LockError::Busy(message) => BuildError::Busy(message),
            LockError::Io(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                BuildError::Interrupted { waiting: true }
            }
            LockError::Io(e) => e.into(),
        }
    }
}

/// Loads and evaluates the site in `root`, every release, at the system's time.
pub fn load_and_evaluate(root: &Path) -> Result<(LoadedSite, Vec<Report>), InvalidSite> {
    load_and_evaluate_at(root, &Clock::System)
}

/// Loads and evaluates the site in `root`, every release, at `clock`'s time
/// (for `check`, `email`, `send`).
pub fn load_and_evaluate_at(
    root: &Path,
    clock: &Clock,
) -> Result<(LoadedSite, Vec<Report>), InvalidSite> {
    let site = content::load(root)?;
    let now = clock.now(site.config.timezone.0);
    let mut reports: Vec<Report> = site
        .releases
        .par_iter()
        .map(|r| evaluate::evaluate_at(r, &site.config, &site.checklists, &site.people, now))
        .collect();
    evaluate::relations::relate_reports(&mut reports, &site.releases, &site.config, &site.people);
    Ok((site, reports))
}

pub use crate::clock::today;

/// Builds the site in `root` into `out`, at the system's time.
pub fn build(root: &Path, out: &Path, progress: bool) -> Result<BuildSummary, BuildError> {
    build_at(root, out, progress, Clock::System, None)
}

/// Builds the site in `root` into `out`, at `clock`'s time, with the ledger
/// (and the calendars' memory) where `ledger` says if given (see `send::place`).
pub fn build_at(
    root: &Path,
    out: &Path,
    progress: bool,
    clock: Clock,
    ledger: Option<Chosen>,
) -> Result<BuildSummary, BuildError> {
    let mut builder = Builder::new(root, out)
        .with_clock(clock)
        .with_ledger(ledger);
    if progress {
        builder = builder.with_progress();
    }
    builder.build()
}

/// Builds a site into an output folder, again and again if asked (as `serve`
/// does). It keeps the build cache in memory between builds; a fresh builder
/// reads it from the output folder.
///
/// A builder holds the output folder's lock while it writes there (see
/// `lock`): a plain builder for each build, a `serving` one from its first
/// build until it is dropped. Only a serving builder keeps the folder's
/// manifest in memory between builds and takes the quick path
/// (`rebuild_releases`), which leaves the bookkeeping files to `persist`.
pub struct Builder {
    root: PathBuf,
    out: PathBuf,
    progress: bool,
    role: Role,
    /// The time the pages are rendered at (the approval phases, the warnings).
    clock: Clock,
    cache: Option<BuildCache>,
    /// What the last good build used, for `rebuild_releases`.
    kept: Option<Kept>,
    /// The output folder's lock, while held.
    lock: Option<OutputLock>,
    /// What the output folder holds; known only while the lock is held.
    manifest: Option<Manifest>,
    /// Whether the manifest and cache on disk are behind `manifest` and
    /// `cache` (see `persist`).
    behind: bool,
    /// What this builder created to make the output folder, to remove again
    /// if its first build fails.
    prepared: output::Prepared,
    /// The calendars' memory as last read or written (see `calendars`).
    calendar: Option<calendars::Remembered>,
    /// The ledger's place if the command line chose one (see `send::place`);
    /// it wins over site.yaml's `ledger:`.
    ledger: Option<Chosen>,
}

/// What a builder keeps from its last good build: the shared inputs and theme
/// it used.
struct Kept {
    shared: Shared,
    theme: Theme,
    /// The time its pages were rendered at, and the date then in the site's zone.
    now: DateTime<Utc>,
    today: chrono::NaiveDate,
}

/// Builds with fewer releases to render than this finish too fast for a progress bar.
const PROGRESS_FROM: usize = 200;

/// A release file as this build sees it, with its footprint (what relating
/// it to the other releases needs).
enum Input {
    /// Unchanged since the last build: the key of its cache entry.
    Kept(PathBuf, Footprint),
    /// New or changed, and valid: its file and the checked release, packed
    /// until it is rendered (see `content::packed`).
    Fresh(PathBuf, Packed, Option<Stamp>, Footprint),
}

impl Input {
    fn footprint(&self) -> &Footprint {
        match self {
            Input::Kept(_, f) | Input::Fresh(_, _, _, f) => f,
        }
    }
}

/// Relates every release to the others (see `evaluate::relations`): each
/// input with what it found.
fn relate(shared: &Shared, inputs: Vec<Input>) -> Vec<(Input, Related)> {
    let footprints: Vec<Footprint> = inputs.iter().map(|i| i.footprint().clone()).collect();
    let related = evaluate::relations::relate(&footprints, &shared.config, &shared.people);
    inputs.into_iter().zip(related).collect()
}

/// What a build rendered and wrote, before it is committed.
struct Drawn {
    releases: HashMap<PathBuf, CachedRelease>,
    site_paths: Vec<PathBuf>,
    /// Releases rendered (changed ones, and unchanged ones whose files were lost).
    rendered: usize,
}

impl Builder {
    pub fn new(root: &Path, out: &Path) -> Builder {
        Builder {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            progress: false,
            role: Role::Build,
            clock: Clock::System,
            cache: None,
            kept: None,
            lock: None,
            manifest: None,
            behind: false,
            prepared: output::Prepared::default(),
            calendar: None,
            ledger: None,
        }
    }

    /// Keeps the send ledger and the calendars' memory where the command line
    /// chose (`--ledger`, `GOLIVE_LEDGER`) rather than where site.yaml says.
    pub fn with_ledger(mut self, chosen: Option<Chosen>) -> Builder {
        self.ledger = chosen;
        self
    }

    /// Where the ledger and the calendars' memory are, for a site with `config`.
    fn place(&self, config: &crate::config::site::SiteConfig) -> Place {
        Place::resolve(&self.root, self.ledger.as_ref(), config.ledger.as_deref())
    }

    /// Shows a progress bar while rendering many releases (only on a terminal).
    pub fn with_progress(mut self) -> Builder {
        self.progress = true;
        self
    }

    /// Renders at `clock`'s time instead of the system's.
    pub fn with_clock(mut self, clock: Clock) -> Builder {
        self.clock = clock;
        self
    }

    /// A builder for `golive serve`: it holds the output folder from its first
    /// build on, and rebuilds quickly after release edits.
    pub fn serving(mut self) -> Builder {
        self.role = Role::Serve;
        self
    }

    pub fn build(&mut self) -> Result<BuildSummary, BuildError> {
        let built = self.build_held();
        if self.role == Role::Build {
            // A build lets go of the folder when it ends; what it knew of the
            // folder is void from then on.
            self.lock = None;
            self.manifest = None;
        }
        built
    }

    fn build_held(&mut self) -> Result<BuildSummary, BuildError> {
        let started = Instant::now();
        let mut clock = Instant::now();
        let mut timings = Vec::with_capacity(8);
        let mut lap = |name: &'static str| {
            timings.push((name, clock.elapsed()));
            clock = Instant::now();
        };
        let root = self.root.clone();
        // A failed build leaves nothing for `rebuild_releases` to trust.
        self.kept = None;
        // The cache and the manifest are read under the lock, if the folder exists.
        self.hold(false)?;

        // Everything is checked before anything is written.
        let shared = match content::load_shared(&root) {
            Ok(shared) => shared,
            // Report the releases' problems too, as a full check would.
            Err(_) => {
                return Err(content::load(&root)
                    .err()
                    .expect("the shared inputs are invalid")
                    .into());
            }
        };
        let theme = Theme::load(&root, Arc::new(shared.people.clone()))
            .map_err(|diagnostics| InvalidSite { diagnostics })?;
        let now = self.clock.now(shared.config.timezone.0);
        let today = today(now, shared.config.timezone.0);
        // The ledger and the calendars' memory are inputs of the pages; their
        // place can change without site.yaml changing (--ledger, GOLIVE_LEDGER).
        let place = self.place(&shared.config);
        let key = format!(
            "{:016x}-{:016x}-{today}-{}-{}-{}",
            shared.fingerprint,
            theme.fingerprint,
            env!("CARGO_PKG_VERSION"),
            cache::VERSION,
            place.path().display()
        );
        lap("load shared inputs");
        let files = content::release_files(&root);
        if let Some(counts) = self.unchanged(&key, &files, &place, now) {
            lap("compare with the index");
            return Ok(BuildSummary {
                releases: counts.releases,
                pages: counts.pages,
                emails: counts.emails,
                files: counts.files,
                elapsed: started.elapsed(),
                timings,
                ..BuildSummary::default()
            });
        }
        let previous = self
            .cache
            .take()
            .or_else(|| BuildCache::read(&self.out))
            .unwrap_or_default();
        let usable = previous.key == key;
        lap("read the cache");

        let inputs = if usable {
            self.inputs(&shared, &files, &previous, now)
        } else {
            self.inputs(&shared, &files, &BuildCache::default(), now)
        }
        .map(|inputs| relate(&shared, inputs));
        // Until the first write, a failure leaves the cache as it was.
        let ready = inputs
            .map_err(BuildError::from)
            .and_then(|inputs| {
                interrupt::check()?;
                self.hold(true)?;
                Ok(inputs)
            })
            .and_then(|inputs| Ok((inputs, Output::open(&self.out, self.manifest.take())?)));
        let (inputs, output) = match ready {
            Ok(ready) => ready,
            Err(e) => {
                self.cache = Some(previous);
                self.forget_folder();
                return Err(e);
            }
        };
        let mut cache = if usable {
            previous
        } else {
            BuildCache::default()
        };
        lap("load and validate releases");

        // Read under the lock, so that two builds at once number events alike.
        let remembered = calendars::recall(&place, &mut self.calendar);
        let site = Rendering {
            shared: &shared,
            theme: &theme,
            now,
            today,
            output: &output,
            ledger: Default::default(),
            calendar: &remembered.reading.memory,
            place: &place,
            collected: Default::default(),
        };
        let drawn = match self.draw(&site, inputs, &mut cache, &mut lap) {
            Ok(drawn) => drawn,
            Err(e) => {
                self.roll_back(output);
                return Err(e);
            }
        };
        lap("search index");

        let count = |ext: &str, page: bool| {
            let outputs = drawn
                .releases
                .values()
                .flat_map(|e| e.outputs.iter().map(|(p, _)| p));
            let all = outputs.chain(drawn.site_paths.iter());
            all.filter(|p| {
                p.extension().is_some_and(|e| e == ext)
                    && (!page || !p.components().any(|c| c.as_os_str() == "emails"))
            })
            .count()
        };
        let (pages, emails) = (count("html", true), count("eml", false));
        let committed = output.commit().inspect_err(|_| {
            // Partly in place: only the next build's check knows the folder now.
            self.manifest = None;
        })?;
        self.prepared = output::Prepared::default();
        // The cache changes when anything was rendered, or a release was removed
        // (the old cache still holds its entry: kept ones were moved out).
        let cache_changed = drawn.rendered > 0 || !usable || !cache.releases.is_empty();
        cache.releases = drawn.releases;
        cache.key = key;
        let warnings: Vec<String> =
            calendars::remember(&mut self.calendar, remembered, cache.releases.values())
                .into_iter()
                .collect();
        let summary = BuildSummary {
            releases: cache.releases.len(),
            rendered: drawn.rendered,
            pages,
            emails,
            files: committed.written.files,
            written: committed.written.written,
            deleted: committed.written.deleted,
            bytes_written: committed.written.bytes_written,
            checked: committed.checked,
            warnings,
            ..BuildSummary::default()
        };
        self.settle(committed, cache, cache_changed)?;
        if summary.warnings.is_empty() {
            self.index(&files, &place, now, &summary);
        }
        self.kept = Some(Kept {
            shared,
            theme,
            now,
            today,
        });
        lap("write manifest and cache");

        Ok(BuildSummary {
            elapsed: started.elapsed(),
            timings,
            ..summary
        })
    }

    /// Renders and writes every new or changed release, keeps the files of
    /// unchanged ones (rendering those whose files the folder lost), then the
    /// pages that list releases. Stops at the first error, or when the user
    /// interrupts.
    fn draw(
        &self,
        site: &Rendering,
        inputs: Vec<(Input, Related)>,
        cache: &mut BuildCache,
        lap: &mut dyn FnMut(&'static str),
    ) -> Result<Drawn, BuildError> {
        let root = &self.root;
        let total = inputs.len();
        let shown = |input: &Input| match input {
            Input::Kept(path, _) => path.clone(),
            Input::Fresh(path, ..) => crate::diagnostic::display_path(root, path),
        };
        let paths: Vec<PathBuf> = inputs.iter().map(|(i, _)| shown(i)).collect();
        let ids = search::ids::assign(&paths);
        let id_of = |path: &PathBuf| ids.get(path).copied().expect("ids assigned above");
        // A search index the output lost is built again from every release.
        let intact = search::shards::intact(site.output, &cache.search.shards);
        if !intact {
            cache.search.shards.clear();
        }
        // Owned, so that each parsed release is freed as soon as it is rendered.
        let (fresh, kept): (Vec<_>, Vec<_>) = inputs
            .into_iter()
            .partition(|(i, _)| matches!(i, Input::Fresh(..)));
        let mut rendered = fresh.len();
        let bar = self.bar(fresh.len());
        let done: Result<Vec<(PathBuf, CachedRelease)>, BuildError> = fresh
            .into_par_iter()
            .map(|(input, related)| {
                interrupt::check()?;
                let Input::Fresh(path, packed, stamp, _) = input else {
                    unreachable!("partitioned")
                };
                let id = id_of(&crate::diagnostic::display_path(root, &path));
                let done = packed
                    .unpack(site.shared, &path)
                    .map_err(|diagnostics| BuildError::Invalid(InvalidSite { diagnostics }))
                    .and_then(|loaded| site.release(&loaded, stamp, &related, id));
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                done
            })
            .collect();
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        let mut releases: HashMap<PathBuf, CachedRelease> = HashMap::with_capacity(total);
        let done = done?;
        // The changed releases, and the old search entries of the unchanged
        // ones rendered again (for the groups their postings were in).
        let fresh_paths: Vec<PathBuf> = done.iter().map(|(p, _)| p.clone()).collect();
        let mut redrawn_old: Vec<(PathBuf, cache::Searched)> = Vec::new();
        releases.extend(done);
        // Unchanged releases keep their files; one the output lost, or whose
        // relations to the others changed, is rendered again.
        let mut missing = Vec::new();
        for (input, related) in kept {
            let Input::Kept(path, _) = input else {
                unreachable!("partitioned")
            };
            // Moved out of the old cache, which is replaced after the build.
            let entry = cache
                .releases
                .remove(&path)
                .expect("kept inputs are cached");
            // A release whose relations changed, or whose events the memory
            // numbers otherwise (edited or deleted since), is rendered again,
            // like one whose files went.
            if intact
                && entry.search.id == id_of(&path)
                && entry.related == cache::related_hash(&related)
                && crate::calendar::matches(&entry.calendar, site.calendar)
                && entry.outputs.iter().all(|(p, h)| site.output.keep(p, *h))
            {
                releases.insert(path, entry);
            } else {
                redrawn_old.push((path.clone(), entry.search));
                missing.push((path, related));
            }
        }
        // (All of them when the folder had to be checked after an interrupted build.)
        rendered += missing.len();
        let redone: Result<Vec<(PathBuf, CachedRelease)>, BuildError> = missing
            .into_par_iter()
            .map(|(path, related)| {
                interrupt::check()?;
                let file = root.join(&path);
                let stamp = Stamp::of(&file);
                let loaded = site
                    .shared
                    .release(root, &file)
                    .map_err(|diagnostics| InvalidSite { diagnostics })?;
                site.release(&loaded, stamp, &related, id_of(&path))
            })
            .collect();
        releases.extend(redone?);
        lap("release pages and emails");

        // What is left of the old cache (the old entries of the changed
        // releases, and of the deleted ones) and the redrawn ones' old entries
        // go; the new releases come. Only the groups where postings changed
        // are updated.
        let mut edits = cache::SearchEdits::default();
        let new_search = |path: &PathBuf| releases.get(path).map(|e| &e.search);
        let old_entries = cache.releases.iter().map(|(p, e)| (p, &e.search));
        for (path, old) in old_entries.chain(redrawn_old.iter().map(|(p, s)| (p, s))) {
            edits.record(Some(old), new_search(path));
        }
        for path in fresh_paths
            .iter()
            .filter(|p| !cache.releases.contains_key(*p))
        {
            edits.record(None, new_search(path));
        }
        let mut site_files = site_pages(site.theme, site.shared, &releases, site.now, site.today)?;
        site_files.push(calendars::feed_file(
            site.output,
            &site.shared.config.title,
            &releases,
            site.now,
        ));
        // The runbooks' records change only with the shared inputs, which
        // start an index without previous shards.
        let runbooks = search::site_records(site.shared);
        site_files.push(runbooks.doc_file(search::SITE_ID));
        let fresh_index = cache.search.shards.is_empty();
        if fresh_index {
            site.collected.add(search::SITE_ID, &runbooks);
        }
        for file in &site_files {
            site.output.put(file)?;
        }
        lap("dashboard, runbooks, assets");
        let change = search::shards::Change {
            previous: &cache.search.shards,
            replaced: edits.replaced,
            touched: edits.touched,
            collected: site.collected.take(),
            read_old: !fresh_index,
        };
        cache.search.shards = search::shards::update(site.output, change)?;
        Ok(Drawn {
            releases,
            site_paths: site_files.into_iter().map(|f| f.path).collect(),
            rendered,
        })
    }

    /// Every release file: kept from the cache when unchanged (and its pages
    /// still current at `now`), else parsed and checked. All problems of all
    /// files come back together.
    fn inputs(
        &self,
        shared: &Shared,
        files: &[PathBuf],
        cache: &BuildCache,
        now: DateTime<Utc>,
    ) -> Result<Vec<Input>, InvalidSite> {
        let root = &self.root;
        let today = today(now, shared.config.timezone.0);
        let results: Vec<Result<(Input, Identity), Vec<Diagnostic>>> = files
            .par_iter()
            .map(|path| {
                let stamp = Stamp::of(path);
                let shown = crate::diagnostic::display_path(root, path);
                if let Some(entry) = cache.releases.get(&shown)
                    && entry.unchanged(stamp)
                    && entry.current_at(now)
                {
                    let identity = entry.identity(&shown);
                    return Ok((Input::Kept(shown, entry.footprint.clone()), identity));
                }
                let source = crate::yaml::read(root, path).map_err(|d| vec![d])?;
                let (loaded, _) = shared.release_from(path, source)?;
                // Relating it to the others needs its own verdict first.
                let report = evaluate::evaluate(
                    &loaded,
                    &shared.config,
                    &shared.checklists,
                    &shared.people,
                    today,
                );
                let footprint = Footprint::of(&loaded.release, &report, &shared.config);
                // Only the packed form is kept until rendering; the parsed release goes now.
                Ok((
                    Input::Fresh(path.clone(), Packed::of(&loaded), stamp, footprint),
                    Identity::of(&loaded),
                ))
            })
            .collect();
        let mut problems = Vec::new();
        let mut inputs = Vec::with_capacity(results.len());
        let mut identities = Vec::with_capacity(results.len());
        for r in results {
            match r {
                Ok((input, identity)) => {
                    inputs.push(input);
                    identities.push(identity);
                }
                Err(d) => problems.extend(d),
            }
        }
        problems.extend(content::duplicate_slugs(root, &identities));
        problems.extend(content::dependency_problems(root, &identities));
        if problems.is_empty() {
            Ok(inputs)
        } else {
            let mut all = crate::diagnostic::Diagnostics::default();
            all.extend(problems);
            Err(InvalidSite {
                diagnostics: all.into_sorted(),
            })
        }
    }

    fn bar(&self, releases: usize) -> Option<indicatif::ProgressBar> {
        (self.progress && releases >= PROGRESS_FROM).then(|| {
            let bar = indicatif::ProgressBar::new(releases as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "rendering {bar:30} {pos}/{len} releases {elapsed}",
                )
                .expect("a valid progress template"),
            );
            bar
        })
    }
}
