//! Small validated value types of the content format: codes, phone numbers, e-mail addresses,
//! web links, time zones and opening hours. Each `parse` says what it expected.

use std::fmt;

use jiff::civil::Time;
use serde::{Deserialize, Serialize};

/// A code from a clinical code system, written `SYSTEM:CODE` (`ICD-10-CM:R25.2`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Code {
    pub system: CodeSystem,
    pub value: String,
}

/// The code systems pestle knows, with their HL7 OIDs (used by MedlinePlus Connect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeSystem {
    Icd10Cm,
    RxNorm,
    SnomedCt,
    Ndc,
}

impl CodeSystem {
    const ALL: [(&'static str, CodeSystem); 4] = [
        ("ICD-10-CM", Self::Icd10Cm),
        ("RxNorm", Self::RxNorm),
        ("SNOMED-CT", Self::SnomedCt),
        ("NDC", Self::Ndc),
    ];

    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, s)| *s == self)
            .map_or("", |(n, _)| n)
    }

    /// The HL7 OID of the code system.
    pub fn oid(self) -> &'static str {
        match self {
            Self::Icd10Cm => "2.16.840.1.113883.6.90",
            Self::RxNorm => "2.16.840.1.113883.6.88",
            Self::SnomedCt => "2.16.840.1.113883.6.96",
            Self::Ndc => "2.16.840.1.113883.6.69",
        }
    }

    fn accepts(self, code: &str) -> bool {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        match self {
            Self::Icd10Cm => {
                let (head, tail) = code.split_once('.').unwrap_or((code, ""));
                let head = head.as_bytes();
                head.len() == 3
                    && head[0].is_ascii_uppercase()
                    && head[1].is_ascii_digit()
                    && (head[2].is_ascii_digit() || head[2].is_ascii_uppercase())
                    && (code.len() == 3 || (1..=4).contains(&tail.len()))
                    && tail
                        .bytes()
                        .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            }
            Self::RxNorm => digits(code) && code.len() <= 10,
            Self::SnomedCt => digits(code) && (6..=18).contains(&code.len()),
            Self::Ndc => {
                let groups: Vec<&str> = code.split('-').collect();
                (2..=3).contains(&groups.len()) && groups.iter().all(|g| digits(g))
            }
        }
    }
}

impl Code {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let systems = CodeSystem::ALL.map(|(n, _)| n).join(", ");
        let Some((system, value)) = raw.split_once(':') else {
            return Err(format!(
                "expected a code like \"ICD-10-CM:R25.2\" (SYSTEM:CODE), found \"{raw}\""
            ));
        };
        let Some((_, system)) = CodeSystem::ALL.iter().find(|(n, _)| *n == system) else {
            return Err(format!(
                "unknown code system \"{system}\"; expected one of {systems}"
            ));
        };
        if !system.accepts(value) {
            return Err(format!("\"{value}\" is not a valid {} code", system.name()));
        }
        Ok(Self {
            system: *system,
            value: value.to_owned(),
        })
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.system.name(), self.value)
    }
}

impl TryFrom<String> for Code {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<Code> for String {
    fn from(code: Code) -> Self {
        code.to_string()
    }
}

/// Declares a string newtype that is checked by `$check` on the way in (serde included).
macro_rules! checked_string {
    ($(#[$doc:meta])* $name:ident, $check:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self, String> {
                let check: fn(&str) -> Result<(), String> = $check;
                check(raw).map(|()| Self(raw.to_owned()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;
            fn try_from(value: String) -> Result<Self, String> {
                Self::parse(&value)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

checked_string!(
    /// A US phone number as written for people ("(310) 555-0134"); 10 digits, optional +1.
    PhoneNumber,
    |raw| {
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let allowed = raw.chars().all(|c| c.is_ascii_digit() || " ()-.+".contains(c));
        let ten = match digits.len() {
            10 => true,
            11 => digits.starts_with('1'),
            _ => false,
        };
        if allowed && ten {
            Ok(())
        } else {
            Err(format!(
                "expected a US phone number with 10 digits, like \"(310) 555-0134\", found \"{raw}\""
            ))
        }
    }
);

impl PhoneNumber {
    /// The number for a `tel:` link: `+1` and ten digits.
    pub fn tel(&self) -> String {
        let digits: String = self.0.chars().filter(char::is_ascii_digit).collect();
        let national = digits
            .strip_prefix('1')
            .filter(|d| d.len() == 10)
            .unwrap_or(&digits);
        format!("+1{national}")
    }
}

checked_string!(
    /// An e-mail address: one `@`, a local part and a dotted domain, no spaces.
    Email,
    |raw| {
        let ok = match raw.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && !domain.contains('@')
                    && !raw.chars().any(char::is_whitespace)
            }
            None => false,
        };
        if ok {
            Ok(())
        } else {
            Err(format!("expected an e-mail address like \"main@example.com\", found \"{raw}\""))
        }
    }
);

checked_string!(
    /// An absolute `http` or `https` link.
    WebUrl,
    |raw| match url::Url::parse(raw) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(()),
        _ => Err(format!(
            "expected an http or https link like \"https://medlineplus.gov/…\", found \"{raw}\""
        )),
    }
);

checked_string!(
    /// An IANA time zone name known to the bundled time zone database.
    TimeZoneName,
    |raw| match jiff::tz::TimeZone::get(raw) {
        Ok(_) => Ok(()),
        Err(_) => Err(format!(
            "unknown time zone \"{raw}\"; expected an IANA name like \"America/Los_Angeles\""
        )),
    }
);

/// Opening hours on one weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum DayHours {
    Closed,
    Open { opens: Time, closes: Time },
}

impl DayHours {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let expected = || {
            format!("expected opening hours like \"09:00-18:00\" or \"closed\", found \"{raw}\"")
        };
        if raw == "closed" {
            return Ok(Self::Closed);
        }
        let (opens, closes) = raw.split_once('-').ok_or_else(expected)?;
        let time = |s: &str| {
            (s.len() == 5)
                .then(|| Time::strptime("%H:%M", s).ok())
                .flatten()
        };
        let (Some(opens), Some(closes)) = (time(opens), time(closes)) else {
            return Err(expected());
        };
        if opens >= closes {
            return Err(format!(
                "opening time must be before closing time, found \"{raw}\""
            ));
        }
        Ok(Self::Open { opens, closes })
    }
}

impl fmt::Display for DayHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Closed => f.write_str("closed"),
            Self::Open { opens, closes } => {
                write!(
                    f,
                    "{}-{}",
                    opens.strftime("%H:%M"),
                    closes.strftime("%H:%M")
                )
            }
        }
    }
}

