//! `/staff/audit`: the audit log, for admins, filtered by who, action and subject. Viewing it
//! is itself audited only in the sense that it needs an admin session: it holds no patient
//! data (references, not contents).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::session::Staff;
use super::{StaffLayout, page};
use crate::staff::Role;
use crate::store::{AuditEntry, AuditFilter};
use crate::web::{AppError, AppState};

const LIMIT: i64 = 500;

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditPage<'a> {
    layout: StaffLayout<'a>,
    /// (when, entry)
    entries: Vec<(String, AuditEntry)>,
    actor: String,
    action: String,
    subject: String,
    limit: i64,
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<HashMap<String, String>>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    let get = |name: &str| query.get(name).map_or("", |v| v.trim()).to_owned();
    let filter = AuditFilter {
        actor: get("actor").to_lowercase(),
        action: get("action"),
        subject: get("subject"),
        limit: LIMIT,
    };
    let site = state.renderer().current();
    let pack = site.pack()?;
    let entries = state
        .store()
        .audit(&filter)
        .await?
        .into_iter()
        .map(|entry| (super::inbox::local_time(&pack.site, entry.at), entry))
        .collect();
    page(
        StatusCode::OK,
        AuditPage {
            layout: StaffLayout::signed_in(&site, "Audit log", "audit", &staff)?,
            entries,
            actor: filter.actor,
            action: filter.action,
            subject: filter.subject,
            limit: LIMIT,
        },
    )
}
