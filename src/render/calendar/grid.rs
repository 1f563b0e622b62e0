//! The release calendar as data: which release shows on which day, in the
//! site's zone, laid out as month grids (Monday first) with the change
//! freezes, the non-working days and each month's collisions. Pure: the
//! template (`layouts/calendar.html`) only lays this out.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use serde::Serialize;

use super::collisions::{CollisionView, month_collisions};
use crate::config::calendar::Freeze;
use crate::config::site::SiteConfig;
use crate::evaluate::{Summary, day_text};

/// A window longer than this shows on its first this-many days only: a
/// mistyped duration must not fill years of calendar.
const MAX_DAYS: i64 = 62;

/// The whole calendar page's data.
#[derive(Debug, Serialize)]
pub struct Calendar {
    /// The site's zone, which every day and time on the page is in.
    pub zone: String,
    /// The build's today, in the site's zone.
    pub today: String,
    pub today_iso: String,
    /// The months shown, in order: a grid each, or one line for a month without releases.
    pub blocks: Vec<Block>,
    /// The business days (`Mon-Fri`), when site.yaml sets `business_hours`.
    pub business_days: Option<String>,
    /// Whether any day is in a change freeze: what the legend must explain.
    pub has_freezes: bool,
}

/// A month with releases, or a run of months without any.
#[derive(Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Block {
    Month(Month),
    Empty {
        /// The anchor of the run's first month (`m-2027-02`).
        id: String,
        /// `February 2027`, or `February 2027 to April 2027`.
        first: String,
        last: Option<String>,
        /// Whether today falls in the run.
        current: bool,
    },
}

/// One month's grid.
#[derive(Debug, Serialize)]
pub struct Month {
    /// The anchor, `m-2026-12`.
    pub id: String,
    /// `December 2026`.
    pub title: String,
    /// Whether today is in this month.
    pub current: bool,
    /// Monday-to-Sunday rows; days of the months around are `in_month: false`.
    pub weeks: Vec<Vec<Day>>,
    /// The freezes that touch the month.
    pub freezes: Vec<FreezeView>,
    /// The collisions on days of this month, each once: the first
    /// `MAX_COLLISIONS`, and how many more there are.
    pub collisions: Vec<CollisionView>,
    pub collisions_more: usize,
    /// The month's page of the archive, where every release of a day with
    /// more than `MAX_PER_DAY` is listed.
    pub archive: String,
}

/// A day shows at most this many releases, and a month lists at most this
/// many collisions, so that a month's page stays small however many releases
/// go live in it (the archive and the releases' reports hold the rest).
pub const MAX_PER_DAY: usize = 6;
pub const MAX_COLLISIONS: usize = 30;

#[derive(Debug, Clone, Serialize)]
pub struct Day {
    /// `2026-12-04`.
    pub date: String,
    /// `4`.
    pub number: u32,
    /// `Fri 4 Dec 2026`.
    pub label: String,
    pub in_month: bool,
    pub today: bool,
    /// False on days outside `business_hours.days`.
    pub working: bool,
    /// The reason of the freeze this day is in (`Change freeze` without one).
    pub freeze: Option<String>,
    /// Whether the freeze's reason is shown here: its first day in this row.
    pub freeze_label: bool,
    /// The first `MAX_PER_DAY` releases of the day, and how many more there are.
    pub entries: Vec<Entry>,
    pub more: usize,
}

/// A release on a day.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    /// `09:00`, `all day`, `continues` or `continues until 01:30`.
    pub time: String,
    /// The window began on an earlier day.
    pub continues: bool,
    /// The rest of the entry, as HTML: the release's `Rows::calendar`, which
    /// names it and gives its verdict, state, postponement and collisions.
    pub body: String,
    /// For sorting within a day.
    #[serde(skip)]
    start: i64,
    #[serde(skip)]
    slug: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct FreezeView {
    pub reason: String,
    pub from: String,
    pub to: String,
}

