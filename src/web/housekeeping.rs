//! Background housekeeping for requests, once a minute by default: a request still new after
//! `request_overdue_after` of its location's opening hours gets one reminder to staff (on
//! the notification channels, no patient data); a request closed longer than
//! `request_purge_after` has its sealed contents purged — its metadata and the audit trail
//! stay; shared rate-limit buckets full again are deleted. With several instances one runs
//! each round (a lease in the store), and each reminder and purge is claimed besides.

use std::time::Duration;

use jiff::Timestamp;

use super::AppState;
use crate::requests::Kind;
use crate::staff::audit::{Actor, Entry};
use crate::store::NewNotification;

/// Reminders sent and requests purged in one round.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub reminded: usize,
    pub purged: usize,
}

pub fn spawn(state: AppState, retention: Duration, every: Duration) -> tokio::task::JoinHandle<()> {
    let retention_ms = i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
    // A round is leased for a little less than the period, so the next one is free on time.
    let lease_ms = i64::try_from(every.as_millis() * 9 / 10).unwrap_or(i64::MAX);
    tokio::spawn(async move {
        loop {
            let now = Timestamp::now().as_millisecond();
            let ours = state
                .store()
                .claim_job("housekeeping", now, now.saturating_add(lease_ms))
                .await;
            let round = match ours {
                Ok(true) => run_once(&state, now, retention_ms).await,
                // Another instance has this round.
                Ok(false) => Ok(Round::default()),
                Err(error) => Err(error.into()),
            };
            match round {
                Ok(round) if round != Round::default() => {
                    tracing::info!(
                        reminded = round.reminded,
                        purged = round.purged,
                        "housekeeping"
                    );
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(error = format!("{error:#}"), "housekeeping failed"),
            }
            tokio::time::sleep(every).await;
        }
    })
}

pub async fn run_once(state: &AppState, now: i64, retention_ms: i64) -> anyhow::Result<Round> {
    let store = state.store();
    let mut round = Round::default();
    let overdue_ms = state.staff_policy().overdue_ms;
    let snapshot = state.content().snapshot();
    let locations = snapshot
        .pack
        .as_ref()
        .map(|p| p.site.locations.clone())
        .unwrap_or_default();
    // Opening hours never add up to more than the wall clock, so older-than is a first cut.
    for request in store.reminder_candidates(now - overdue_ms).await? {
        let place = locations
            .iter()
            .find(|l| l.slug.as_str() == request.location);
        let waited = match place {
            Some(place) => place.open_ms_between(
                Timestamp::from_millisecond(request.created_at)?,
                Timestamp::from_millisecond(now)?,
            ),
            None => now - request.created_at,
        };
        if waited <= overdue_ms {
            continue;
        }
        let noun = Kind::from_slug(&request.kind).map_or("request", Kind::noun);
        let place_name = place.map_or(request.location.as_str(), |p| p.name.as_str());
        let reminder = NewNotification {
            message: format!(
                "Waiting: {noun} {} at {place_name} has not been picked up after {} minutes of opening hours",
                request.reference,
                overdue_ms / 60_000
            ),
            due_at: now,
            channels: state.notification_channels().to_vec(),
        };
        store.remind(&request.reference, &reminder).await?;
        round.reminded += 1;
    }
    for reference in store.purge_closed(now - retention_ms, now).await? {
        Entry::new(Actor::System, "request.purged")
            .subject(&reference)
            .detail("retention period over")
            .record(store.as_ref(), now)
            .await?;
        round.purged += 1;
    }
    if store.limits_in_database() {
        let full = i64::try_from(crate::web::requests::FULL_AFTER.as_millis()).unwrap_or(i64::MAX);
        store.forget_rate_limits(now - full).await?;
    }
    // Wrong status-page answers whose window and lock have both passed count for nothing.
    store
        .forget_status_tries(now - crate::requests::status::LOCK_MS)
        .await?;
    Ok(round)
}
