//! The words of a patient's update, and the messages a status change queues: one per channel
//! the patient asked for, for the statuses a patient is told about (ready, need to talk, cannot
//! fill). Made from the pharmacy's templates (`content::messages`), so what a message can hold
//! is fixed there: pharmacy, reference, location, its phone, the status page's link.

use crate::content::messages::{Values, fill};
use crate::content::{Lang, Site};
use crate::i18n;
use crate::notify::{PATIENT_EMAIL, SMS};
use crate::store::{NewPatientMessage, RequestStanding, RequestStatus};

/// What every text ends with, in `lang` (carriers expect it; the provider's STOP handling backs
/// it up, and STOP is the word in every language).
pub fn stop_line(lang: Lang) -> String {
    i18n::text(lang, "text-stop")
}

/// The status page for `reference` in `lang`: the reference only, never anything the patient
/// typed.
pub fn status_link(public_url: &url::Url, reference: &str, lang: Lang) -> String {
    let path = lang.path("/requests/status");
    public_url
        .join(&format!(
            "{}?reference={reference}",
            path.trim_start_matches('/')
        ))
        .map_or_else(|_| String::new(), String::from)
}

/// The e-mail's words for `status` in `lang` (a text adds `stop_line`); `None` for a status
/// patients are not messaged about, or an unknown location.
pub fn compose(
    (site, lang): (&Site, Lang),
    status: RequestStatus,
    (reference, location): (&str, &str),
    public_url: &url::Url,
) -> Option<String> {
    let templates = site.messages.in_lang(lang);
    let template = match status {
        RequestStatus::Ready => &templates.ready,
        RequestStatus::NeedToTalk => &templates.need_to_talk,
        RequestStatus::CannotFill => &templates.cannot_fill,
        _ => return None,
    };
    let place = site
        .locations
        .iter()
        .find(|l| l.slug.as_str() == location)?;
    let link = status_link(public_url, reference, lang);
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

/// The text's words: the e-mail's and the stop line.
pub fn as_text(words: &str, lang: Lang) -> String {
    format!("{words} {}", stop_line(lang))
}

/// The language `standing`'s patient wrote in (English for a value this version does not know).
pub fn lang_of(standing: &RequestStanding) -> Lang {
    Lang::parse(&standing.lang).unwrap_or(Lang::En)
}

/// The messages telling `standing`'s patient about `status`, on each channel they asked for.
pub fn for_status(
    site: &Site,
    (reference, standing): (&str, &RequestStanding),
    status: RequestStatus,
    public_url: &url::Url,
    now: i64,
) -> Vec<NewPatientMessage> {
    let lang = lang_of(standing);
    let Some(words) = compose(
        (site, lang),
        status,
        (reference, &standing.location),
        public_url,
    ) else {
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
            text: as_text(&words, lang),
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
