//! What each request form asks, in order: labels, hints, input types and `autocomplete` tokens.
//! Labels and hints are message keys (`locales/*/forms.ftl`), worded in the page's language.
//! The rules themselves live in `requests::fields`; this is only how the questions are shown.

use crate::requests::Kind;
use crate::requests::fields::{Asker, BestTime, Controlled, Fulfilment, Topic};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    Tel,
    /// A date typed as MM/DD/YYYY (a text input: date pickers are slow for a birth date).
    Date,
    TextArea,
    /// (value, message key) pairs.
    Radios(&'static [(&'static str, &'static str)]),
    /// The pharmacy's locations.
    Location,
    /// Rows of medicine name and prescription number (`requests::fields::Medicines`).
    Medicines,
}

#[derive(Debug, Clone, Copy)]
pub struct Question {
    pub name: &'static str,
    /// Message keys; `hint` is "" for none.
    pub label: &'static str,
    pub hint: &'static str,
    pub input: Input,
    pub autocomplete: &'static str,
    pub required: bool,
}

const fn ask(
    name: &'static str,
    label: &'static str,
    hint: &'static str,
    input: Input,
    autocomplete: &'static str,
    required: bool,
) -> Question {
    Question {
        name,
        label,
        hint,
        input,
        autocomplete,
        required,
    }
}

const NAME: Question = ask("name", "field-name", "", Input::Text, "name", true);
const PHONE: Question = ask(
    "phone",
    "field-phone",
    "field-phone-hint",
    Input::Tel,
    "tel",
    true,
);
const BIRTH: Question = ask(
    "date_of_birth",
    "field-date_of_birth",
    "field-date_of_birth-hint",
    Input::Date,
    "bday",
    true,
);
const LOCATION: Question = ask(
    "location",
    "field-location",
    "",
    Input::Location,
    "off",
    true,
);

const CALLBACK: &[Question] = &[
    NAME,
    PHONE,
    ask(
        "best_time",
        "field-best_time",
        "",
        Input::Radios(BestTime::OPTIONS),
        "off",
        true,
    ),
    ask(
        "topic",
        "field-topic",
        "",
        Input::Radios(Topic::OPTIONS),
        "off",
        true,
    ),
    ask(
        "message",
        "field-message-callback",
        "field-up-to-1000",
        Input::TextArea,
        "off",
        false,
    ),
    LOCATION,
];

const REFILL: &[Question] = &[
    NAME,
    BIRTH,
    PHONE,
    ask(
        "prescriptions",
        "field-prescriptions",
        "field-prescriptions-hint",
        Input::TextArea,
        "off",
        true,
    ),
    LOCATION,
    ask(
        "fulfilment",
        "field-fulfilment",
        "",
        Input::Radios(Fulfilment::OPTIONS),
        "off",
        true,
    ),
    ask(
        "notes",
        "field-notes",
        "field-up-to-1000",
        Input::TextArea,
        "off",
        false,
    ),
];

const TRANSFER: &[Question] = &[
    NAME,
    BIRTH,
    PHONE,
    ask(
        "current_pharmacy",
        "field-current_pharmacy",
        "field-current_pharmacy-hint",
        Input::Text,
        "off",
        true,
    ),
    ask(
        "current_pharmacy_phone",
        "field-current_pharmacy_phone",
        "field-current_pharmacy_phone-hint",
        Input::Tel,
        "off",
        true,
    ),
    ask(
        "medications",
        "field-medications",
        "field-medications-hint",
        Input::Medicines,
        "off",
        true,
    ),
    ask(
        "controlled",
        "field-controlled",
        "field-controlled-hint",
        Input::Radios(Controlled::OPTIONS),
        "off",
        true,
    ),
    LOCATION,
];

const COMPOUNDING: &[Question] = &[
    ask(
        "asker",
        "field-asker",
        "",
        Input::Radios(Asker::OPTIONS),
        "off",
        true,
    ),
    NAME,
    PHONE,
    ask(
        "ingredients",
        "field-ingredients",
        "field-ingredients-hint",
        Input::Text,
        "off",
        true,
    ),
    ask(
        "dosage_form",
        "field-dosage_form",
        "field-dosage_form-hint",
        Input::Text,
        "off",
        false,
    ),
    ask(
        "strength",
        "field-strength",
        "field-strength-hint",
        Input::Text,
        "off",
        false,
    ),
    ask(
        "message",
        "field-message-compounding",
        "field-up-to-1000",
        Input::TextArea,
        "off",
        false,
    ),
    LOCATION,
];

pub fn questions(kind: Kind) -> &'static [Question] {
    match kind {
        Kind::Callback => CALLBACK,
        Kind::Refill => REFILL,
        Kind::Transfer => TRANSFER,
        Kind::Compounding => COMPOUNDING,
    }
}

/// The messages of the page title and the sentence under it.
pub fn heading(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Callback => ("form-callback-title", "form-callback-lead"),
        Kind::Refill => ("form-refill-title", "form-refill-lead"),
        Kind::Transfer => ("form-transfer-title", "form-transfer-lead"),
        Kind::Compounding => ("form-compounding-title", "form-compounding-lead"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every question, hint, choice and heading is a message in both languages.
    #[test]
    fn every_question_is_worded_in_every_language() {
        let mut missing = Vec::new();
        for kind in Kind::ALL {
            let (title, lead) = heading(kind);
            let mut keys = vec![title, lead];
            for question in questions(kind) {
                keys.extend([question.label, question.hint]);
                if let Input::Radios(options) = question.input {
                    keys.extend(options.iter().map(|(_, key)| *key));
                }
            }
            missing.extend(
                keys.into_iter()
                    .filter(|key| !key.is_empty() && !crate::i18n::has(key)),
            );
        }
        assert!(missing.is_empty(), "{missing:?}");
    }
}
