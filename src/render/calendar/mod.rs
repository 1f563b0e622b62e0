//! `calendar.html`: every release's deployment window on a month calendar in
//! the site's zone, with change freezes, non-working days and collisions
//! (`grid` decides what goes where; `layouts/calendar.html` lays it out, as a
//! grid on wide screens and as a list on phones). It lists every release, so
//! a build renders it again whenever a release's summary changes, as it does
//! the dashboard.

mod grid;

use std::path::PathBuf;

use chrono::NaiveDate;
use tera::Context;

use super::pages::{Listed, site_view};
use super::{OutputFile, Theme};
use crate::config::site::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::evaluate::Summary;

/// Where the page goes, below the output folder.
pub const CALENDAR_PATH: &str = "calendar.html";

/// Renders `calendar.html` for `releases`, with `today` (in the site's zone) marked.
pub fn calendar_page(
    theme: &Theme,
    site: &SiteConfig,
    releases: &[Listed],
    today: NaiveDate,
) -> Result<OutputFile, Diagnostic> {
    let summaries: Vec<&Summary> = releases.iter().map(|r| r.summary).collect();
    let mut context = Context::new();
    context.insert("site", &site_view(site));
    context.insert("calendar", &grid::calendar(site, &summaries, today));
    context.insert("root", "");
    context.insert("page", "calendar");
    Ok(OutputFile {
        path: PathBuf::from(CALENDAR_PATH),
        bytes: theme.render("calendar.html", &context)?.into_bytes(),
    })
}

#[cfg(test)]
mod tests;
