//! Evidence ages at their boundaries, and the verdict they give at go-live.

use super::*;

fn when(s: &str) -> When {
    s.parse().unwrap()
}

fn at(s: &str, zone: Tz) -> DateTime<Tz> {
    when(s).instant(zone)
}

#[test]
fn a_date_counts_whole_days_and_exactly_the_limit_is_fresh() {
    let zone: Tz = "Europe/London".parse().unwrap();
    let week = "7d".parse::<Span>().unwrap();
    let verified = when("2026-11-20");
    assert_eq!(
        age(&verified, at("2026-11-27 23:59", zone), zone),
        TimeDelta::days(7)
    );
    assert!(!is_stale(
        &verified,
        week,
        at("2026-11-27 23:59", zone),
        zone
    ));
    assert!(is_stale(
        &verified,
        week,
        at("2026-11-28 00:00", zone),
        zone
    ));
    assert_eq!(
        stale_from(&verified, week, zone),
        at("2026-11-28 00:00", zone)
    );
}

#[test]
fn a_time_counts_wall_clock_time_across_a_daylight_saving_change() {
    // London leaves summer time on Sun 25 Oct 2026: 7 wall-clock days from
    // Tue 20 Oct 09:00 BST end at Tue 27 Oct 09:00 GMT (7 days and 1 hour elapsed).
    let zone: Tz = "Europe/London".parse().unwrap();
    let week = "7d".parse::<Span>().unwrap();
    let verified = when("2026-10-20 09:00");
    assert!(!is_stale(
        &verified,
        week,
        at("2026-10-27 09:00", zone),
        zone
    ));
    assert!(is_stale(
        &verified,
        week,
        at("2026-10-27 09:01", zone),
        zone
    ));
    let from = stale_from(&verified, week, zone);
    assert_eq!(from.to_rfc3339(), "2026-10-27T09:00:00.000000001+00:00");
}

#[test]
fn describes_lengths_for_people() {
    assert_eq!(describe(TimeDelta::days(12)), "12 days");
    assert_eq!(describe(TimeDelta::days(1)), "1 day");
    assert_eq!(
        describe(TimeDelta::days(7) + TimeDelta::hours(1)),
        "7 days 1 hour"
    );
    assert_eq!(describe(TimeDelta::minutes(45)), "45 minutes");
}

mod verdict {
    use crate::evaluate::testing::{checklists, loaded, site, utc};
    use crate::evaluate::{Report, Rule, Verdict, evaluate_at};

    const SITE: &str = "
title: T
timezone: Europe/Berlin
readiness: {go_threshold: 80, fresh_for: 7d}
";

    const DEPLOY: &str = "
title: Deploy
sections:
  - id: perf
    title: Performance
    fresh_for: 3d
    items:
      - {id: load, check: Load test}
  - id: docs
    title: Docs
    items:
      - {id: notes, check: Release notes}
";

    /// Go-live Fri 4 Dec 2026, 09:00; the load test was verified on `verified`.
    fn release(verified: &str, extra: &str) -> String {
        format!(
            "
product: Acme
version: 1.0.0
change_type: x
target: 2026-12-04 09:00
owner: a
readiness:
  - category: Quality
    items:
      - {{check: Load test at 2x peak, status: done, verified: {verified}}}
{extra}"
        )
    }

    fn eval(yaml: &str) -> Report {
        // The clock is far away on purpose: freshness is judged at go-live.
        evaluate_at(
            &loaded(yaml),
            &site(SITE),
            &checklists(&[("deploy", DEPLOY)]),
            &Default::default(),
            utc("2030-01-01T00:00:00Z"),
        )
    }

    fn stale(r: &Report) -> Vec<String> {
        r.reasons
            .iter()
            .filter(|x| x.rule == Rule::EvidenceStale)
            .map(|x| x.message.clone())
            .collect()
    }

    #[test]
    fn exactly_the_limit_is_fresh_and_a_day_more_defers_the_verdict() {
        let fresh = eval(&release("2026-11-27", ""));
        assert_eq!(fresh.verdict, Verdict::Go, "{:?}", fresh.reasons);
        let stale_one = eval(&release("2026-11-26", ""));
        assert_eq!(stale_one.verdict, Verdict::GoPending);
        assert_eq!(
            stale(&stale_one),
            [
                "Evidence will be 8 days old at go-live (verified Thu 26 Nov 2026, limit 7 days): Quality › Load test at 2x peak"
            ]
        );
        assert!(!stale_one.reasons[0].blocking);
    }

    #[test]
    fn a_verified_time_counts_to_the_minute() {
        assert!(stale(&eval(&release("2026-11-27 09:00", ""))).is_empty());
        assert_eq!(
            stale(&eval(&release("2026-11-27 08:59", ""))),
            [
                "Evidence will be 7 days 1 minute old at go-live (verified Fri 27 Nov 2026, 08:59 CET, limit 7 days): Quality › Load test at 2x peak"
            ]
        );
    }

    #[test]
    fn moving_the_target_judges_the_evidence_again() {
        let moved = release("2026-11-27", "").replace("2026-12-04 09:00", "2026-12-05 09:00");
        assert_eq!(eval(&moved).verdict, Verdict::GoPending);
        // Postponed to a new target: judged for the new date.
        let postponed = release(
            "2026-11-27",
            "deployment: {status: postponed}\npostponement:\n  reasons: [{issue: x, severity: low}]\n  new_target: 2026-12-11 09:00\n",
        );
        assert_eq!(
            stale(&eval(&postponed)),
            [
                "Evidence will be 14 days old at go-live (verified Fri 27 Nov 2026, limit 7 days): Quality › Load test at 2x peak"
            ]
        );
    }

    #[test]
    fn only_done_items_and_only_with_a_limit() {
        let pending = release("2026-01-01", "")
            .replace("status: done, verified", "status: pending, verified");
        assert!(stale(&eval(&pending)).is_empty());
        let no_limit = evaluate_at(
            &loaded(&release("2026-01-01", "")),
            &site("title: T\n"),
            &checklists(&[]),
            &Default::default(),
            utc("2030-01-01T00:00:00Z"),
        );
        assert!(stale(&no_limit).is_empty());
    }

    #[test]
    fn a_category_limit_replaces_the_sections_which_replaces_the_sites() {
        let shared = |entry: &str| {
            release(
                "2026-12-01",
                &format!(
                    "  - use: deploy\n{entry}    status:\n      perf.load: {{status: done, verified: 2026-11-28}}\n      docs.notes: {{status: done, verified: 2026-11-28}}\n"
                ),
            )
        };
        // 6 days old at go-live: stale under the section's 3 days, fresh under the site's 7.
        let r = eval(&shared(""));
        assert_eq!(
            stale(&r),
            [
                "Evidence will be 6 days old at go-live (verified Sat 28 Nov 2026, limit 3 days): Deploy › Load test"
            ]
        );
        let item = &r.categories[1].groups[0].items[0];
        assert_eq!(item.fresh_for.map(|s| s.seconds), Some(3 * 86_400));
        // The release's own limit for the category wins over both.
        let r = eval(&shared("    fresh_for: 5d\n"));
        assert_eq!(stale(&r).len(), 2, "{:?}", r.reasons);
        assert!(stale(&r)[1].contains("limit 5 days): Deploy › Release notes"));
    }
}
