//! Signing in and out: password, then (for accounts that have it, and always for admins and
//! pharmacists) a TOTP or recovery code; two-factor enrolment; the one-time setup link that
//! sets a new account's password. Every wrong answer gets the same words and costs one argon2
//! verification, whether or not the account exists; each failure lengthens that account's
//! wait (`staff::delay_after`), and each address has its own hourly limit.

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use std::net::SocketAddr;

use axum::extract::{ConnectInfo, Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::session::{
    self, ENROL, SECOND_FACTOR, SETUP, SIGNED_IN, Staff, audit, now_ms, set_cookie, to_sign_in,
};
use super::{StaffLayout, page};
use crate::staff::{Email, Role, delay_after, hash_token, new_token, password, totp};
use crate::store::{Session, User};
use crate::web::requests::csrf;
use crate::web::{AppError, AppState};

/// How long the step between password and code may take.
const SECOND_FACTOR_MS: i64 = 5 * 60 * 1000;
/// How long a setup link works.
pub const SETUP_LINK_MS: i64 = 24 * 60 * 60 * 1000;

/// One sentence for every failed sign-in: it must not tell a known account from an unknown
/// one, nor say that an account is waiting out a delay.
const REFUSED: &str = "That e-mail address and password do not match an account we can sign in. \
     Check them and try again; after several tries, wait a minute between attempts.";
const WRONG_CODE: &str = "That code is not right. Enter the 6-digit code your app shows now, \
     or one of your recovery codes. After several tries, wait a minute between attempts.";

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

#[derive(Template)]
#[template(path = "staff/two_factor.html")]
struct TwoFactorPage<'a> {
    layout: StaffLayout<'a>,
    error: Option<&'a str>,
    csrf: &'a str,
    qr_svg: &'a str,
    secret: &'a str,
    enrolled: bool,
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

pub async fn show_sign_in(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let notice = match query.get("done").map(String::as_str) {
        Some("signed-out") => Some("You are signed out."),
        Some("password-set") => Some("Your password is set. Sign in with it now."),
        _ => None,
    };
    let site = state.renderer().current();
    let layout = StaffLayout::anonymous(&site, "Sign in")?;
    page(
        StatusCode::OK,
        SignInPage {
            layout,
            error: None,
            email: "",
            notice,
        },
    )
}

pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let ip = peer.ip().to_string();
    csrf::same_origin(state.origins(), &headers).map_err(|_| AppError::Forbidden)?;
    if let Err(wait) = state
        .sign_in_limiter()
        .take(peer.ip(), std::time::Instant::now())
    {
        audit(
            state.store().as_ref(),
            "anonymous",
            "sign-in.rate-limited",
            "",
            "",
            &ip,
        )
        .await?;
        return Ok(crate::web::requests::too_many(wait));
    }
    let typed_email = fields.get("email").map_or("", String::as_str);
    let typed_password = fields.get("password").map_or("", String::as_str);
    let store = state.store();
    let user = match Email::parse(typed_email) {
        Ok(email) => store.user_by_email(email.as_str()).await?,
        Err(_) => None,
    };
    let now = now_ms();
    // Always one verification, so timing does not tell whether the account exists.
    let stored = user.as_ref().and_then(|u| u.password_hash.as_deref());
    let matches = password::verify(typed_password, stored);
    let refused = |state: &AppState, email: &str| -> Result<Response, AppError> {
        let site = state.renderer().current();
        let layout = StaffLayout::anonymous(&site, "Error: Sign in")?;
        page(
            StatusCode::UNAUTHORIZED,
            SignInPage {
                layout,
                error: Some(REFUSED),
                email,
                notice: None,
            },
        )
    };
    let Some(mut user) = user else {
        audit(
            store.as_ref(),
            "anonymous",
            "sign-in.failed",
            "",
            "unknown account",
            &ip,
        )
        .await?;
        return refused(&state, typed_email);
    };
    let why = if user.disabled {
        Some("account disabled")
    } else if now < user.locked_until {
        Some("waiting after failed attempts")
    } else if !matches {
        Some("wrong password")
    } else {
        None
    };
    if let Some(why) = why {
        if why != "account disabled" {
            record_failure(&state, &mut user, now).await?;
        }
        audit(
            store.as_ref(),
            "anonymous",
            "sign-in.failed",
            &user.email,
            why,
            &ip,
        )
        .await?;
        return refused(&state, typed_email);
    }
    user.failed_attempts = 0;
    user.locked_until = 0;
    store.update_user(&user).await?;
    let role = Role::parse(&user.role).map_err(|e| anyhow::anyhow!(e))?;
    let stage = if user.totp_sealed.is_some() {
        SECOND_FACTOR
    } else if role.needs_two_factor() {
        ENROL
    } else {
        SIGNED_IN
    };
    // A new token at every sign-in: whatever token the browser had before is worthless.
    if let Some(old) = session::token(&headers) {
        store.delete_session(&hash_token(old)).await?;
    }
    let token = start_session(&state, &user, stage, now).await?;
    let action = if stage == SIGNED_IN {
        "sign-in.succeeded"
    } else {
        "sign-in.password-accepted"
    };
    audit(store.as_ref(), &user.email, action, &user.email, "", &ip).await?;
    let next = match stage {
        SECOND_FACTOR => "/staff/sign-in/code",
        ENROL => "/staff/two-factor",
        _ => "/staff",
    };
    Ok(redirect_with_cookie(next, &token))
}

