//! Collisions on the release calendar: overlapping windows, the same person
//! needed by two releases on one day, change freezes and business hours (see
//! the parent module for the rules).

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

use super::{Collision, CollisionKind, Footprint};
use crate::config::calendar::{BusinessHours, Freeze};
use crate::config::people::People;
use crate::config::site::SiteConfig;
use crate::evaluate::day_text;
use crate::evaluate::verdict::{Reason, Rule};

/// At most this many collisions of one kind with other releases are listed
/// for a release; the rest are counted in one more ("… and 12 more"). A site
/// that schedules thousands of releases into one window must not make every
/// page thousands of lines long.
pub const MAX_LISTED: usize = 10;

/// For each release (in order), its collisions and the reasons they add.
///
/// Pairs are found by a sweep over the windows sorted by start (a pair is
/// looked at only while the later window starts before the earlier ends) and
/// within each go-live day, so the cost grows with the collisions found, not
/// with the square of the releases ahead.
pub(super) fn all(
    releases: &[Footprint],
    site: &SiteConfig,
    people: &People,
) -> Vec<(Vec<Collision>, Vec<Reason>)> {
    let zone = site.timezone.0;
    let mut found: Vec<(Vec<Collision>, Vec<Reason>)> = vec![Default::default(); releases.len()];
    let mut ahead: Vec<usize> = (0..releases.len())
        .filter(|&i| releases[i].ahead())
        .collect();
    // By start, then by slug: the same order whatever order the releases came in.
    ahead.sort_by(|&i, &j| {
        let (a, b) = (&releases[i], &releases[j]);
        (a.window.start.unix, &a.slug).cmp(&(b.window.start.unix, &b.slug))
    });
    let mut overlaps = Tally::new(releases.len());
    for (n, &i) in ahead.iter().enumerate() {
        let a = &releases[i];
        for &j in &ahead[n + 1..] {
            let b = &releases[j];
            if b.window.start.unix >= a.window.end.unix {
                break;
            }
            if b.window.end.unix <= a.window.start.unix {
                // An empty window at a's start: it overlaps nothing.
                continue;
            }
            let day = day_at(b.window.start.unix, zone);
            overlaps.add(&mut found, i, || overlap(b, day));
            overlaps.add(&mut found, j, || overlap(a, day));
        }
    }
    overlaps.close(
        &mut found,
        CollisionKind::Overlap,
        "releases overlap its window",
    );

    let mut by_day: Vec<usize> = ahead.clone();
    by_day.sort_by(|&i, &j| {
        (releases[i].day, &releases[i].slug).cmp(&(releases[j].day, &releases[j].slug))
    });
    let mut shared = Tally::new(releases.len());
    for (n, &i) in by_day.iter().enumerate() {
        let a = &releases[i];
        for &j in &by_day[n + 1..] {
            let b = &releases[j];
            if b.day != a.day {
                break;
            }
            for (key, here) in &a.people {
                let Some((_, there)) = b.people.iter().find(|(k, _)| k == key) else {
                    continue;
                };
                let name = people.display_name(key);
                shared.add(&mut found, i, || same_person(&name, here, there, b, a.day));
                shared.add(&mut found, j, || same_person(&name, there, here, a, a.day));
            }
        }
    }
    shared.close(
        &mut found,
        CollisionKind::SamePerson,
        "collisions over the same people that day",
    );

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

/// Collisions of one kind per release: the first `MAX_LISTED` are listed, the
/// rest counted.
struct Tally {
    count: Vec<usize>,
    /// The day of each release's first collision of the kind.
    first_day: Vec<Option<NaiveDate>>,
}

impl Tally {
    fn new(n: usize) -> Tally {
        Tally {
            count: vec![0; n],
            first_day: vec![None; n],
        }
    }

    fn add(
        &mut self,
        found: &mut [(Vec<Collision>, Vec<Reason>)],
        i: usize,
        collision: impl FnOnce() -> Collision,
    ) {
        self.count[i] += 1;
        if self.count[i] <= MAX_LISTED {
            let collision = collision();
            self.first_day[i].get_or_insert(collision.day);
            found[i].0.push(collision);
        }
    }

    /// Adds "… and N more" to each release with more than `MAX_LISTED`.
    fn close(self, found: &mut [(Vec<Collision>, Vec<Reason>)], kind: CollisionKind, what: &str) {
        for (i, count) in self.count.into_iter().enumerate() {
            if count > MAX_LISTED {
                found[i].0.push(Collision {
                    kind,
                    blocks: false,
                    day: self.first_day[i].expect("a listed collision"),
                    others: Vec::new(),
                    message: format!("… and {} more {what}", count - MAX_LISTED),
                });
            }
        }
    }
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
    // An emergency change may go live inside a freeze; anything else is blocked.
    let blocks = !release.emergency;
    let message = if blocks {
        format!("{inside}: move the go-live or file it as an emergency change")
    } else {
        format!("{inside}: allowed as an emergency change")
    };
    let reason = blocks.then(|| Reason {
        rule: Rule::ChangeFreeze,
        blocking: true,
        message: message.clone(),
    });
    let collision = Collision {
        kind: CollisionKind::Freeze,
        blocks,
        day,
        others: Vec::new(),
        message,
    };
    Some((collision, reason))
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
