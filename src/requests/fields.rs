//! The validated values a request form holds. Each `parse` takes what the patient typed and
//! returns the value or the sentence to show next to the field: what to enter, with an example.
//! The sentence is a `Message` (`locales/*/forms.ftl`), worded in the page's language.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::i18n::Message;

/// What went wrong with one field, for the patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The form field's `name` (and the id of its input, for the error summary's link).
    pub field: &'static str,
    pub message: Message,
}

/// Any Unicode is accepted and kept verbatim, spaces included (staff see exactly what was
/// typed); only length is limited. `what` is the message naming the field ("Your name").
fn bounded(raw: &str, max: usize, what: &'static str) -> Result<String, Message> {
    let count = raw.chars().count();
    if count > max {
        return Err(Message::new("error-too-long")
            .text("what", what)
            .num("max", max)
            .num("count", count));
    }
    Ok(raw.to_owned())
}

/// A person's name, as they write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonName(String);

impl PersonName {
    pub const MAX: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, Message> {
        let text = bounded(raw, Self::MAX, "what-name")?;
        if text.trim().is_empty() {
            return Err(Message::new("error-name"));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A US phone number, stored as its ten digits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Result<Self, Message> {
        let message = || Message::new("error-phone");
        if raw.trim().is_empty() {
            return Err(message());
        }
        if raw
            .chars()
            .any(|c| !(c.is_ascii_digit() || " ()-.+".contains(c)))
        {
            return Err(message());
        }
        let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
        let national = match digits.len() {
            10 => digits,
            11 if digits.starts_with('1') => digits[1..].to_owned(),
            _ => return Err(message()),
        };
        Ok(Self(national))
    }

    /// The ten digits, "3105550134".
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// "(310) 555-0134".
    pub fn display(&self) -> String {
        let d = &self.0;
        match (d.get(..3), d.get(3..6), d.get(6..)) {
            (Some(a), Some(b), Some(c)) => format!("({a}) {b}-{c}"),
            _ => d.clone(),
        }
    }
}

/// A date of birth: in the past, and not before 1900.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateOfBirth(Date);

impl DateOfBirth {
    /// Accepts `YYYY-MM-DD` (what a date input sends), `MM/DD/YYYY` (what people type) and
    /// `MMDDYYYY` (what a phone's number pad can type: it has no `/`).
    pub fn parse(raw: &str, today: Date) -> Result<Self, Message> {
        let message = || Message::new("error-birth");
        let raw = raw.trim();
        // Each part must fit its type: a month of 257 is refused, not wrapped to January.
        let date_of = |m: &str, d: &str, y: &str| -> Result<Date, Message> {
            let part = |s: &str| s.trim().parse::<i8>().map_err(|_| message());
            let year = y.trim().parse::<i16>().map_err(|_| message())?;
            Date::new(year, part(m)?, part(d)?).map_err(|_| message())
        };
        let date = if let Some((m, rest)) = raw.split_once('/') {
            let (d, y) = rest.split_once('/').ok_or_else(message)?;
            date_of(m, d, y)?
        } else if raw.len() == 8 && raw.bytes().all(|b| b.is_ascii_digit()) {
            date_of(&raw[..2], &raw[2..4], &raw[4..])?
        } else {
            raw.parse::<Date>().map_err(|_| message())?
        };
        if date > today {
            return Err(Message::new("error-birth-future"));
        }
        if date.year() < 1900 {
            return Err(Message::new("error-birth-year"));
        }
        Ok(Self(date))
    }

    pub fn date(self) -> Date {
        self.0
    }
}

/// One or more prescription numbers, as printed on the label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RxNumbers(Vec<String>);

impl RxNumbers {
    pub const MAX: usize = 20;

    /// Numbers separated by commas, spaces or new lines; each 4–20 letters, digits or dashes.
    pub fn parse(raw: &str) -> Result<Self, Message> {
        let numbers: Vec<String> = raw
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        if numbers.is_empty() {
            return Err(Message::new("error-rx-none"));
        }
        if numbers.len() > Self::MAX {
            return Err(Message::new("error-rx-many").num("max", Self::MAX));
        }
        if let Some(number) = numbers.iter().find(|n| !is_rx_number(n)) {
            return Err(Message::new("error-rx-number").with("number", shown(number)));
        }
        Ok(Self(numbers))
    }

    pub fn numbers(&self) -> &[String] {
        &self.0
    }
}

/// Whether `number` reads as a prescription number: 4–20 letters, digits or dashes.
fn is_rx_number(number: &str) -> bool {
    (4..=20).contains(&number.chars().count())
        && number
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// What an error quotes of a typed value: its start.
fn shown(typed: &str) -> String {
    typed.chars().take(24).collect()
}

/// One medicine to transfer: its name as the patient knows it, and its prescription number
/// when they have it (the other pharmacy can find it by name and date of birth otherwise).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Medicine {
    pub name: String,
    pub rx: Option<String>,
}

/// The medicines a transfer asks for: one or more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Medicines(Vec<Medicine>);

impl Medicines {
    /// Rows on the form; more than this is a conversation, so the form says to call.
    pub const ROWS: usize = 5;
    pub const MAX_NAME: usize = 200;

    /// `rows` holds (name, prescription number) as typed, blank rows included.
    pub fn parse(rows: &[(&str, &str)]) -> Result<Self, Message> {
        let mut medicines = Vec::new();
        for (at, (name, rx)) in rows.iter().enumerate() {
            let row = at + 1;
            let rx = rx.trim();
            if name.trim().is_empty() {
                if !rx.is_empty() {
                    return Err(Message::new("error-medicine-rx-only").num("row", row));
                }
                continue;
            }
            let count = name.chars().count();
            if count > Self::MAX_NAME {
                return Err(Message::new("error-medicine-too-long")
                    .num("row", row)
                    .num("max", Self::MAX_NAME)
                    .num("count", count));
            }
            if !rx.is_empty() && !is_rx_number(rx) {
                return Err(Message::new("error-medicine-rx")
                    .num("row", row)
                    .with("number", shown(rx)));
            }
            let name = (*name).to_owned();
            medicines.push(Medicine {
                name,
                rx: (!rx.is_empty()).then(|| rx.to_owned()),
            });
        }
        if medicines.is_empty() {
            return Err(Message::new("error-medicine-none"));
        }
        Ok(Self(medicines))
    }

    pub fn list(&self) -> &[Medicine] {
        &self.0
    }
}

/// Free text with a length limit; may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note(String);

impl Note {
    /// `what` is the message naming the field, for the error when it is too long.
    pub fn parse(raw: &str, max: usize, what: &'static str) -> Result<Self, Message> {
        bounded(raw, max, what).map(Self)
    }

    /// Required free text: `missing` is the message when it is empty.
    pub fn required(
        raw: &str,
        max: usize,
        what: &'static str,
        missing: &'static str,
    ) -> Result<Self, Message> {
        let note = Self::parse(raw, max, what)?;
        if note.0.trim().is_empty() {
            return Err(Message::new(missing));
        }
        Ok(note)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

pub use super::choices::{Asker, BestTime, Controlled, Fulfilment, Topic};

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> Date {
        Date::constant(2026, 11, 26)
    }

    #[test]
    fn phones_need_ten_digits_and_say_so() {
        assert_eq!(
            Phone::parse("(310) 555-0134").unwrap().display(),
            "(310) 555-0134"
        );
        assert_eq!(
            Phone::parse("+1 310 555 0134").unwrap().display(),
            "(310) 555-0134"
        );
        for bad in ["", "555-0134", "310 555 01345", "310-555-O134", "call me"] {
            assert_eq!(
                Phone::parse(bad).unwrap_err().english(),
                "Enter a phone number with 10 digits, like 310 555 0134",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn dates_of_birth_accept_both_spellings_and_must_be_past() {
        assert_eq!(
            DateOfBirth::parse("03/14/1980", today()).unwrap().date(),
            Date::constant(1980, 3, 14)
        );
        assert!(DateOfBirth::parse("1980-03-14", today()).is_ok());
        assert!(DateOfBirth::parse("02/30/1980", today()).is_err());
        assert_eq!(
            DateOfBirth::parse("03141980", today()).unwrap().date(),
            Date::constant(1980, 3, 14),
            "typed on a number pad"
        );
        assert!(
            DateOfBirth::parse("257/14/1980", today()).is_err(),
            "not wrapped"
        );
        assert!(
            DateOfBirth::parse("yesterday", today())
                .unwrap_err()
                .english()
                .contains("like 03/14/1980")
        );
        assert!(
            DateOfBirth::parse("2027-01-01", today())
                .unwrap_err()
                .english()
                .contains("past")
        );
        assert!(
            DateOfBirth::parse("1850-01-01", today())
                .unwrap_err()
                .english()
                .contains("year")
        );
    }

    #[test]
    fn prescription_numbers_split_and_check_each() {
        let numbers = RxNumbers::parse("6012345, 6012346\n RX-778899").unwrap();
        assert_eq!(numbers.numbers(), ["6012345", "6012346", "RX-778899"]);
        assert!(
            RxNumbers::parse("  ")
                .unwrap_err()
                .english()
                .contains("at least one")
        );
        assert!(
            RxNumbers::parse("12")
                .unwrap_err()
                .english()
                .contains("“12”")
        );
        assert!(RxNumbers::parse("60123<b>").is_err());
    }

    #[test]
    fn names_keep_any_unicode_but_not_endless_text() {
        assert_eq!(
            PersonName::parse("  Zoë O'Brien-李  ").unwrap().as_str(),
            "  Zoë O'Brien-李  ",
            "kept verbatim"
        );
        assert_eq!(
            PersonName::parse(" ").unwrap_err().english(),
            "Enter your full name"
        );
        let medicines = Medicines::parse(&[
            ("", ""),
            ("baclofen 10 mg", " 7734251 "),
            ("tizanidine", ""),
        ])
        .unwrap();
        assert_eq!(medicines.list().len(), 2);
        assert_eq!(medicines.list()[0].rx.as_deref(), Some("7734251"));
        assert_eq!(medicines.list()[1].rx, None);
        assert!(
            Medicines::parse(&[("", ""), ("", "")])
                .unwrap_err()
                .english()
                .starts_with("Enter at least one medicine")
        );
        assert_eq!(
            Medicines::parse(&[("x", ""), ("", "7734251")])
                .unwrap_err()
                .english(),
            "Medicine 2: enter its name as well as its prescription number"
        );
        assert!(
            Medicines::parse(&[("x", "12")])
                .unwrap_err()
                .english()
                .starts_with("Medicine 1: “12” does not look like")
        );
        let long = "x".repeat(101);
        assert!(
            PersonName::parse(&long)
                .unwrap_err()
                .english()
                .contains("100 characters or fewer (this is 101)")
        );
    }

    #[test]
    fn problems_are_worded_in_the_page_language() {
        use crate::content::Lang;
        assert_eq!(
            Phone::parse("call me").unwrap_err().in_lang(Lang::Es),
            "Escriba un número de teléfono de 10 dígitos, como 310 555 0134"
        );
        // A message naming another (the field) words both in the same language.
        let long = PersonName::parse(&"x".repeat(101)).unwrap_err();
        assert_eq!(
            long.english(),
            "Your name must be 100 characters or fewer (this is 101)"
        );
        assert_eq!(
            long.in_lang(Lang::Es),
            "Su nombre: máximo 100 caracteres (ahora hay 101)"
        );
        assert_eq!(
            BestTime::Evening.label(),
            "Early evening",
            "staff read English"
        );
    }

    #[test]
    fn choices_accept_only_their_values() {
        assert_eq!(
            Controlled::parse("schedule-2").unwrap(),
            Controlled::ScheduleII
        );
        assert_eq!(
            Topic::parse("nonsense").unwrap_err().english(),
            "Choose what your call is about"
        );
        assert_eq!(BestTime::OPTIONS.len(), 4);
    }
}
