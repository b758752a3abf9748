//! The closed choices of the request forms (radio groups): each value as posted, the message
//! that names it (`locales/*/forms.ftl`) and the message shown when none is chosen.

use serde::{Deserialize, Serialize};

use crate::i18n::Message;

/// Declares a closed set of choices for a radio group or select: `(value, message key)` pairs,
/// and the message shown when none (or an unknown one) is chosen.
macro_rules! choice {
    ($(#[$doc:meta])* $name:ident, $missing:literal, { $($variant:ident => $value:literal, $key:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const OPTIONS: &'static [(&'static str, &'static str)] = &[$(($value, $key)),+];

            pub fn parse(raw: &str) -> Result<Self, Message> {
                match raw.trim() {
                    $($value => Ok(Self::$variant),)+
                    _ => Err(Message::new($missing)),
                }
            }

            /// The message that names this choice.
            pub fn key(self) -> &'static str {
                match self { $(Self::$variant => $key),+ }
            }

            /// The choice in English, as staff read it.
            pub fn label(self) -> String {
                crate::i18n::text(crate::content::Lang::En, self.key())
            }
        }
    };
}

choice!(
    /// When a call-back suits the patient.
    BestTime, "error-best-time", {
        Morning => "morning", "best-time-morning";
        Afternoon => "afternoon", "best-time-afternoon";
        Evening => "evening", "best-time-evening";
        Anytime => "anytime", "best-time-anytime";
    }
);

choice!(
    /// What a call-back is about.
    Topic, "error-topic", {
        General => "general", "topic-general";
        Refill => "refill", "topic-refill";
        Compounding => "compounding", "topic-compounding";
        Other => "other", "topic-other";
    }
);

choice!(
    /// How a refill reaches the patient.
    Fulfilment, "error-fulfilment", {
        Pickup => "pickup", "fulfilment-pickup";
        Delivery => "delivery", "fulfilment-delivery";
    }
);

choice!(
    /// Whether a transfer includes controlled substances, and which schedule.
    Controlled, "error-controlled", {
        No => "no", "controlled-no";
        ScheduleIIIToV => "schedule-3-5", "controlled-schedule-3-5";
        ScheduleII => "schedule-2", "controlled-schedule-2";
        Unsure => "unsure", "controlled-unsure";
    }
);

choice!(
    /// Who is asking about a compounded medicine.
    Asker, "error-asker", {
        Patient => "patient", "asker-patient";
        Prescriber => "prescriber", "asker-prescriber";
        Caregiver => "caregiver", "asker-caregiver";
    }
);
