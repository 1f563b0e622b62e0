//! Success criteria as writers spell them: a measured quantity (`180ms`,
//! `0.04%`, `1,200 rows/s`, `37`) and a threshold it is compared with
//! (`< 200ms`, `>= 99.5%`).
//!
//! A quantity is a number with an optional unit. Units of time convert into one
//! another (`ms`, `s`, `min`), so `0.18 s` meets `< 200ms`; any other pair of
//! different units (`%` against `ms`, `rows/s` against a plain number) is a
//! mismatch, which `content::validate` reports at the key that causes it.
//! Thresholds parse while the release file is read, so a bad one is reported by
//! serde_yaml at its own line and column.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// What a number measures; quantities compare only within one dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dimension {
    /// Time, counted in seconds (`ms`, `s`, `min`).
    Time,
    /// A percentage (`%`).
    Percent,
    /// A throughput (`rows/s`).
    RowsPerSecond,
    /// A plain number, without a unit.
    Count,
}

impl Dimension {
    /// How the dimension is written, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Dimension::Time => "a time (ms, s or min)",
            Dimension::Percent => "a percentage (%)",
            Dimension::RowsPerSecond => "a throughput (rows/s)",
            Dimension::Count => "a plain number",
        }
    }
}

/// The units a quantity may carry, with their dimension and size in its base unit.
const UNITS: [(&str, Dimension, f64); 5] = [
    ("ms", Dimension::Time, 0.001),
    ("s", Dimension::Time, 1.0),
    ("min", Dimension::Time, 60.0),
    ("%", Dimension::Percent, 1.0),
    ("rows/s", Dimension::RowsPerSecond, 1.0),
];

/// What a quantity should look like, for error messages.
const QUANTITY_HELP: &str =
    "a number with an optional unit: 180ms, 0.2 s, 2 min, 0.04%, 1,200 rows/s or 37";

/// A number with a unit, as measured or as a limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity {
    /// In the dimension's base unit (seconds for time).
    pub amount: f64,
    pub dimension: Dimension,
}

impl FromStr for Quantity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let split = trimmed
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | '+')))
            .unwrap_or(trimmed.len());
        let (number, unit) = trimmed.split_at(split);
        let digits: String = number.chars().filter(|c| *c != ',').collect();
        let bad_number = || format!("`{trimmed}` is not a measurement; write {QUANTITY_HELP}");
        // Commas only between groups of digits: `1,200`, not `1,2` nor `,5`.
        let commas_ok = number
            .split(',')
            .skip(1)
            .all(|g| g.len() == 3 || (g.len() > 3 && g.as_bytes()[3] == b'.'))
            && !number.starts_with(',');
        if digits.is_empty() || !commas_ok {
            return Err(bad_number());
        }
        let amount: f64 = digits.parse().map_err(|_| bad_number())?;
        if !amount.is_finite() {
            return Err(bad_number());
        }
        let unit = unit.trim();
        let (dimension, size) = if unit.is_empty() {
            (Dimension::Count, 1.0)
        } else {
            UNITS
                .iter()
                .find(|(name, _, _)| *name == unit)
                .map(|(_, d, s)| (*d, *s))
                .ok_or_else(|| {
                    format!(
                        "`{unit}` is not a unit golive can compare; use ms, s, min, %, rows/s or none (in `{trimmed}`)"
                    )
                })?
        };
        Ok(Quantity {
            amount: amount * size,
            dimension,
        })
    }
}

/// How a measured value is compared with a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}

impl Operator {
    /// Whether `value <op> limit` holds.
    pub fn holds(self, value: f64, limit: f64) -> bool {
        match self {
            Operator::Less => value < limit,
            Operator::LessOrEqual => value <= limit,
            Operator::Greater => value > limit,
            Operator::GreaterOrEqual => value >= limit,
        }
    }
}

/// A limit such as `< 200ms`: an operator and a quantity. Keeps the writer's
/// text, which pages and emails echo.
#[derive(Debug, Clone, PartialEq)]
pub struct Threshold {
    pub text: String,
    pub operator: Operator,
    pub limit: Quantity,
}

