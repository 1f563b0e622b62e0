//! Monitoring and support around one go-live: the site's `support:` with the
//! release's on top, response times in words, and the on-call shifts from the
//! day before go-live to a week after it (the post-deployment watch).
//!
//! Pure: the shifts are laid out from go-live, never from the clock.

use chrono::{DateTime, TimeDelta};
use chrono_tz::Tz;
use serde::Serialize;

use super::Moment;
use crate::config::support::{Rota, SHORTEST_SHIFT, Support};
use crate::content::time::Span;

/// How long before go-live the rota shown starts.
pub const ROTA_BEFORE: TimeDelta = TimeDelta::days(1);
/// How long after go-live the rota shown runs: the week of post-deployment monitoring.
pub const ROTA_AFTER: TimeDelta = TimeDelta::days(7);
/// The most shifts shown, whatever their length.
const MOST_SHIFTS: usize = 16;

/// What the go-live runbook shows under monitoring and support.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SupportReport {
    pub alert_tiers: Vec<TierReport>,
    pub contacts: Vec<ContactReport>,
    /// The on-call shifts from a day before go-live to a week after it.
    pub rota: Vec<ShiftReport>,
    /// There is a rota, but no shift of it covers go-live (it starts later).
    pub rota_gap: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct TierReport {
    pub tier: String,
    pub name: Option<String>,
    /// As written: `5m`.
    pub respond_within: String,
    /// In words: `5 minutes`, `1 business day`.
    pub response: String,
    pub triggers: Vec<String>,
    /// People or groups paged (keys of people.yaml).
    pub page: Vec<String>,
    pub via: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ContactReport {
    pub area: String,
    pub who: String,
    pub reach: Option<String>,
    pub hours: Option<String>,
    /// In words: `30 minutes`.
    pub response: Option<String>,
    pub escalate_to: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ShiftReport {
    pub from: Moment,
    pub to: Moment,
    pub primary: String,
    pub secondary: Option<String>,
    /// This shift is on call at T+0.
    pub at_go_live: bool,
}

/// The support shown for a release going live at `target`. `site_zone` is the
/// zone of the site's rota times, `zone` the release's (of its own rota, and of
/// the times shown).
pub fn report(
    site: &Support,
    release: Option<&Support>,
    target: DateTime<Tz>,
    site_zone: Tz,
    zone: Tz,
) -> SupportReport {
    let merged = Support::merged(site, release);
    let rota_zone = if release.is_some_and(|r| r.rota.is_some()) {
        zone
    } else {
        site_zone
    };
    let rota = merged
        .rota
        .as_ref()
        .map(|r| shifts(r, rota_zone, target, zone))
        .unwrap_or_default();
    SupportReport {
        rota_gap: merged.rota.is_some() && !rota.iter().any(|s| s.at_go_live),
        alert_tiers: merged
            .alert_tiers
            .iter()
            .map(|t| TierReport {
                tier: t.tier.clone(),
                name: t.name.clone(),
                respond_within: t.respond_within.to_string(),
                response: in_words(t.respond_within, t.business_hours),
                triggers: t.triggers.clone(),
                page: t.page.clone(),
                via: t.via.clone(),
            })
            .collect(),
        contacts: merged
            .contacts
            .iter()
            .map(|c| ContactReport {
                area: c.area.clone(),
                who: c.who.clone(),
                reach: c.reach.clone(),
                hours: c.hours.clone(),
                response: c.respond_within.map(|s| in_words(s, false)),
                escalate_to: c.escalate_to.clone(),
            })
            .collect(),
        rota,
    }
}

/// The shifts of `rota` that overlap the watch around go-live: from
/// `ROTA_BEFORE` before `target` to `ROTA_AFTER` after it.
fn shifts(rota: &Rota, rota_zone: Tz, target: DateTime<Tz>, zone: Tz) -> Vec<ShiftReport> {
    if rota.shifts.is_empty() || rota.length.seconds < SHORTEST_SHIFT {
        return Vec::new();
    }
    let starts = rota.starts.instant(rota_zone);
    let length = rota.length.seconds;
    let (from, to) = (target - ROTA_BEFORE, target + ROTA_AFTER);
    if to <= starts {
        return Vec::new();
    }
    // Shift k runs from starts + k·length to starts + (k+1)·length.
    let index = |t: DateTime<Tz>| (t - starts).num_seconds().max(0) / length;
    let (first, last) = (index(from), index(to - TimeDelta::seconds(1)));
    (first..=last)
        .take(MOST_SHIFTS)
        .map(|k| {
            let begin = starts + TimeDelta::seconds(k * length);
            let end = begin + TimeDelta::seconds(length);
            let shift = &rota.shifts[(k % rota.shifts.len() as i64) as usize];
            ShiftReport {
                from: Moment::new(begin.with_timezone(&zone), false),
                to: Moment::new(end.with_timezone(&zone), false),
                primary: shift.primary.clone(),
                secondary: shift.secondary.clone(),
                at_go_live: begin <= target && target < end,
            }
        })
        .collect()
}

/// `5m` -> `5 minutes`, `1h30m` -> `1 hour 30 minutes`, `1d` in business hours
/// -> `1 business day`.
pub fn in_words(span: Span, business_hours: bool) -> String {
    let mut left = span.seconds.max(0);
    let mut parts = Vec::new();
    for (unit, size) in [
        ("day", 86_400),
        ("hour", 3_600),
        ("minute", 60),
        ("second", 1),
    ] {
        let n = left / size;
        left %= size;
        if n > 0 {
            let unit = if business_hours && size >= 3_600 {
                format!("business {unit}")
            } else {
                unit.to_string()
            };
            parts.push(format!("{n} {unit}{}", if n == 1 { "" } else { "s" }));
        }
    }
    let words = if parts.is_empty() {
        "0 minutes".to_string()
    } else {
        parts.join(" ")
    };
    if business_hours && span.seconds < 3_600 {
        format!("{words}, in business hours")
    } else {
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn span(text: &str) -> Span {
        text.parse().unwrap()
    }

    #[test]
    fn response_times_read_as_words() {
        assert_eq!(in_words(span("5m"), false), "5 minutes");
        assert_eq!(in_words(span("1h30m"), false), "1 hour 30 minutes");
        assert_eq!(in_words(span("1d"), true), "1 business day");
        assert_eq!(in_words(span("4h"), true), "4 business hours");
        assert_eq!(in_words(span("30m"), true), "30 minutes, in business hours");
    }

    fn rota(yaml: &str) -> Support {
        serde_yaml::from_str(yaml).unwrap()
    }

    #[test]
    fn the_shifts_around_go_live_take_turns_and_mark_the_one_at_t0() {
        let utc = chrono_tz::UTC;
        let site = rota(
            "rota: {starts: 2026-01-05 09:00, length: 7d, shifts: [{primary: a, secondary: b}, {primary: c}, {primary: d}]}",
        );
        // Wednesday of the fifth week: shift index 4 -> `c`.
        let target = utc.with_ymd_and_hms(2026, 2, 4, 9, 0, 0).unwrap();
        let r = report(&site, None, target, utc, utc);
        let who: Vec<(&str, bool)> = r
            .rota
            .iter()
            .map(|s| (s.primary.as_str(), s.at_go_live))
            .collect();
        assert_eq!(who, [("c", true), ("d", false)]);
        assert_eq!(r.rota[0].from.display, "Mon 2 Feb 2026, 09:00 UTC");
        assert!(!r.rota_gap);

        // Go-live on a shift change: the shift before ends at T+0, so the next is on call.
        let change = utc.with_ymd_and_hms(2026, 2, 9, 9, 0, 0).unwrap();
        let r = report(&site, None, change, utc, utc);
        let who: Vec<(&str, bool)> = r
            .rota
            .iter()
            .map(|s| (s.primary.as_str(), s.at_go_live))
            .collect();
        assert_eq!(who, [("c", false), ("d", true)]);
    }

    #[test]
    fn a_rota_that_starts_after_go_live_leaves_a_gap() {
        let utc = chrono_tz::UTC;
        let site = rota("rota: {starts: 2026-03-01, length: 7d, shifts: [{primary: a}]}");
        let target = utc.with_ymd_and_hms(2026, 2, 27, 9, 0, 0).unwrap();
        let r = report(&site, None, target, utc, utc);
        assert_eq!(
            r.rota.len(),
            1,
            "the first shift starts within the week after"
        );
        assert!(!r.rota[0].at_go_live);
        assert!(r.rota_gap);
        let long_before = utc.with_ymd_and_hms(2025, 1, 1, 9, 0, 0).unwrap();
        let r = report(&site, None, long_before, utc, utc);
        assert!(r.rota.is_empty() && r.rota_gap);
    }
}
