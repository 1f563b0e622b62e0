//! Calendars (RFC 5545): each release's `calendar.ics`, the site's feed of
//! upcoming releases (`calendar.ics` at the root) and the readiness email's
//! `text/calendar` part.
//!
//! A release has one event per timeline milestone, one for the go/no-go
//! decision and one for the deployment window, all in UTC (`...Z`, right
//! across DST changes) or, for a window of a whole day, as dates.
//!
//! UIDs are stable across builds, so that calendar apps update an event
//! rather than add a second one: `<kind>.<release slug>@golive`, where kind is
//! `window`, `decision`, or `milestone-<activity>-<n>` for a milestone:
//! `<activity>` is its text made a slug (lower case, letters and digits, at
//! most 48 characters) and `<n>` counts milestones with that same slug, in
//! timeline order, from 1. A milestone keeps its UID when its time changes,
//! not when its text does. SEQUENCE and DTSTAMP come from `memory`.

pub mod ics;
pub mod memory;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::config::people::People;
use crate::config::site::SiteConfig;
use crate::content::release::{DeploymentStatus, PersonRef};
use crate::evaluate::{Moment, Report, Summary};
use memory::Memory;

/// The file name, in a release's folder and at the site root.
pub const FILE: &str = "calendar.ics";

/// When an event starts or ends: an instant, or a whole day (all-day events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum At {
    Instant(DateTime<Utc>),
    Day(NaiveDate),
}

/// One event of a release, before it is numbered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub uid: String,
    pub start: At,
    /// None for a moment (a milestone, the decision).
    pub end: Option<At>,
    pub summary: String,
    /// Plain text.
    pub description: String,
    /// The release's report, when the site has a `base_url`.
    pub url: Option<String>,
}

/// An event with its SEQUENCE and DTSTAMP, as published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Placed {
    pub event: Event,
    pub sequence: u32,
    pub stamp: DateTime<Utc>,
}

impl Placed {
    /// The record `memory` keeps of it.
    pub fn record(&self) -> memory::Record {
        memory::Record {
            start: self.event.start.clone(),
            end: self.event.end.clone(),
            sequence: self.sequence,
            stamp: self.stamp,
        }
    }
}

/// What the build cache keeps of a release's published events: each one's
/// UID and what the memory records of it (to tell whether the memory still
/// numbers them alike), not the events whole. The feed takes their text
/// from the last feed or the release's own `calendar.ics` (see `feed`);
/// only the build that renders the release holds it (`vevents`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Published {
    pub events: Vec<(String, memory::Record)>,
    /// The release's VEVENTs as its `calendar.ics` has them, from the build
    /// that rendered it (not in the cache file).
    #[serde(skip)]
    pub vevents: Option<Box<str>>,
}

impl PartialEq for Published {
    /// The same events, numbered alike (then their text is the same too).
    fn eq(&self, other: &Published) -> bool {
        self.events == other.events
    }
}

impl Published {
    /// What is kept of `placed`, with their text.
    pub fn of(placed: &[Placed]) -> Published {
        Published {
            events: placed
                .iter()
                .map(|p| (p.event.uid.clone(), p.record()))
                .collect(),
            vevents: Some(ics::vevents(placed).into_boxed_str()),
        }
    }
}

/// The events of one release, from its report (which already holds the
/// effective go-live: a postponed release's events are at the new dates).
pub fn events(report: &Report, people: &People, base_url: Option<&str>) -> Vec<Event> {
    let name = format!("{} {}", report.product, report.version);
    let slug = &report.slug;
    let url = base_url.map(|b| format!("{}/releases/{slug}/index.html", b.trim_end_matches('/')));
    let owner = match &report.owner {
        PersonRef::Key(key) => people.display_name(key),
        PersonRef::Inline(p) => p.name.clone(),
    };
    let go_live = format!("Go-live: {}", report.target.with_utc());
    let tail = |mut lines: Vec<String>| {
        if let Some(url) = &url {
            lines.push(format!("Release report: {url}"));
        }
        lines.join("\n")
    };
    let mut events = Vec::with_capacity(report.timeline.len() + 2);
    if let Some(due) = &report.decision_due {
        let (start, end) = moment(due);
        events.push(Event {
            uid: format!("decision.{slug}@golive"),
            start,
            end,
            summary: format!("Go/no-go decision: {name}"),
            description: tail(vec![
                format!("The go/no-go decision for {name} is due."),
                format!("Release owner: {owner}"),
                go_live.clone(),
            ]),
            url: url.clone(),
        });
    }
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for step in &report.timeline {
        let key = activity_key(&step.activity);
        let n = seen.entry(key.clone()).or_insert(0);
        *n += 1;
        let mut lines = vec![format!("{} {}", step.offset, step.activity)];
        if let Some(who) = &step.owner {
            lines.push(format!("Owner: {}", people.display_name(who)));
        }
        lines.push(format!("Release owner: {owner}"));
        lines.push(go_live.clone());
        events.push(Event {
            uid: format!("milestone-{key}-{n}.{slug}@golive"),
            start: At::Instant(step.at.instant()),
            end: None,
            summary: format!("{} ({}): {name}", step.activity, step.offset),
            description: tail(lines),
            url: url.clone(),
        });
    }
    let w = &report.window;
    let (start, end) = if w.all_day {
        (At::Day(w.start.local_date()), At::Day(w.end.local_date()))
    } else {
        (At::Instant(w.start.instant()), At::Instant(w.end.instant()))
    };
    let mut what = format!("Deployment window of {name}");
    if !w.all_day {
        what.push_str(&format!(
            ": {} min{}",
            w.minutes,
            if w.assumed {
                " (assumed: the release gives no window.duration)"
            } else {
                ""
            }
        ));
    }
    what.push('.');
    if w.maintenance {
        what.push_str(" It needs a maintenance window.");
    }
    events.push(Event {
        uid: format!("window.{slug}@golive"),
        start,
        end: Some(end),
        summary: format!("Deployment window: {name}"),
        description: tail(vec![what, format!("Release owner: {owner}"), go_live]),
        url,
    });
    events
}

