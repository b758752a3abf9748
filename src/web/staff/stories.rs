//! `/staff/testimonials`: experiences patients shared through "Share your experience", waiting
//! for a pharmacist. Approving one publishes it as a testimonial (checked and published like
//! any content edit, with a revision and an audit entry); rejecting keeps it out for good.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::content::{Entry, check, publish};
use super::session::{Staff, now_ms};
use super::{StaffLayout, page};
use crate::content::TestimonialMeta;
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
        .shared_stories("pending")
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

/// A testimonial's file name: the shown name in lower case with hyphens, plus the story's id
/// so two "Maria G." never collide.
fn slug_for(story: &SharedStory) -> String {
    let mut slug = String::new();
    for c in story.name.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-');
    let slug: String = slug.chars().take(40).collect();
    if slug.is_empty() {
        format!("story-{}", story.id)
    } else {
        format!("{}-{}", slug.trim_end_matches('-'), story.id)
    }
}

pub async fn decide(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, decision)): Path<(i64, String)>,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.require(Role::Pharmacist)?;
    staff.check_form(
        &headers,
        fields
            .get(crate::web::requests::csrf::FIELD)
            .map_or("", String::as_str),
    )?;
    let status = match decision.as_str() {
        "approve" => "approved",
        "reject" => "rejected",
        _ => return Err(AppError::NotFound),
    };
    let store = state.store();
    let _one_at_a_time = state.publishing().lock().await;
    let Some(story) = store
        .decide_story(id, status, &staff.user.email, now_ms())
        .await?
    else {
        // Already decided by a colleague, or no such story.
        return Ok(Redirect::to("/staff/testimonials").into_response());
    };
    if status == "approved" {
        let slug = slug_for(&story);
        let entry = Entry::parse("testimonials", &slug).ok_or(AppError::NotFound)?;
        let source = toml::to_string(&TestimonialMeta {
            quote: story.quote.clone(),
            name: story.name.clone(),
            place: story.place.clone(),
        })
        .map_err(anyhow::Error::from)?;
        let fresh = store.load_content().await?.ok_or(AppError::NotFound)?;
        let checked = check(&fresh, &entry, &source).map_err(|problems| {
            anyhow::anyhow!("a shared story does not check: {}", problems.join("; "))
        })?;
        publish(
            &state,
            &staff,
            &entry,
            &checked,
            &source,
            "testimonial.approved",
        )
        .await?;
    } else {
        staff
            .audit(&state, "testimonial.rejected", &format!("story {id}"), "")
            .await?;
    }
    Ok(Redirect::to("/staff/testimonials").into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn slugs_are_plain_and_unique_by_id() {
        let story = |name: &str, id| crate::store::SharedStory {
            id,
            created_at: 0,
            name: name.to_owned(),
            place: String::new(),
            quote: String::new(),
            status: "pending".to_owned(),
            decided_by: None,
        };
        assert_eq!(super::slug_for(&story("Clair C.", 7)), "clair-c-7");
        assert_eq!(super::slug_for(&story("  José  Núñez ", 8)), "jos-n-ez-8");
        assert_eq!(super::slug_for(&story("李", 9)), "story-9");
    }
}
