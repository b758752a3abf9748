//! Credential pages: setting up (or replacing) two-factor sign-in, and the one-time setup link
//! that sets a new account's password. The workflow is `staff::enrol`; these handlers turn a
//! typed form into a call and the outcome into a page.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::auth::pending;
use super::session::{set_cookie, to_sign_in};
use super::{StaffLayout, page, titled};
use crate::staff::enrol::{EnrolAnswers, EnrolOutcome, SetupOutcome};
use crate::staff::{Stage, hash_token, totp};
use crate::store::{Session, User};
use crate::web::requests::csrf;
use crate::web::{AppError, AppState};

/// How long a setup link works.
pub const SETUP_LINK_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Template)]
#[template(path = "staff/two_factor.html")]
struct TwoFactorPage<'a> {
    layout: StaffLayout<'a>,
    error: Option<&'a str>,
    csrf: &'a str,
    qr_svg: &'a str,
    secret: &'a str,
    enrolled: bool,
    /// A signed-in session must prove it is the owner before changing a credential.
    reauthenticate: bool,
}

#[derive(Template)]
#[template(path = "staff/recovery_codes.html")]
struct RecoveryCodesPage<'a> {
    layout: StaffLayout<'a>,
    codes: &'a [String],
}

#[derive(Template)]
#[template(path = "staff/setup.html")]
struct SetupPage<'a> {
    layout: StaffLayout<'a>,
    error: Option<&'a str>,
    email: &'a str,
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    current_code: String,
}

#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

/// Enrolment is open to a signed-in account (to set up or replace its codes) and to one that
/// must enrol before it may sign in — within the same idle timeout as every other staff page,
/// so an unattended session cannot replace the account's second factor.
async fn enrolling(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Session, User)>, AppError> {
    let policy = state.staff_policy();
    let stages = [Stage::Enrol, Stage::SignedIn];
    let found = pending(state, headers, &stages, policy.absolute_ms).await?;
    let now = state.now();
    Ok(found.filter(|(session, _)| now - session.last_seen_at <= policy.idle_ms))
}

pub async fn show_two_factor(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Result<Response, AppError> {
    let Some((session, user)) = enrolling(&state, &headers).await? else {
        return Ok(to_sign_in());
    };
    let ip = peer.ip().to_string();
    two_factor_page(&state, &ip, &session, &user, None).await
}

async fn two_factor_page(
    state: &AppState,
    ip: &str,
    session: &Session,
    user: &User,
    error: Option<&str>,
) -> Result<Response, AppError> {
    let secret = state.authenticator(ip).enrolment_secret(session).await?;
    let site = state.renderer().current();
    let pack = site.pack()?;
    let (email, issuer) = (user.email.clone(), pack.site.name.clone());
    let enrolment = tokio::task::spawn_blocking(move || totp::enrolment(&secret, &email, &issuer))
        .await
        .map_err(anyhow::Error::from)??;
    let (status, title) = titled(
        error.is_some(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "Two-factor sign-in",
    );
    let signed_in = session.stage == Stage::SignedIn;
    let layout = if signed_in {
        StaffLayout::for_session(&site, &title, "two-factor", user, session)?
    } else {
        StaffLayout::anonymous(&site, &title)?
    };
    page(
        status,
        TwoFactorPage {
            layout,
            error,
            csrf: &session.csrf_token,
            qr_svg: &enrolment.qr_svg,
            secret: &enrolment.secret_base32,
            enrolled: user.has_second_factor(),
            reauthenticate: signed_in,
        },
    )
}

pub async fn enrol_two_factor(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<EnrolForm>,
) -> Result<Response, AppError> {
    let ip = peer.ip().to_string();
    let Some((session, user)) = enrolling(&state, &headers).await? else {
        return Ok(to_sign_in());
    };
    csrf::check_session_token(
        state.origins(),
        &session.csrf_token,
        &form.csrf_token,
        &headers,
    )
    .map_err(|_| AppError::Forbidden)?;
    let answers = EnrolAnswers {
        new_code: &form.code,
        password: &form.password,
        current_code: &form.current_code,
    };
    let outcome = state
        .authenticator(&ip)
        .enrol(&session, &user, answers)
        .await?;
    let (started, codes) = match outcome {
        EnrolOutcome::Problem(problem) => {
            return two_factor_page(&state, &ip, &session, &user, Some(problem)).await;
        }
        EnrolOutcome::Gone => return Ok(to_sign_in()),
        EnrolOutcome::Enrolled { started, codes } => (started, codes),
    };
    let site = state.renderer().current();
    let layout = StaffLayout::anonymous(&site, "Your recovery codes")?;
    let mut response = page(
        StatusCode::OK,
        RecoveryCodesPage {
            layout,
            codes: &codes,
        },
    )?;
    // Every session of the account ended with the change; this browser gets the new one.
    let headers = response.headers_mut();
    headers.insert(header::SET_COOKIE, set_cookie(&started.token));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

/// The one-time setup link's session, if the link is still good.
async fn setup_session(state: &AppState, token: &str) -> Result<Option<(Session, User)>, AppError> {
    if token.len() != 64 {
        return Ok(None);
    }
    let found = state.store().session(&hash_token(token)).await?;
    let now = state.now();
    Ok(found.filter(|(session, user)| {
        session.stage == Stage::Setup && now - session.created_at <= SETUP_LINK_MS && !user.disabled
    }))
}

fn setup_page(state: &AppState, user: &User, error: Option<&str>) -> Result<Response, AppError> {
    let site = state.renderer().current();
    let (status, title) = titled(
        error.is_some(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "Set your password",
    );
    page(
        status,
        SetupPage {
            layout: StaffLayout::anonymous(&site, &title)?,
            error,
            email: &user.email,
        },
    )
}

pub async fn show_setup(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    match setup_session(&state, &token).await? {
        Some((_, user)) => setup_page(&state, &user, None),
        None => Err(AppError::NotFound),
    }
}

pub async fn setup(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<SetupForm>,
) -> Result<Response, AppError> {
    let ip = peer.ip().to_string();
    csrf::same_origin(state.origins(), &headers).map_err(|_| AppError::Forbidden)?;
    let Some((session, user)) = setup_session(&state, &token).await? else {
        return Err(AppError::NotFound);
    };
    let outcome = state
        .authenticator(&ip)
        .set_password(&session, &user, &form.password, &form.password_again)
        .await?;
    match outcome {
        SetupOutcome::Problem(problem) => setup_page(&state, &user, Some(&problem)),
        SetupOutcome::Gone => Err(AppError::NotFound),
        SetupOutcome::Done => Ok(Redirect::to("/staff/sign-in?done=password-set").into_response()),
    }
}
