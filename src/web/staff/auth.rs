//! The sign-in pages: password, then (for accounts that have one, and always for admins and
//! pharmacists) a TOTP or recovery code; and signing out. The workflow itself — checks,
//! counts, waits, audit — is `staff::sign_in`; these handlers turn a typed form into a call and
//! the outcome into a page. Each address also has its own hourly limit.

use std::net::SocketAddr;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::{self, Staff, set_cookie, to_sign_in};
use super::{StaffLayout, page, titled};
use crate::staff::audit::{Actor, Entry};
use crate::staff::sign_in::{CodeOutcome, PasswordOutcome};
use crate::staff::{Stage, hash_token};
use crate::store::{Session, User};
use crate::web::requests::csrf;
use crate::web::{AppError, AppState};

/// How long the step between password and code may take.
const SECOND_FACTOR_MS: i64 = 5 * 60 * 1000;

/// One sentence for every failed sign-in: it must not tell a known account from an unknown
/// one, nor say that an account is waiting out a delay.
const REFUSED: &str = "That e-mail address and password do not match an account we can sign in. \
     Check them and try again; after several tries, wait a few minutes between attempts.";
const WRONG_CODE: &str = "That code is not right. Enter the 6-digit code your app shows now, \
     or one of your recovery codes. After several tries, wait a few minutes between attempts.";

#[derive(Template)]
#[template(path = "staff/sign_in.html")]
struct SignInPage<'a> {
    layout: StaffLayout<'a>,
    error: Option<&'a str>,
    email: &'a str,
    notice: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "staff/code.html")]
struct CodePage<'a> {
    layout: StaffLayout<'a>,
    error: Option<&'a str>,
    csrf: &'a str,
}

/// Why the sign-in page is shown again (`?done=`).
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Done {
    SignedOut,
    PasswordSet,
}

#[derive(Debug, Deserialize)]
pub struct SignInQuery {
    done: Option<Done>,
}

#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    csrf_token: String,
    #[serde(default)]
    code: String,
}

/// Forms that carry nothing but their token.
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    pub csrf_token: String,
}

pub async fn show_sign_in(
    State(state): State<AppState>,
    Query(query): Query<SignInQuery>,
) -> Result<Response, AppError> {
    let notice = query.done.map(|done| match done {
        Done::SignedOut => "You are signed out.",
        Done::PasswordSet => "Your password is set. Sign in with it now.",
    });
    sign_in_page(&state, StatusCode::OK, None, "", notice)
}

fn sign_in_page(
    state: &AppState,
    status: StatusCode,
    error: Option<&str>,
    email: &str,
    notice: Option<&str>,
) -> Result<Response, AppError> {
    let site = state.renderer().current();
    let (_, title) = titled(error.is_some(), status, "Sign in");
    let layout = StaffLayout::anonymous(&site, &title)?;
    page(
        status,
        SignInPage {
            layout,
            error,
            email,
            notice,
        },
    )
}

pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<SignInForm>,
) -> Result<Response, AppError> {
    let ip = peer.ip().to_string();
    csrf::same_origin(state.origins(), &headers).map_err(|_| AppError::Forbidden)?;
    if let Err(wait) = state
        .take_token(crate::web::requests::Limit::SignIn, peer.ip())
        .await
    {
        Entry::new(Actor::Anonymous, "sign-in.rate-limited")
            .ip(&ip)
            .record(state.store().as_ref(), state.now())
            .await?;
        return Ok(crate::web::requests::too_many(
            wait,
            crate::metrics::Limit::SignIn,
        ));
    }
    let outcome = state
        .authenticator(&ip)
        .password(&form.email, &form.password)
        .await?;
    let started = match outcome {
        PasswordOutcome::Refused => {
            return sign_in_page(
                &state,
                StatusCode::UNAUTHORIZED,
                Some(REFUSED),
                &form.email,
                None,
            );
        }
        PasswordOutcome::Accepted(started) => started,
    };
    // A new token at every sign-in: whatever token the browser had before is worthless.
    if let Some(old) = session::token(&headers) {
        state.store().delete_session(&hash_token(old)).await?;
    }
    let next = match started.stage {
        Stage::SecondFactor => "/staff/sign-in/code",
        Stage::Enrol => "/staff/two-factor",
        Stage::SignedIn | Stage::Setup => "/staff",
    };
    Ok(redirect_with_cookie(next, &started.token))
}

pub(super) fn redirect_with_cookie(to: &str, token: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie(token));
    response
}

/// A session part-way through signing in (at one of `stages`), still within its time, of an
/// enabled account.
pub(super) async fn pending(
    state: &AppState,
    headers: &HeaderMap,
    stages: &[Stage],
    within_ms: i64,
) -> Result<Option<(Session, User)>, AppError> {
    let Some(token) = session::token(headers) else {
        return Ok(None);
    };
    let found = state.store().session(&hash_token(token)).await?;
    let now = state.now();
    Ok(found.filter(|(session, user)| {
        stages.contains(&session.stage) && now - session.created_at <= within_ms && !user.disabled
    }))
}

fn code_page(
    state: &AppState,
    session: &Session,
    error: Option<&str>,
) -> Result<Response, AppError> {
    let site = state.renderer().current();
    let (status, title) = titled(error.is_some(), StatusCode::UNAUTHORIZED, "Enter your code");
    page(
        status,
        CodePage {
            layout: StaffLayout::anonymous(&site, &title)?,
            error,
            csrf: &session.csrf_token,
        },
    )
}

pub async fn show_code(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    match pending(&state, &headers, &[Stage::SecondFactor], SECOND_FACTOR_MS).await? {
        Some((session, _)) => code_page(&state, &session, None),
        None => Ok(to_sign_in()),
    }
}

pub async fn check_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let ip = peer.ip().to_string();
    let Some((session, user)) =
        pending(&state, &headers, &[Stage::SecondFactor], SECOND_FACTOR_MS).await?
    else {
        return Ok(to_sign_in());
    };
    csrf::check_session_token(
        state.origins(),
        &session.csrf_token,
        &form.csrf_token,
        &headers,
    )
    .map_err(|_| AppError::Forbidden)?;
    match state
        .authenticator(&ip)
        .code(&session, &user, &form.code)
        .await?
    {
        CodeOutcome::Wrong => code_page(&state, &session, Some(WRONG_CODE)),
        CodeOutcome::Gone => Ok(to_sign_in()),
        CodeOutcome::SignedIn { started, .. } => Ok(redirect_with_cookie("/staff", &started.token)),
    }
}

pub async fn sign_out(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    staff.check_form(&headers, &form.csrf_token)?;
    staff
        .audit(&state, "sign-out", &staff.user.email, "")
        .await?;
    state.store().delete_session(&staff.token_hash).await?;
    let mut response = Redirect::to("/staff/sign-in?done=signed-out").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::clear_cookie());
    Ok(response)
}