/// Numbers `events` by what `memory` recorded, at `now` (see `memory::place`).
pub fn place(events: Vec<Event>, memory: &Memory, now: DateTime<Utc>) -> Vec<Placed> {
    events
        .into_iter()
        .map(|event| {
            let record = memory::place(
                memory.events.get(&event.uid),
                &event.start,
                event.end.as_ref(),
                now,
            );
            Placed {
                event,
                sequence: record.sequence,
                stamp: record.stamp,
            }
        })
        .collect()
}

/// Whether every event of `placed` is what `memory` says was published: a
/// release kept from the build cache is rendered again when not.
pub fn matches(published: &Published, memory: &Memory) -> bool {
    published
        .events
        .iter()
        .all(|(uid, record)| memory.events.get(uid) == Some(record))
}

/// A release's events numbered by `memory` at `now`, and its `calendar.ics`:
/// what the build publishes and what an email carries.
pub fn for_release(
    report: &Report,
    site: &SiteConfig,
    people: &People,
    memory: &Memory,
    now: DateTime<Utc>,
) -> (Vec<Placed>, Vec<u8>) {
    let events = events(report, people, site.base_url.as_deref());
    let placed = place(events, memory, now);
    let ics = release_file(report, &site.title, &placed);
    (placed, ics)
}

/// One release's `calendar.ics`.
pub fn release_file(report: &Report, site_title: &str, placed: &[Placed]) -> Vec<u8> {
    let name = format!("{} {} · {site_title}", report.product, report.version);
    let events: Vec<&Placed> = placed.iter().collect();
    ics::calendar(
        &ics::Head {
            name: &name,
            feed: false,
        },
        &events,
    )
    .into_bytes()
}

/// Whether a release belongs in the feed at `now`: its window has not ended,
/// or its deployment is in progress (one running past its window).
pub fn upcoming(summary: &Summary, now: DateTime<Utc>) -> bool {
    summary.window.end.unix > now.timestamp() || summary.state == DeploymentStatus::InProgress
}

/// Where the feed finds the VEVENTs of a release not rendered by this
/// build: the last feed (`old_feed`, by UID) or else the release's own
/// `calendar.ics` (`release_file`, by slug). Both were written from the same
/// events as the cache entry's, so the text is what rendering would give.
pub struct Earlier<'a> {
    pub old_feed: Option<&'a str>,
    pub release_file: &'a dyn Fn(&str) -> Option<String>,
}

/// The site's `calendar.ics`: the events of every upcoming release, by window.
pub fn feed<'a>(
    site_title: &str,
    releases: impl Iterator<Item = (&'a Summary, &'a Published)>,
    now: DateTime<Utc>,
    earlier: &Earlier,
) -> Vec<u8> {
    let mut listed: Vec<(&Summary, &Published)> =
        releases.filter(|(s, _)| upcoming(s, now)).collect();
    listed.sort_by(|a, b| {
        (a.0.window.start.unix, &a.0.slug).cmp(&(b.0.window.start.unix, &b.0.slug))
    });
    let mut old = None;
    let mut out = ics::head(&ics::Head {
        name: site_title,
        feed: true,
    });
    for (summary, published) in listed {
        if let Some(text) = &published.vevents {
            out.push_str(text);
            continue;
        }
        let old = old.get_or_insert_with(|| earlier.old_feed.map(ics::blocks).unwrap_or_default());
        let uids: Vec<String> = published.events.iter().map(|(u, _)| ics::text(u)).collect();
        if uids.iter().all(|u| old.contains_key(u)) {
            for uid in &uids {
                out.push_str(old[uid]);
            }
        } else if let Some(file) = (earlier.release_file)(&summary.slug) {
            // Not in the last feed (the time went back, or no feed): its own file.
            let found = ics::blocks(&file);
            for uid in &uids {
                out.push_str(found.get(uid).copied().unwrap_or_default());
            }
        }
    }
    ics::end(&mut out);
    out.into_bytes()
}

/// A moment of the report as an event's start: a day for a date without a
/// time (`Moment::new` shows those without a clock time), else an instant.
fn moment(m: &Moment) -> (At, Option<At>) {
    if m.display.contains(':') {
        (At::Instant(m.instant()), None)
    } else {
        let day = m.local_date();
        (At::Day(day), Some(At::Day(day.succ_opt().unwrap_or(day))))
    }
}

/// A milestone's activity as the stable part of its UID.
fn activity_key(activity: &str) -> String {
    let mut key = String::new();
    for c in activity.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            key.push(c);
        } else if !key.is_empty() && !key.ends_with('-') {
            key.push('-');
        }
    }
    let key: String = key.trim_end_matches('-').chars().take(48).collect();
    let key = key.trim_end_matches('-');
    if key.is_empty() {
        "step".into()
    } else {
        key.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::activity_key;

    #[test]
    fn activity_keys() {
        assert_eq!(
            activity_key("Go/no-go meeting; readiness summary sent"),
            "go-no-go-meeting-readiness-summary-sent"
        );
        assert_eq!(activity_key("  --  "), "step");
        assert_eq!(activity_key("Сверка остатков"), "сверка-остатков");
        assert!(activity_key(&"word ".repeat(40)).chars().count() <= 48);
    }
}
