//! `/staff/users`, for admins: every account with its role, two-factor and state; add an account
//! (a one-time setup link is shown once — there are no passwords to hand over), disable or
//! enable one, reset its two-factor, or issue a new setup link. Each change ends the sessions
//! it must and is audited. `pestle user …` does the same from the command line.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

use serde::Deserialize;

use super::session::Staff;
use super::{StaffLayout, page};
use crate::staff::sign_in::new_session;
use crate::staff::{Email, Role, Stage};
use crate::store::{NewUser, StoreError, User};
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

/// A one-time setup link for `user_id` (24 hours); an older link of the account stops working.
async fn setup_link(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let (token, link) = new_session(user_id, Stage::Setup, state.now());
    state.store().issue_setup_link(&link).await?;
    Ok(format!("/staff/setup/{token}"))
}

#[derive(Deserialize)]
pub struct AddForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
}

/// The form of every change to an account; `role` only for `Action::Role`.
#[derive(Deserialize)]
pub struct ChangeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    role: String,
}

/// What an admin does to an account (`/staff/users/{id}/{action}`); anything else is a 404.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    Disable,
    Enable,
    ResetTwoFactor,
    Role,
    SetupLink,
}

pub async fn add(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Form(form): Form<AddForm>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    staff.check_form(&headers, &form.csrf_token)?;
    let (email, role) = match (Email::parse(&form.email), Role::parse(&form.role)) {
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
    // Audited before it is done: an entry that cannot be written stops the change.
    staff
        .audit(&state, "user.added", email.as_str(), role.slug())
        .await?;
    let created = state
        .store()
        .create_user(&NewUser {
            email: email.as_str().to_owned(),
            role,
            password_hash: None,
            created_at: state.now(),
        })
        .await;
    let id = match created {
        Ok(id) => id,
        Err(StoreError::Conflict(_)) => {
            staff
                .audit(
                    &state,
                    "user.add-refused",
                    email.as_str(),
                    "already has an account",
                )
                .await?;
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
    Path((id, action)): Path<(i64, Action)>,
    headers: HeaderMap,
    Form(form): Form<ChangeForm>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    staff.check_form(&headers, &form.csrf_token)?;
    let store = state.store();
    let user = store.user(id).await?.ok_or(AppError::NotFound)?;
    if user.id == staff.user.id && action != Action::SetupLink {
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
    // Each change writes only its own columns and ends the sessions it must in the same
    // transaction; it is audited first, so an entry that cannot be written stops it.
    let email = user.email.as_str();
    match action {
        Action::Disable => {
            staff.audit(&state, "user.disabled", email, "").await?;
            store.set_disabled(id, true).await?;
        }
        Action::Enable => {
            staff.audit(&state, "user.enabled", email, "").await?;
            store.set_disabled(id, false).await?;
        }
        Action::ResetTwoFactor => {
            staff
                .audit(&state, "user.two-factor-reset", email, "")
                .await?;
            store.reset_second_factor(id).await?;
        }
        Action::Role => {
            let role = match Role::parse(&form.role) {
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
            staff
                .audit(&state, "user.role-changed", email, role.slug())
                .await?;
            // A new role takes effect at the next sign-in, with two-factor if it now needs it.
            store.set_role(id, role).await?;
        }
        Action::SetupLink => {
            staff.audit(&state, "user.setup-link", email, "").await?;
            let link = setup_link(&state, id).await?;
            return render(
                &state,
                &staff,
                Some((user.email, link)),
                None,
                StatusCode::OK,
            )
            .await;
        }
    }
    Ok(Redirect::to("/staff/users").into_response())
}
