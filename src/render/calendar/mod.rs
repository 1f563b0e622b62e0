//! `calendar.html`: every release's deployment window on a month calendar in
//! the site's zone, with change freezes, non-working days and collisions
//! (`grid` decides what goes where; `layouts/calendar.html` lays it out, as a
//! grid on wide screens and as a list on phones). It lists every release, so
//! a build renders it again whenever a release's summary changes, as it does
//! the dashboard; each release's entry is rendered once with the release
//! (`Rows::calendar`, `layouts/calendar_entry.html`) and only joined here.

mod collisions;
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
    let listed: Vec<(&Summary, &str)> = releases
        .iter()
        .map(|r| (r.summary, r.rows.calendar.as_str()))
        .collect();
    let mut context = Context::new();
    context.insert("site", &site_view(site));
    context.insert("calendar", &grid::calendar(site, &listed, today));
    context.insert("root", "");
    context.insert("page", "calendar");
    Ok(OutputFile {
        path: PathBuf::from(CALENDAR_PATH),
        bytes: theme.render("calendar.html", &context)?.into_bytes(),
    })
}

#[cfg(test)]
mod tests;
