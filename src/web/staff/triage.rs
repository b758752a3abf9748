//! Moving a request along: its status, who has it, and sealed notes. Each change is audited
//! before it is recorded (an entry that cannot be written stops it) and kept in the request's
//! history; a note is sealed like the request itself.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::inbox::note_context;
use super::session::Staff;
use crate::requests::messages;
use crate::store::{NewRequestEvent, RequestChange, RequestStatus};
use crate::web::{AppError, AppState};

/// The longest staff note, in characters.
const MAX_NOTE: usize = 2000;

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    status: String,
    /// "yes" when "notify the patient" stays ticked.
    #[serde(default)]
    notify: String,
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    csrf_token: String,
    /// A colleague's e-mail, or empty to unassign.
    #[serde(default)]
    assignee: String,
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    note: String,
}

/// The request must exist; the change is audited, then recorded.
async fn act(
    state: &AppState,
    staff: &Staff,
    reference: &str,
    (action, change): (&'static str, RequestChange),
) -> Result<Response, AppError> {
    act_and_tell(state, staff, reference, (action, change), false).await
}

/// `act`, and — for a status the patient is told about, when `notify` — the messages the
/// patient asked for, queued in the same transaction and each audited first.
async fn act_and_tell(
    state: &AppState,
    staff: &Staff,
    reference: &str,
    (action, change): (&'static str, RequestChange),
    notify: bool,
) -> Result<Response, AppError> {
    let store = state.store();
    let Some(standing) = store.standing(reference).await? else {
        return Err(AppError::NotFound);
    };
    let messages = match &change {
        RequestChange::Status(status) if notify && *status != standing.status => {
            let site = state.renderer().current();
            let pack = site.pack()?;
            messages::for_status(
                &pack.site,
                (reference, &standing),
                *status,
                &state.updates().public_url,
                state.now(),
            )
        }
        _ => Vec::new(),
    };
    // The change, its messages and their trail entries are written in one transaction: the
    // trail never names a change or a message that was not recorded, and nothing is recorded
    // without its entry. A note's words stay sealed: the trail says only that there is one.
    let now = state.now();
    let (_, detail) = change.kind_and_value();
    let audit = staff.entry(action, (reference, &detail), now);
    let messages = messages
        .into_iter()
        .map(|message| {
            let detail = format!("{} ({})", message.channel, message.announces);
            let entry = staff.entry("patient.message.queued", (reference, &detail), now);
            (message, entry)
        })
        .collect();
    store
        .add_request_event(&NewRequestEvent {
            reference: reference.to_owned(),
            at: now,
            actor: staff.user.email.clone(),
            change,
            audit,
            messages,
        })
        .await?;
    Ok(Redirect::to(&format!("/staff/requests/{reference}")).into_response())
}

/// A refusal that names the field, for the rare hand-made post (the forms only offer valid
/// choices).
fn bad_choice(message: &'static str) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, message).into_response()
}

pub async fn set_status(
    State(state): State<AppState>,
    staff: Staff,
    Path(reference): Path<String>,
    headers: HeaderMap,
    Form(form): Form<StatusForm>,
) -> Result<Response, AppError> {
    staff.check_form(&headers, &form.csrf_token)?;
    let Some(status) = RequestStatus::parse(&form.status) else {
        return Ok(bad_choice(
            "status: choose New, In progress, Ready, Need to talk, Done or Cannot fill",
        ));
    };
    let change = ("request.status", RequestChange::Status(status));
    let notify = !form.notify.trim().is_empty();
    act_and_tell(&state, &staff, &reference, change, notify).await
}

pub async fn assign(
    State(state): State<AppState>,
    staff: Staff,
    Path(reference): Path<String>,
    headers: HeaderMap,
    Form(form): Form<AssignForm>,
) -> Result<Response, AppError> {
    staff.check_form(&headers, &form.csrf_token)?;
    if !form.assignee.is_empty() {
        let known = state
            .store()
            .user_by_email(&form.assignee)
            .await?
            .is_some_and(|u| !u.disabled);
        if !known {
            return Ok(bad_choice("assignee: choose a colleague from the list"));
        }
    }
    let to = (!form.assignee.is_empty()).then_some(form.assignee);
    let change = ("request.assign", RequestChange::Assign(to));
    act(&state, &staff, &reference, change).await
}

pub async fn add_note(
    State(state): State<AppState>,
    staff: Staff,
    Path(reference): Path<String>,
    headers: HeaderMap,
    Form(form): Form<NoteForm>,
) -> Result<Response, AppError> {
    staff.check_form(&headers, &form.csrf_token)?;
    let count = form.note.chars().count();
    if form.note.trim().is_empty() || count > MAX_NOTE {
        return Ok(bad_choice("note: write between 1 and 2,000 characters"));
    }
    let sealed = state
        .keys()
        .seal(form.note.as_bytes(), note_context(&reference).as_bytes())?;
    let change = (
        "request.note",
        RequestChange::Note {
            key_id: sealed.key_id,
            sealed: sealed.blob,
        },
    );
    act(&state, &staff, &reference, change).await
}
