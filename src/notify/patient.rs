//! Delivering a patient's update: the text or e-mail they asked for on the form. The message's
//! words were written when staff changed the status (no health information); here the number
//! or address is opened from the request's sealed contact, an opt-out is honoured whatever the
//! form said, and a text is held through the night in the location's time zone.

use jiff::Timestamp;
use jiff::civil::Time;
use jiff::tz::TimeZone;

use super::{Courier, PATIENT_EMAIL, SMS};
use crate::requests::updates::{OPT_OUT_DIGEST, opt_out_value};
use crate::requests::{self, Contact};
use crate::staff::audit::{Actor, Entry};
use crate::store::Notification;

/// Texts go out between these local times only.
const DAY_STARTS: Time = Time::constant(8, 0, 0, 0);
const DAY_ENDS: Time = Time::constant(21, 0, 0, 0);

/// What became of one attempt.
pub(super) enum Outcome {
    Sent,
    Retry(String),
    /// Not now: back in the outbox until then, without counting an attempt.
    Held(i64),
    /// Never: why (no secret in it).
    Abandoned(&'static str),
}

/// When a text may go out, if not at `now`: 8 am that day or the next, in `zone`.
pub fn quiet_until(now: i64, zone: &str) -> Option<i64> {
    let tz = TimeZone::get(zone).ok()?;
    let local = Timestamp::from_millisecond(now).ok()?.to_zoned_datetime(tz);
    let time = local.time();
    if (DAY_STARTS..DAY_ENDS).contains(&time) {
        return None;
    }
    let day = if time >= DAY_ENDS {
        local.date().tomorrow().ok()?
    } else {
        local.date()
    };
    let morning = day
        .to_datetime(DAY_STARTS)
        .to_zoned_datetime(local.time_zone().clone())
        .ok()?;
    Some(morning.timestamp().as_millisecond())
}

pub(super) async fn deliver(courier: &Courier, notification: &Notification, now: i64) -> Outcome {
    if notification.channel == SMS
        && let Some(until) = notification
            .time_zone
            .as_deref()
            .and_then(|zone| quiet_until(now, zone))
    {
        return Outcome::Held(until);
    }
    let contact = match courier.store.contact(&notification.reference).await {
        Ok(Some(sealed)) => sealed,
        Ok(None) => return Outcome::Abandoned("the request's contact details were purged"),
        Err(error) => return Outcome::Retry(format!("cannot read the contact: {error}")),
    };
    let contact: Contact =
        match requests::open_contact(&courier.keys, &notification.reference, contact) {
            Ok(contact) => contact,
            // A missing data key may come back (a restored key file): try again later.
            Err(error) => return Outcome::Retry(format!("cannot open the contact: {error:#}")),
        };
    let lang = contact.lang;
    let (kind, address) = match notification.channel.as_str() {
        SMS => ("sms", contact.sms),
        PATIENT_EMAIL => ("email", contact.email),
        _ => return Outcome::Abandoned("not a patient channel"),
    };
    let Some(address) = address else {
        return Outcome::Abandoned("the patient did not ask for this channel");
    };
    let digests = courier
        .keys
        .digests(OPT_OUT_DIGEST, &opt_out_value(kind, &address));
    match courier.store.opted_out(&digests).await {
        Ok(false) => {}
        Ok(true) => return Outcome::Abandoned("the patient opted out"),
        Err(error) => return Outcome::Retry(format!("cannot read opt-outs: {error}")),
    }
    if kind == "sms" {
        let Some(sms) = &courier.notifier.sms else {
            return Outcome::Retry("no SMS provider is configured (sms_account_sid)".to_owned());
        };
        match sms.send(&address, &notification.message).await {
            super::sms::Sent::Accepted => Outcome::Sent,
            super::sms::Sent::Retry(reason) => Outcome::Retry(reason),
            super::sms::Sent::Refused(_) => {
                Outcome::Abandoned("the SMS provider refused the number")
            }
            // The number said STOP to the provider (the reply may never have reached pestle):
            // recorded here too, so later texts are not even tried, and staff see why.
            super::sms::Sent::OptedOut => {
                let value = opt_out_value(kind, &address);
                let entry = Entry::new(Actor::System, "patient.opted-out").detail("sms (provider)");
                let recorded = courier
                    .store
                    .set_opt_out(
                        &courier.keys.digest(OPT_OUT_DIGEST, &value),
                        true,
                        &entry.at(courier.clock.now_ms()),
                    )
                    .await;
                match recorded {
                    Ok(()) => Outcome::Abandoned("the patient opted out"),
                    Err(error) => Outcome::Retry(format!("cannot record an opt-out: {error}")),
                }
            }
        }
    } else {
        let Some(mailer) = &courier.notifier.email else {
            return Outcome::Retry("no mail server is configured (smtp_url)".to_owned());
        };
        let token = courier
            .keys
            .digest(OPT_OUT_DIGEST, &opt_out_value(kind, &address));
        let unsubscribe = courier
            .public_url
            .join(&format!(
                "{}/{token}",
                lang.path("/updates/unsubscribe").trim_start_matches('/')
            ))
            .map_or_else(|_| String::new(), String::from);
        match mailer
            .send_to_patient((&address, lang), notification, &unsubscribe)
            .await
        {
            super::sms::Sent::Accepted => Outcome::Sent,
            super::sms::Sent::Retry(reason) => Outcome::Retry(reason),
            super::sms::Sent::Refused(_) | super::sms::Sent::OptedOut => {
                Outcome::Abandoned("the mail server refused the address")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quiet_until;

    fn at(text: &str) -> i64 {
        text.parse::<jiff::ZonedDateTime>()
            .unwrap()
            .timestamp()
            .as_millisecond()
    }

    #[test]
    fn texts_wait_for_eight_in_the_morning_where_the_location_is() {
        let zone = "America/Los_Angeles";
        let morning = at("2026-12-02T08:00:00-08:00[America/Los_Angeles]");
        assert_eq!(
            quiet_until(at("2026-12-01T22:00:00-08:00[America/Los_Angeles]"), zone),
            Some(morning)
        );
        assert_eq!(
            quiet_until(at("2026-12-02T05:30:00-08:00[America/Los_Angeles]"), zone),
            Some(morning)
        );
        assert_eq!(
            quiet_until(at("2026-12-02T08:00:00-08:00[America/Los_Angeles]"), zone),
            None
        );
        assert_eq!(
            quiet_until(at("2026-12-02T20:59:00-08:00[America/Los_Angeles]"), zone),
            None
        );
        // 10 pm in Denver is 9 pm in Los Angeles: held there, and until Denver's 8 am.
        assert_eq!(
            quiet_until(
                at("2026-12-01T22:00:00-07:00[America/Denver]"),
                "America/Denver"
            ),
            Some(at("2026-12-02T08:00:00-07:00[America/Denver]"))
        );
    }
}
