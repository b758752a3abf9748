//! The four request forms as a browser posts them — one struct each, every field a string and
//! an absent one empty — and how each becomes a `Request`: every field is checked, so the
//! patient sees every problem in one go. A field sent twice is refused when the form is read
//! (serde reports a duplicate field) rather than one copy silently winning.

use jiff::civil::Date;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::fields::{
    Asker, BestTime, Controlled, DateOfBirth, FieldError, Fulfilment, Medicines, Note, PersonName,
    Phone, RxNumbers, Topic,
};
use super::forms::{Kind, MAX_NOTE, MAX_SHORT, Request};
use crate::content::Site;
use crate::i18n::Message;

/// One request form as posted.
pub trait RequestForm: DeserializeOwned + Default + Send + 'static {
    const KIND: Kind;

    /// What was typed into the field called `name` ("" for a field this form does not have),
    /// to show the form again.
    fn value(&self, name: &str) -> &str;

    /// A valid request and its location's slug; or every field's problem, in form order.
    fn parse(&self, site: &Site, today: Date) -> Result<(Request, String), Vec<FieldError>>;
}

/// `/requests/callback`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CallbackForm {
    pub name: String,
    pub phone: String,
    pub best_time: String,
    pub topic: String,
    pub message: String,
    pub location: String,
}

/// `/requests/refill`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct RefillForm {
    pub name: String,
    pub date_of_birth: String,
    pub phone: String,
    pub prescriptions: String,
    pub fulfilment: String,
    pub notes: String,
    pub location: String,
}

/// `/requests/transfer`: the medicines are `Medicines::ROWS` rows of name and prescription
/// number (`medicine_1`, `rx_1`, …).
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct TransferForm {
    pub name: String,
    pub date_of_birth: String,
    pub phone: String,
    pub current_pharmacy: String,
    pub current_pharmacy_phone: String,
    pub medicine_1: String,
    pub rx_1: String,
    pub medicine_2: String,
    pub rx_2: String,
    pub medicine_3: String,
    pub rx_3: String,
    pub medicine_4: String,
    pub rx_4: String,
    pub medicine_5: String,
    pub rx_5: String,
    pub controlled: String,
    pub location: String,
}

/// `/requests/compounding`.
#[derive(Default, Deserialize)]
#[serde(default)]
pub struct CompoundingForm {
    pub asker: String,
    pub name: String,
    pub phone: String,
    pub ingredients: String,
    pub dosage_form: String,
    pub strength: String,
    pub message: String,
    pub location: String,
}

/// The form field for row `row`'s medicine name, from 1.
pub fn medicine_field(row: usize) -> String {
    format!("medicine_{row}")
}

/// The form field for row `row`'s prescription number, from 1.
pub fn rx_field(row: usize) -> String {
    format!("rx_{row}")
}

/// Collects each field's problem while the fields are parsed.
#[derive(Default)]
struct Problems(Vec<FieldError>);

impl Problems {
    /// Keeps a parsed value, or records its error against `field`.
    fn check<T>(&mut self, field: &'static str, parsed: Result<T, Message>) -> Option<T> {
        parsed
            .map_err(|message| self.0.push(FieldError { field, message }))
            .ok()
    }

    /// The location, last on every form's list of problems.
    fn location(&mut self, site: &Site, raw: &str) -> Option<String> {
        let found = site
            .locations
            .iter()
            .find(|l| l.slug.as_str() == raw.trim())
            .map(|l| l.slug.to_string())
            .ok_or_else(|| Message::new("error-location"));
        self.check("location", found)
    }

    /// The request, when no field had a problem.
    fn finish(
        self,
        built: Option<(Request, String)>,
    ) -> Result<(Request, String), Vec<FieldError>> {
        match built {
            Some(valid) if self.0.is_empty() => Ok(valid),
            _ => Err(self.0),
        }
    }
}

fn note(raw: &str, what: &'static str) -> Result<Note, Message> {
    Note::parse(raw, MAX_NOTE, what)
}

impl RequestForm for CallbackForm {
    const KIND: Kind = Kind::Callback;

    fn value(&self, name: &str) -> &str {
        match name {
            "name" => &self.name,
            "phone" => &self.phone,
            "best_time" => &self.best_time,
            "topic" => &self.topic,
            "message" => &self.message,
            "location" => &self.location,
            _ => "",
        }
    }

