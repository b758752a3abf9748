//! `/staff/testimonials`: experiences patients shared through "Share your experience", waiting
//! for a pharmacist. Approving one publishes it as a testimonial (checked and published like
//! any content edit, with a revision and an audit entry); rejecting keeps it out for good.

use askama::Template;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::content::TokenForm;
use super::session::{Staff, now_ms};
use super::{StaffLayout, page};
use crate::publish::{self, Decided, Decision};
use crate::staff::Role;
use crate::store::SharedStory;
use crate::web::{AppError, AppState};

#[derive(Template)]
#[template(path = "staff/testimonials.html")]
struct StoriesPage<'a> {
    layout: StaffLayout<'a>,
    stories: Vec<(SharedStory, String)>,
    csrf: String,
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let site = state.renderer().current();
    let pack = site.pack()?;
    let stories = state
        .store()
        .shared_stories(crate::store::StoryStatus::Pending)
        .await?
        .into_iter()
        .map(|s| {
            let at = super::inbox::local_time(&pack.site, s.created_at);
            (s, at)
        })
        .collect();
    page(
        StatusCode::OK,
        StoriesPage {
            layout: StaffLayout::signed_in(&site, "Shared experiences", "testimonials", &staff)?,
            stories,
            csrf: staff.csrf.clone(),
        },
    )
}

/// Approves (publishes as a testimonial) or rejects a story; deciding one already decided
/// changes nothing.
pub async fn decide(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, decision)): Path<(i64, String)>,
    headers: HeaderMap,
    form: Result<Form<TokenForm>, FormRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    let Form(form) = form?;
    staff.check_form(&headers, &form.csrf_token)?;
    let decision = Decision::parse(&decision).ok_or(AppError::NotFound)?;
    let decided = publish::decide_story(
        state.store().as_ref(),
        state.publishing(),
        id,
        decision,
        &staff.user.email,
        now_ms(),
    )
    .await?;
    match decided {
        Decided::Approved(entry) => {
            super::content::published_by(&state, &staff, "testimonial.approved", &entry).await?;
        }
        Decided::Rejected => {
            staff
                .audit(&state, "testimonial.rejected", &format!("story {id}"), "")
                .await?;
        }
        Decided::Unchanged => {}
    }
    Ok(Redirect::to("/staff/testimonials").into_response())
}
