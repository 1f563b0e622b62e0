//! The site's release calendar policy: change freezes and business hours
//! (`freezes:` and `business_hours:` in site.yaml).
//!
//! Only the shapes live here; what a release inside a freeze or outside
//! business hours means is decided in `evaluate::relations`.

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveTime, Weekday};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::content::time::{display_serialize, string_schema, text_serde};

/// A change freeze: no release goes live from `from` to `to` (both days
/// included, in the site's zone) unless it is an emergency change.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Freeze {
    /// The first day of the freeze (`2026-12-20`), included.
    #[schemars(schema_with = "day")]
    pub from: NaiveDate,
    /// The last day of the freeze, included; not before `from`.
    #[schemars(schema_with = "day")]
    pub to: NaiveDate,
    /// Why, shown on the calendar and in the collision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The schema of a day without a time (chrono's dates have none in schemars).
fn day(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "string",
        "description": "A day: 2026-12-20",
        "pattern": r"^\d{4}-\d{2}-\d{2}$"
    })
}

/// When go-lives are expected: `{days: Mon-Fri, from: "09:00", to: "18:00"}`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BusinessHours {
    /// The working days: `Mon-Fri`, `Sun-Thu`, `Mon,Wed,Fri`.
    pub days: Weekdays,
    /// When the working day starts (`09:00`), in the site's zone.
    pub from: ClockTime,
    /// When it ends (`18:00`), after `from` on the same day: a span past
    /// midnight is an error.
    pub to: ClockTime,
}

/// A set of weekdays: `Mon-Fri`, `Sun-Thu`, `Mon,Wed,Fri`, `Mon-Wed,Sat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Weekdays {
    /// Monday first.
    pub days: [bool; 7],
    written: String,
}

impl Weekdays {
    pub fn contains(&self, day: Weekday) -> bool {
        self.days[day.num_days_from_monday() as usize]
    }
}

/// `Mon`, `mon`, `Monday`: at least three letters of the day's English name.
fn weekday(name: &str) -> Result<Weekday, String> {
    const NAMES: [&str; 7] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    ];
    let lower = name.trim().to_ascii_lowercase();
    NAMES
        .iter()
        .position(|n| lower.len() >= 3 && n.starts_with(&lower))
        .map(|i| Weekday::try_from(i as u8).expect("0..7 is a weekday"))
        .ok_or_else(|| {
            format!(
                "`{}` is not a day of the week (Mon, Tue, … Sun)",
                name.trim()
            )
        })
}

impl FromStr for Weekdays {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let mut days = [false; 7];
        for part in text.split(',') {
            match part.split_once('-') {
                Some((first, last)) => {
                    let (first, last) = (weekday(first)?, weekday(last)?);
                    let mut day = first;
                    loop {
                        days[day.num_days_from_monday() as usize] = true;
                        if day == last {
                            break;
                        }
                        day = day.succ();
                    }
                }
                None => days[weekday(part)?.num_days_from_monday() as usize] = true,
            }
        }
        Ok(Weekdays {
            days,
            written: text.to_string(),
        })
    }
}

impl fmt::Display for Weekdays {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.written)
    }
}

/// A time of day, `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(pub NaiveTime);

impl FromStr for ClockTime {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        NaiveTime::parse_from_str(text.trim(), "%H:%M")
            .map(ClockTime)
            .map_err(|_| format!("`{text}` is not a time of day such as 09:00"))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

text_serde!(
    Weekdays => "days of the week such as Mon-Fri",
    ClockTime => "a time of day such as 09:00"
);
display_serialize!(Weekdays, ClockTime);

// JSON Schema: both are strings of a known shape.
string_schema! {
    Weekdays => "Weekdays", "Days of the week: Mon-Fri, Sun-Thu, Mon,Wed,Fri (at least three letters of each English name)",
        r"^[A-Za-z]{3,}(-[A-Za-z]{3,})?(,\s*[A-Za-z]{3,}(-[A-Za-z]{3,})?)*$";
    ClockTime => "ClockTime", "A time of day, HH:MM: 09:00",
        r"^\d{2}:\d{2}$";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_wrap_around_the_week() {
        let w: Weekdays = "Sun-Thu".parse().unwrap();
        assert_eq!(w.days, [true, true, true, true, false, false, true]);
        let w: Weekdays = "Mon-Wed,Sat".parse().unwrap();
        assert_eq!(w.days, [true, true, true, false, false, true, false]);
        let w: Weekdays = "monday, Friday".parse().unwrap();
        assert_eq!(w.days, [true, false, false, false, true, false, false]);
    }

    #[test]
    fn bad_days_and_times_are_refused() {
        assert!("Mon-Fry".parse::<Weekdays>().is_err());
        assert!("Mo".parse::<Weekdays>().is_err());
        assert!("".parse::<Weekdays>().is_err());
        assert!("9am".parse::<ClockTime>().is_err());
        assert_eq!("09:30".parse::<ClockTime>().unwrap().to_string(), "09:30");
    }
}