async fn record_failure(state: &AppState, user: &mut User, now: i64) -> Result<(), AppError> {
    user.failed_attempts += 1;
    user.locked_until = now + delay_after(user.failed_attempts);
    state.store().update_user(user).await?;
    Ok(())
}

async fn start_session(
    state: &AppState,
    user: &User,
    stage: &str,
    now: i64,
) -> Result<String, AppError> {
    let (token, token_hash) = new_token();
    let (csrf_token, _) = new_token();
    state
        .store()
        .create_session(&Session {
            token_hash,
            user_id: user.id,
            stage: stage.to_owned(),
            csrf_token,
            created_at: now,
            last_seen_at: now,
        })
        .await?;
    Ok(token)
}

fn redirect_with_cookie(to: &str, token: &str) -> Response {
    let mut response = Redirect::to(to).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie(token));
    response
}

/// A session part-way through signing in (`stage`), still within its time.
async fn pending(
    state: &AppState,
    headers: &HeaderMap,
    stages: &[&str],
    within_ms: i64,
) -> Result<Option<(Session, User)>, AppError> {
    let Some(token) = session::token(headers) else {
        return Ok(None);
    };
    let found = state.store().session(&hash_token(token)).await?;
    Ok(found.filter(|(session, user)| {
        stages.contains(&session.stage.as_str())
            && now_ms() - session.created_at <= within_ms
            && !user.disabled
    }))
}

pub async fn show_code(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some((session, _)) = pending(&state, &headers, &[SECOND_FACTOR], SECOND_FACTOR_MS).await?
    else {
        return Ok(to_sign_in());
    };
    let site = state.renderer().current();
    page(
        StatusCode::OK,
        CodePage {
            layout: StaffLayout::anonymous(&site, "Enter your code")?,
            error: None,
            csrf: &session.csrf_token,
        },
    )
}

pub async fn check_code(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let ip = peer.ip().to_string();
    let Some((session, mut user)) =
        pending(&state, &headers, &[SECOND_FACTOR], SECOND_FACTOR_MS).await?
    else {
        return Ok(to_sign_in());
    };
    csrf::check_session_token(
        state.origins(),
        &session.csrf_token,
        fields.get(csrf::FIELD).map_or("", String::as_str),
        &headers,
    )
    .map_err(|_| AppError::Forbidden)?;
    let code = fields.get("code").map_or("", String::as_str);
    let now = now_ms();
    let secret = open_totp(&state, &user)?;
    // A code works once: its step must be later than the last one accepted.
    let step = secret
        .as_deref()
        .and_then(|s| totp::matching_step(s, code, u64::try_from(now / 1000).unwrap_or(0)))
        .and_then(|step| i64::try_from(step).ok())
        .filter(|step| *step > user.totp_last_step);
    let by_app = now >= user.locked_until && step.is_some();
    let recovery = if by_app || now < user.locked_until {
        None
    } else {
        totp::use_recovery_code(&user.recovery_hashes, code)
    };
    let store = state.store();
    if !by_app && recovery.is_none() {
        record_failure(&state, &mut user, now).await?;
        audit(
            store.as_ref(),
            "anonymous",
            "sign-in.failed",
            &user.email,
            "wrong code",
            &ip,
        )
        .await?;
        let site = state.renderer().current();
        return page(
            StatusCode::UNAUTHORIZED,
            CodePage {
                layout: StaffLayout::anonymous(&site, "Error: Enter your code")?,
                error: Some(WRONG_CODE),
                csrf: &session.csrf_token,
            },
        );
    }
    if let Some(left) = &recovery {
        user.recovery_hashes = left.clone();
    }
    if let (true, Some(step)) = (by_app, step) {
        user.totp_last_step = step;
    }
    user.failed_attempts = 0;
    user.locked_until = 0;
    store.update_user(&user).await?;
    store.delete_session(&session.token_hash).await?;
    let token = start_session(&state, &user, SIGNED_IN, now).await?;
    let how = if recovery.is_some() {
        "recovery code"
    } else {
        "authenticator code"
    };
    audit(
        store.as_ref(),
        &user.email,
        "sign-in.succeeded",
        &user.email,
        how,
        &ip,
    )
    .await?;
    Ok(redirect_with_cookie("/staff", &token))
}

