//! `index.html`: the counts of every release, then what a reader needs now,
//! each section capped at [`SECTION_ROWS`] with a link to the rest:
//!
//! - **In flight**: deployment in progress, or go-live today (in the site's
//!   zone) and not postponed;
//! - **Upcoming**: go-live after now, not yet deployed or rolled back, soonest first;
//! - **Recently changed**: went live (or was due to) in the last
//!   [`RECENT_DAYS`] days, or was postponed away from a date in them; newest first.
//!
//! Which section a release is in depends only on its summary and the build's
//! clock, never on file times, so the page changes only when a release it
//! shows (or a count) changes, or the clock moves a release between sections.

use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use super::super::pages::{Listed, page_context};
use super::super::{OutputFile, Theme};
use crate::config::site::SiteConfig;
use crate::content::release::DeploymentStatus;
use crate::diagnostic::Diagnostic;
use crate::evaluate::{Summary, Verdict};

/// Rows in each of the dashboard's sections at most.
pub const SECTION_ROWS: usize = 50;
/// How far back "Recently changed" looks.
pub const RECENT_DAYS: i64 = 14;

/// How many releases the site has, in all and by verdict.
#[derive(Serialize)]
struct Counts {
    releases: usize,
    go: usize,
    go_pending: usize,
    no_go: usize,
    /// Releases with at least one warning.
    warned: usize,
    /// Releases with at least one calendar collision.
    collided: usize,
}

/// One of the dashboard's sections: its rows joined, and how many it leaves out.
#[derive(Serialize)]
struct Section {
    id: &'static str,
    title: &'static str,
    /// What the section holds, for the reader.
    rule: String,
    rows: String,
    shown: usize,
    more: usize,
}

/// Which section a release is in at `now`, and the time it sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Now {
    InFlight(i64),
    Upcoming(i64),
    Recent(i64),
}

/// The section of `summary` at `now` (`today` in the site's zone `zone`), if any.
pub fn section(
    summary: &Summary,
    now: DateTime<Utc>,
    today: NaiveDate,
    zone: chrono_tz::Tz,
) -> Option<Now> {
    let now = now.timestamp();
    let target = summary.target.unix;
    let day = Utc
        .timestamp_opt(target, 0)
        .single()
        .map(|t| t.with_timezone(&zone).date_naive());
    let state = summary.state;
    if state == DeploymentStatus::InProgress
        || (day == Some(today) && state != DeploymentStatus::Postponed)
    {
        return Some(Now::InFlight(target));
    }
    if target > now
        && matches!(
            state,
            DeploymentStatus::Scheduled | DeploymentStatus::Postponed
        )
    {
        return Some(Now::Upcoming(target));
    }
    let since = now - RECENT_DAYS * 86_400;
    let recent = |t: i64| (since..=now).contains(&t).then_some(t);
    let postponed = (state == DeploymentStatus::Postponed)
        .then(|| {
            summary
                .original_target
                .as_ref()
                .and_then(|o| recent(o.unix))
        })
        .flatten();
    recent(target).max(postponed).map(Now::Recent)
}

/// Renders `index.html` from `releases`, at `now` (`today` in the site's zone).
pub fn dashboard_page(
    theme: &Theme,
    site: &SiteConfig,
    releases: &[Listed],
    now: DateTime<Utc>,
    today: NaiveDate,
) -> Result<OutputFile, Diagnostic> {
    let with = |verdict: Verdict| {
        releases
            .iter()
            .filter(|r| r.summary.verdict == verdict)
            .count()
    };
    let counts = Counts {
        releases: releases.len(),
        go: with(Verdict::Go),
        go_pending: with(Verdict::GoPending),
        no_go: with(Verdict::NoGo),
        warned: releases
            .iter()
            .filter(|r| !r.summary.warnings.is_empty())
            .count(),
        collided: releases
            .iter()
            .filter(|r| r.summary.collision_count > 0)
            .count(),
    };
    let zone = site.timezone.0;
    let mut in_flight = Vec::new();
    let mut upcoming = Vec::new();
    let mut recent = Vec::new();
    for r in releases {
        match section(r.summary, now, today, zone) {
            Some(Now::InFlight(t)) => in_flight.push((t, r)),
            Some(Now::Upcoming(t)) => upcoming.push((t, r)),
            Some(Now::Recent(t)) => recent.push((-t, r)),
            None => {}
        }
    }
    let section = |id, title, rule: String, mut list: Vec<(i64, &Listed)>| {
        list.sort_by(|a, b| (a.0, &a.1.summary.slug).cmp(&(b.0, &b.1.summary.slug)));
        let shown = list.len().min(SECTION_ROWS);
        Section {
            id,
            title,
            rule,
            rows: list[..shown]
                .iter()
                .map(|(_, r)| r.rows.dashboard.as_str())
                .collect(),
            shown,
            more: list.len() - shown,
        }
    };
    let sections = [
        section(
            "in-flight",
            "In flight",
            "Deployment in progress, or going live today.".into(),
            in_flight,
        ),
        section(
            "upcoming",
            "Upcoming",
            "Going live after now, soonest first.".into(),
            upcoming,
        ),
        section(
            "recent",
            "Recently changed",
            format!(
                "Went live, or was due to, in the last {RECENT_DAYS} days, or was postponed from a date in them; newest first."
            ),
            recent,
        ),
    ];
    let mut context = page_context(site, "", "dashboard");
    context.insert("counts", &counts);
    context.insert("sections", &sections);
    Ok(OutputFile {
        path: PathBuf::from("index.html"),
        bytes: theme.render("dashboard.html", &context)?.into_bytes(),
    })
}
