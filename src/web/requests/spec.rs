//! What each request form asks, in order: labels, hints, input types and `autocomplete` tokens.
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
    Radios(&'static [(&'static str, &'static str)]),
    /// The pharmacy's locations.
    Location,
    /// Rows of medicine name and prescription number (`requests::fields::Medicines`).
    Medicines,
}

#[derive(Debug, Clone, Copy)]
pub struct Question {
    pub name: &'static str,
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

const NAME: Question = ask("name", "Full name", "", Input::Text, "name", true);
const PHONE: Question = ask(
    "phone",
    "Phone number",
    "10 digits, like 310 555 0134. We call from the pharmacy's number.",
    Input::Tel,
    "tel",
    true,
);
const BIRTH: Question = ask(
    "date_of_birth",
    "Date of birth",
    "For example 03/14/1980. We use it to find your records.",
    Input::Date,
    "bday",
    true,
);
const LOCATION: Question = ask(
    "location",
    "Pharmacy location",
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
        "When should we call?",
        "",
        Input::Radios(BestTime::OPTIONS),
        "off",
        true,
    ),
    ask(
        "topic",
        "What is it about?",
        "",
        Input::Radios(Topic::OPTIONS),
        "off",
        true,
    ),
    ask(
        "message",
        "Anything we should know before we call (optional)",
        "Up to 1,000 characters.",
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
        "Prescription numbers",
        "From the label, like 6012345. Put each number on its own line or separate them with commas.",
        Input::TextArea,
        "off",
        true,
    ),
    LOCATION,
    ask(
        "fulfilment",
        "Pickup or delivery?",
        "",
        Input::Radios(Fulfilment::OPTIONS),
        "off",
        true,
    ),
    ask(
        "notes",
        "Notes (optional)",
        "Up to 1,000 characters.",
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
        "Pharmacy that has your prescriptions now",
        "Its name and town, like “Main Street Drugs, Pasadena”.",
        Input::Text,
        "off",
        true,
    ),
    ask(
        "current_pharmacy_phone",
        "That pharmacy's phone number",
        "10 digits, like 626 555 0199.",
        Input::Tel,
        "off",
        true,
    ),
    ask(
        "medications",
        "Medicines to transfer",
        "One medicine per row, as written on the label, like “baclofen 10 mg”. Add the \
         prescription number if you have it; if you have more than five, call us.",
        Input::Medicines,
        "off",
        true,
    ),
    ask(
        "controlled",
        "Is any of these medicines a controlled substance?",
        "Schedule II prescriptions cannot be transferred by law: for those we need a new \
         prescription from your prescriber. Schedule III to V prescriptions can be transferred \
         once.",
        Input::Radios(Controlled::OPTIONS),
        "off",
        true,
    ),
    LOCATION,
];

const COMPOUNDING: &[Question] = &[
    ask(
        "asker",
        "Who is asking?",
        "",
        Input::Radios(Asker::OPTIONS),
        "off",
        true,
    ),
    NAME,
    PHONE,
    ask(
        "ingredients",
        "Medicine or ingredients",
        "For example “ketoprofen” or “baclofen and cyclobenzaprine”.",
        Input::Text,
        "off",
        true,
    ),
    ask(
        "dosage_form",
        "Form (optional)",
        "For example cream, gel, capsule or troche.",
        Input::Text,
        "off",
        false,
    ),
    ask(
        "strength",
        "Strength, if known (optional)",
        "For example 10%.",
        Input::Text,
        "off",
        false,
    ),
    ask(
        "message",
        "Your question (optional)",
        "Up to 1,000 characters.",
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

/// The page title and the sentence under it.
pub fn heading(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Callback => (
            "Ask us to call you back",
            "A pharmacist or technician will call you during opening hours.",
        ),
        Kind::Refill => (
            "Request a refill",
            "We will get it ready and call you if anything needs your prescriber.",
        ),
        Kind::Transfer => (
            "Transfer a prescription to us",
            "We contact your current pharmacy for you; it usually takes one to two business days.",
        ),
        Kind::Compounding => (
            "Ask about a compounded medicine",
            "A pharmacist will call to talk through what can be made and what your prescriber \
             needs to send.",
        ),
    }
}
