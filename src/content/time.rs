//! Dates, offsets from go-live (`T-24h`) and durations as writers spell them.
//!
//! A `When` keeps the text the writer typed (so pages can echo it) and its parsed
//! form; it becomes an instant only once the zone is known, because a time without
//! an offset is in the release's zone, else the site's.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta,
    TimeZone,
};
use chrono_tz::Tz;
use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

use crate::diagnostic::did_you_mean;

/// A date or time: `2026-12-04`, `2026-12-04 09:00` or RFC 3339.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct When {
    pub text: String,
    pub value: WhenValue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenValue {
    /// A day: midnight at its start, in the zone that applies.
    Date(NaiveDate),
    /// A wall-clock time in the zone that applies.
    Local(NaiveDateTime),
    /// An exact instant, with its own offset.
    Exact(DateTime<FixedOffset>),
}

impl When {
    /// Whether the writer gave only a day (pages then show only the day).
    pub fn is_date_only(&self) -> bool {
        matches!(self.value, WhenValue::Date(_))
    }

    /// The instant this names in `zone`. A wall-clock time that the zone skips
    /// (a daylight-saving gap) is an error; one it repeats takes the earlier.
    pub fn resolve(&self, zone: Tz) -> Result<DateTime<Tz>, String> {
        let local = match self.value {
            WhenValue::Exact(t) => return Ok(t.with_timezone(&zone)),
            WhenValue::Date(d) => d.and_time(NaiveTime::MIN),
            WhenValue::Local(t) => t,
        };
        match zone.from_local_datetime(&local) {
            LocalResult::Single(t) => Ok(t),
            LocalResult::Ambiguous(early, _) => Ok(early),
            LocalResult::None => Err(format!(
                "{} does not exist in {} (the clocks skip it for daylight saving)",
                self.text,
                zone.name()
            )),
        }
    }

    /// Like `resolve`, for data already validated: a skipped time moves past the gap.
    pub fn instant(&self, zone: Tz) -> DateTime<Tz> {
        self.resolve(zone).unwrap_or_else(|_| {
            let local = match self.value {
                WhenValue::Date(d) => d.and_time(NaiveTime::MIN),
                WhenValue::Local(t) => t,
                WhenValue::Exact(t) => t.naive_utc(),
            };
            zone.from_utc_datetime(&local)
        })
    }
}

/// The years a date may name: the ones an email's Date header can hold.
pub const YEARS: std::ops::RangeInclusive<i32> = 1970..=9998;

impl FromStr for When {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let value = if let Ok(d) = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d") {
            WhenValue::Date(d)
        } else if let Ok(t) = NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%d %H:%M") {
            WhenValue::Local(t)
        } else if let Ok(t) = NaiveDateTime::parse_from_str(trimmed, "%Y-%m-%d %H:%M:%S") {
            WhenValue::Local(t)
        } else if let Ok(t) = DateTime::parse_from_rfc3339(trimmed) {
            WhenValue::Exact(t)
        } else {
            return Err(format!(
                "`{trimmed}` is not a date; write 2026-12-04, 2026-12-04 09:00 or 2026-12-04T09:00:00+05:30"
            ));
        };
        let year = match value {
            WhenValue::Date(d) => d.year(),
            WhenValue::Local(t) => t.year(),
            WhenValue::Exact(t) => t.year(),
        };
        if !YEARS.contains(&year) {
            return Err(format!(
                "`{trimmed}` is outside the years golive works with ({} to {})",
                YEARS.start(),
                YEARS.end()
            ));
        }
        Ok(When {
            text: trimmed.to_string(),
            value,
        })
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// An offset from go-live: `T-72h`, `T-2d`, `T+0`, `T+30m`, `T-1h30m`.
/// Days are 24 hours of elapsed time, so offsets stay exact across a
/// daylight-saving change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Offset {
    pub seconds: i64,
    /// As the writer typed it, for echoing on pages.
    pub text: String,
}

impl Offset {
    pub fn delta(&self) -> TimeDelta {
        TimeDelta::seconds(self.seconds)
    }
}

