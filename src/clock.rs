//! The clock: the time that the approval phases and the warnings are judged at
//! (never the verdict). The command line decides which clock a run uses
//! (`--now`, `GOLIVE_NOW`, `SOURCE_DATE_EPOCH`, else the system's; see
//! `cli::clock`) and passes it down; nothing else reads the time for them.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::content::time::When;

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
}
