//! The runbook pages: `runbooks/<name>.html` (the runbook, and the
//! [`RECENT_USES`] uses nearest now among the releases that link to it),
//! the full list of its uses (`runbooks/<name>/uses.html`, then
//! `uses-2.html`…, latest go-live first) and the index `runbooks/index.html`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono::{DateTime, Utc};
use tera::Context;

use super::super::markdown;
use super::super::pages::page_context;
use super::super::pages::{Listed, Rows, RunbookView, runbook_view};
use super::super::{OutputFile, Theme};
use super::{paginate, rebase};
use crate::content::Shared;
use crate::content::runbook::Runbook;
use crate::diagnostic::Diagnostic;
use crate::evaluate::Summary;

/// Uses a runbook's own page lists at most.
pub const RECENT_USES: usize = 20;

/// The releases that link to runbook `name`, latest go-live first.
pub fn used_by<'a>(releases: &[Listed<'a>], name: &str) -> Vec<(&'a Summary, &'a Rows)> {
    let mut by: Vec<(&Summary, &Rows)> = releases
        .iter()
        .filter(|r| r.runbooks.iter().any(|n| n == name))
        .map(|r| (r.summary, r.rows))
        .collect();
    by.sort_by(|a, b| (b.0.target.unix, &a.0.slug).cmp(&(a.0.target.unix, &b.0.slug)));
    by
}

/// The part of `uses` (latest first) the runbook's page shows: at most
/// [`RECENT_USES`] in a row, up to half of them the upcoming ones nearest
/// now and the rest the most recent before it.
pub fn recent(uses: &[(&Summary, &Rows)], now: DateTime<Utc>) -> std::ops::Range<usize> {
    let now = now.timestamp();
    let past = uses.partition_point(|(s, _)| s.target.unix > now);
    let start = past
        .saturating_sub(RECENT_USES / 2)
        .min(uses.len().saturating_sub(RECENT_USES));
    start..(start + RECENT_USES).min(uses.len())
}

fn runbooks_context(site: &Shared, root: &str) -> Context {
    page_context(&site.config, root, "runbooks")
}

/// Where the full list of runbook `name`'s uses starts.
fn uses_path(name: &str) -> String {
    format!("runbooks/{name}/uses.html")
}

/// `runbooks/<name>.html` and the pages of its full list of uses (`uses`,
/// latest first), with the recent uses at `now`.
pub fn runbook_pages(
    theme: &Theme,
    site: &Shared,
    runbook: &Runbook,
    uses: &[(&Summary, &Rows)],
    now: DateTime<Utc>,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let mut context = runbooks_context(site, "../");
    context.insert("runbook", &runbook_view(runbook, uses.len()));
    context.insert("used_by", &uses.len());
    let shown = recent(uses, now);
    context.insert("shown", &shown.len());
    let rows: String = uses[shown]
        .iter()
        .map(|(_, r)| rebase(&r.runbook, "../"))
        .collect();
    context.insert("used_by_rows", &rows);
    context.insert("uses_href", &format!("{}/uses.html", runbook.name));
    context.insert(
        "body",
        &markdown::runbook_to_html(&runbook.body, &runbook.headings),
    );
    let mut files = vec![OutputFile {
        path: runbook_path(&runbook.name),
        bytes: theme.render("troubleshooting.html", &context)?.into_bytes(),
    }];
    if uses.is_empty() {
        return Ok(files);
    }
    let name = &runbook.name;
    for (path, root, pager, range) in paginate(uses.len(), &uses_path(name), |n| {
        format!("runbooks/{name}/uses-{n}.html")
    }) {
        let rows: String = uses[range]
            .iter()
            .map(|(_, r)| rebase(&r.runbook, &root))
            .collect();
        let mut context = runbooks_context(site, &root);
        context.insert("runbook", &runbook_view(runbook, uses.len()));
        context.insert("rows", &rows);
        context.insert("pager", &pager);
        context.insert("back", &format!("{root}{}", runbook_path(name).display()));
        files.push(OutputFile {
            path,
            bytes: theme.render("runbook_uses.html", &context)?.into_bytes(),
        });
    }
    Ok(files)
}

/// Where runbook `name`'s page goes.
pub fn runbook_path(name: &str) -> PathBuf {
    PathBuf::from("runbooks").join(format!("{name}.html"))
}

/// `runbooks/index.html`: every runbook with how many releases use it, and by tag.
pub fn runbook_index(
    theme: &Theme,
    site: &Shared,
    used: &BTreeMap<&str, usize>,
) -> Result<OutputFile, Diagnostic> {
    let mut views: Vec<RunbookView> = site
        .runbooks
        .values()
        .map(|r| runbook_view(r, used.get(r.name.as_str()).copied().unwrap_or(0)))
        .collect();
    views.sort_by_key(|a| a.title.to_lowercase());
    let mut tags: BTreeMap<&str, Vec<&RunbookView>> = BTreeMap::new();
    for view in &views {
        for tag in view.tags {
            tags.entry(tag.as_str()).or_default().push(view);
        }
    }
    let tags: Vec<serde_json::Value> = tags
        .into_iter()
        .map(|(name, runbooks)| serde_json::json!({ "name": name, "runbooks": runbooks }))
        .collect();
    let mut context = runbooks_context(site, "../");
    context.insert("runbooks", &views);
    context.insert("tags", &tags);
    Ok(OutputFile {
        path: PathBuf::from("runbooks/index.html"),
        bytes: theme.render("runbooks.html", &context)?.into_bytes(),
    })
}
