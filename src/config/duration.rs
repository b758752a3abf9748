//! Durations in settings, written with their unit: `"30m"`, `"12h"`, `"5s"`, `"180d"`, or
//! several parts such as `"1h30m"`. A bare number is refused: `30` could mean seconds or
//! minutes, and guessing wrong would keep a staff session open 60 times too long.

use std::fmt;
use std::time::Duration;

use serde::de::{self, Deserializer, Visitor};

/// Shown with every refused value.
const EXAMPLE: &str = "write a number and a unit (ms, s, m, h, d), like \"30m\", \"12h\" or \"5s\"";

/// Reads `text` as a duration.
pub fn parse(text: &str) -> Result<Duration, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return Err(format!("no duration given: {EXAMPLE}"));
    }
    let mut total = Duration::ZERO;
    let mut rest = compact.as_str();
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit_len = rest[digits..]
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len() - digits);
        let (number, unit) = (&rest[..digits], &rest[digits..digits + unit_len]);
        rest = &rest[digits + unit_len..];
        let number: u64 = number
            .parse()
            .map_err(|_| format!("`{text}` is not a duration: {EXAMPLE}"))?;
        let unit_ms: u64 = match unit {
            "ms" => 1,
            "s" => 1_000,
            "m" => 60_000,
            "h" => 3_600_000,
            "d" => 86_400_000,
            "" => return Err(format!("`{text}` has no unit: {EXAMPLE}")),
            _ => return Err(format!("`{text}` has an unknown unit `{unit}`: {EXAMPLE}")),
        };
        let part = number
            .checked_mul(unit_ms)
            .map(Duration::from_millis)
            .ok_or_else(|| format!("`{text}` is too long"))?;
        total = total
            .checked_add(part)
            .ok_or_else(|| format!("`{text}` is too long"))?;
    }
    Ok(total)
}

/// For `#[serde(deserialize_with)]`: a string in `parse`'s words. A number (from TOML, or an
/// environment variable figment read as a number) is refused with the same example.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
    struct Words;

    impl Visitor<'_> for Words {
        type Value = Duration;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "a duration with its unit, like \"30m\"")
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Duration, E> {
            parse(text).map_err(E::custom)
        }

        fn visit_u64<E: de::Error>(self, number: u64) -> Result<Duration, E> {
            Err(E::custom(format!("`{number}` has no unit: {EXAMPLE}")))
        }

        fn visit_i64<E: de::Error>(self, number: i64) -> Result<Duration, E> {
            Err(E::custom(format!("`{number}` has no unit: {EXAMPLE}")))
        }

        fn visit_f64<E: de::Error>(self, number: f64) -> Result<Duration, E> {
            Err(E::custom(format!("`{number}` has no unit: {EXAMPLE}")))
        }
    }

    deserializer.deserialize_any(Words)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_are_read_and_may_be_combined() {
        let cases = [
            ("30m", 30 * 60),
            ("12h", 12 * 3600),
            ("5s", 5),
            ("180d", 180 * 86_400),
            ("1h30m", 5400),
            (" 1h 30m ", 5400),
            ("0s", 0),
        ];
        for (text, seconds) in cases {
            assert_eq!(parse(text), Ok(Duration::from_secs(seconds)), "{text}");
        }
        assert_eq!(parse("250ms"), Ok(Duration::from_millis(250)));
    }

    #[test]
    fn a_value_without_a_known_unit_is_refused_with_an_example() {
        for text in ["30", "", "m", "30 minutes", "1.5h", "-5s", "5x"] {
            let error = parse(text).unwrap_err();
            assert!(error.contains("like \"30m\""), "{text}: {error}");
        }
        assert!(
            parse("99999999999999999d")
                .unwrap_err()
                .contains("too long")
        );
    }
}
