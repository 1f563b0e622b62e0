//! The pages of a site: the dashboard and, per release, the readiness report,
//! the checklist and `readiness.json`.

use std::path::PathBuf;

use serde::Serialize;
use tera::Context;

use super::{OutputFile, Theme};
use crate::config::site::SiteConfig;
use crate::content::LoadedRelease;
use crate::diagnostic::Diagnostic;
use crate::evaluate::Report;

/// What every page knows about the site.
#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    organisation: Option<&'a str>,
    base_url: Option<&'a str>,
    timezone: &'a str,
    golive_version: &'static str,
}

fn site_view(site: &SiteConfig) -> SiteView<'_> {
    SiteView {
        title: &site.title,
        organisation: site.organisation.as_deref(),
        base_url: site.base_url.as_deref(),
        timezone: site.timezone.0.name(),
        golive_version: env!("CARGO_PKG_VERSION"),
    }
}

/// `releases/<slug>/index.html`, `checklist.html` and `readiness.json`.
pub fn release_pages(
    theme: &Theme,
    site: &SiteConfig,
    loaded: &LoadedRelease,
    report: &Report,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let dir = PathBuf::from("releases").join(&loaded.slug);
    let mut context = Context::new();
    context.insert("site", &site_view(site));
    context.insert("release", &loaded.release);
    context.insert("report", report);
    context.insert("root", "../../");

    let mut files = Vec::with_capacity(3);
    for (template, file, page) in [
        ("release.html", "index.html", "report"),
        ("checklist.html", "checklist.html", "checklist"),
    ] {
        context.insert("page", page);
        files.push(OutputFile {
            path: dir.join(file),
            bytes: theme.render(template, &context)?.into_bytes(),
        });
    }
    let mut json = serde_json::to_vec_pretty(report).expect("a report always serialises");
    json.push(b'\n');
    files.push(OutputFile {
        path: dir.join("readiness.json"),
        bytes: json,
    });
    Ok(files)
}

/// `index.html`: every release, soonest target first.
pub fn dashboard_page(
    theme: &Theme,
    site: &SiteConfig,
    reports: &[&Report],
) -> Result<OutputFile, Diagnostic> {
    let mut sorted: Vec<&Report> = reports.to_vec();
    sorted.sort_by(|a, b| (a.target.unix, &a.slug).cmp(&(b.target.unix, &b.slug)));
    let mut context = Context::new();
    context.insert("site", &site_view(site));
    context.insert("releases", &sorted);
    context.insert("root", "");
    context.insert("page", "dashboard");
    Ok(OutputFile {
        path: PathBuf::from("index.html"),
        bytes: theme.render("dashboard.html", &context)?.into_bytes(),
    })
}