impl Threshold {
    /// Whether a measured quantity of the same dimension is within the limit.
    pub fn holds(&self, value: Quantity) -> bool {
        self.operator.holds(value.amount, self.limit.amount)
    }
}

impl FromStr for Threshold {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let trimmed = text.trim();
        let (operator, rest) = [
            ("<=", Operator::LessOrEqual),
            (">=", Operator::GreaterOrEqual),
            ("<", Operator::Less),
            (">", Operator::Greater),
        ]
        .into_iter()
        .find_map(|(sign, op)| trimmed.strip_prefix(sign).map(|rest| (op, rest)))
        .ok_or_else(|| {
            format!(
                "`{trimmed}` is not a threshold; start with <, <=, > or >= and give {QUANTITY_HELP}, such as \"< 200ms\" or \">= 99.5%\""
            )
        })?;
        let limit = rest.parse::<Quantity>()?;
        Ok(Threshold {
            text: trimmed.to_string(),
            operator,
            limit,
        })
    }
}

impl fmt::Display for Threshold {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Parsed inside the visitor, so serde_yaml reports a bad threshold at its own
/// line and column (as for dates).
impl<'de> Deserialize<'de> for Threshold {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = Threshold;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a threshold such as \"< 200ms\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Threshold, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_str(V)
    }
}

impl Serialize for Threshold {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl schemars::JsonSchema for Threshold {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Threshold".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "description": "A threshold: <, <=, > or >= and a number with an optional unit (ms, s, min, %, rows/s), e.g. \"< 200ms\" or \">= 99.5%\"",
            "pattern": r"^\s*(<=|>=|<|>)\s*[+-]?[0-9][0-9,]*(\.[0-9]+)?\s*(ms|s|min|%|rows/s)?\s*$"
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> Quantity {
        text.parse().unwrap()
    }

    #[test]
    fn quantities_convert_time_units_and_keep_others_apart() {
        assert_eq!(q("180ms"), q("0.18 s"));
        assert_eq!(q("2 min").amount, 120.0);
        assert_eq!(q("0.04%").dimension, Dimension::Percent);
        assert_eq!(q("1,200 rows/s").amount, 1200.0);
        assert_eq!(q("1,200.5 rows/s").amount, 1200.5);
        assert_eq!(
            q("37"),
            Quantity {
                amount: 37.0,
                dimension: Dimension::Count
            }
        );
        assert!(
            "180 MS".parse::<Quantity>().is_err(),
            "units are lower case, as in the schema"
        );
    }

    #[test]
    fn bad_quantities_say_what_to_write() {
        for bad in [
            "fast",
            "",
            "ms",
            "1,2 s",
            ",5%",
            "1.2.3 s",
            "12 parsecs",
            "37 of 40",
        ] {
            let error = bad.parse::<Quantity>().unwrap_err();
            assert!(
                error.contains("ms") && error.contains("rows/s"),
                "{bad}: {error}"
            );
        }
    }

    #[test]
    fn thresholds_need_an_operator_and_a_quantity() {
        let t: Threshold = "<= 200ms".parse().unwrap();
        assert_eq!(t.operator, Operator::LessOrEqual);
        assert_eq!(t.limit, q("0.2s"));
        assert_eq!(t.to_string(), "<= 200ms");
        assert_eq!(
            ">=99.5%".parse::<Threshold>().unwrap().operator,
            Operator::GreaterOrEqual
        );
        let error = "200ms".parse::<Threshold>().unwrap_err();
        assert!(error.contains("start with <, <=, > or >="), "{error}");
        assert!("< fast".parse::<Threshold>().is_err());
        assert!("=< 5".parse::<Threshold>().is_err());
    }

    #[test]
    fn operators_at_the_limit() {
        let at = q("200ms");
        assert!(!"< 200ms".parse::<Threshold>().unwrap().holds(at));
        assert!("<= 200ms".parse::<Threshold>().unwrap().holds(at));
        assert!(!"> 0.2s".parse::<Threshold>().unwrap().holds(at));
        assert!(">= 0.2s".parse::<Threshold>().unwrap().holds(at));
    }
}