impl TryFrom<String> for DayHours {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<DayHours> for String {
    fn from(hours: DayHours) -> Self {
        hours.to_string()
    }
}

/// A brand colour, written `#rrggbb`. Brand colours carry white text and sit as text on white, so
/// each must keep WCAG AA contrast (4.5:1) against white; a paler colour is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Colour([u8; 3]);

impl Colour {
    /// The least contrast against white that WCAG 2.2 AA allows for normal text.
    pub const MIN_CONTRAST: f64 = 4.5;

    pub const fn rgb(r: u8, g: u8, b: u8) -> Self {
        Self([r, g, b])
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        let hex = raw
            .strip_prefix('#')
            .filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()))
            .ok_or_else(|| format!("expected a colour like \"#1d5c63\", found \"{raw}\""))?;
        let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or_default();
        let colour = Self([channel(0), channel(2), channel(4)]);
        let contrast = colour.contrast_with_white();
        if contrast < Self::MIN_CONTRAST {
            return Err(format!(
                "\"{raw}\" is too light: its contrast with white is {contrast:.1}:1 and text needs \
                 at least 4.5:1; choose a darker shade"
            ));
        }
        Ok(colour)
    }

    /// WCAG relative luminance, 0 (black) to 1 (white).
    fn luminance(self) -> f64 {
        let linear = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.040_45 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * linear(self.0[0]) + 0.7152 * linear(self.0[1]) + 0.0722 * linear(self.0[2])
    }

    /// The WCAG contrast ratio against white (1 to 21).
    pub fn contrast_with_white(self) -> f64 {
        1.05 / (self.luminance() + 0.05)
    }
}

impl fmt::Display for Colour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:02x}{:02x}{:02x}", self.0[0], self.0[1], self.0[2])
    }
}

impl TryFrom<String> for Colour {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<Colour> for String {
    fn from(value: Colour) -> Self {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_check_their_system_and_shape() {
        assert_eq!(
            Code::parse("ICD-10-CM:R25.2").map(|c| c.to_string()),
            Ok("ICD-10-CM:R25.2".into())
        );
        assert!(Code::parse("ICD-10-CM:G47.62").is_ok());
        assert!(Code::parse("ICD-10-CM:L22").is_ok());
        assert!(Code::parse("RxNorm:21949").is_ok());
        assert!(Code::parse("ICD-10-CM:R25.").is_err());
        assert!(
            Code::parse("ICD10:R25.2")
                .unwrap_err()
                .contains("unknown code system")
        );
        assert!(Code::parse("RxNorm:abc").is_err());
        assert!(Code::parse("R25.2").is_err());
    }

    #[test]
    fn phone_numbers_need_ten_digits_and_give_a_tel_link() {
        let phone = PhoneNumber::parse("(310) 555-0134").unwrap();
        assert_eq!(phone.tel(), "+13105550134");
        assert_eq!(
            PhoneNumber::parse("+1 310 555 0134").unwrap().tel(),
            "+13105550134"
        );
        assert!(PhoneNumber::parse("555-0134").is_err());
        assert!(PhoneNumber::parse("310 555 O134").is_err());
    }

    #[test]
    fn hours_are_open_close_or_closed() {
        assert_eq!(DayHours::parse("closed"), Ok(DayHours::Closed));
        let open = DayHours::parse("09:00-18:00").unwrap();
        assert_eq!(open.to_string(), "09:00-18:00");
        assert!(
            DayHours::parse("18:00-09:00")
                .unwrap_err()
                .contains("before")
        );
        assert!(DayHours::parse("9-5").is_err());
        assert!(DayHours::parse("25:00-26:00").is_err());
    }

    #[test]
    fn other_values() {
        assert!(Email::parse("main@example.com").is_ok());
        assert!(Email::parse("main@example").is_err());
        assert!(WebUrl::parse("https://medlineplus.gov/ency/article/003185.htm").is_ok());
        assert!(WebUrl::parse("javascript:alert(1)").is_err());
        assert!(TimeZoneName::parse("America/Los_Angeles").is_ok());
        assert!(TimeZoneName::parse("Mars/Olympus").is_err());
    }

    #[test]
    fn brand_colours_must_keep_text_readable_on_white() {
        let teal = Colour::parse("#1d5c63").unwrap();
        assert_eq!(teal.to_string(), "#1d5c63");
        assert!(teal.contrast_with_white() > 7.0);
        assert!((Colour::parse("#000000").unwrap().contrast_with_white() - 21.0).abs() < 0.01);
        let pale = Colour::parse("#7fb3b8").unwrap_err();
        assert!(pale.contains("too light"), "{pale}");
        assert!(
            Colour::parse("1d5c63")
                .unwrap_err()
                .contains("expected a colour")
        );
        assert!(Colour::parse("#1d5c6").is_err());
    }
}
