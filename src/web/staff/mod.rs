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
mod messages;
mod provenance_fields;
mod review;
mod revisions;
pub(crate) mod session;
mod site_form;
mod stories;
mod testimonial_form;
mod triage;
mod two_factor;
mod users;

use askama::Template;
use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};

use self::session::Staff;
use super::render::Rendered;
use super::{AppError, AppState};
use crate::store::{Session, User};

pub fn router() -> Router<AppState> {
    routes()
        .into_router()
        .layer(axum::middleware::map_response(no_store))
}

/// Every staff route as (method, path template), from the same table the router is built from
/// — so the permission test cannot miss one.
pub fn route_list() -> Vec<(Method, &'static str)> {
    routes().list
}

fn routes() -> RouteTable {
    let content = "/staff/content/{kind}/{slug}";
    RouteTable::default()
        .get("/staff", inbox::dashboard)
        .get("/staff/sign-in", auth::show_sign_in)
        .post("/staff/sign-in", auth::sign_in)
        .get("/staff/sign-in/code", auth::show_code)
        .post("/staff/sign-in/code", auth::check_code)
        .get("/staff/two-factor", two_factor::show_two_factor)
        .post("/staff/two-factor", two_factor::enrol_two_factor)
        .get("/staff/setup/{token}", two_factor::show_setup)
        .post("/staff/setup/{token}", two_factor::setup)
        .post("/staff/sign-out", auth::sign_out)
        .get("/staff/requests", inbox::list)
        .get("/staff/requests/export", export::export)
        .get("/staff/requests/{reference}", inbox::detail)
        .post("/staff/requests/{reference}/status", triage::set_status)
        .post("/staff/requests/{reference}/assign", triage::assign)
        .post("/staff/requests/{reference}/notes", triage::add_note)
        .post(
            "/staff/requests/{reference}/messages/{id}/resend",
            messages::resend,
        )
        .get("/staff/audit", audit_log::list)
        .get("/staff/users", users::list)
        .post("/staff/users", users::add)
        .post("/staff/users/{id}/{action}", users::change)
        .get("/staff/testimonials", stories::list)
        .post("/staff/testimonials/{id}/{decision}", stories::decide)
        .get("/staff/content", content::list)
        .get("/staff/content/new", content::start)
        .get(content, editor::edit)
        .post(content, editor::save)
        .get(
            "/staff/content/{kind}/{slug}/revisions/{id}",
            revisions::show,
        )
        .post(
            "/staff/content/{kind}/{slug}/revisions/{id}/restore",
            revisions::restore,
        )
        .post("/staff/content/conditions/{slug}/review", review::submit)
        .get(
            "/staff/content/medications/{slug}/form",
            medication_form::show,
        )
        .post(
            "/staff/content/medications/{slug}/form",
            medication_form::submit,
        )
        .get(
            "/staff/content/testimonials/{slug}/form",
            testimonial_form::show,
        )
        .post(
            "/staff/content/testimonials/{slug}/form",
            testimonial_form::submit,
        )
        .get("/staff/content/site/site/form", site_form::show)
        .post("/staff/content/site/site/form", site_form::submit)
        .get(
            "/staff/content/conditions/{slug}/form",
            condition_form::show,
        )
        .post(
            "/staff/content/conditions/{slug}/form",
            condition_form::submit,
        )
}

/// Routes added one method at a time, remembering each (method, path) as it goes.
#[derive(Default)]
struct RouteTable {
    routes: Vec<(&'static str, MethodRouter<AppState>)>,
    list: Vec<(Method, &'static str)>,
}

impl RouteTable {
    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::GET, path, get(handler))
    }

    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::POST, path, post(handler))
    }

    fn add(mut self, method: Method, path: &'static str, route: MethodRouter<AppState>) -> Self {
        match self.routes.iter_mut().find(|(p, _)| *p == path) {
            Some((_, existing)) => {
                *existing = std::mem::take(existing).merge(route);
            }
            None => self.routes.push((path, route)),
        }
        self.list.push((method, path));
        self
    }

    fn into_router(self) -> Router<AppState> {
        self.routes
            .into_iter()
            .fold(Router::new(), |router, (path, route)| {
                router.route(path, route)
            })
    }
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
        let role = user.role;
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

/// A form page's status and title: as asked, or `on_error` and "Error: …" when the form has a
/// problem (screen readers hear the title first).
fn titled(failed: bool, on_error: StatusCode, title: &str) -> (StatusCode, String) {
    if failed {
        (on_error, format!("Error: {title}"))
    } else {
        (StatusCode::OK, title.to_owned())
    }
}

/// Renders a staff page with `status`.
fn page(status: StatusCode, template: impl Template) -> Result<Response, AppError> {
    let html = template.render().map_err(anyhow::Error::from)?;
    Ok((status, Html(html)).into_response())
}
