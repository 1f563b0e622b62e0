//! Collisions on the release calendar: overlapping windows, the same person
//! needed by two releases on one day, change freezes and business hours (see
//! the parent module for the rules).

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::{Collision, CollisionKind, Footprint};
use crate::config::calendar::{BusinessHours, Freeze};
use crate::config::people::People;
use crate::config::site::SiteConfig;
use crate::evaluate::verdict::{Reason, Rule};

/// For each release (in order), its collisions and the reasons they add.
pub(super) fn all(
    releases: &[Footprint],
    site: &SiteConfig,
    people: &People,
) -> Vec<(Vec<Collision>, Vec<Reason>)> {
    let zone = site.timezone.0;
    let mut found: Vec<(Vec<Collision>, Vec<Reason>)> = vec![Default::default(); releases.len()];
    let ahead: Vec<usize> = (0..releases.len())
        .filter(|&i| releases[i].ahead())
        .collect();
    for (n, &i) in ahead.iter().enumerate() {
        for &j in &ahead[n + 1..] {
            let (a, b) = (&releases[i], &releases[j]);
            if a.window.start.unix < b.window.end.unix && b.window.start.unix < a.window.end.unix {
                let from = a.window.start.unix.max(b.window.start.unix);
                let day = day_at(from, zone);
                found[i].0.push(overlap(b, day));
                found[j].0.push(overlap(a, day));
            }
            if a.day == b.day {
                for (key, here) in &a.people {
                    let Some((_, there)) = b.people.iter().find(|(k, _)| k == key) else {
                        continue;
                    };
                    let name = people.display_name(key);
                    found[i].0.push(same_person(&name, here, there, b, a.day));
                    found[j].0.push(same_person(&name, there, here, a, a.day));
                }
            }
        }
    }
    for &i in &ahead {
        let release = &releases[i];
        for freeze in &site.freezes {
            if let Some((collision, reason)) = in_freeze(release, freeze, zone) {
                found[i].0.push(collision);
                found[i].1.extend(reason);
            }
        }
        if let Some(hours) = &site.business_hours
            && let Some(collision) = outside_hours(release, hours, zone)
        {
            found[i].0.push(collision);
        }
    }
    found
}

fn overlap(other: &Footprint, day: NaiveDate) -> Collision {
    Collision {
        kind: CollisionKind::Overlap,
        blocks: false,
        day,
        others: vec![other.slug.clone()],
        message: format!(
            "Deployment window overlaps {}'s ({} – {})",
            other.label, other.window.start.display, other.window.end.display
        ),
    }
}

fn same_person(
    name: &str,
    here: &str,
    there: &str,
    other: &Footprint,
    day: NaiveDate,
) -> Collision {
    Collision {
        kind: CollisionKind::SamePerson,
        blocks: false,
        day,
        others: vec![other.slug.clone()],
        message: format!(
            "{name} ({here} here) is also needed by {} ({there}) on {}",
            other.label,
            day_text(day)
        ),
    }
}

/// The collision (and, unless an emergency, the blocking reason) of a
/// release whose window touches a day of `freeze`.
fn in_freeze(
    release: &Footprint,
    freeze: &Freeze,
    zone: Tz,
) -> Option<(Collision, Option<Reason>)> {
    let from = midnight(freeze.from, zone);
    let until = midnight(freeze.to.succ_opt().unwrap_or(freeze.to), zone);
    let (start, end) = (release.window.start.unix, release.window.end.unix);
    if !(start < until && from < end) {
        return None;
    }
    let name = freeze.reason.as_deref().unwrap_or("change freeze");
    let inside = format!(
        "Goes live inside the {name} ({} – {})",
        day_text(freeze.from),
        day_text(freeze.to)
    );
    let day = day_at(start.max(from), zone);
    let others = Vec::new();
    if release.emergency {
        let message = format!("{inside}: allowed as an emergency change");
        return Some((
            Collision {
                kind: CollisionKind::Freeze,
                blocks: false,
                day,
                others,
                message,
            },
            None,
        ));
    }
    let message = format!("{inside}: move the go-live or file it as an emergency change");
    Some((
        Collision {
            kind: CollisionKind::Freeze,
            blocks: true,
            day,
            others,
            message: message.clone(),
        },
        Some(Reason {
            rule: Rule::ChangeFreeze,
            blocking: true,
            message,
        }),
    ))
}

/// The collision of a release whose window is not inside business hours.
fn outside_hours(release: &Footprint, hours: &BusinessHours, zone: Tz) -> Option<Collision> {
    let start = at(release.window.start.unix, zone);
    let end = at(release.window.end.unix, zone);
    let day = if release.window.all_day {
        release.day
    } else {
        start.date_naive()
    };
    let clock = |t: &DateTime<Tz>| t.format("%H:%M %Z").to_string();
    let problem = if !hours.days.contains(chrono::Datelike::weekday(&day)) {
        Some(format!("{} is not a business day", day.format("%A")))
    } else if release.window.all_day {
        None
    } else if start.time() < hours.from.0 {
        Some(format!(
            "starts at {}, before {}",
            clock(&start),
            hours.from
        ))
    } else if end.date_naive() != start.date_naive() {
        Some(format!(
            "ends on another day, {}",
            end.format("%a %-d %b %Y, %H:%M %Z")
        ))
    } else if end.time() > hours.to.0 {
        Some(format!("ends at {}, after {}", clock(&end), hours.to))
    } else {
        None
    }?;
    Some(Collision {
        kind: CollisionKind::OutsideHours,
        blocks: false,
        day,
        others: Vec::new(),
        message: format!(
            "Outside business hours ({}, {}–{} {}): {problem}",
            hours.days,
            hours.from,
            hours.to,
            zone.name()
        ),
    })
}

fn at(unix: i64, zone: Tz) -> DateTime<Tz> {
    DateTime::from_timestamp(unix, 0)
        .unwrap_or_default()
        .with_timezone(&zone)
}

fn day_at(unix: i64, zone: Tz) -> NaiveDate {
    at(unix, zone).date_naive()
}

/// The first instant of `day` in `zone`, in seconds since 1970.
fn midnight(day: NaiveDate, zone: Tz) -> i64 {
    let start = day.and_time(NaiveTime::MIN);
    zone.from_local_datetime(&start)
        .earliest()
        // A zone whose midnight is skipped by a DST change starts the day an hour later.
        .or_else(|| {
            zone.from_local_datetime(&(start + chrono::Duration::hours(1)))
                .earliest()
        })
        .map_or_else(|| start.and_utc().timestamp(), |t| t.timestamp())
}

/// `Sun 20 Dec 2026`.
pub(super) fn day_text(day: NaiveDate) -> String {
    day.format("%a %-d %b %Y").to_string()
}
