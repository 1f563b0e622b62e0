//! Site: the whole build, from a site folder to the files of its output.
//!
//! load -> evaluate -> render happen in memory (releases in parallel); `write`
//! then swaps the result in. Nothing touches the output unless every stage succeeded.

pub mod write;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::content::{self, LoadedSite};
use crate::diagnostic::InvalidSite;
use crate::email;
use crate::evaluate::{self, Report};
use crate::render::{self, OutputFile, Theme};

/// A site loaded, evaluated and rendered, not yet written.
pub struct Generated {
    pub site: LoadedSite,
    pub reports: Vec<Report>,
    /// Per release, its pages, `readiness.json` and email previews.
    pub release_files: Vec<Arc<Vec<OutputFile>>>,
    /// The dashboard, runbook pages, assets and the schema.
    pub site_files: Vec<OutputFile>,
    /// How many releases had to be rendered (the rest came from the cache).
    pub rendered: usize,
    /// How long each stage took, for `--verbose`.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Generated {
    /// Every output file.
    pub fn files(&self) -> impl Iterator<Item = &OutputFile> {
        self.release_files
            .iter()
            .flat_map(|f| f.iter())
            .chain(&self.site_files)
    }
}

/// What a build did, for the summary line.
#[derive(Debug, Clone)]
pub struct BuildSummary {
    pub releases: usize,
    pub pages: usize,
    pub emails: usize,
    pub files: usize,
    pub bytes: u64,
    pub elapsed: Duration,
    /// How long each stage took.
    pub timings: Vec<(&'static str, Duration)>,
}

/// Why a build stopped.
#[derive(Debug)]
pub enum BuildError {
    /// The content has problems; the writer must fix them (exit 2).
    Invalid(InvalidSite),
    /// The output could not be written.
    Io(std::io::Error),
}

/// Loads and evaluates the site in `root`.
pub fn load_and_evaluate(root: &Path) -> Result<(LoadedSite, Vec<Report>), InvalidSite> {
    let site = content::load(root)?;
    let reports = evaluate_all(&site, today(site.config.timezone.0));
    Ok((site, reports))
}

/// Every release of `site` evaluated, in parallel.
fn evaluate_all(site: &LoadedSite, today: chrono::NaiveDate) -> Vec<Report> {
    site.releases
        .par_iter()
        .map(|r| evaluate::evaluate(r, &site.config, &site.checklists, today))
        .collect()
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

/// Everything up to writing, from scratch: the output as a list of files.
pub fn generate(root: &Path) -> Result<Generated, InvalidSite> {
    Builder::new(root).generate()
}

/// Builds with fewer releases than this finish too fast to need a progress bar.
const PROGRESS_FROM: usize = 200;

/// The files of one release, shared between builds while they stay the same.
type ReleaseFiles = Arc<Vec<OutputFile>>;

/// Builds a site again and again (as `serve` does), redoing only what changed.
///
/// Two caches make that fall out of the ordinary pipeline: release files are
/// parsed again only when they change on disk, and each release's rendered
/// files are kept under a fingerprint of everything they depend on: the
/// release's own text, the shared inputs (settings, people, checklists,
/// runbooks), the theme and today's date. Editing one release changes one
/// fingerprint, so only that release is rendered again, plus the pages that
/// list every release (dashboard, runbook pages), which are always rendered.
pub struct Builder {
    root: PathBuf,
    /// Shown while release pages are rendered, on large builds.
    progress: Option<indicatif::ProgressBar>,
    parsed: content::ReleaseCache,
    rendered: HashMap<String, (u64, ReleaseFiles)>,
}

impl Builder {
    pub fn new(root: &Path) -> Builder {
        Builder {
            root: root.to_path_buf(),
            progress: None,
            parsed: content::ReleaseCache::default(),
            rendered: HashMap::new(),
        }
    }

    /// Shows a progress bar while rendering, when there are at least
    /// `PROGRESS_FROM` releases to render (it draws only on a terminal).
    pub fn with_progress(mut self) -> Builder {
        self.progress = Some(indicatif::ProgressBar::hidden());
        self
    }

    pub fn generate(&mut self) -> Result<Generated, InvalidSite> {
        let root = self.root.clone();
        let mut clock = Instant::now();
        let mut timings = Vec::with_capacity(6);
        let mut lap = |name: &'static str| {
            timings.push((name, clock.elapsed()));
            clock = Instant::now();
        };
        let site = content::load_with(&root, &mut self.parsed)?;
        lap("load and validate");
        let today = today(site.config.timezone.0);
        let reports = evaluate_all(&site, today);
        lap("evaluate");
        let theme = Theme::load(&root, Arc::new(site.people.clone()))
            .map_err(|diagnostics| InvalidSite { diagnostics })?;
        lap("templates");
        let shared = content::fingerprint(&format!(
            "{}:{}:{today}",
            site.shared_fingerprint, theme.fingerprint
        ));
        let cached = &self.rendered;
        let bar = self
            .progress
            .as_ref()
            .filter(|_| site.releases.len() >= PROGRESS_FROM)
            .inspect(|bar| {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
                bar.set_length(site.releases.len() as u64);
                bar.set_style(
                    indicatif::ProgressStyle::with_template(
                        "rendering {bar:30} {pos}/{len} releases {elapsed}",
                    )
                    .expect("a valid progress template"),
                );
            });
        // Per release: whether it was rendered now, and its files.
        let per_release: Result<Vec<(bool, ReleaseFiles)>, _> = site
            .releases
            .par_iter()
            .zip(reports.par_iter())
            .map(|(loaded, report)| {
                let key = loaded.fingerprint ^ shared.rotate_left(1);
                if let Some((k, files)) = cached.get(&loaded.slug)
                    && *k == key
                {
                    return Ok((false, files.clone()));
                }
                let mut files = render::release_pages(&theme, &site, loaded, report, today)?;
                files.extend(email::preview_files(&theme, &site, loaded, report)?);
                if let Some(bar) = bar {
                    bar.inc(1);
                }
                Ok((true, Arc::new(files)))
            })
            .collect();
        if let Some(bar) = bar {
            bar.finish_and_clear();
        }
        let per_release = per_release.map_err(|d| InvalidSite {
            diagnostics: vec![d],
        })?;
        let rendered = per_release.iter().filter(|(fresh, _)| *fresh).count();
        self.rendered = site
            .releases
            .iter()
            .zip(&per_release)
            .map(|(loaded, (_, files))| {
                (
                    loaded.slug.clone(),
                    (loaded.fingerprint ^ shared.rotate_left(1), files.clone()),
                )
            })
            .collect();
        let release_files = per_release.into_iter().map(|(_, files)| files).collect();
        lap("release pages and emails");

        let invalid = |d| InvalidSite {
            diagnostics: vec![d],
        };
        let all: Vec<&Report> = reports.iter().collect();
        let mut site_files =
            vec![render::dashboard_page(&theme, &site.config, &all).map_err(invalid)?];
        site_files.extend(render::runbook_pages(&theme, &site, &reports).map_err(invalid)?);
        site_files.extend(theme.assets.iter().cloned());
        site_files.push(OutputFile {
            path: "schema/release.schema.json".into(),
            bytes: content::schema::release_schema().into_bytes(),
        });
        lap("dashboard, runbooks, assets");
        Ok(Generated {
            site,
            reports,
            release_files,
            site_files,
            rendered,
            timings,
        })
    }
}

/// An HTML page of the site (email previews are not pages).
fn is_page(file: &OutputFile) -> bool {
    file.path.extension().is_some_and(|e| e == "html")
        && !file.path.components().any(|c| c.as_os_str() == "emails")
}

/// Builds the site in `root` into `out`, replacing it only on success.
pub fn build(root: &Path, out: &Path, progress: bool) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let mut builder = Builder::new(root);
    if progress {
        builder = builder.with_progress();
    }
    let generated = builder.generate().map_err(BuildError::Invalid)?;
    let files: Vec<&OutputFile> = generated.files().collect();
    let writing = Instant::now();
    write::replace_output(out, &files).map_err(BuildError::Io)?;
    let mut timings = generated.timings.clone();
    timings.push(("write", writing.elapsed()));
    Ok(BuildSummary {
        releases: generated.reports.len(),
        pages: files.iter().filter(|f| is_page(f)).count(),
        emails: files
            .iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "eml"))
            .count(),
        files: files.len(),
        bytes: files.iter().map(|f| f.bytes.len() as u64).sum(),
        elapsed: started.elapsed(),
        timings,
    })
}
