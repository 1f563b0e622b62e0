//! Evidence freshness: how old an item's evidence (its `verified` date) is at a
//! given time, and from when it is older than its limit (`fresh_for`).
//!
//! Ages are wall-clock time in the release's zone, so a daylight-saving change
//! in between makes evidence neither an hour older nor younger. A `verified`
//! date without a time counts whole days: evidence verified on 20 Nov is 7 days
//! old at any hour of 27 Nov, so with a limit of `7d` it is still fresh then,
//! and stale from the first moment of 28 Nov.
//!
//! Pure: the time to measure at is always passed in.

use chrono::{DateTime, NaiveDateTime, NaiveTime, TimeDelta};
use chrono_tz::Tz;

use crate::content::time::{Span, When, WhenValue};

/// How old evidence verified at `verified` is at `at`. Negative when it was
/// verified after `at`.
pub fn age(verified: &When, at: DateTime<Tz>, zone: Tz) -> TimeDelta {
    match verified.value {
        WhenValue::Date(day) => TimeDelta::days((at.date_naive() - day).num_days()),
        _ => at.naive_local() - verified.instant(zone).naive_local(),
    }
}

/// Whether evidence verified at `verified` is older than `limit` at `at`.
/// Exactly the limit is still fresh.
pub fn is_stale(verified: &When, limit: Span, at: DateTime<Tz>, zone: Tz) -> bool {
    age(verified, at, zone) > TimeDelta::seconds(limit.seconds)
}

/// The first moment at which the evidence is older than `limit`.
pub fn stale_from(verified: &When, limit: Span, zone: Tz) -> DateTime<Tz> {
    match verified.value {
        WhenValue::Date(day) => {
            let first_stale_day = day + TimeDelta::days(limit.seconds.div_euclid(86_400) + 1);
            local(first_stale_day.and_time(NaiveTime::MIN), zone)
        }
        _ => {
            let last_fresh =
                verified.instant(zone).naive_local() + TimeDelta::seconds(limit.seconds);
            local(last_fresh, zone) + TimeDelta::nanoseconds(1)
        }
    }
}

/// A wall-clock time in `zone`, as `When::instant` reads one.
fn local(at: NaiveDateTime, zone: Tz) -> DateTime<Tz> {
    When {
        text: String::new(),
        value: WhenValue::Local(at),
    }
    .instant(zone)
}

/// A length of time for people: `12 days`, `1 day 3 hours`, `20 hours`, `45 minutes`.
pub fn describe(delta: TimeDelta) -> String {
    let total = delta.num_minutes().unsigned_abs();
    let (days, hours, minutes) = (total / 1440, total / 60 % 24, total % 60);
    let mut parts = Vec::new();
    for (n, unit) in [(days, "day"), (hours, "hour"), (minutes, "minute")] {
        if n > 0 {
            parts.push(format!("{n} {unit}{}", if n == 1 { "" } else { "s" }));
        }
    }
    if parts.is_empty() {
        "0 minutes".into()
    } else {
        parts.join(" ")
    }
}

#[cfg(test)]
mod tests;
