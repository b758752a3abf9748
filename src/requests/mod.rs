//! Patient requests — call-back, refill, transfer, compounding inquiry: the domain (validated
//! fields, the four forms), sealing their contents, references, and submitting one durably
//! together with its staff notification. What a patient types here is protected health
//! information: it is sealed before it reaches the store and never logged.

mod choices;
pub mod fields;
pub mod forms;
pub mod messages;
pub mod posted;
mod reference;
pub(crate) mod seal;
pub mod status;
pub mod updates;

use anyhow::Context;

pub use fields::FieldError;
pub use forms::{Kind, Request};
pub use posted::RequestForm;
pub use reference::Reference;
pub use seal::{DataKeys, Sealed};
pub use updates::{Contact, Updates};

use crate::content::Lang;
use crate::staff::audit::{Actor, Entry};
use crate::store::{Followup, NewNotification, NewRequest, Store, StoreError, StoredRequest};

/// How many fresh references to try if one is already taken (1 in 244 million each).
const REFERENCE_ATTEMPTS: usize = 5;

/// What binds a sealed record to its row: reference and kind.
fn context(reference: &str, kind: &str) -> Vec<u8> {
    format!("{reference}|{kind}").into_bytes()
}

/// Seals `request` and stores it with its notification, committed before this returns.
/// `location_name` goes into the staff notification, which holds no patient data; it is queued
/// once for each of `channels`. Beside it: the status page's fact, digested, and — sealed with
/// the same key — where the `updates` the patient asked for go. `lang` is the language of the
/// page it was sent from: the patient's messages are in it.
pub async fn submit(
    store: &dyn Store,
    keys: &DataKeys,
    (request, updates): (&Request, &Updates),
    (location, location_name): (&str, &str),
    lang: Lang,
    channels: &[String],
    now_ms: i64,
) -> anyhow::Result<Reference> {
    let plaintext = serde_json::to_vec(request).context("cannot serialise a request")?;
    let kind = request.kind();
    for _ in 0..REFERENCE_ATTEMPTS {
        let reference = Reference::generate();
        let sealed = keys.seal(&plaintext, &context(reference.as_str(), kind.slug()))?;
        let contact_sealed = match Contact::new(request, updates, lang) {
            Some(contact) => {
                let plain = serde_json::to_vec(&contact).context("cannot serialise a contact")?;
                let sealed_contact = keys.seal(&plain, &Contact::context(reference.as_str()))?;
                // Opened with the request's key id, so both must be the same key.
                anyhow::ensure!(
                    sealed_contact.key_id == sealed.key_id,
                    "the data key changed"
                );
                Some(sealed_contact.blob)
            }
            None => None,
        };
        let followup = Followup {
            fact_digest: keys.digest(
                updates::FACT_DIGEST,
                &updates::fact_input(reference.as_str(), &updates::fact_of(request)),
            ),
            text: updates.text,
            email: updates.email.is_some(),
            contact_sealed,
        };
        let row = NewRequest {
            reference: reference.to_string(),
            kind: kind.slug().to_owned(),
            location: location.to_owned(),
            created_at: now_ms,
            key_id: sealed.key_id,
            sealed: sealed.blob,
            lang: lang.code().to_owned(),
        };
        // The team can have a Spanish speaker call back.
        let prefers = match lang {
            Lang::En => String::new(),
            other => format!(" (prefers {})", other.english_name()),
        };
        let notification = NewNotification {
            message: format!(
                "New {} {reference} at {location_name}{prefers}",
                kind.noun()
            ),
            due_at: now_ms,
            channels: channels.to_vec(),
        };
        match store.submit_request(&row, &followup, &notification).await {
            Ok(()) => {
                opt_in_again(store, keys, updates, now_ms).await?;
                return Ok(reference);
            }
            Err(StoreError::Conflict(_)) => continue,
            Err(error) => return Err(error).context("cannot store a request"),
        }
    }
    anyhow::bail!("no free request reference after {REFERENCE_ATTEMPTS} tries")
}

/// Ticking "E-mail me" on a new request takes back an address's earlier unsubscribe: the
/// patient asked again, in so many words. (A text's STOP is not taken back by a form: only the
/// patient's START by text undoes it, as carriers require.)
async fn opt_in_again(
    store: &dyn Store,
    keys: &DataKeys,
    updates: &Updates,
    now_ms: i64,
) -> anyhow::Result<()> {
    let Some(email) = &updates.email else {
        return Ok(());
    };
    let value = updates::opt_out_value("email", email.as_str());
    let digests = keys.digests(updates::OPT_OUT_DIGEST, &value);
    if store.opted_out(&digests).await? {
        let entry = Entry::new(Actor::Anonymous, "patient.opted-in").detail("email");
        store
            .set_opt_out(
                &keys.digest(updates::OPT_OUT_DIGEST, &value),
                false,
                &entry.at(now_ms),
            )
            .await?;
    }
    Ok(())
}

/// Opens a request's sealed contact (`key_id` is the request's).
pub fn open_contact(
    keys: &DataKeys,
    reference: &str,
    (key_id, blob): (String, Vec<u8>),
) -> anyhow::Result<Contact> {
    let plaintext = keys.open(&Sealed { key_id, blob }, &Contact::context(reference))?;
    serde_json::from_slice(&plaintext).context("a stored contact does not decode")
}

/// Opens a stored request's sealed contents.
pub fn open(keys: &DataKeys, stored: &StoredRequest) -> anyhow::Result<Request> {
    let row = &stored.request;
    let sealed = Sealed {
        key_id: row.key_id.clone(),
        blob: row.sealed.clone(),
    };
    let plaintext = keys.open(&sealed, &context(&row.reference, &row.kind))?;
    serde_json::from_slice(&plaintext).context("a stored request does not decode")
}