/// Every release's entries by day, and the collisions by day: laid out once,
/// then cut into the month grids of each page.
pub struct Laid {
    days: BTreeMap<NaiveDate, Vec<Entry>>,
    collisions: super::collisions::Collisions,
    /// The months with an entry or a collision, in order.
    pub months: BTreeSet<(i32, u32)>,
}

/// Lays `listed` (each release with its entry's HTML, `Rows::calendar`) out
/// by day in `site`'s zone.
pub fn lay(site: &SiteConfig, listed: &[(&Summary, &str)]) -> Laid {
    let zone = site.timezone.0;
    let releases: Vec<&Summary> = listed.iter().map(|(s, _)| *s).collect();
    let mut days: BTreeMap<NaiveDate, Vec<Entry>> = BTreeMap::new();
    for (summary, body) in listed {
        for (day, entry) in entries(summary, body, zone) {
            days.entry(day).or_default().push(entry);
        }
    }
    for list in days.values_mut() {
        list.sort_by(|a, b| {
            (!a.continues, a.start, &a.slug).cmp(&(!b.continues, b.start, &b.slug))
        });
    }
    let collisions = month_collisions(&releases);
    let months = days
        .keys()
        .chain(collisions.keys())
        .map(|d| (d.year(), d.month()))
        .collect();
    Laid {
        days,
        collisions,
        months,
    }
}

/// The calendar of `months` (each a grid, or a line when it has no
/// releases), with `today` (in the site's zone) marked and each entry's
/// links made relative to `root`.
pub fn calendar(
    site: &SiteConfig,
    laid: &Laid,
    months: &[(i32, u32)],
    today: NaiveDate,
    root: &str,
) -> Calendar {
    let zone = site.timezone.0;
    let blocks: Vec<Block> = months
        .iter()
        .map(|&month| {
            if laid.months.contains(&month) {
                Block::Month(month_grid(
                    site,
                    month,
                    today,
                    &laid.days,
                    laid.collisions.get_month(month),
                    root,
                ))
            } else {
                Block::Empty {
                    id: anchor(month),
                    first: month_title(month),
                    last: None,
                    current: (today.year(), today.month()) == month,
                }
            }
        })
        .collect();
    let has_freezes = blocks
        .iter()
        .any(|b| matches!(b, Block::Month(m) if !m.freezes.is_empty()));
    Calendar {
        zone: zone.name().to_string(),
        today: day_text(today),
        today_iso: today.to_string(),
        blocks,
        business_days: site.business_hours.as_ref().map(|h| h.days.to_string()),
        has_freezes,
    }
}

/// `month` and the `n - 1` after it.
pub fn months_from(month: (i32, u32), n: usize) -> Vec<(i32, u32)> {
    std::iter::successors(Some(month), |m| Some(next_month(*m)))
        .take(n)
        .collect()
}

/// `2026-12`: a month's page name.
pub fn month_key((year, month): (i32, u32)) -> String {
    format!("{year:04}-{month:02}")
}

/// The days a release's window touches, in `zone`, each with its entry.
fn entries(summary: &Summary, body: &str, zone: Tz) -> Vec<(NaiveDate, Entry)> {
    let window = &summary.window;
    let (Some(start), Some(end)) = (local(window.start.unix, zone), local(window.end.unix, zone))
    else {
        return Vec::new();
    };
    let first = start.date_naive();
    // A window that ends at midnight does not touch the day after.
    let mut last = end.date_naive();
    if end > start && end.time() == NaiveTime::MIN {
        last = last.pred_opt().unwrap_or(last);
    }
    let cap = first
        .checked_add_signed(Duration::days(MAX_DAYS - 1))
        .unwrap_or(first);
    let last = last.max(first).min(cap);
    let whole_day = window.all_day && start.time() == NaiveTime::MIN;
    let until = (end.time() != NaiveTime::MIN).then(|| end.format("%H:%M").to_string());
    let mut out = Vec::new();
    for day in first.iter_days().take_while(|d| *d <= last) {
        let continues = day != first;
        let time = if !continues {
            if whole_day {
                "all day".to_string()
            } else {
                start.format("%H:%M").to_string()
            }
        } else {
            match (&until, day == end.date_naive()) {
                (Some(until), true) => format!("continues until {until}"),
                _ => "continues".to_string(),
            }
        };
        out.push((
            day,
            Entry {
                time,
                continues,
                body: body.to_string(),
                slug: summary.slug.clone(),
                start: window.start.unix,
            },
        ));
    }
    out
}