/// The account's TOTP secret, opened with the data keys.
fn open_totp(state: &AppState, user: &User) -> Result<Option<Vec<u8>>, AppError> {
    match (&user.totp_key_id, &user.totp_sealed) {
        (Some(key_id), Some(blob)) => {
            let sealed = crate::requests::Sealed {
                key_id: key_id.clone(),
                blob: blob.clone(),
            };
            Ok(Some(
                state
                    .keys()
                    .open(&sealed, totp_context(user.id).as_bytes())?,
            ))
        }
        _ => Ok(None),
    }
}

/// Binds a sealed TOTP secret to its account.
fn totp_context(user_id: i64) -> String {
    format!("totp|{user_id}")
}

/// Enrolment is open to a signed-in account (to set up or replace its codes) and to one that
/// must enrol before it may sign in.
async fn enrolling(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<(Session, User)>, AppError> {
    let policy = state.staff_policy();
    let found = pending(state, headers, &[ENROL, SIGNED_IN], policy.absolute_ms).await?;
    // The same idle timeout as every other staff page: an unattended session must not be
    // able to replace the account's second factor.
    Ok(found.filter(|(session, _)| now_ms() - session.last_seen_at <= policy.idle_ms))
}

pub async fn show_two_factor(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some((session, user)) = enrolling(&state, &headers).await? else {
        return Ok(to_sign_in());
    };
    let secret = totp::new_secret();
    two_factor_page(&state, &session, &user, &secret, None, StatusCode::OK)
}

fn two_factor_page(
    state: &AppState,
    session: &Session,
    user: &User,
    secret: &[u8],
    error: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let site = state.renderer().current();
    let pack = site.pack()?;
    let enrolment = totp::enrolment(secret, &user.email, &pack.site.name)?;
    let title = if error.is_some() {
        "Error: Two-factor sign-in"
    } else {
        "Two-factor sign-in"
    };
    let layout = if session.stage == SIGNED_IN {
        StaffLayout::for_session(&site, title, "two-factor", user, session)?
    } else {
        StaffLayout::anonymous(&site, title)?
    };
    page(
        status,
        TwoFactorPage {
            layout,
            error,
            csrf: &session.csrf_token,
            qr_svg: &enrolment.qr_svg,
            secret: &enrolment.secret_base32,
            enrolled: user.totp_sealed.is_some(),
        },
    )
}

pub async fn enrol_two_factor(
    State(state): State<AppState>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let ip = peer.ip().to_string();
    let Some((session, mut user)) = enrolling(&state, &headers).await? else {
        return Ok(to_sign_in());
    };
    csrf::check_session_token(
        state.origins(),
        &session.csrf_token,
        fields.get(csrf::FIELD).map_or("", String::as_str),
        &headers,
    )
    .map_err(|_| AppError::Forbidden)?;
    // The secret travels in the form: the page shows it anyway, for typing in by hand.
    let secret = fields
        .get("secret")
        .and_then(|s| totp::secret_from_base32(s))
        .filter(|s| s.len() == 20)
        .ok_or(AppError::Forbidden)?;
    let code = fields.get("code").map_or("", String::as_str);
    let now = now_ms();
    let step = totp::matching_step(&secret, code, u64::try_from(now / 1000).unwrap_or(0));
    let Some(step) = step.and_then(|s| i64::try_from(s).ok()) else {
        return two_factor_page(
            &state,
            &session,
            &user,
            &secret,
            Some(
                "That code is not right. Enter the 6-digit code your app shows for this account now.",
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let sealed = state
        .keys()
        .seal(&secret, totp_context(user.id).as_bytes())?;
    user.totp_last_step = step;
    let (codes, hashes) = totp::new_recovery_codes();
    user.totp_key_id = Some(sealed.key_id);
    user.totp_sealed = Some(sealed.blob);
    user.recovery_hashes = hashes;
    let store = state.store();
    store.update_user(&user).await?;
    audit(
        store.as_ref(),
        &user.email,
        "two-factor.enrolled",
        &user.email,
        "",
        &ip,
    )
    .await?;
    let site = state.renderer().current();
    let mut response = if session.stage == ENROL {
        // Enrolment completes the sign-in: a fresh token for the signed-in session.
        store.delete_session(&session.token_hash).await?;
        let token = start_session(&state, &user, SIGNED_IN, now).await?;
        audit(
            store.as_ref(),
            &user.email,
            "sign-in.succeeded",
            &user.email,
            "enrolled",
            &ip,
        )
        .await?;
        let layout = StaffLayout::anonymous(&site, "Your recovery codes")?;
        let mut response = page(
            StatusCode::OK,
            RecoveryCodesPage {
                layout,
                codes: &codes,
            },
        )?;
        response
            .headers_mut()
            .insert(header::SET_COOKIE, set_cookie(&token));
        response
    } else {
        let layout =
            StaffLayout::for_session(&site, "Your recovery codes", "two-factor", &user, &session)?;
        page(
            StatusCode::OK,
            RecoveryCodesPage {
                layout,
                codes: &codes,
            },
        )?
    };
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

pub async fn sign_out(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.check_form(
        &headers,
        fields
            .get(crate::web::requests::csrf::FIELD)
            .map_or("", String::as_str),
    )?;
    state.store().delete_session(&staff.token_hash).await?;
    staff
        .audit(&state, "sign-out", &staff.user.email, "")
        .await?;
    let mut response = Redirect::to("/staff/sign-in?done=signed-out").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, session::clear_cookie());
    Ok(response)
}

/// The one-time setup link's session, if the link is still good.
async fn setup_session(state: &AppState, token: &str) -> Result<Option<(Session, User)>, AppError> {
    if token.len() != 64 {
        return Ok(None);
    }
    let found = state.store().session(&hash_token(token)).await?;
    Ok(found.filter(|(session, user)| {
        session.stage == SETUP && now_ms() - session.created_at <= SETUP_LINK_MS && !user.disabled
    }))
}

pub async fn show_setup(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some((_, user)) = setup_session(&state, &token).await? else {
        return Err(AppError::NotFound);
    };
    let site = state.renderer().current();
    page(
        StatusCode::OK,
        SetupPage {
            layout: StaffLayout::anonymous(&site, "Set your password")?,
            error: None,
            email: &user.email,
        },
    )
}

pub async fn setup(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    let ip = peer.ip().to_string();
    csrf::same_origin(state.origins(), &headers).map_err(|_| AppError::Forbidden)?;
    let Some((session, mut user)) = setup_session(&state, &token).await? else {
        return Err(AppError::NotFound);
    };
    let typed = fields.get("password").map_or("", String::as_str);
    let again = fields.get("password_again").map_or("", String::as_str);
    let problem = match password::NewPassword::parse(typed) {
        Err(problem) => Some(problem),
        Ok(_) if typed != again => Some("The two passwords are not the same".to_owned()),
        Ok(new) => {
            user.password_hash = Some(password::hash(&new)?);
            None
        }
    };
    if let Some(problem) = problem {
        let site = state.renderer().current();
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            SetupPage {
                layout: StaffLayout::anonymous(&site, "Error: Set your password")?,
                error: Some(&problem),
                email: &user.email,
            },
        );
    }
    let store = state.store();
    store.update_user(&user).await?;
    store.delete_session(&session.token_hash).await?;
    audit(
        store.as_ref(),
        &user.email,
        "user.password-set",
        &user.email,
        "setup link",
        &ip,
    )
    .await?;
    Ok(Redirect::to("/staff/sign-in?done=password-set").into_response())
}
