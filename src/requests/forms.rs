//! The four request forms: what each holds once valid, and how a submitted form becomes one —
//! every field checked at once, so the patient sees every problem in one go.

use std::collections::HashMap;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::fields::{
    Asker, BestTime, Controlled, DateOfBirth, FieldError, Fulfilment, Medicines, Note, PersonName,
    Phone, RxNumbers, Topic,
};
use crate::content::Site;

/// Longest free-text answer, in characters.
pub const MAX_NOTE: usize = 1000;
/// Longest short answer (a pharmacy's name, an ingredient list), in characters.
pub const MAX_SHORT: usize = 200;

/// Which form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Callback,
    Refill,
    Transfer,
    Compounding,
}

impl Kind {
    pub const ALL: [Kind; 4] = [
        Kind::Callback,
        Kind::Refill,
        Kind::Transfer,
        Kind::Compounding,
    ];

    /// The URL segment and stored name.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Callback => "callback",
            Self::Refill => "refill",
            Self::Transfer => "transfer",
            Self::Compounding => "compounding",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.slug() == slug)
    }

    /// "call-back request", for notices and titles.
    pub fn noun(self) -> &'static str {
        match self {
            Self::Callback => "call-back request",
            Self::Refill => "refill request",
            Self::Transfer => "transfer request",
            Self::Compounding => "compounding inquiry",
        }
    }
}

/// A valid request. Serialised (JSON) and sealed as one record; never logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Request {
    Callback {
        name: PersonName,
        phone: Phone,
        best_time: BestTime,
        topic: Topic,
        message: Note,
    },
    Refill {
        name: PersonName,
        date_of_birth: DateOfBirth,
        phone: Phone,
        prescriptions: RxNumbers,
        fulfilment: Fulfilment,
        notes: Note,
    },
    Transfer {
        name: PersonName,
        date_of_birth: DateOfBirth,
        phone: Phone,
        current_pharmacy: Note,
        current_pharmacy_phone: Phone,
        medications: Medicines,
        controlled: Controlled,
    },
    Compounding {
        asker: Asker,
        name: PersonName,
        phone: Phone,
        ingredients: Note,
        dosage_form: Note,
        strength: Note,
        message: Note,
    },
}

impl Request {
    pub fn kind(&self) -> Kind {
        match self {
            Self::Callback { .. } => Kind::Callback,
            Self::Refill { .. } => Kind::Refill,
            Self::Transfer { .. } => Kind::Transfer,
            Self::Compounding { .. } => Kind::Compounding,
        }
    }
}

impl Request {
    /// Every answer as (question, answer), in form order, for staff to read. Empty optional
    /// answers are left out.
    pub fn answers(&self) -> Vec<(&'static str, String)> {
        let date = |d: &DateOfBirth| d.date().strftime("%m/%d/%Y").to_string();
        let mut answers = match self {
            Self::Callback {
                name,
                phone,
                best_time,
                topic,
                message,
            } => vec![
                ("Name", name.as_str().to_owned()),
                ("Phone", phone.display()),
                ("Best time to call", best_time.label().to_owned()),
                ("About", topic.label().to_owned()),
                ("Message", message.as_str().to_owned()),
            ],
            Self::Refill {
                name,
                date_of_birth,
                phone,
                prescriptions,
                fulfilment,
                notes,
            } => vec![
                ("Name", name.as_str().to_owned()),
                ("Date of birth", date(date_of_birth)),
                ("Phone", phone.display()),
                ("Prescription numbers", prescriptions.numbers().join(", ")),
                ("Pickup or delivery", fulfilment.label().to_owned()),
                ("Notes", notes.as_str().to_owned()),
            ],
            Self::Transfer {
                name,
                date_of_birth,
                phone,
                current_pharmacy,
                current_pharmacy_phone,
                medications,
                controlled,
            } => {
                let mut answers = vec![
                    ("Name", name.as_str().to_owned()),
                    ("Date of birth", date(date_of_birth)),
                    ("Phone", phone.display()),
                    ("Current pharmacy", current_pharmacy.as_str().to_owned()),
                    ("Current pharmacy's phone", current_pharmacy_phone.display()),
                ];
                for medicine in medications.list() {
                    let rx = medicine.rx.as_deref().map_or_else(
                        || "no prescription number given".to_owned(),
                        |rx| format!("Rx {rx}"),
                    );
                    answers.push(("Medicine", format!("{} ({rx})", medicine.name)));
                }
                answers.push(("Controlled substance", controlled.label().to_owned()));
                answers
            }
            Self::Compounding {
                asker,
                name,
                phone,
                ingredients,
                dosage_form,
                strength,
                message,
            } => vec![
                ("Asking", asker.label().to_owned()),
                ("Name", name.as_str().to_owned()),
                ("Phone", phone.display()),
                ("Ingredients", ingredients.as_str().to_owned()),
                ("Form", dosage_form.as_str().to_owned()),
                ("Strength", strength.as_str().to_owned()),
                ("Question", message.as_str().to_owned()),
            ],
        };
        answers.retain(|(_, answer)| !answer.trim().is_empty());
        answers
    }
}

/// A submitted form's fields, by name.
pub struct Submitted<'a> {
    fields: &'a HashMap<String, String>,
    errors: Vec<FieldError>,
}