fn local(unix: i64, zone: Tz) -> Option<DateTime<Tz>> {
    Utc.timestamp_opt(unix, 0)
        .single()
        .map(|t| t.with_timezone(&zone))
}

fn month_grid(
    site: &SiteConfig,
    month: (i32, u32),
    today: NaiveDate,
    days: &BTreeMap<NaiveDate, Vec<Entry>>,
    mut collisions: Vec<CollisionView>,
    root: &str,
) -> Month {
    let first = NaiveDate::from_ymd_opt(month.0, month.1, 1).expect("a month's first day");
    let last = NaiveDate::from_ymd_opt(next_month(month).0, next_month(month).1, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(first);
    let monday = first
        .checked_sub_signed(Duration::days(first.weekday().num_days_from_monday() as i64))
        .unwrap_or(first);
    let mut weeks = Vec::new();
    let mut day = monday;
    // At most six rows, whatever the edge of the calendar's range.
    while day <= last && weeks.len() < 6 {
        let mut week = Vec::with_capacity(7);
        for _ in 0..7 {
            let in_month = day.month() == month.1;
            let freeze = freeze_on(&site.freezes, day);
            let cell = Day {
                date: day.to_string(),
                number: day.day(),
                label: day_text(day),
                in_month,
                today: day == today,
                working: site
                    .business_hours
                    .as_ref()
                    .is_none_or(|h| h.days.contains(day.weekday())),
                freeze_label: in_month
                    && freeze.is_some()
                    && (day.weekday() == Weekday::Mon
                        || day.day() == 1
                        || day.pred_opt().and_then(|d| freeze_on(&site.freezes, d)) != freeze),
                freeze: freeze.map(reason),
                entries: Vec::new(),
                more: 0,
            };
            let cell = match days.get(&day).filter(|_| in_month) {
                Some(list) => Day {
                    entries: list
                        .iter()
                        .take(MAX_PER_DAY)
                        .map(|e| Entry {
                            body: crate::render::lists::rebase(&e.body, root),
                            ..e.clone()
                        })
                        .collect(),
                    more: list.len().saturating_sub(MAX_PER_DAY),
                    ..cell
                },
                None => cell,
            };
            week.push(cell);
            day = day.succ_opt().unwrap_or(day);
        }
        weeks.push(week);
    }
    let freezes = site
        .freezes
        .iter()
        .filter(|f| f.from <= last && f.to >= first)
        .map(|f| FreezeView {
            reason: reason(f),
            from: day_text(f.from),
            to: day_text(f.to),
        })
        .collect();
    let collisions_more = collisions.len().saturating_sub(MAX_COLLISIONS);
    collisions.truncate(MAX_COLLISIONS);
    Month {
        id: anchor(month),
        title: month_title(month),
        current: (today.year(), today.month()) == month,
        weeks,
        freezes,
        collisions,
        collisions_more,
        archive: format!("{root}archive/{}.html", month_key(month)),
    }
}

fn freeze_on(freezes: &[Freeze], day: NaiveDate) -> Option<&Freeze> {
    freezes.iter().find(|f| f.from <= day && day <= f.to)
}

fn reason(freeze: &Freeze) -> String {
    freeze
        .reason
        .clone()
        .filter(|r| !r.trim().is_empty())
        .unwrap_or_else(|| "Change freeze".into())
}

fn next_month((year, month): (i32, u32)) -> (i32, u32) {
    if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

fn anchor((year, month): (i32, u32)) -> String {
    format!("m-{year:04}-{month:02}")
}

pub fn month_title((year, month): (i32, u32)) -> String {
    NaiveDate::from_ymd_opt(year, month, 1)
        .map(|d| d.format("%B %Y").to_string())
        .unwrap_or_default()
}
