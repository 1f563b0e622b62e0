//! Site: the whole build, from a site folder to its output folder.
//!
//! A build checks everything first (settings, people, checklists, runbooks,
//! templates and every changed release) and touches the output only if all of it
//! is valid. Then each release that changed is evaluated and rendered, in
//! parallel, and its files are written as soon as they exist, so memory holds a
//! few releases' pages at a time, not the site's. Unchanged releases are not
//! even parsed (see `cache`), and unchanged files are not rewritten (see `output`).

pub mod cache;
pub mod output;
mod quick;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::content::{self, Identity, LoadedRelease, LoadedSite, Shared};
use crate::diagnostic::{Diagnostic, InvalidSite};
use crate::email;
use crate::evaluate::{self, Report, Summary};
use crate::render::{self, OutputFile, Theme};
use crate::yaml::Source;
use cache::{BuildCache, CachedRelease, Stamp};
use output::{Manifest, Output};

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
    pub elapsed: Duration,
    /// How long each stage took.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Why a build stopped.
#[derive(Debug)]
pub enum BuildError {
    /// The content or a template has problems; the writer must fix them (exit 2).
    Invalid(InvalidSite),
    /// The output could not be written.
    Io(std::io::Error),
}

impl From<InvalidSite> for BuildError {
    fn from(invalid: InvalidSite) -> Self {
        BuildError::Invalid(invalid)
    }
}

impl From<std::io::Error> for BuildError {
    fn from(e: std::io::Error) -> Self {
        BuildError::Io(e)
    }
}

/// Loads and evaluates the site in `root`, every release (for `check`, `email`, `send`).
pub fn load_and_evaluate(root: &Path) -> Result<(LoadedSite, Vec<Report>), InvalidSite> {
    let site = content::load(root)?;
    let today = today(site.config.timezone.0);
    let reports = site
        .releases
        .par_iter()
        .map(|r| evaluate::evaluate(r, &site.config, &site.checklists, today))
        .collect();
    Ok((site, reports))
}

/// Today's date in the site's zone. `SOURCE_DATE_EPOCH` (seconds since 1970, the
/// reproducible-builds convention) replaces the clock, so a build can be repeated
/// exactly.
pub fn today(zone: chrono_tz::Tz) -> chrono::NaiveDate {
    let now = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .unwrap_or_else(chrono::Utc::now);
    now.with_timezone(&zone).date_naive()
}

/// Builds the site in `root` into `out`.
pub fn build(root: &Path, out: &Path, progress: bool) -> Result<BuildSummary, BuildError> {
    let mut builder = Builder::new(root, out);
    if progress {
        builder = builder.with_progress();
    }
    builder.build()
}

/// Builds a site into an output folder, again and again if asked (as `serve`
/// does). It keeps the build cache in memory between builds; a fresh builder
/// reads it from the output folder.
pub struct Builder {
    root: PathBuf,
    out: PathBuf,
    progress: bool,
    cache: Option<BuildCache>,
    /// What the last good build used and wrote, for `rebuild_releases`.
    kept: Option<Kept>,
    /// Whether the manifest and cache on disk are behind (see `persist`).
    behind: bool,
}

/// What a builder keeps from its last good build: the shared inputs and theme
/// it used, and the manifest of the output folder.
struct Kept {
    shared: Shared,
    theme: Theme,
    /// The date its pages were rendered for.
    today: chrono::NaiveDate,
    manifest: Manifest,
}

/// Builds with fewer releases to render than this finish too fast for a progress bar.
const PROGRESS_FROM: usize = 200;

/// A release file as this build sees it.
enum Input {
    /// Unchanged since the last build: the key of its cache entry.
    Kept(PathBuf),
    /// New or changed, and valid: its file and text (parsed again to render).
    Fresh(PathBuf, Source, Option<Stamp>),
}

impl Builder {
    pub fn new(root: &Path, out: &Path) -> Builder {
        Builder {
            root: root.to_path_buf(),
            out: out.to_path_buf(),
            progress: false,
            cache: None,
            kept: None,
            behind: false,
        }
    }

    /// Shows a progress bar while rendering many releases (only on a terminal).
    pub fn with_progress(mut self) -> Builder {
        self.progress = true;
        self
    }

