//! Which clock a run uses: the one place that reads `--now`, `GOLIVE_NOW` and
//! `SOURCE_DATE_EPOCH`. The clock goes down to the evaluation of the approval
//! phases and the warnings; the verdict never sees it.

use std::io::Write as _;

use super::{Cli, exit};
use crate::clock::Clock;
use crate::content::time::When;

/// The environment variable that sets the clock when `--now` is not given.
pub const NOW_VARIABLE: &str = "GOLIVE_NOW";

/// `--now`, else `GOLIVE_NOW`, else `SOURCE_DATE_EPOCH` (seconds since 1970,
/// the reproducible-builds convention), else the system clock. A bad
/// `GOLIVE_NOW` is printed and gives the exit code.
pub fn clock(cli: &Cli) -> Result<Clock, i32> {
    if let Some(now) = &cli.now {
        return Ok(Clock::At(now.clone()));
    }
    if let Some(text) = std::env::var_os(NOW_VARIABLE) {
        let text = text.to_string_lossy();
        return text.parse::<When>().map(Clock::At).map_err(|why| {
            let _ = writeln!(
                anstream::stderr(),
                "error: {NOW_VARIABLE}: {why}\n  = help: set it to a date or time such as 2026-12-04 09:00, or unset it to use the system clock"
            );
            exit::INVALID
        });
    }
    let epoch = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0));
    Ok(match epoch {
        Some(at) => Clock::At(When {
            text: at.to_rfc3339(),
            value: crate::content::time::WhenValue::Exact(at.fixed_offset()),
        }),
        None => Clock::System,
    })
}
