//! The four request forms: which form, and what each holds once valid (`posted` reads a
//! submitted form into one).

use serde::{Deserialize, Serialize};

use super::fields::{
    Asker, BestTime, Controlled, DateOfBirth, Fulfilment, Medicines, Note, PersonName, Phone,
    RxNumbers, Topic,
};

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

    /// The patient's phone number (every form asks for one).
    pub fn phone(&self) -> &Phone {
        match self {
            Self::Callback { phone, .. }
            | Self::Refill { phone, .. }
            | Self::Transfer { phone, .. }
            | Self::Compounding { phone, .. } => phone,
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
                ("Best time to call", best_time.label()),
                ("About", topic.label()),
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
                ("Pickup or delivery", fulfilment.label()),
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
                answers.push(("Controlled substance", controlled.label()));
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
                ("Asking", asker.label()),
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
