//! The deployment window: when a release occupies production.
//!
//! The calendar page, the calendar files and the collision checks all need the
//! same answer to "from when to when is this release deploying", so it is
//! decided once here. The window opens at go-live (T+0, the new target once
//! postponed) and lasts `window.duration`; without a duration it is assumed to
//! last `ASSUMED_MINUTES`, and says so. A go-live given as a day without a time
//! occupies that whole day.

use chrono::{DateTime, Duration, TimeZone};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::Moment;
use crate::content::request::Window;

/// How long a deployment without `window.duration` is taken to last.
pub const ASSUMED_MINUTES: i64 = 60;

/// When a release is planned to occupy production.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeploymentWindow {
    pub start: Moment,
    pub end: Moment,
    /// The length in whole minutes.
    pub minutes: i64,
    /// No `window.duration` was given: the length is `ASSUMED_MINUTES`.
    pub assumed: bool,
    /// The go-live is a day without a time: the window is that whole day.
    pub all_day: bool,
    /// Whether `window.maintenance` says it needs a maintenance window.
    pub maintenance: bool,
}

/// The window of a release going live at `target` (in `zone`); `date_only`
/// when the target has no time of day.
pub fn deployment_window(
    target: DateTime<Tz>,
    date_only: bool,
    window: Option<&Window>,
    zone: Tz,
) -> DeploymentWindow {
    let maintenance = window.and_then(|w| w.maintenance).unwrap_or(false);
    if date_only {
        let day = target.date_naive();
        let start = zone
            .from_local_datetime(&day.and_hms_opt(0, 0, 0).expect("midnight exists"))
            .earliest()
            .unwrap_or(target);
        let next = day.succ_opt().unwrap_or(day);
        let end = zone
            .from_local_datetime(&next.and_hms_opt(0, 0, 0).expect("midnight exists"))
            .earliest()
            .unwrap_or(start + Duration::days(1));
        return DeploymentWindow {
            start: Moment::new(start, true),
            end: Moment::new(end, true),
            minutes: (end - start).num_minutes(),
            assumed: false,
            all_day: true,
            maintenance,
        };
    }
    let duration = window.and_then(|w| w.duration.as_ref());
    let seconds = duration.map_or(ASSUMED_MINUTES * 60, |d| d.seconds);
    let end = target + Duration::seconds(seconds);
    DeploymentWindow {
        start: Moment::new(target, false),
        end: Moment::new(end, false),
        minutes: seconds / 60,
        assumed: duration.is_none(),
        all_day: false,
        maintenance,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn london(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Tz> {
        chrono_tz::Europe::London
            .from_local_datetime(
                &NaiveDate::from_ymd_opt(y, m, d)
                    .unwrap()
                    .and_hms_opt(h, min, 0)
                    .unwrap(),
            )
            .unwrap()
    }

    #[test]
    fn a_window_without_a_duration_is_assumed_to_last_an_hour() {
        let w = deployment_window(
            london(2026, 12, 4, 9, 0),
            false,
            None,
            chrono_tz::Europe::London,
        );
        assert!(w.assumed);
        assert_eq!(w.minutes, 60);
        assert_eq!(w.end.unix - w.start.unix, 3600);
    }

    #[test]
    fn a_window_runs_for_its_duration_across_a_dst_change() {
        let window = Window {
            duration: Some("3h".parse().unwrap()),
            maintenance: Some(true),
        };
        // 25 Oct 2026: clocks go back at 02:00 BST.
        let w = deployment_window(
            london(2026, 10, 25, 0, 30),
            false,
            Some(&window),
            chrono_tz::Europe::London,
        );
        assert_eq!(w.end.unix - w.start.unix, 3 * 3600);
        assert!(w.end.display.ends_with("02:30 GMT"), "{}", w.end.display);
        assert!(w.maintenance && !w.assumed);
    }

    #[test]
    fn a_day_without_a_time_is_the_whole_day() {
        let w = deployment_window(
            london(2026, 10, 25, 0, 0),
            true,
            None,
            chrono_tz::Europe::London,
        );
        assert!(w.all_day);
        // The day the clocks go back has 25 hours.
        assert_eq!(w.minutes, 25 * 60);
    }
}