    pub fn build(&mut self) -> Result<BuildSummary, BuildError> {
        let started = Instant::now();
        let mut clock = Instant::now();
        let mut timings = Vec::with_capacity(7);
        let mut lap = |name: &'static str| {
            timings.push((name, clock.elapsed()));
            clock = Instant::now();
        };
        let root = self.root.clone();
        // A failed build leaves nothing for `rebuild_releases` to trust.
        self.persist()?;
        self.kept = None;

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
        let today = today(shared.config.timezone.0);
        let key = format!(
            "{:016x}-{:016x}-{today}-{}",
            shared.fingerprint,
            theme.fingerprint,
            env!("CARGO_PKG_VERSION")
        );
        let mut cache = self
            .cache
            .take()
            .or_else(|| BuildCache::read(&self.out))
            .filter(|c| c.key == key)
            .unwrap_or_default();
        lap("load shared inputs");

        let inputs = self.inputs(&shared, &cache)?;
        lap("load and validate releases");

        let output = Output::open(&self.out)?;
        let total = inputs.len();
        // Owned, so that each parsed release is freed as soon as it is rendered.
        let (fresh, kept): (Vec<Input>, Vec<Input>) = inputs
            .into_iter()
            .partition(|i| matches!(i, Input::Fresh(..)));
        let rendered_now = fresh.len();
        let bar = self.bar(fresh.len());
        let site = Rendering {
            shared: &shared,
            theme: &theme,
            today,
            output: &output,
        };
        let rendered: Vec<Result<(PathBuf, CachedRelease), BuildError>> = fresh
            .into_par_iter()
            .map(|input| {
                let Input::Fresh(path, source, stamp) = input else {
                    unreachable!("partitioned")
                };
                let done = shared
                    .checked_release(&path, source)
                    .map_err(|diagnostics| BuildError::Invalid(InvalidSite { diagnostics }))
                    .and_then(|loaded| site.release(&loaded, stamp));
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
                done
            })
            .collect();
        if let Some(bar) = &bar {
            bar.finish_and_clear();
        }
        let mut releases = std::collections::HashMap::with_capacity(total);
        for r in rendered {
            let (path, entry) = r?;
            releases.insert(path, entry);
        }
        // Unchanged releases keep their files; one the output lost is rendered again.
        let mut missing = Vec::new();
        for input in kept {
            let Input::Kept(path) = input else {
                unreachable!("partitioned")
            };
            // Moved out of the old cache, which is replaced below.
            let entry = cache
                .releases
                .remove(&path)
                .expect("kept inputs are cached");
            if entry.outputs.iter().all(|(p, h)| output.keep(p, *h)) {
                releases.insert(path, entry);
            } else {
                missing.push(path);
            }
        }
        // (All of them when the manifest is gone: after an interrupted build.)
        let rendered_now = rendered_now + missing.len();
        let redone: Vec<Result<(PathBuf, CachedRelease), BuildError>> = missing
            .into_par_iter()
            .map(|path| {
                let file = root.join(&path);
                let stamp = Stamp::of(&file);
                let loaded = shared
                    .release(&root, &file)
                    .map_err(|diagnostics| InvalidSite { diagnostics })?;
                site.release(&loaded, stamp)
            })
            .collect();
        for r in redone {
            let (path, entry) = r?;
            releases.insert(path, entry);
        }
        lap("release pages and emails");

        let site_files = site_pages(&theme, &shared, &releases)?;
        for file in &site_files {
            output.put(file)?;
        }
        let site_paths: Vec<PathBuf> = site_files.into_iter().map(|f| f.path).collect();
        lap("dashboard, runbooks, assets");

        let count = |ext: &str, page: bool| {
            let outputs = releases
                .values()
                .flat_map(|e| e.outputs.iter().map(|(p, _)| p));
            let all = outputs.chain(site_paths.iter());
            all.filter(|p| {
                p.extension().is_some_and(|e| e == ext)
                    && (!page || !p.components().any(|c| c.as_os_str() == "emails"))
            })
            .count()
        };
        let (pages, emails) = (count("html", true), count("eml", false));
        let (written, manifest) = output.finish()?;
        // The cache changes when anything was rendered, or a release was removed
        // (the old cache still holds its entry: kept ones were moved out).
        let cache_changed = rendered_now > 0 || cache.key != key || !cache.releases.is_empty();
        cache.releases = releases;
        cache.key = key;
        if cache_changed || !self.out.join(cache::FILE).exists() {
            cache.write(&self.out)?;
        }
        self.cache = Some(cache);
        self.kept = Some(Kept {
            shared,
            theme,
            today,
            manifest,
        });
        lap("write manifest and cache");

