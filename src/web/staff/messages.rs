//! The patient's updates on a request's page: what they asked for, what each status would send
//! them (the preview beside "notify the patient"), each message queued with its delivery state,
//! and "resend". Every message queued is audited, with its channel and never its words.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::inbox::local_time;
use super::session::Staff;
use crate::content::Site;
use crate::notify::SMS;
use crate::requests::messages;
use crate::store::{RequestStanding, RequestStatus};
use crate::web::{AppError, AppState};

/// What the request page shows about the patient's updates.
pub struct Panel {
    /// "Text and e-mail", "Text", "E-mail" — or empty when they asked for neither.
    pub asked: &'static str,
    /// For each status that sends one: its label and the text the patient would get.
    pub previews: Vec<(&'static str, String)>,
    pub sent: Vec<SentLine>,
}

/// One message as staff see it.
pub struct SentLine {
    pub id: i64,
    pub channel: &'static str,
    pub about: String,
    pub state: String,
}

/// The panel for `reference` (whose standing is `standing`).
pub async fn panel(
    state: &AppState,
    site: &Site,
    reference: &str,
    standing: &RequestStanding,
) -> Result<Panel, AppError> {
    let asked = match (standing.text_updates, standing.email_updates) {
        (true, true) => "Text and e-mail",
        (true, false) => "Text",
        (false, true) => "E-mail",
        (false, false) => "",
    };
    let public_url = &state.updates().public_url;
    let previews = RequestStatus::ALL
        .iter()
        .filter(|status| status.tells_patient())
        .filter_map(|status| {
            let lang = messages::lang_of(standing);
            messages::compose(
                (site, lang),
                *status,
                (reference, &standing.location),
                public_url,
            )
            .map(|words| (status.label(), messages::as_text(&words, lang)))
        })
        .collect();
    let sent = state
        .store()
        .patient_messages(reference)
        .await?
        .into_iter()
        .map(|message| {
            let when = |ms| local_time(site, ms);
            let state = match (message.delivered_at, message.abandoned_at) {
                (Some(at), _) => format!("Delivered {}", when(at)),
                (None, Some(_)) => format!(
                    "Not sent: {}",
                    message.last_error.as_deref().unwrap_or("stopped")
                ),
                (None, None) if message.attempts > 0 => format!(
                    "Retrying ({} failed attempts); next try {}",
                    message.attempts,
                    when(message.due_at)
                ),
                // Held overnight: `notification_held` moves `queued_at` with `due_at`.
                (None, None)
                    if message.channel == SMS
                        && message.queued_at == Some(message.due_at)
                        && message.due_at > state.now() =>
                {
                    format!("Held until {} (quiet hours)", when(message.due_at))
                }
                (None, None) if message.due_at > state.now() => "Sending".to_owned(),
                (None, None) => "Queued".to_owned(),
            };
            SentLine {
                id: message.id,
                channel: if message.channel == SMS {
                    "Text"
                } else {
                    "E-mail"
                },
                about: message
                    .announces
                    .as_deref()
                    .and_then(RequestStatus::parse)
                    .map_or("", RequestStatus::label)
                    .to_owned(),
                state,
            }
        })
        .collect();
    Ok(Panel {
        asked,
        previews,
        sent,
    })
}

#[derive(Deserialize)]
pub struct ResendForm {
    #[serde(default)]
    csrf_token: String,
}

/// Queues the same message again, audited first.
pub async fn resend(
    State(state): State<AppState>,
    staff: Staff,
    Path((reference, id)): Path<(String, i64)>,
    headers: HeaderMap,
    Form(form): Form<ResendForm>,
) -> Result<Response, AppError> {
    staff.check_form(&headers, &form.csrf_token)?;
    let known = state
        .store()
        .patient_messages(&reference)
        .await?
        .into_iter()
        .find(|message| message.id == id)
        .ok_or(AppError::NotFound)?;
    staff
        .audit(&state, "patient.message.resent", &reference, &known.channel)
        .await?;
    if !state
        .store()
        .resend_message(&reference, id, state.now())
        .await?
    {
        return Err(AppError::NotFound);
    }
    Ok(Redirect::to(&format!("/staff/requests/{reference}")).into_response())
}