impl<'a> Submitted<'a> {
    pub fn new(fields: &'a HashMap<String, String>) -> Self {
        Self {
            fields,
            errors: Vec::new(),
        }
    }

    fn raw(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }

    /// Parses one field, recording its error.
    fn take<T>(
        &mut self,
        name: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<T> {
        let parsed = parse(self.raw(name));
        self.record(name, parsed)
    }

    /// Keeps a parsed value, or records its error against `name`.
    fn record<T>(&mut self, name: &'static str, parsed: Result<T, String>) -> Option<T> {
        match parsed {
            Ok(value) => Some(value),
            Err(message) => {
                self.errors.push(FieldError {
                    field: name,
                    message,
                });
                None
            }
        }
    }
}

/// The form field for row `row`'s medicine name, from 1.
pub fn medicine_field(row: usize) -> String {
    format!("medicine_{row}")
}

/// The form field for row `row`'s prescription number, from 1.
pub fn rx_field(row: usize) -> String {
    format!("rx_{row}")
}

/// A valid request for `kind`, and its location; or every field's problem, in form order.
pub fn parse(
    kind: Kind,
    fields: &HashMap<String, String>,
    site: &Site,
    today: Date,
) -> Result<(Request, String), Vec<FieldError>> {
    let mut form = Submitted::new(fields);
    let note = |what: &'static str| move |raw: &str| Note::parse(raw, MAX_NOTE, what);
    let request = match kind {
        Kind::Callback => {
            let name = form.take("name", PersonName::parse);
            let phone = form.take("phone", Phone::parse);
            let best_time = form.take("best_time", BestTime::parse);
            let topic = form.take("topic", Topic::parse);
            let message = form.take("message", note("Your message"));
            (|| {
                Some(Request::Callback {
                    name: name?,
                    phone: phone?,
                    best_time: best_time?,
                    topic: topic?,
                    message: message?,
                })
            })()
        }
        Kind::Refill => {
            let name = form.take("name", PersonName::parse);
            let date_of_birth = form.take("date_of_birth", |r| DateOfBirth::parse(r, today));
            let phone = form.take("phone", Phone::parse);
            let prescriptions = form.take("prescriptions", RxNumbers::parse);
            let fulfilment = form.take("fulfilment", Fulfilment::parse);
            let notes = form.take("notes", note("Your notes"));
            (|| {
                Some(Request::Refill {
                    name: name?,
                    date_of_birth: date_of_birth?,
                    phone: phone?,
                    prescriptions: prescriptions?,
                    fulfilment: fulfilment?,
                    notes: notes?,
                })
            })()
        }
        Kind::Transfer => {
            let name = form.take("name", PersonName::parse);
            let date_of_birth = form.take("date_of_birth", |r| DateOfBirth::parse(r, today));
            let phone = form.take("phone", Phone::parse);
            let current_pharmacy = form.take("current_pharmacy", |r| {
                Note::required(
                    r,
                    MAX_SHORT,
                    "The pharmacy's name",
                    "Enter the name of the pharmacy that has your prescriptions now",
                )
            });
            let current_pharmacy_phone = form.take("current_pharmacy_phone", |r| {
                Phone::parse(r).map_err(|_| {
                    "Enter that pharmacy's phone number with 10 digits, like 310 555 0134"
                        .to_owned()
                })
            });
            let rows: Vec<(&str, &str)> = (1..=Medicines::ROWS)
                .map(|row| {
                    let name = medicine_field(row);
                    let rx = rx_field(row);
                    (form.raw(&name), form.raw(&rx))
                })
                .collect();
            let medications = Medicines::parse(&rows);
            let medications = form.record("medications", medications);
            let controlled = form.take("controlled", Controlled::parse);
            (|| {
                Some(Request::Transfer {
                    name: name?,
                    date_of_birth: date_of_birth?,
                    phone: phone?,
                    current_pharmacy: current_pharmacy?,
                    current_pharmacy_phone: current_pharmacy_phone?,
                    medications: medications?,
                    controlled: controlled?,
                })
            })()
        }
        Kind::Compounding => {
            let asker = form.take("asker", Asker::parse);
            let name = form.take("name", PersonName::parse);
            let phone = form.take("phone", Phone::parse);
            let ingredients = form.take("ingredients", |r| {
                Note::required(
                    r,
                    MAX_SHORT,
                    "The ingredients",
                    "Enter the medicine or ingredients you are asking about",
                )
            });
            let dosage_form = form.take("dosage_form", |r| Note::parse(r, MAX_SHORT, "The form"));
            let strength = form.take("strength", |r| Note::parse(r, MAX_SHORT, "The strength"));
            let message = form.take("message", note("Your message"));
            (|| {
                Some(Request::Compounding {
                    asker: asker?,
                    name: name?,
                    phone: phone?,
                    ingredients: ingredients?,
                    dosage_form: dosage_form?,
                    strength: strength?,
                    message: message?,
                })
            })()
        }
    };
    let location = form.take("location", |raw| {
        site.locations
            .iter()
            .find(|l| l.slug.as_str() == raw.trim())
            .map(|l| l.slug.to_string())
            .ok_or_else(|| "Choose the pharmacy location".to_owned())
    });
    match (request, location) {
        (Some(request), Some(location)) if form.errors.is_empty() => Ok((request, location)),
        _ => Err(form.errors),
    }
}
