//! Patients turning their updates off: `POST /sms/inbound`, where the SMS provider forwards
//! replies (STOP, START) — believed only with the provider's signature — and the one-click
//! unsubscribe link every e-mail carries (RFC 8058). Each is recorded per number or address as
//! a keyed digest, never the number or address, and audited without it.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use std::net::SocketAddr;

use axum::extract::ConnectInfo;

use super::render::{Meta, PageRequest};
use super::requests::{Limit, too_many};
use super::{AppError, AppState};
use crate::notify::sms::opt_out_word;
use crate::requests::updates::{OPT_OUT_DIGEST, opt_out_value};
use crate::staff::audit::{Actor, Entry};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/sms/inbound", post(inbound_sms))
        .route(
            "/updates/unsubscribe/{token}",
            get(show_unsubscribe).post(unsubscribe),
        )
        // The link in a Spanish e-mail.
        .route(
            "/es/updates/unsubscribe/{token}",
            get(show_unsubscribe).post(unsubscribe),
        )
}

/// A reply to one of our texts, as the provider forwards it (form-encoded `From`, `Body`, …).
async fn inbound_sms(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, AppError> {
    let Some(sms) = &state.updates().sms else {
        return Err(AppError::NotFound);
    };
    let params: Vec<(String, String)> = url::form_urlencoded::parse(&body)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect();
    // The provider signs the URL it was told to call: ours, as the public knows it.
    let url = state
        .updates()
        .public_url
        .join("sms/inbound")
        .map_or_else(|_| String::new(), String::from);
    let signature = headers
        .get("x-twilio-signature")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if !sms.verify(&url, &params, signature) {
        tracing::warn!("refused an SMS webhook call without a valid signature");
        return Ok((StatusCode::FORBIDDEN, "invalid signature").into_response());
    }
    let field = |name: &str| {
        params
            .iter()
            .find(|(key, _)| key == name)
            .map_or("", |(_, value)| value.as_str())
    };
    let from = field("From").trim();
    if let Some(stop) = opt_out_word(field("Body"))
        && from.starts_with('+')
    {
        let digest = state
            .keys()
            .digest(OPT_OUT_DIGEST, &opt_out_value("sms", from));
        let action = if stop {
            "patient.opted-out"
        } else {
            "patient.opted-in"
        };
        // The word and its audit line in one transaction: both or neither (then a 500, which
        // the provider's console shows).
        let entry = Entry::new(Actor::Anonymous, action).detail("sms");
        state
            .store()
            .set_opt_out(&digest, stop, &entry.at(state.now()))
            .await?;
    }
    // An empty TwiML answer: no reply text from us (the provider confirms STOP itself).
    let mut response = (
        StatusCode::OK,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>",
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/xml; charset=utf-8"),
    );
    Ok(response)
}

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage<'a> {
    layout: super::render::Layout<'a>,
    token: &'a str,
    done: bool,
}

/// A token is an opt-out digest: `<key id>:<64 hex digits>` under a key still held.
fn valid(state: &AppState, token: &str) -> bool {
    match token.split_once(':') {
        Some((id, hex)) => {
            hex.len() == 64
                && hex.bytes().all(|b| b.is_ascii_hexdigit())
                && state.keys().ids().any(|known| known == id)
        }
        None => false,
    }
}

async fn show_unsubscribe(
    page: PageRequest,
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Response {
    if !valid(&state, &token) {
        return page.not_found();
    }
    render(&page, &token, false)
}

/// The link's button, or the mail provider's one-click POST (`List-Unsubscribe=One-Click`):
/// either way the token is the authority, so there is no form token to check.
async fn unsubscribe(
    page: PageRequest,
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    if !valid(&state, &token) {
        return Ok(page.not_found());
    }
    if let Err(wait) = state.take_token(Limit::Requests, peer.ip()).await {
        return Ok(too_many(wait, crate::metrics::Limit::RequestForm));
    }
    // Once is enough: a second click (or a mail app's retry) writes nothing more.
    let store = state.store();
    if !store.opted_out(std::slice::from_ref(&token)).await? {
        let entry = Entry::new(Actor::Anonymous, "patient.opted-out").detail("email");
        store
            .set_opt_out(&token, true, &entry.at(state.now()))
            .await?;
    }
    Ok(render(&page, &token, true))
}

fn render(page: &PageRequest, token: &str, done: bool) -> Response {
    let html = page
        .site
        .layout(
            Meta::new(
                crate::i18n::text(page.lang, "unsubscribe-title"),
                crate::i18n::text(page.lang, "unsubscribe-description"),
                "/updates/unsubscribe",
            )
            .noindex()
            .lang(page.lang),
        )
        .and_then(|layout| {
            Ok(UnsubscribePage {
                layout,
                token,
                done,
            }
            .render()
            .map_err(anyhow::Error::from)?)
        });
    match html {
        Ok(html) => {
            let mut response = Html(html).into_response();
            response
                .headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(error) => error.into_response(),
    }
}
