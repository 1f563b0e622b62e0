//! The release calendar: `calendar.html` shows this month and the next two in
//! the site's zone, and `calendar/<YYYY-MM>.html` each month with releases,
//! linked to the months before and after it that have releases. Deployment
//! windows are on a month grid with change freezes, non-working days and
//! collisions (`grid` decides what goes where; `layouts/calendar.html` lays it
//! out, as a grid on wide screens and as a list on phones). Each release's
//! entry is rendered once with the release (`Rows::calendar`,
//! `layouts/calendar_entry.html`) and only joined here, so a page changes
//! only when a release in its months does.

mod collisions;
mod grid;

pub(crate) use grid::{month_key, month_title};

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::pages::{Listed, page_context};
use super::{OutputFile, Theme};
use crate::config::site::SiteConfig;
use crate::diagnostic::Diagnostic;
use crate::evaluate::Summary;

/// Where the page goes, below the output folder.
pub const CALENDAR_PATH: &str = "calendar.html";

/// Months the calendar's first page shows: this one and the next two.
pub const SHOWN_MONTHS: usize = 3;

/// A month with releases, as the pages link to it.
#[derive(Serialize)]
struct MonthLink {
    key: String,
    title: String,
    current: bool,
}

/// Renders `calendar.html` and the month pages for `releases`, with `today`
/// (in the site's zone) marked.
pub fn calendar_pages(
    theme: &Theme,
    site: &SiteConfig,
    releases: &[Listed],
    today: NaiveDate,
) -> Result<Vec<OutputFile>, Diagnostic> {
    let listed: Vec<(&Summary, &str)> = releases
        .iter()
        .map(|r| (r.summary, r.rows.calendar.as_str()))
        .collect();
    let laid = grid::lay(site, &listed);
    let this = (today.year(), today.month());
    let links: Vec<MonthLink> = laid
        .months
        .iter()
        .map(|&m| MonthLink {
            key: grid::month_key(m),
            title: grid::month_title(m),
            current: m == this,
        })
        .collect();
    let page = |months: &[(i32, u32)],
                root: &str,
                prev: Option<&MonthLink>,
                next: Option<&MonthLink>,
                path: PathBuf| {
        let mut context = page_context(site, root, "calendar");
        context.insert(
            "calendar",
            &grid::calendar(site, &laid, months, today, root),
        );
        context.insert("months", &links);
        context.insert("month_page", &!root.is_empty());
        context.insert("prev", &prev);
        context.insert("next", &next);
        Ok::<_, Diagnostic>(OutputFile {
            path,
            bytes: theme.render("calendar.html", &context)?.into_bytes(),
        })
    };
    let mut files = vec![page(
        &grid::months_from(this, SHOWN_MONTHS),
        "",
        None,
        None,
        PathBuf::from(CALENDAR_PATH),
    )?];
    for (i, (&month, link)) in laid.months.iter().zip(&links).enumerate() {
        files.push(page(
            &[month],
            "../",
            i.checked_sub(1).map(|p| &links[p]),
            links.get(i + 1),
            PathBuf::from(format!("calendar/{}.html", link.key)),
        )?);
    }
    Ok(files)
}

#[cfg(test)]
mod tests;
