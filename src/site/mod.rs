//! Site: the whole build, from a site folder to the files of its output.
//!
//! load -> evaluate -> render happen in memory (releases in parallel); `write`
//! then swaps the result in. Nothing touches the output unless every stage succeeded.

pub mod write;

use std::path::Path;
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
    pub files: Vec<OutputFile>,
}

/// What a build did, for the summary line.
#[derive(Debug, Clone, Copy)]
pub struct BuildSummary {
    pub releases: usize,
    pub pages: usize,
    pub emails: usize,
    pub files: usize,
    pub bytes: u64,
    pub elapsed: Duration,
}

/// Why a build stopped.
#[derive(Debug)]
pub enum BuildError {
    /// The content has problems; the writer must fix them (exit 2).
    Invalid(InvalidSite),
    /// The output could not be written.
    Io(std::io::Error),
}

/// Loads and evaluates the site in `root`; also returns the `today` it used.
pub fn evaluated(root: &Path) -> Result<(LoadedSite, Vec<Report>, chrono::NaiveDate), InvalidSite> {
    let site = content::load(root)?;
    let today = today(site.config.timezone.0);
    let reports = site
        .releases
        .par_iter()
        .map(|r| evaluate::evaluate(r, &site.config, &site.checklists, today))
        .collect();
    Ok((site, reports, today))
}

/// Loads and evaluates the site in `root`.
pub fn load_and_evaluate(root: &Path) -> Result<(LoadedSite, Vec<Report>), InvalidSite> {
    evaluated(root).map(|(site, reports, _)| (site, reports))
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

/// Everything up to writing: the output as a list of files.
pub fn generate(root: &Path) -> Result<Generated, InvalidSite> {
    let (site, reports, today) = evaluated(root)?;
    let theme = Theme::load(root, Arc::new(site.people.clone()))
        .map_err(|diagnostics| InvalidSite { diagnostics })?;
    let per_release: Result<Vec<Vec<OutputFile>>, _> = site
        .releases
        .par_iter()
        .zip(reports.par_iter())
        .map(|(loaded, report)| {
            let mut files = render::release_pages(&theme, &site, loaded, report, today)?;
            files.extend(email::preview_files(&theme, &site, loaded, report)?);
            Ok(files)
        })
        .collect();
    let mut files: Vec<OutputFile> = per_release
        .map_err(|d| InvalidSite {
            diagnostics: vec![d],
        })?
        .into_iter()
        .flatten()
        .collect();
    let all: Vec<&Report> = reports.iter().collect();
    files.push(
        render::dashboard_page(&theme, &site.config, &all).map_err(|d| InvalidSite {
            diagnostics: vec![d],
        })?,
    );
    files.extend(
        render::runbook_pages(&theme, &site, &reports).map_err(|d| InvalidSite {
            diagnostics: vec![d],
        })?,
    );
    files.extend(theme.assets.iter().cloned());
    files.push(OutputFile {
        path: "schema/release.schema.json".into(),
        bytes: content::schema::release_schema().into_bytes(),
    });
    Ok(Generated {
        site,
        reports,
        files,
    })
}

/// An HTML page of the site (email previews are not pages).
fn is_page(file: &OutputFile) -> bool {
    file.path.extension().is_some_and(|e| e == "html")
        && !file.path.components().any(|c| c.as_os_str() == "emails")
}

/// Builds the site in `root` into `out`, replacing it only on success.
pub fn build(root: &Path, out: &Path) -> Result<BuildSummary, BuildError> {
    let started = Instant::now();
    let generated = generate(root).map_err(BuildError::Invalid)?;
    write::replace_output(out, &generated.files).map_err(BuildError::Io)?;
    Ok(BuildSummary {
        releases: generated.reports.len(),
        pages: generated.files.iter().filter(|f| is_page(f)).count(),
        emails: generated
            .files
            .iter()
            .filter(|f| f.path.extension().is_some_and(|e| e == "eml"))
            .count(),
        files: generated.files.len(),
        bytes: generated.files.iter().map(|f| f.bytes.len() as u64).sum(),
        elapsed: started.elapsed(),
    })
}
