//! `/staff/requests/export`: the request list for a date range as CSV, for admins. Without
//! "include patient details" it holds metadata only; with it, each request's answers are added
//! — a PHI access, audited with the count. Every cell that a spreadsheet would take for a
//! formula (starting with `=`, `+`, `-`, `@`, tab or carriage return) is prefixed with `'`.

use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::session::Staff;
use crate::requests;
use crate::staff::Role;
use crate::store::RequestFilter;
use crate::web::{AppError, AppState};

/// The most rows one export holds.
const MAX_ROWS: i64 = 50_000;

/// One CSV cell: quoted, quotes doubled, formula starts neutralised.
pub fn cell(value: &str) -> String {
    let risky = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let value = if risky {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    format!("\"{}\"", value.replace('"', "\"\""))
}

fn row(cells: &[String]) -> String {
    let mut line = cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(",");
    line.push_str("\r\n");
    line
}

/// The day range `from`–`to` (inclusive, `YYYY-MM-DD` in the main location's time zone) as
/// Unix milliseconds [start, end).
fn range(
    site: &crate::content::Site,
    from: &str,
    to: &str,
) -> Option<(i64, i64, jiff::tz::TimeZone)> {
    let tz = site
        .main_location()
        .and_then(|l| jiff::tz::TimeZone::get(l.timezone.as_str()).ok())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let from: jiff::civil::Date = from.trim().parse().ok()?;
    let to: jiff::civil::Date = to.trim().parse().ok()?;
    if to < from {
        return None;
    }
    let start = from.to_zoned_datetime(tz.clone()).ok()?.timestamp();
    let end = to
        .tomorrow()
        .ok()?
        .to_zoned_datetime(tz.clone())
        .ok()?
        .timestamp();
    Some((start.as_millisecond(), end.as_millisecond(), tz))
}

/// The export's range, and whether patient details are asked for (`details=yes`).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ExportQuery {
    from: String,
    to: String,
    details: Option<Details>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum Details {
    Yes,
    No,
}

pub async fn export(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ExportQuery>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    let site = state.renderer().current();
    let pack = site.pack()?;
    let (from, to) = (query.from.as_str(), query.to.as_str());
    let Some((start, end, tz)) = range(&pack.site, from, to) else {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            "from and to: enter two dates like 2026-11-01 and 2026-11-30, the first not after the second",
        )
            .into_response());
    };
    let details = query.details == Some(Details::Yes);
    let store = state.store();
    let summaries = store
        .request_summaries(&RequestFilter {
            created_since: start,
            created_before: end,
            limit: MAX_ROWS,
            ..RequestFilter::default()
        })
        .await?;
    // Audited before anything sealed is opened, like the request page.
    let detail = format!(
        "{} requests from {} to {}{}",
        summaries.len(),
        from,
        to,
        if details {
            ", with patient details"
        } else {
            ""
        }
    );
    staff
        .audit(&state, "requests.exported", "", &detail)
        .await?;
    let mut header_cells = [
        "reference",
        "type",
        "location",
        "status",
        "received",
        "assigned to",
        "language",
    ]
    .map(str::to_owned)
    .to_vec();
    if details {
        header_cells.push("details".to_owned());
    }
    let mut csv = row(&header_cells);
    for summary in summaries.iter().rev() {
        let received = jiff::Timestamp::from_millisecond(summary.created_at)
            .map(|t| {
                t.to_zoned_datetime(tz.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        let mut cells = vec![
            summary.reference.clone(),
            summary.kind.clone(),
            summary.location.clone(),
            summary.status.slug().to_owned(),
            received,
            summary.assigned_to.clone().unwrap_or_default(),
            summary.lang.clone(),
        ];
        if details {
            let answers = match store.find_request(&summary.reference).await? {
                Some(stored) if stored.request.key_id != "purged" => {
                    requests::open(state.keys(), &stored)?
                        .answers()
                        .into_iter()
                        .map(|(question, answer)| format!("{question}: {answer}"))
                        .collect::<Vec<_>>()
                        .join("; ")
                }
                _ => "(removed after the retention period)".to_owned(),
            };
            cells.push(answers);
        }
        csv.push_str(&row(&cells));
    }
    let mut response = (StatusCode::OK, csv).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    let name = format!(
        "attachment; filename=\"requests-{}-to-{}.csv\"",
        from.trim(),
        to.trim()
    );
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn formulas_are_neutralised_and_quotes_doubled() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        for risky in ["+1", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert!(cell(risky).starts_with("\"'"), "{risky}");
        }
        assert_eq!(cell("Ana, \"Jr\""), "\"Ana, \"\"Jr\"\"\"");
        assert_eq!(cell("R-7KQ3-9M"), "\"R-7KQ3-9M\"");
    }
}
