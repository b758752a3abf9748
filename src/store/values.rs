//! Values that cross the store boundary as types rather than strings: a request's status, a
//! revision's state, a shared story's status. Each is written as its slug and read back through
//! `TryFrom<String>`, so a stored value no version of pestle wrote is a decode error that names
//! the column, never a silent default.

use crate::staff::UnknownValue;

/// Declares a stored value: its variants with their stored slugs and the words staff read.
macro_rules! stored_value {
    ($(#[$doc:meta])* $name:ident, $what:literal,
     { $($(#[$vdoc:meta])* $variant:ident => $slug:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),+ }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];
            /// `(slug, label)` for each, in order: a form's choices.
            pub const OPTIONS: &'static [(&'static str, &'static str)] = &[$(($slug, $label)),+];

            /// As stored, and in URLs and forms.
            pub fn slug(self) -> &'static str {
                match self { $(Self::$variant => $slug),+ }
            }

            /// As staff read it.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label),+ }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|value| value.slug() == raw)
            }
        }

        impl TryFrom<String> for $name {
            type Error = UnknownValue;

            fn try_from(raw: String) -> Result<Self, UnknownValue> {
                Self::parse(&raw).ok_or(UnknownValue($what, raw))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.slug())
            }
        }
    };
}

stored_value!(
    /// Where a patient's request stands; staff move it along.
    RequestStatus, "request status", {
        New => "new", "New";
        InProgress => "in-progress", "In progress";
        /// Ready for the patient (pickup or delivery).
        Ready => "ready", "Ready";
        /// Staff need the patient to call.
        NeedToTalk => "need-to-talk", "Need to talk";
        Done => "done", "Done";
        CannotFill => "cannot-fill", "Cannot fill";
    }
);

impl RequestStatus {
    /// Done or cannot fill: the request's retention period runs from then.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::CannotFill)
    }

    /// The statuses a patient who asked for updates is told about.
    pub fn tells_patient(self) -> bool {
        matches!(self, Self::Ready | Self::NeedToTalk | Self::CannotFill)
    }
}

stored_value!(
    /// A content revision: a draft, or what was published.
    RevisionState, "revision state", {
        Draft => "draft", "Draft";
        Published => "published", "Published";
    }
);

stored_value!(
    /// A shared experience: waiting for moderation, or decided.
    StoryStatus, "story status", {
        Pending => "pending", "Pending";
        Approved => "approved", "Approved";
        Rejected => "rejected", "Rejected";
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_reads_back_as_itself_and_anything_else_is_refused() {
        for status in RequestStatus::ALL {
            assert_eq!(
                RequestStatus::try_from(status.slug().to_owned()).ok(),
                Some(*status)
            );
        }
        for state in RevisionState::ALL {
            assert_eq!(RevisionState::parse(state.slug()), Some(*state));
        }
        for status in StoryStatus::ALL {
            assert_eq!(StoryStatus::parse(&status.to_string()), Some(*status));
        }
        let refused = RequestStatus::try_from("ready ".to_owned()).unwrap_err();
        assert_eq!(
            refused.to_string(),
            UnknownValue("request status", "ready ".into()).to_string()
        );
        assert!(RequestStatus::CannotFill.is_closed() && !RequestStatus::InProgress.is_closed());
    }
}