impl FromStr for Offset {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad =
            || format!("`{text}` is not an offset from go-live; write T-24h, T-2d, T+0 or T+30m");
        let written = text.trim().to_string();
        let rest = written
            .strip_prefix(['T', 't'])
            .ok_or_else(bad)?
            .trim_start();
        if rest.is_empty() || rest == "0" {
            return Ok(Offset {
                seconds: 0,
                text: written,
            });
        }
        let (sign, amount) = match rest.as_bytes()[0] {
            b'-' => (-1, &rest[1..]),
            b'+' => (1, &rest[1..]),
            _ => return Err(bad()),
        };
        let amount = amount.trim();
        let seconds = if amount == "0" {
            0
        } else {
            parse_span(amount).map_err(|_| bad())?
        };
        Ok(Offset {
            seconds: sign * seconds,
            text: written,
        })
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// A length of time: `5m`, `1h30m`, `2d`, `45s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub seconds: i64,
}

impl FromStr for Span {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        parse_span(text.trim())
            .map(|seconds| Span { seconds })
            .map_err(|_| format!("`{text}` is not a duration; write 45s, 5m, 1h30m or 2d"))
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_span(self.seconds.unsigned_abs()))
    }
}

/// `1h30m` -> 5400. Units: d, h, m, s; at least one; each at most once, largest first.
fn parse_span(text: &str) -> Result<i64, ()> {
    const UNITS: [(char, i64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];
    let mut total: i64 = 0;
    let mut digits = String::new();
    let mut next_unit = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let position = UNITS[next_unit..]
            .iter()
            .position(|(u, _)| *u == c)
            .ok_or(())?;
        let (_, size) = UNITS[next_unit + position];
        let n: i64 = digits.parse().map_err(|_| ())?;
        total = total
            .checked_add(n.checked_mul(size).ok_or(())?)
            .ok_or(())?;
        digits.clear();
        next_unit += position + 1;
    }
    if !digits.is_empty() || next_unit == 0 || total > 366 * 86_400 {
        return Err(());
    }
    Ok(total)
}

fn format_span(mut seconds: u64) -> String {
    let mut out = String::new();
    for (unit, size) in [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)] {
        if seconds >= size {
            out.push_str(&format!("{}{unit}", seconds / size));
            seconds %= size;
        }
    }
    if out.is_empty() { "0m".into() } else { out }
}

/// An IANA time zone such as `Asia/Kolkata`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Zone(pub Tz);

impl FromStr for Zone {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.trim().parse::<Tz>().map(Zone).map_err(|_| {
            let names = chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
            match did_you_mean(text, names) {
                Some(s) => format!("unknown time zone `{text}`; did you mean `{s}`?"),
                None => format!(
                    "unknown time zone `{text}`; use an IANA name such as Europe/Berlin or UTC"
                ),
            }
        })
    }
}

/// Serde support for the types above: read from their text, written as their text.
/// Parsing happens inside the visitor so serde_yaml reports a bad value at its
/// own line and column rather than at the start of the enclosing mapping.
macro_rules! text_serde {
    ($($t:ty => $expecting:literal),*) => {$(
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl de::Visitor<'_> for V {
                    type Value = $t;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$t, E> {
                        v.parse().map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }
    )*};
}
text_serde!(
    When => "a date such as 2026-12-04 or 2026-12-04 09:00",
    Offset => "an offset from go-live such as T-24h",
    Span => "a duration such as 5m",
    Zone => "an IANA time zone such as Europe/Berlin"
);

macro_rules! display_serialize {
    ($($t:ty),*) => {$(
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    )*};
}
display_serialize!(When, Offset, Span);
pub(crate) use {display_serialize, text_serde};

/// JSON Schema: each of these is a string of a known shape, so editors can
/// check it as the writer types.
macro_rules! string_schema {
    ($($t:ty => $name:literal, $description:literal, $pattern:literal);* $(;)?) => {$(
        impl schemars::JsonSchema for $t {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                $name.into()
            }
            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({ "type": "string", "description": $description, "pattern": $pattern })
            }
        }
    )*};
}
pub(crate) use string_schema;

