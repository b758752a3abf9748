//! The words of a patient's update, and the messages a status change queues: one per channel
//! the patient asked for, for the statuses a patient is told about (ready, need to talk, cannot
//! fill). Made from the pharmacy's templates (`content::messages`), so what a message can hold
//! is fixed there: pharmacy, reference, location, its phone, the status page's link.

use crate::content::Site;
use crate::content::messages::{Values, fill};
use crate::notify::{PATIENT_EMAIL, SMS};
use crate::store::{NewPatientMessage, RequestStanding, RequestStatus};

/// What every text ends with (carriers expect it; the provider's STOP handling backs it up).
pub const STOP_LINE: &str = "Reply STOP to opt out.";

/// The status page for `reference`: the reference only, never anything the patient typed.
pub fn status_link(public_url: &url::Url, reference: &str) -> String {
    public_url
        .join(&format!("requests/status?reference={reference}"))
        .map_or_else(|_| String::new(), String::from)
}

/// The e-mail's words for `status` (a text adds `STOP_LINE`); `None` for a status patients are
/// not messaged about, or an unknown location.
pub fn compose(
    site: &Site,
    status: RequestStatus,
    (reference, location): (&str, &str),
    public_url: &url::Url,
) -> Option<String> {
    let template = match status {
        RequestStatus::Ready => &site.messages.ready,
        RequestStatus::NeedToTalk => &site.messages.need_to_talk,
        RequestStatus::CannotFill => &site.messages.cannot_fill,
        _ => return None,
    };
    let place = site
        .locations
        .iter()
        .find(|l| l.slug.as_str() == location)?;
    let link = status_link(public_url, reference);
    let phone = place.phone.to_string();
    Some(fill(
        template,
        &Values {
            pharmacy: &site.name,
            reference,
            location: &place.name,
            phone: &phone,
            link: &link,
        },
    ))
}

/// The text's words: the e-mail's and `STOP_LINE`.
pub fn as_text(words: &str) -> String {
    format!("{words} {STOP_LINE}")
}

/// The messages telling `standing`'s patient about `status`, on each channel they asked for.
pub fn for_status(
    site: &Site,
    (reference, standing): (&str, &RequestStanding),
    status: RequestStatus,
    public_url: &url::Url,
    now: i64,
) -> Vec<NewPatientMessage> {
    let Some(words) = compose(site, status, (reference, &standing.location), public_url) else {
        return Vec::new();
    };
    let time_zone = site
        .locations
        .iter()
        .find(|l| l.slug.as_str() == standing.location)
        .map(|l| l.timezone.as_str().to_owned());
    let mut messages = Vec::new();
    if standing.text_updates {
        messages.push(NewPatientMessage {
            channel: SMS.to_owned(),
            text: as_text(&words),
            announces: status,
            time_zone,
            due_at: now,
        });
    }
    if standing.email_updates {
        messages.push(NewPatientMessage {
            channel: PATIENT_EMAIL.to_owned(),
            text: words,
            announces: status,
            time_zone: None,
            due_at: now,
        });
    }
    messages
}
