//! The pages of a release (the readiness report, the checklist, the go-live
//! runbook, the deployment request and `readiness.json`), the rows the lists
//! keep of it, and the search page. The lists themselves are `lists`.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use tera::Context;

use super::{OutputFile, Theme};
use chrono::NaiveDate;

use crate::config::site::SiteConfig;
use crate::content::release::Severity;
use crate::content::runbook::Runbook;
use crate::content::{LoadedRelease, Shared};
use crate::diagnostic::Diagnostic;
use crate::email::Kind;
use crate::evaluate::{Report, Summary};

/// What every page knows about the site.
#[derive(Serialize)]
pub(crate) struct SiteView<'a> {
    pub(crate) title: &'a str,
    organisation: Option<&'a str>,
    base_url: Option<&'a str>,
    timezone: &'a str,
    golive_version: &'static str,
}

/// The context every site page starts from: the site, the way back to the
/// output folder (`root`) and which header tab is current (`page`).
pub(crate) fn page_context(site: &SiteConfig, root: &str, page: &str) -> Context {
    let mut context = Context::new();
    context.insert("site", &site_view(site));
    context.insert("root", root);
    context.insert("page", page);
    context
}

pub(crate) fn site_view(site: &SiteConfig) -> SiteView<'_> {
    SiteView {
        title: &site.title,
        organisation: site.organisation.as_deref(),
        base_url: site.base_url.as_deref(),
        timezone: site.timezone.0.name(),
        golive_version: env!("CARGO_PKG_VERSION"),
    }
}

/// What pages show of a runbook.
#[derive(Serialize)]
pub(crate) struct RunbookView<'a> {
    pub(crate) tags: &'a [String],
    pub(crate) name: &'a str,
    pub(crate) title: &'a str,
    severity: Option<Severity>,
    owner: Option<&'a str>,
    /// How many releases link to it.
    used_by: usize,
}

pub(crate) fn runbook_view(runbook: &Runbook, used_by: usize) -> RunbookView<'_> {
    RunbookView {
        name: &runbook.name,
        title: &runbook.front.title,
        tags: &runbook.front.tags,
        severity: runbook.front.severity,
        owner: runbook.front.owner.as_deref(),
        used_by,
    }
}

/// Per release: the readiness report (`index.html`), `checklist.html`, the
/// go-live `runbook.html`, the deployment request `approval.html` and
/// `readiness.json`. `previews` are the release's email previews
/// (`email::preview_files`), which the report links to; `context` is the
/// release's (`render::release_context`).
pub fn release_pages(
    theme: &Theme,
    site: &Shared,
    loaded: &LoadedRelease,
    report: &Report,
    today: NaiveDate,
    previews: &[OutputFile],
    context: &mut Context,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let dir = PathBuf::from("releases").join(&loaded.slug);
    let linked: Vec<RunbookView> = loaded
        .release
        .runbooks
        .iter()
        .filter_map(|name| site.runbooks.get(name.strip_suffix(".md").unwrap_or(name)))
        .map(|r| runbook_view(r, 0))
        .collect();
    context.insert("site", &site_view(&site.config));
    context.insert("root", "../../");
    context.insert("linked_runbooks", &linked);
    context.insert("emails", &email_previews(previews));
    context.insert("today", &crate::evaluate::day_text(today));

    let mut files = Vec::with_capacity(5);
    for (template, file, page) in [
        ("release.html", "index.html", "report"),
        ("checklist.html", "checklist.html", "checklist"),
        ("runbook.html", "runbook.html", "runbook"),
        ("approval.html", "approval.html", "approval"),
    ] {
        context.insert("page", page);
        files.push(OutputFile {
            path: dir.join(file),
            bytes: theme.render(template, context)?.into_bytes(),
        });
    }
    // Compact: pipelines read it, and indenting its nested categories made
    // it nearly twice the size (the largest file of a release).
    let mut json = serde_json::to_vec(report).expect("a report always serialises");
    json.push(b'\n');
    files.push(OutputFile {
        path: dir.join("readiness.json"),
        bytes: json,
    });
    Ok(files)
}

/// The kinds among `previews`, in order, and whether each has an `.eml`.
fn email_previews(previews: &[OutputFile]) -> Vec<serde_json::Value> {
    let has = |kind: Kind, ext: &str| {
        previews
            .iter()
            .any(|f| f.path.file_name() == Some(format!("{kind}.{ext}").as_ref()))
    };
    Kind::ALL
        .into_iter()
        .filter(|kind| has(*kind, "html"))
        .map(|kind| serde_json::json!({ "kind": kind.name(), "eml": has(kind, "eml") }))
        .collect()
}

/// What the pages that list releases show of one release, as HTML: its row in
/// the dashboard's table (`dashboard_row.html`), its line on the pages of the
/// runbooks it links to (`runbook_use.html`) and its entry on the release
/// calendar's days (`calendar_entry.html`). Rendered when the release is and
/// kept in the build cache, so that a list of 10,000 releases is joined, not
/// rendered again, when one of them changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Rows {
    pub dashboard: String,
    pub runbook: String,
    #[serde(default)]
    pub calendar: String,
}

/// Renders a release's [`Rows`] from its summary.
pub fn rows(theme: &Theme, summary: &Summary) -> Result<Rows, Diagnostic> {
    let mut context = Context::new();
    context.insert("r", summary);
    Ok(Rows {
        dashboard: theme.render("dashboard_row.html", &context)?,
        runbook: theme.render("runbook_use.html", &context)?,
        calendar: theme.render("calendar_entry.html", &context)?,
    })
}

/// A release as the pages that list releases see it.
pub struct Listed<'a> {
    pub summary: &'a Summary,
    pub rows: &'a Rows,
    /// The runbooks it links to, by name.
    pub runbooks: &'a [String],
}

/// `search.html`: the results of the header's search box (filled in by
/// `assets/search.js` from the index in `search/`).
pub fn search_page(theme: &Theme, site: &SiteConfig) -> Result<OutputFile, Diagnostic> {
    let context = page_context(site, "", "search");
    Ok(OutputFile {
        path: PathBuf::from("search.html"),
        bytes: theme.render("search.html", &context)?.into_bytes(),
    })
}
