//! Who is signed in: the `Staff` extractor reads the `__Host-` session cookie, finds the
//! session by the token's hash, and enforces the idle and absolute timeouts and the account's
//! state. Every staff handler takes it, so no staff page is reachable without it; roles are
//! then checked with `require`. Also: the staff forms' CSRF check and writing to the audit log.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::staff::audit::{Actor, Entry};
use crate::staff::{Role, Stage, hash_token};
use crate::store::User;
use crate::web::requests::csrf;
use crate::web::{AppError, AppState};

/// The session cookie. `__Host-` makes the browser insist on `Secure`, `Path=/` and no
/// `Domain`, so no other site or subdomain can set or read it.
pub const COOKIE: &str = "__Host-pestle_staff";

/// Record activity at most this often (a write per page view is wasted work).
const TOUCH_EVERY_MS: i64 = 60_000;

/// A signed-in staff member.
pub struct Staff {
    pub user: User,
    pub role: Role,
    pub token_hash: String,
    /// The token every staff form carries.
    pub csrf: String,
    /// Where staff forms may be posted from.
    pub origins: csrf::Origins,
    pub ip: String,
}

/// The system's time, for handlers not yet given the application's clock.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// The client's address, for the audit log and the sign-in rate limit.
pub fn peer(parts_extensions: &axum::http::Extensions) -> Option<SocketAddr> {
    parts_extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| *address)
}

/// The session token from the request's cookies.
pub fn token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value)
        .filter(|value| value.len() == 64)
}

/// `Set-Cookie` for a new session token. No `Max-Age`: the cookie ends with the browser, and
/// the server ends the session sooner (idle and absolute timeouts).
pub fn set_cookie(token: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; Secure; HttpOnly; SameSite=Strict"
    ))
    .unwrap_or(HeaderValue::from_static(
        "__Host-pestle_staff=; Path=/; Secure",
    ))
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static(
        "__Host-pestle_staff=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0",
    )
}

/// Where a visitor without a valid session goes.
pub fn to_sign_in() -> Response {
    let mut response = Redirect::to("/staff/sign-in").into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, clear_cookie());
    response
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let ip = peer(&parts.extensions).map_or_else(String::new, |a| a.ip().to_string());
        let Some(token) = token(&parts.headers) else {
            return Err(to_sign_in());
        };
        let token_hash = hash_token(token);
        let store = state.store();
        let found = store
            .session(&token_hash)
            .await
            .map_err(|e| AppError::from(e).into_response())?;
        let Some((session, user)) = found else {
            return Err(to_sign_in());
        };
        let now = state.now();
        let policy = state.staff_policy();
        let idle = now - session.last_seen_at > policy.idle_ms;
        let too_old = now - session.created_at > policy.absolute_ms;
        if idle || too_old {
            let why = if idle {
                "idle timeout"
            } else {
                "absolute timeout"
            };
            // Audited first: if the trail cannot be written, the request fails (and the
            // session, still expired, is refused again next time).
            Entry::new(Actor::Staff(&user.email), "session.expired")
                .detail(why)
                .ip(&ip)
                .record(store.as_ref(), now)
                .await
                .map_err(internal)?;
            store.delete_session(&token_hash).await.map_err(internal)?;
            return Err(to_sign_in());
        }
        if user.disabled {
            return Err(to_sign_in());
        }
        // Part-way through signing in: back to the step that is missing, keeping the cookie.
        match session.stage {
            Stage::SignedIn => {}
            Stage::Enrol => return Err(Redirect::to("/staff/two-factor").into_response()),
            Stage::SecondFactor => {
                return Err(Redirect::to("/staff/sign-in/code").into_response());
            }
            Stage::Setup => return Err(to_sign_in()),
        }
        if now - session.last_seen_at > TOUCH_EVERY_MS {
            store
                .touch_session(&token_hash, now)
                .await
                .map_err(internal)?;
        }
        let role = user.role;
        Ok(Self {
            user,
            role,
            token_hash,
            csrf: session.csrf_token,
            origins: state.origins().clone(),
            ip,
        })
    }
}

impl Staff {
    /// Refuses (403) unless this account's role is at least `role`.
    pub fn require(&self, role: Role) -> Result<(), AppError> {
        if self.role >= role {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// A staff form's CSRF check: the session's token in the form, posted from this site.
    pub fn check_form(&self, headers: &HeaderMap, sent_token: &str) -> Result<(), AppError> {
        csrf::check_session_token(&self.origins, &self.csrf, sent_token, headers)
            .map_err(|_| AppError::Forbidden)
    }

    /// Appends to the audit log as this staff member. An entry that cannot be written fails
    /// the request (the caller returns the error before acting, or before answering).
    /// The trail's entry for `action` by this member of staff at `at`, for a store write that
    /// records it in its own transaction.
    pub fn entry(
        &self,
        action: &'static str,
        (subject, detail): (&str, &str),
        at: i64,
    ) -> crate::store::AuditEntry {
        Entry::new(Actor::Staff(&self.user.email), action)
            .subject(subject)
            .detail(detail)
            .ip(&self.ip)
            .at(at)
    }

    pub async fn audit(
        &self,
        state: &AppState,
        action: &'static str,
        subject: &str,
        detail: &str,
    ) -> Result<(), AppError> {
        Entry::new(Actor::Staff(&self.user.email), action)
            .subject(subject)
            .detail(detail)
            .ip(&self.ip)
            .record(state.store().as_ref(), state.now())
            .await?;
        Ok(())
    }
}

fn internal(error: crate::store::StoreError) -> Response {
    AppError::from(error).into_response()
}
