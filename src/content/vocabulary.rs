//! The closed word lists of the content format: medication status, DEA schedule, dosage form,
//! red-flag level. Each parses from the exact word used in files and explains a wrong one.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::problem::did_you_mean;

/// A closed set of words, each naming one variant.
pub trait Vocabulary: Sized + Copy + 'static {
    /// What a value of this kind is called in messages ("status", "dosage form").
    const WHAT: &'static str;
    /// Every word and the variant it names, in documentation order.
    const WORDS: &'static [(&'static str, Self)];

    /// Parses `raw`; on failure, lists the allowed words and suggests the nearest.
    fn parse(raw: &str) -> Result<Self, String> {
        if let Some((_, value)) = Self::WORDS.iter().find(|(word, _)| *word == raw) {
            return Ok(*value);
        }
        let words = || Self::WORDS.iter().map(|(word, _)| *word);
        let allowed: Vec<String> = words().map(|w| format!("\"{w}\"")).collect();
        Err(format!(
            "unknown {} \"{raw}\"; expected one of {}{}",
            Self::WHAT,
            allowed.join(", "),
            did_you_mean(raw, words())
        ))
    }

    /// The word for this value, as written in files.
    fn word(self) -> &'static str
    where
        Self: PartialEq,
    {
        Self::WORDS
            .iter()
            .find(|(_, value)| *value == self)
            .map_or("", |(word, _)| word)
    }
}

/// How a patient can get a medication in the US.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MedicationStatus {
    OverTheCounter,
    Prescription,
    /// Prescription and on a DEA schedule.
    Controlled,
    /// Dietary supplement or botanical, sold without a prescription.
    Supplement,
}

impl MedicationStatus {
    /// Whether a prescription is needed (never show these as over-the-counter).
    pub fn needs_prescription(self) -> bool {
        matches!(self, Self::Prescription | Self::Controlled)
    }
}

impl Vocabulary for MedicationStatus {
    const WHAT: &'static str = "status";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("over-the-counter", Self::OverTheCounter),
        ("prescription", Self::Prescription),
        ("controlled", Self::Controlled),
        ("supplement", Self::Supplement),
    ];
}

/// DEA controlled-substance schedule for drugs with accepted medical use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Schedule {
    II,
    III,
    IV,
    V,
}

impl Vocabulary for Schedule {
    const WHAT: &'static str = "schedule";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("II", Self::II),
        ("III", Self::III),
        ("IV", Self::IV),
        ("V", Self::V),
    ];
}

/// How urgent a warning sign is; each level comes with a plain instruction on the site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RedFlagLevel {
    /// Call 911 now.
    Emergency,
    /// See a doctor today.
    Urgent,
    /// Mention it to your doctor.
    Routine,
}

impl Vocabulary for RedFlagLevel {
    const WHAT: &'static str = "level";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("emergency", Self::Emergency),
        ("urgent", Self::Urgent),
        ("routine", Self::Routine),
    ];
}

/// A dosage form the pharmacy can compound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DosageForm {
    Capsule,
    Cream,
    Enema,
    Foam,
    Gel,
    LipBalm,
    Lollipop,
    Lotion,
    Lozenge,
    Mouthwash,
    NailSolution,
    NasalSpray,
    Ointment,
    OphthalmicSolution,
    OralSolution,
    OralSuspension,
    OticSolution,
    Paste,
    Powder,
    RapidDissolveTablet,
    Shampoo,
    Solution,
    Spray,
    Stick,
    Suppository,
    Tablet,
    TransdermalGel,
    Troche,
    VaginalCream,
}

impl Vocabulary for DosageForm {
    const WHAT: &'static str = "dosage form";
    const WORDS: &'static [(&'static str, Self)] = &[
        ("capsule", Self::Capsule),
        ("cream", Self::Cream),
        ("enema", Self::Enema),
        ("foam", Self::Foam),
        ("gel", Self::Gel),
        ("lip-balm", Self::LipBalm),
        ("lollipop", Self::Lollipop),
        ("lotion", Self::Lotion),
        ("lozenge", Self::Lozenge),
        ("mouthwash", Self::Mouthwash),
        ("nail-solution", Self::NailSolution),
        ("nasal-spray", Self::NasalSpray),
        ("ointment", Self::Ointment),
        ("ophthalmic-solution", Self::OphthalmicSolution),
        ("oral-solution", Self::OralSolution),
        ("oral-suspension", Self::OralSuspension),
        ("otic-solution", Self::OticSolution),
        ("paste", Self::Paste),
        ("powder", Self::Powder),
        ("rapid-dissolve-tablet", Self::RapidDissolveTablet),
        ("shampoo", Self::Shampoo),
        ("solution", Self::Solution),
        ("spray", Self::Spray),
        ("stick", Self::Stick),
        ("suppository", Self::Suppository),
        ("tablet", Self::Tablet),
        ("transdermal-gel", Self::TransdermalGel),
        ("troche", Self::Troche),
        ("vaginal-cream", Self::VaginalCream),
    ];
}

macro_rules! display_as_word {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.word())
            }
        }
    )*};
}
display_as_word!(MedicationStatus, Schedule, RedFlagLevel, DosageForm);

impl DosageForm {
    /// The form as patients read it: "transdermal gel", "rapid dissolve tablet".
    pub fn label(self) -> String {
        self.word().replace('-', " ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_through_serde_and_parse() {
        for (word, form) in DosageForm::WORDS {
            assert_eq!(DosageForm::parse(word), Ok(*form));
            assert_eq!(
                serde_json::to_string(form).ok(),
                Some(format!("\"{word}\""))
            );
        }
        for (word, status) in MedicationStatus::WORDS {
            assert_eq!(
                serde_json::to_string(status).ok(),
                Some(format!("\"{word}\""))
            );
        }
    }

    #[test]
    fn unknown_words_get_the_list_and_a_suggestion() {
        let error = DosageForm::parse("creme").unwrap_err();
        assert!(error.contains("unknown dosage form \"creme\""), "{error}");
        assert!(error.ends_with("did you mean `cream`?"), "{error}");
        assert!(MedicationStatus::parse("otc").is_err());
    }
}
