//! `/staff/users`, for admins: every account with its role, two-factor and state; add an account
//! (a one-time setup link is shown once — there are no passwords to hand over), disable or
//! enable one, reset its two-factor, or issue a new setup link. Each change ends the sessions
//! it must and is audited. `pestle user …` does the same from the command line.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use super::session::{Staff, now_ms};
use super::{StaffLayout, page};
use crate::staff::{Email, Role, new_token};
use crate::store::{NewUser, Session, StoreError, User};
use crate::web::{AppError, AppState};

#[derive(Template)]
#[template(path = "staff/users.html")]
struct UsersPage<'a> {
    layout: StaffLayout<'a>,
    users: Vec<User>,
    csrf: String,
    me: i64,
    /// (e-mail, link) just issued: shown once.
    link: Option<(String, String)>,
    error: Option<String>,
    roles: [Role; 3],
}

async fn render(
    state: &AppState,
    staff: &Staff,
    link: Option<(String, String)>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let site = state.renderer().current();
    let title = if error.is_some() {
        "Error: Accounts"
    } else {
        "Accounts"
    };
    page(
        status,
        UsersPage {
            layout: StaffLayout::signed_in(&site, title, "users", staff)?,
            users: state.store().users().await?,
            csrf: staff.csrf.clone(),
            me: staff.user.id,
            link,
            error,
            roles: Role::ALL,
        },
    )
}

pub async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    render(&state, &staff, None, None, StatusCode::OK).await
}

/// A one-time setup link for `user` (24 hours), replacing none of their sessions.
async fn setup_link(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let (token, token_hash) = new_token();
    let (csrf_token, _) = new_token();
    let now = now_ms();
    state
        .store()
        .create_session(&Session {
            token_hash,
            user_id,
            stage: super::session::SETUP.to_owned(),
            csrf_token,
            created_at: now,
            last_seen_at: now,
        })
        .await?;
    Ok(format!("/staff/setup/{token}"))
}

pub async fn add(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    staff.check_form(
        &headers,
        fields
            .get(crate::web::requests::csrf::FIELD)
            .map_or("", String::as_str),
    )?;
    let email = Email::parse(fields.get("email").map_or("", String::as_str));
    let role = Role::parse(fields.get("role").map_or("", String::as_str));
    let (email, role) = match (email, role) {
        (Ok(email), Ok(role)) => (email, role),
        (Err(problem), _) | (_, Err(problem)) => {
            return render(
                &state,
                &staff,
                None,
                Some(problem),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
    };
    let created = state
        .store()
        .create_user(&NewUser {
            email: email.as_str().to_owned(),
            role: role.slug().to_owned(),
            password_hash: None,
            created_at: now_ms(),
        })
        .await;
    let id = match created {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => {
            let problem = format!("{} already has an account", email.as_str());
            return render(
                &state,
                &staff,
                None,
                Some(problem),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await;
        }
        Err(error) => return Err(error.into()),
    };
    staff
        .audit(&state, "user.added", email.as_str(), role.slug())
        .await?;
    let link = setup_link(&state, id).await?;
    render(
        &state,
        &staff,
        Some((email.as_str().to_owned(), link)),
        None,
        StatusCode::OK,
    )
    .await
}

pub async fn change(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, action)): Path<(i64, String)>,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    staff.check_form(
        &headers,
        fields
            .get(crate::web::requests::csrf::FIELD)
            .map_or("", String::as_str),
    )?;
    let store = state.store();
    let mut user = store
        .users()
        .await?
        .into_iter()
        .find(|u| u.id == id)
        .ok_or(AppError::NotFound)?;
    if user.id == staff.user.id && action != "setup-link" {
        let problem = "You cannot change your own account here: ask another admin".to_owned();
        return render(
            &state,
            &staff,
            None,
            Some(problem),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    match action.as_str() {
        "disable" => {
            user.disabled = true;
            store.update_user(&user).await?;
            staff
                .audit(&state, "user.disabled", &user.email, "")
                .await?;
        }
        "enable" => {
            user.disabled = false;
            user.failed_attempts = 0;
            user.locked_until = 0;
            store.update_user(&user).await?;
            staff.audit(&state, "user.enabled", &user.email, "").await?;
        }
        "reset-two-factor" => {
            user.totp_key_id = None;
            user.totp_sealed = None;
            user.recovery_hashes = String::new();
            store.update_user(&user).await?;
            store.end_sessions(user.id).await?;
            staff
                .audit(&state, "user.two-factor-reset", &user.email, "")
                .await?;
        }
        "role" => {
            let role = match Role::parse(fields.get("role").map_or("", String::as_str)) {
                Ok(role) => role,
                Err(problem) => {
                    return render(
                        &state,
                        &staff,
                        None,
                        Some(problem),
                        StatusCode::UNPROCESSABLE_ENTITY,
                    )
                    .await;
                }
            };
            user.role = role.slug().to_owned();
            store.update_user(&user).await?;
            // A new role takes effect at the next sign-in, with two-factor if it now needs it.
            store.end_sessions(user.id).await?;
            staff
                .audit(&state, "user.role-changed", &user.email, role.slug())
                .await?;
        }
        "setup-link" => {
            let link = setup_link(&state, user.id).await?;
            staff
                .audit(&state, "user.setup-link", &user.email, "")
                .await?;
            return render(
                &state,
                &staff,
                Some((user.email, link)),
                None,
                StatusCode::OK,
            )
            .await;
        }
        _ => return Err(AppError::NotFound),
    }
    Ok(Redirect::to("/staff/users").into_response())
}
