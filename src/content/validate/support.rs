//! `support:` in site.yaml or a release file: the people it names exist, the
//! response times and the rota's shift length are usable, tiers and areas are
//! named once, and the rota's start exists in its zone.

use chrono_tz::Tz;

use super::Checker;
use crate::config::people::People;
use crate::config::support::{SHORTEST_SHIFT, Support};

/// Checks `support` (at key path `at`, `support` in both files). Times
/// without an offset are in `zone`.
pub(super) fn check(c: &mut Checker, at: &str, support: &Support, people: &People, zone: Tz) {
    let person = |c: &mut Checker, path: String, key: &str| {
        c.reference(&path, key, "person or group", people.keys());
    };
    let mut tiers: Vec<String> = Vec::new();
    for (i, tier) in support.alert_tiers.iter().enumerate() {
        let path = format!("{at}.alert_tiers[{i}]");
        named_once(c, &format!("{path}.tier"), "tier", &tier.tier, &mut tiers);
        if tier.respond_within.seconds <= 0 {
            c.report(
                &format!("{path}.respond_within"),
                format!(
                    "tier `{}` must be answered within some time, not 0",
                    tier.tier
                ),
                Some("give the response time, such as 5m, 30m or 1d".into()),
            );
        }
        for (j, key) in tier.page.iter().enumerate() {
            person(c, format!("{path}.page[{j}]"), key);
        }
    }
    let mut areas: Vec<String> = Vec::new();
    for (i, contact) in support.contacts.iter().enumerate() {
        let path = format!("{at}.contacts[{i}]");
        named_once(
            c,
            &format!("{path}.area"),
            "area",
            &contact.area,
            &mut areas,
        );
        person(c, format!("{path}.who"), &contact.who);
        if let Some(key) = &contact.escalate_to {
            person(c, format!("{path}.escalate_to"), key);
        }
        if contact.respond_within.is_some_and(|s| s.seconds <= 0) {
            c.report(
                &format!("{path}.respond_within"),
                format!(
                    "`{}` must be answered within some time, not 0",
                    contact.area
                ),
                Some("give the response time, such as 30m or 4h, or leave it out".into()),
            );
        }
    }
    if let Some(rota) = &support.rota {
        let path = format!("{at}.rota");
        c.time(&format!("{path}.starts"), &rota.starts, zone);
        if rota.length.seconds < SHORTEST_SHIFT {
            c.report(
                &format!("{path}.length"),
                format!("a shift of {} is too short for a rota", rota.length),
                Some("use at least 1h, such as 12h or 7d".into()),
            );
        }
        if rota.shifts.is_empty() {
            c.report(
                &format!("{path}.shifts"),
                "the rota has no shifts".into(),
                Some(
                    "list who is on call in turn, such as [{primary: tomas, secondary: kenji}]"
                        .into(),
                ),
            );
        }
        for (i, shift) in rota.shifts.iter().enumerate() {
            person(c, format!("{path}.shifts[{i}].primary"), &shift.primary);
            if let Some(key) = &shift.secondary {
                person(c, format!("{path}.shifts[{i}].secondary"), key);
            }
        }
    }
}

/// A tier or area may appear once per file: a second would be shown twice,
/// and a release could not say which one it replaces.
fn named_once(c: &mut Checker, path: &str, what: &str, name: &str, seen: &mut Vec<String>) {
    let key = name.trim().to_lowercase();
    if seen.contains(&key) {
        c.report(
            path,
            format!("{what} `{name}` is listed twice"),
            Some(format!("keep one entry per {what}")),
        );
    } else {
        seen.push(key);
    }
}
