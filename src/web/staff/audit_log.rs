//! `/staff/audit`: the audit log, for admins, filtered by who, action and subject. Viewing it
//! is itself audited only in the sense that it needs an admin session: it holds no patient
//! data (references, not contents).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

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

/// The log's filters; each empty one matches everything.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    actor: String,
    action: String,
    subject: String,
}

pub async fn list(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<AuditQuery>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    let filter = AuditFilter {
        actor: query.actor.trim().to_lowercase(),
        action: query.action.trim().to_owned(),
        subject: query.subject.trim().to_owned(),
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
