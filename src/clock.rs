//! The clock: the time that the approval phases and the warnings are judged at
//! (never the verdict). The command line decides which clock a run uses
//! (`--now`, `GOLIVE_NOW`, `SOURCE_DATE_EPOCH`, else the system's; see
//! `cli::clock`) and passes it down; nothing else reads the time for them.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::content::time::{When, WhenValue};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Clock {
    /// The system clock, read each time it is asked (`golive serve` runs for days).
    #[default]
    System,
    /// A fixed time. A date or a wall-clock time without an offset is in the
    /// site's zone, which is known only once site.yaml is read.
    At(When),
}

impl Clock {
    /// The time now, for a site whose zone is `zone`.
    pub fn now(&self, zone: Tz) -> DateTime<Utc> {
        match self {
            Clock::System => Utc::now(),
            Clock::At(when) => when.instant(zone).with_timezone(&Utc),
        }
    }

    /// This clock stopped at the present moment, so that everything one command
    /// judges sees the same instant (the system clock is read once, here).
    pub fn frozen(self) -> Clock {
        match self {
            Clock::System => {
                let now = Utc::now().fixed_offset();
                Clock::At(When {
                    text: now.to_rfc3339(),
                    value: WhenValue::Exact(now),
                })
            }
            at => at,
        }
    }
}

/// The date at `now` in `zone`: the day the approval phases are judged on.
pub fn today(now: DateTime<Utc>, zone: Tz) -> NaiveDate {
    now.with_timezone(&zone).date_naive()
}