    fn parse(&self, site: &Site, _today: Date) -> Result<(Request, String), Vec<FieldError>> {
        let mut problems = Problems::default();
        let name = problems.check("name", PersonName::parse(&self.name));
        let phone = problems.check("phone", Phone::parse(&self.phone));
        let best_time = problems.check("best_time", BestTime::parse(&self.best_time));
        let topic = problems.check("topic", Topic::parse(&self.topic));
        let message = problems.check("message", note(&self.message, "what-message"));
        let location = problems.location(site, &self.location);
        let request = || {
            Some(Request::Callback {
                name: name?,
                phone: phone?,
                best_time: best_time?,
                topic: topic?,
                message: message?,
            })
        };
        problems.finish(request().zip(location))
    }
}

impl RequestForm for RefillForm {
    const KIND: Kind = Kind::Refill;

    fn value(&self, name: &str) -> &str {
        match name {
            "name" => &self.name,
            "date_of_birth" => &self.date_of_birth,
            "phone" => &self.phone,
            "prescriptions" => &self.prescriptions,
            "fulfilment" => &self.fulfilment,
            "notes" => &self.notes,
            "location" => &self.location,
            _ => "",
        }
    }

    fn parse(&self, site: &Site, today: Date) -> Result<(Request, String), Vec<FieldError>> {
        let mut problems = Problems::default();
        let name = problems.check("name", PersonName::parse(&self.name));
        let date_of_birth = problems.check(
            "date_of_birth",
            DateOfBirth::parse(&self.date_of_birth, today),
        );
        let phone = problems.check("phone", Phone::parse(&self.phone));
        let prescriptions = problems.check("prescriptions", RxNumbers::parse(&self.prescriptions));
        let fulfilment = problems.check("fulfilment", Fulfilment::parse(&self.fulfilment));
        let notes = problems.check("notes", note(&self.notes, "what-notes"));
        let location = problems.location(site, &self.location);
        let request = || {
            Some(Request::Refill {
                name: name?,
                date_of_birth: date_of_birth?,
                phone: phone?,
                prescriptions: prescriptions?,
                fulfilment: fulfilment?,
                notes: notes?,
            })
        };
        problems.finish(request().zip(location))
    }
}

impl TransferForm {
    /// The medicine rows as typed, blank ones included.
    fn rows(&self) -> [(&str, &str); Medicines::ROWS] {
        [
            (&self.medicine_1, &self.rx_1),
            (&self.medicine_2, &self.rx_2),
            (&self.medicine_3, &self.rx_3),
            (&self.medicine_4, &self.rx_4),
            (&self.medicine_5, &self.rx_5),
        ]
        .map(|(name, rx)| (name.as_str(), rx.as_str()))
    }
}

impl RequestForm for TransferForm {
    const KIND: Kind = Kind::Transfer;

    fn value(&self, name: &str) -> &str {
        match name {
            "name" => &self.name,
            "date_of_birth" => &self.date_of_birth,
            "phone" => &self.phone,
            "current_pharmacy" => &self.current_pharmacy,
            "current_pharmacy_phone" => &self.current_pharmacy_phone,
            "medicine_1" => &self.medicine_1,
            "rx_1" => &self.rx_1,
            "medicine_2" => &self.medicine_2,
            "rx_2" => &self.rx_2,
            "medicine_3" => &self.medicine_3,
            "rx_3" => &self.rx_3,
            "medicine_4" => &self.medicine_4,
            "rx_4" => &self.rx_4,
            "medicine_5" => &self.medicine_5,
            "rx_5" => &self.rx_5,
            "controlled" => &self.controlled,
            "location" => &self.location,
            _ => "",
        }
    }

    fn parse(&self, site: &Site, today: Date) -> Result<(Request, String), Vec<FieldError>> {
        let mut problems = Problems::default();
        let name = problems.check("name", PersonName::parse(&self.name));
        let date_of_birth = problems.check(
            "date_of_birth",
            DateOfBirth::parse(&self.date_of_birth, today),
        );
        let phone = problems.check("phone", Phone::parse(&self.phone));
        let current_pharmacy = problems.check(
            "current_pharmacy",
            Note::required(
                &self.current_pharmacy,
                MAX_SHORT,
                "what-pharmacy",
                "error-current-pharmacy",
            ),
        );
        let current_pharmacy_phone = problems.check(
            "current_pharmacy_phone",
            Phone::parse(&self.current_pharmacy_phone)
                .map_err(|_| Message::new("error-current-pharmacy-phone")),
        );
        let medications = problems.check("medications", Medicines::parse(&self.rows()));
        let controlled = problems.check("controlled", Controlled::parse(&self.controlled));
        let location = problems.location(site, &self.location);
        let request = || {
            Some(Request::Transfer {
                name: name?,
                date_of_birth: date_of_birth?,
                phone: phone?,
                current_pharmacy: current_pharmacy?,
                current_pharmacy_phone: current_pharmacy_phone?,
                medications: medications?,
                controlled: controlled?,
            })
        };
        problems.finish(request().zip(location))
    }
}