        Ok(BuildSummary {
            releases: total,
            rendered: rendered_now,
            pages,
            emails,
            files: written.files,
            written: written.written,
            deleted: written.deleted,
            bytes_written: written.bytes_written,
            elapsed: started.elapsed(),
            timings,
        })
    }

    /// Every release file: kept from the cache when unchanged, else parsed and
    /// checked. All problems of all files come back together.
    fn inputs(&self, shared: &Shared, cache: &BuildCache) -> Result<Vec<Input>, InvalidSite> {
        let root = &self.root;
        let files = content::release_files(root);
        let results: Vec<Result<(Input, Identity), Vec<Diagnostic>>> = files
            .par_iter()
            .map(|path| {
                let stamp = Stamp::of(path);
                let shown = crate::diagnostic::display_path(root, path);
                if let Some(entry) = cache.releases.get(&shown)
                    && entry.unchanged(stamp)
                {
                    let identity = entry.identity(&shown);
                    return Ok((Input::Kept(shown), identity));
                }
                let source = crate::yaml::read(root, path).map_err(|d| vec![d])?;
                let (loaded, source) = shared.release_from(path, source)?;
                // Only the text is kept until rendering; the parsed release goes now.
                Ok((
                    Input::Fresh(path.clone(), source, stamp),
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

/// The pages that are not a release's: the dashboard, the runbook pages (which
/// join the rows each release rendered), the runbook index, the theme's assets
/// and the JSON Schema.
fn site_pages(
    theme: &Theme,
    shared: &Shared,
    releases: &HashMap<PathBuf, CachedRelease>,
) -> Result<Vec<OutputFile>, InvalidSite> {
    let invalid = |d: Diagnostic| InvalidSite {
        diagnostics: vec![d],
    };
    let mut listed: Vec<render::Listed> = releases
        .values()
        .map(|e| render::Listed {
            summary: &e.summary,
            rows: &e.rows,
            runbooks: &e.runbooks,
        })
        .collect();
    listed.sort_by(|a, b| a.summary.slug.cmp(&b.summary.slug));
    let mut files = vec![render::dashboard_page(theme, &shared.config, &listed).map_err(invalid)?];
    let mut used = std::collections::BTreeMap::new();
    for runbook in shared.runbooks.values() {
        let by = render::used_by(&listed, &runbook.name);
        used.insert(runbook.name.as_str(), by.len());
        files.push(render::runbook_page(theme, shared, runbook, &by).map_err(invalid)?);
    }
    files.push(render::runbook_index(theme, shared, &used).map_err(invalid)?);
    files.extend(theme.assets.iter().cloned());
    files.push(OutputFile {
        path: content::schema::SITE_PATH.into(),
        bytes: content::schema::release_schema().into_bytes(),
    });
    Ok(files)
}

/// What rendering one release needs.
struct Rendering<'a> {
    shared: &'a Shared,
    theme: &'a Theme,
    today: chrono::NaiveDate,
    output: &'a Output,
}

impl Rendering<'_> {
    /// Evaluates and renders one release, writes its files, and returns what the
    /// next build needs to know of it.
    fn release(
        &self,
        loaded: &LoadedRelease,
        stamp: Option<Stamp>,
    ) -> Result<(PathBuf, CachedRelease), BuildError> {
        let invalid = |d: Diagnostic| InvalidSite {
            diagnostics: vec![d],
        };
        let report = evaluate::evaluate(
            loaded,
            &self.shared.config,
            &self.shared.checklists,
            self.today,
        );
        let mut context = render::release_context(&loaded.release, &report);
        let previews = email::preview_files(self.theme, self.shared, loaded, &report, &mut context)
            .map_err(invalid)?;
        let mut files = render::release_pages(
            self.theme,
            self.shared,
            loaded,
            &report,
            self.today,
            &previews,
            &mut context,
        )
        .map_err(invalid)?;
        files.extend(previews);
        let mut outputs = Vec::with_capacity(files.len());
        for file in &files {
            let h = self.output.put(file)?;
            outputs.push((file.path.clone(), h));
        }
        let release = &loaded.release;
        let summary = Summary::from(&report);
        Ok((
            loaded.path.clone(),
            CachedRelease {
                // A file without a readable stamp is never taken from the cache.
                stamp: stamp.unwrap_or(Stamp {
                    modified: 0,
                    size: u64::MAX,
                }),
                depends: loaded
                    .depends
                    .iter()
                    .map(|p| (p.clone(), Stamp::of(p)))
                    .collect(),
                runbooks: release
                    .runbooks
                    .iter()
                    .map(|r| r.strip_suffix(".md").unwrap_or(r).to_string())
                    .collect(),
                rows: render::rows(self.theme, &summary).map_err(invalid)?,
                summary,
                outputs,
            },
        ))
    }
}
