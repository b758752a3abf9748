//! "Text me when it's ready" / "E-mail me": what a patient asks to be told on a request form,
//! where it goes (sealed beside the request), and the one fact the status page asks for.

use serde::{Deserialize, Serialize};

use super::fields::{FieldError, Phone};
use super::forms::Request;
use crate::content::Lang;
use crate::i18n::Message;
use crate::staff::Email;

/// The label of the keyed digests of status-page facts (`DataKeys::digest`).
pub const FACT_DIGEST: &str = "status-fact";

/// The label of the opt-out digests (`DataKeys::digest`) of `opt_out_value`s.
pub const OPT_OUT_DIGEST: &str = "opt-out";

/// What an opt-out of `address` on `channel` ("sms", "email") is digested from.
pub fn opt_out_value(channel: &str, address: &str) -> Vec<u8> {
    format!("{channel}:{address}").into_bytes()
}

/// The updates part of every request form, as posted.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UpdatesForm {
    /// "yes" when ticked.
    pub text_me: String,
    pub email_me: String,
    pub email: String,
}

/// What the patient asked for, checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Updates {
    pub text: bool,
    pub email: Option<Email>,
}

impl UpdatesForm {
    /// What was typed into `name`, for showing the form again; `None` for another field.
    pub fn value(&self, name: &str) -> Option<&str> {
        match name {
            "text_me" => Some(&self.text_me),
            "email_me" => Some(&self.email_me),
            "email" => Some(&self.email),
            _ => None,
        }
    }

    /// An address is needed only when "E-mail me" is ticked; one typed without the tick is an
    /// address the patient may expect us to use, so it is asked about rather than dropped.
    pub fn parse(&self) -> Result<Updates, FieldError> {
        let ticked = |raw: &str| !raw.trim().is_empty();
        let email = match (ticked(&self.email_me), self.email.trim().is_empty()) {
            (true, true) => {
                return Err(FieldError {
                    field: "email",
                    message: Message::new("error-email-missing"),
                });
            }
            (false, false) => {
                return Err(FieldError {
                    field: "email",
                    message: Message::new("error-email-unticked"),
                });
            }
            (true, false) => Some(Email::parse(&self.email).map_err(|_| FieldError {
                field: "email",
                message: Message::new("error-email"),
            })?),
            (false, true) => None,
        };
        Ok(Updates {
            text: ticked(&self.text_me),
            email,
        })
    }
}

/// Where a request's updates go, and in which language: sealed with the request's key, opened
/// only to send one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// E.164, "+13105550134".
    pub sms: Option<String>,
    pub email: Option<String>,
    /// The language of the page the request was sent from (contacts sealed before there was a
    /// choice are English).
    #[serde(default = "english")]
    pub lang: Lang,
}

fn english() -> Lang {
    Lang::En
}

impl Contact {
    pub fn new(request: &Request, updates: &Updates, lang: Lang) -> Option<Self> {
        let contact = Self {
            sms: updates.text.then(|| e164(request.phone())),
            email: updates.email.as_ref().map(|e| e.as_str().to_owned()),
            lang,
        };
        (contact.sms.is_some() || contact.email.is_some()).then_some(contact)
    }

    /// What binds a sealed contact to its request.
    pub fn context(reference: &str) -> Vec<u8> {
        format!("{reference}|contact").into_bytes()
    }
}

/// A US number as a text provider wants it.
pub fn e164(phone: &Phone) -> String {
    format!("+1{}", phone.digits())
}

/// The fact the status page asks for, as digested: the date of birth for a refill or transfer,
/// the phone number's last four digits for a call-back or a compounding question.
pub fn fact_of(request: &Request) -> String {
    match request {
        Request::Refill { date_of_birth, .. } | Request::Transfer { date_of_birth, .. } => {
            format!("dob:{}", date_of_birth.date())
        }
        other => {
            let digits = other.phone().digits();
            format!("phone:{}", &digits[digits.len().saturating_sub(4)..])
        }
    }
}

/// What a patient types on the status page, read as the same fact: four digits, or a date of
/// birth (`MM/DD/YYYY`, `MMDDYYYY` or `YYYY-MM-DD`). `None`: neither.
pub fn typed_fact(raw: &str, today: jiff::civil::Date) -> Option<String> {
    let raw = raw.trim();
    if raw.len() == 4 && raw.bytes().all(|b| b.is_ascii_digit()) {
        return Some(format!("phone:{raw}"));
    }
    super::fields::DateOfBirth::parse(raw, today)
        .ok()
        .map(|date| format!("dob:{}", date.date()))
}

/// The digested text: reference and fact together, so a digest says nothing on its own.
pub fn fact_input(reference: &str, fact: &str) -> Vec<u8> {
    format!("{reference}|{fact}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requests::fields::{BestTime, DateOfBirth, Note, PersonName, Topic};

    fn callback() -> Request {
        Request::Callback {
            name: PersonName::parse("Ada").unwrap(),
            phone: Phone::parse("(310) 555-0134").unwrap(),
            best_time: BestTime::Morning,
            topic: Topic::Refill,
            message: Note::parse("", 10, "what-message").unwrap(),
        }
    }

    fn form(text: &str, email_me: &str, email: &str) -> UpdatesForm {
        UpdatesForm {
            text_me: text.into(),
            email_me: email_me.into(),
            email: email.into(),
        }
    }

    #[test]
    fn an_address_goes_with_its_tick() {
        assert_eq!(form("", "", "").parse().unwrap(), Updates::default());
        let both = form("yes", "yes", "Ana@Example.com").parse().unwrap();
        assert!(both.text);
        assert_eq!(both.email.unwrap().as_str(), "ana@example.com");
        for (ticked, address, says) in [
            ("yes", "", "Enter the e-mail address"),
            ("", "ana@example.com", "Tick “E-mail me”"),
            ("yes", "not an address", "Enter an e-mail address"),
        ] {
            let error = form("", ticked, address).parse().unwrap_err();
            assert_eq!(error.field, "email");
            let words = error.message.english();
            assert!(words.contains(says), "{words}");
        }
    }

    #[test]
    fn the_contact_holds_only_what_was_asked_for() {
        let text_only = Updates {
            text: true,
            email: None,
        };
        let contact = Contact::new(&callback(), &text_only, Lang::Es).unwrap();
        assert_eq!(contact.sms.as_deref(), Some("+13105550134"));
        assert_eq!(contact.email, None);
        assert_eq!(contact.lang, Lang::Es);
        assert_eq!(
            Contact::new(&callback(), &Updates::default(), Lang::En),
            None
        );
        let sealed_earlier: Contact =
            serde_json::from_str(r#"{"sms":null,"email":"a@b.c"}"#).unwrap();
        assert_eq!(sealed_earlier.lang, Lang::En);
    }

    #[test]
    fn facts_are_read_the_same_way_they_were_given() {
        let today = jiff::civil::date(2026, 12, 1);
        assert_eq!(fact_of(&callback()), "phone:0134");
        assert_eq!(typed_fact(" 0134 ", today).as_deref(), Some("phone:0134"));
        let birth = DateOfBirth::parse("03/14/1980", today).unwrap();
        assert_eq!(
            typed_fact("1980-03-14", today).as_deref(),
            Some(format!("dob:{}", birth.date()).as_str())
        );
        assert_eq!(
            typed_fact("3/14/1980", today).as_deref(),
            Some("dob:1980-03-14")
        );
        for nonsense in ["", "013", "01345", "'; DROP TABLE requests; --", "𝕏"] {
            assert_eq!(typed_fact(nonsense, today), None, "{nonsense}");
        }
    }
}