string_schema! {
    When => "Date", "A date: 2026-12-04, 2026-12-04 09:00, or RFC 3339 (2026-12-04T09:00:00+05:30)",
        r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$";
    Offset => "Offset", "An offset from go-live: T-72h, T-2d, T+0, T+30m, T-1h30m",
        r"^[Tt]\s*([+-]\s*(\d+d)?(\d+h)?(\d+m)?(\d+s)?|\+?0?)$";
    Span => "Duration", "A length of time: 45s, 5m, 1h30m, 2d",
        r"^(\d+d)?(\d+h)?(\d+m)?(\d+s)?$";
    Zone => "TimeZone", "An IANA time zone such as Europe/Berlin or Asia/Kolkata",
        r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)*$";
}

impl Serialize for Zone {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_outside_the_years_of_an_email_header_are_refused() {
        for text in ["1969-12-31", "0001-01-01 00:00", "9999-01-01T00:00:00Z"] {
            let error = text.parse::<When>().unwrap_err();
            assert!(error.contains("1970 to 9998"), "{text}: {error}");
        }
        assert!("1970-01-01".parse::<When>().is_ok());
        assert!("9998-12-31 23:59".parse::<When>().is_ok());
    }

    #[test]
    fn parses_the_three_date_forms() {
        let kolkata: Tz = "Asia/Kolkata".parse().unwrap();
        let day: When = "2026-12-04".parse().unwrap();
        assert!(day.is_date_only());
        assert_eq!(
            day.resolve(kolkata).unwrap().to_rfc3339(),
            "2026-12-04T00:00:00+05:30"
        );
        let local: When = "2026-12-04 09:00".parse().unwrap();
        assert_eq!(
            local.resolve(kolkata).unwrap().to_rfc3339(),
            "2026-12-04T09:00:00+05:30"
        );
        let exact: When = "2026-12-04T09:00:00Z".parse().unwrap();
        assert_eq!(
            exact.resolve(kolkata).unwrap().to_rfc3339(),
            "2026-12-04T14:30:00+05:30"
        );
        assert!("04/12/2026".parse::<When>().is_err());
        assert!("2026-02-30".parse::<When>().is_err());
    }

    #[test]
    fn a_time_in_a_daylight_saving_gap_is_an_error() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let skipped: When = "2026-03-29 02:30".parse().unwrap();
        assert!(
            skipped
                .resolve(berlin)
                .unwrap_err()
                .contains("daylight saving")
        );
        let repeated: When = "2026-10-25 02:30".parse().unwrap();
        assert_eq!(
            repeated.resolve(berlin).unwrap().to_rfc3339(),
            "2026-10-25T02:30:00+02:00"
        );
    }

    #[test]
    fn parses_offsets() {
        let s = |t: &str| t.parse::<Offset>().map(|o| o.seconds);
        assert_eq!(s("T-72h"), Ok(-72 * 3600));
        assert_eq!(s("T-2d"), Ok(-2 * 86_400));
        assert_eq!(s("T+0"), Ok(0));
        assert_eq!(s("T+30m"), Ok(1800));
        assert_eq!(s("T-1h30m"), Ok(-5400));
        assert!(s("T-30x").is_err());
        assert!(s("T-m").is_err());
        assert!(s("T-1m1h").is_err(), "units go largest first");
        assert!(s("24h").is_err());
        assert_eq!("T-1h30m".parse::<Offset>().unwrap().to_string(), "T-1h30m");
    }

    #[test]
    fn parses_spans_and_zones() {
        assert_eq!("5m".parse::<Span>().unwrap().seconds, 300);
        assert!("5 minutes".parse::<Span>().is_err());
        assert!("Asia/Kolkata".parse::<Zone>().is_ok());
        assert!(
            "Asia/Kolkta"
                .parse::<Zone>()
                .unwrap_err()
                .contains("did you mean `Asia/Kolkata`")
        );
    }
}