impl RequestForm for CompoundingForm {
    const KIND: Kind = Kind::Compounding;

    fn value(&self, name: &str) -> &str {
        match name {
            "asker" => &self.asker,
            "name" => &self.name,
            "phone" => &self.phone,
            "ingredients" => &self.ingredients,
            "dosage_form" => &self.dosage_form,
            "strength" => &self.strength,
            "message" => &self.message,
            "location" => &self.location,
            _ => "",
        }
    }

    fn parse(&self, site: &Site, _today: Date) -> Result<(Request, String), Vec<FieldError>> {
        let mut problems = Problems::default();
        let short = |raw: &str, what: &'static str| Note::parse(raw, MAX_SHORT, what);
        let asker = problems.check("asker", Asker::parse(&self.asker));
        let name = problems.check("name", PersonName::parse(&self.name));
        let phone = problems.check("phone", Phone::parse(&self.phone));
        let ingredients = problems.check(
            "ingredients",
            Note::required(
                &self.ingredients,
                MAX_SHORT,
                "what-ingredients",
                "error-ingredients",
            ),
        );
        let dosage_form = problems.check("dosage_form", short(&self.dosage_form, "what-form"));
        let strength = problems.check("strength", short(&self.strength, "what-strength"));
        let message = problems.check("message", note(&self.message, "what-message"));
        let location = problems.location(site, &self.location);
        let request = || {
            Some(Request::Compounding {
                asker: asker?,
                name: name?,
                phone: phone?,
                ingredients: ingredients?,
                dosage_form: dosage_form?,
                strength: strength?,
                message: message?,
            })
        };
        problems.finish(request().zip(location))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site() -> Site {
        crate::content::ContentPack::sample()
            .unwrap_or_else(|_| panic!("the sample pack loads"))
            .site
    }

    fn today() -> Date {
        Date::constant(2026, 11, 26)
    }

    fn reported<F: RequestForm>(form: &F) -> Vec<&'static str> {
        let errors = form.parse(&site(), today()).err().unwrap_or_default();
        errors.iter().map(|e| e.field).collect()
    }

    #[test]
    fn an_empty_form_reports_every_required_field_in_form_order() {
        assert_eq!(
            reported(&CallbackForm::default()),
            ["name", "phone", "best_time", "topic", "location"]
        );
        assert_eq!(
            reported(&RefillForm::default()),
            [
                "name",
                "date_of_birth",
                "phone",
                "prescriptions",
                "fulfilment",
                "location"
            ]
        );
        assert_eq!(
            reported(&TransferForm::default()),
            [
                "name",
                "date_of_birth",
                "phone",
                "current_pharmacy",
                "current_pharmacy_phone",
                "medications",
                "controlled",
                "location"
            ]
        );
        assert_eq!(
            reported(&CompoundingForm::default()),
            ["asker", "name", "phone", "ingredients", "location"]
        );
    }

    #[test]
    fn unknown_choices_are_problems_not_defaults() {
        let form = CallbackForm {
            name: "Ada".into(),
            phone: "310 555 0134".into(),
            best_time: "midnight".into(),
            topic: "general".into(),
            location: "nowhere".into(),
            ..CallbackForm::default()
        };
        assert_eq!(reported(&form), ["best_time", "location"]);
    }

    #[test]
    fn a_valid_transfer_reads_every_medicine_row() {
        let location = site().locations[0].slug.to_string();
        let form = TransferForm {
            name: "Ada".into(),
            date_of_birth: "03/14/1980".into(),
            phone: "310 555 0134".into(),
            current_pharmacy: "Main Street Drugs".into(),
            current_pharmacy_phone: "626 555 0199".into(),
            medicine_2: "baclofen 10 mg".into(),
            medicine_5: "tizanidine".into(),
            rx_5: "7734251".into(),
            controlled: "no".into(),
            location: location.clone(),
            ..TransferForm::default()
        };
        let Ok((Request::Transfer { medications, .. }, at)) = form.parse(&site(), today()) else {
            panic!("a valid transfer");
        };
        assert_eq!(at, location);
        let names: Vec<&str> = medications.list().iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["baclofen 10 mg", "tizanidine"]);
        assert_eq!(medications.list()[1].rx.as_deref(), Some("7734251"));
        for row in 1..=Medicines::ROWS {
            assert_eq!(form.value(&medicine_field(row)), form.rows()[row - 1].0);
            assert_eq!(form.value(&rx_field(row)), form.rows()[row - 1].1);
        }
        assert_eq!(form.value("current_pharmacy"), "Main Street Drugs");
        assert_eq!(form.value("no_such_field"), "");
    }
}
