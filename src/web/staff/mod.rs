//! `/staff`: the back office. Sign-in and two-factor (`auth`), the request inbox (`inbox`),
//! the audit log (`audit_log`), and `session` — the `Staff` extractor every page but the
//! sign-in steps takes, so nothing here is reachable signed out. Every response is
//! `Cache-Control: no-store`: these pages hold patient data and must not linger in a cache or
//! the browser's history.

mod audit_log;
mod auth;
mod condition_form;
mod content;
mod editor;
mod export;
mod inbox;
mod medication_form;
mod review;
mod revisions;
pub(crate) mod session;
mod site_form;
mod stories;
mod testimonial_form;
mod users;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};

use self::session::Staff;
use super::render::Rendered;
use super::{AppError, AppState};
use crate::store::{Session, User};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(inbox::dashboard))
        .route(
            "/staff/sign-in",
            get(auth::show_sign_in).post(auth::sign_in),
        )
        .route(
            "/staff/sign-in/code",
            get(auth::show_code).post(auth::check_code),
        )
        .route(
            "/staff/two-factor",
            get(auth::show_two_factor).post(auth::enrol_two_factor),
        )
        .route(
            "/staff/setup/{token}",
            get(auth::show_setup).post(auth::setup),
        )
        .route("/staff/sign-out", post(auth::sign_out))
        .route("/staff/requests", get(inbox::list))
        .route("/staff/requests/export", get(export::export))
        .route("/staff/requests/{reference}", get(inbox::detail))
        .route(
            "/staff/requests/{reference}/status",
            post(inbox::set_status),
        )
        .route("/staff/requests/{reference}/assign", post(inbox::assign))
        .route("/staff/requests/{reference}/notes", post(inbox::add_note))
        .route("/staff/audit", get(audit_log::list))
        .route("/staff/users", get(users::list).post(users::add))
        .route("/staff/users/{id}/{action}", post(users::change))
        .route("/staff/testimonials", get(stories::list))
        .route("/staff/testimonials/{id}/{decision}", post(stories::decide))
        .route("/staff/content", get(content::list))
        .route("/staff/content/new", get(content::start))
        .route(
            "/staff/content/{kind}/{slug}",
            get(editor::edit).post(editor::save),
        )
        .route(
            "/staff/content/{kind}/{slug}/revisions/{id}",
            get(revisions::show),
        )
        .route(
            "/staff/content/{kind}/{slug}/revisions/{id}/restore",
            post(revisions::restore),
        )
        .route(
            "/staff/content/conditions/{slug}/review",
            post(review::submit),
        )
        .route(
            "/staff/content/medications/{slug}/form",
            get(medication_form::show).post(medication_form::submit),
        )
        .route(
            "/staff/content/testimonials/{slug}/form",
            get(testimonial_form::show).post(testimonial_form::submit),
        )
        .route(
            "/staff/content/site/site/form",
            get(site_form::show).post(site_form::submit),
        )
        .route(
            "/staff/content/conditions/{slug}/form",
            get(condition_form::show).post(condition_form::submit),
        )
        .layer(axum::middleware::map_response(no_store))
}

/// Every staff response, errors and redirects included.
async fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The frame of every staff page (`templates/staff/base.html`).
pub struct StaffLayout<'a> {
    pub site_name: &'a str,
    pub css: &'a str,
    pub title: String,
    /// The navigation entry to mark as current.
    pub section: &'static str,
    pub who: Option<Who>,
}

/// The signed-in account, for the header.
pub struct Who {
    pub email: String,
    pub role: &'static str,
    pub admin: bool,
    /// Pharmacists and admins edit content.
    pub editor: bool,
    /// The sign-out form's CSRF token.
    pub csrf: String,
}

impl<'a> StaffLayout<'a> {
    /// For the sign-in steps: no navigation.
    pub fn anonymous(site: &'a Rendered, title: &str) -> Result<Self, AppError> {
        Ok(Self {
            site_name: &site.pack()?.site.name,
            css: site.css_href(),
            title: title.to_owned(),
            section: "",
            who: None,
        })
    }

    pub fn signed_in(
        site: &'a Rendered,
        title: &str,
        section: &'static str,
        staff: &Staff,
    ) -> Result<Self, AppError> {
        Ok(Self {
            who: Some(Who {
                email: staff.user.email.clone(),
                role: staff.role.slug(),
                admin: staff.role >= crate::staff::Role::Admin,
                editor: staff.role >= crate::staff::Role::Pharmacist,
                csrf: staff.csrf.clone(),
            }),
            section,
            ..Self::anonymous(site, title)?
        })
    }

    /// For a page reached with a session that `Staff` was not built for (enrolment).
    pub fn for_session(
        site: &'a Rendered,
        title: &str,
        section: &'static str,
        user: &User,
        session: &Session,
    ) -> Result<Self, AppError> {
        let role = crate::staff::Role::parse(&user.role).map_err(|e| anyhow::anyhow!(e))?;
        Ok(Self {
            who: Some(Who {
                email: user.email.clone(),
                role: role.slug(),
                admin: role >= crate::staff::Role::Admin,
                editor: role >= crate::staff::Role::Pharmacist,
                csrf: session.csrf_token.clone(),
            }),
            section,
            ..Self::anonymous(site, title)?
        })
    }
}

/// Renders a staff page with `status`.
fn page(status: StatusCode, template: impl Template) -> Result<Response, AppError> {
    let html = template.render().map_err(anyhow::Error::from)?;
    Ok((status, Html(html)).into_response())
}
