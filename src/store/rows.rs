//! Content rows, written and read the same way on every backend. The SQL here is portable
//! (both SQLite and PostgreSQL take `$1` placeholders and `ON CONFLICT … DO UPDATE`), so the
//! backends only differ in how they connect, migrate and lock.

use std::marker::PhantomData;

use crate::content::{Condition, ContentPack, Medication, Site, Slug, Testimonial};

use super::backend::Backend;
use super::outreach::Followup;
use super::plan::{ImportPlan, Stored, Write};
use super::query::query;
use super::records::{NewNotification, NewRequest, Notification, StoredRequest};
use super::values::RequestStatus;
use super::{StoreError, StoreResult, decode};

/// The shared content queries, for any backend whose driver supports what they bind and read.
/// The bounds are written once here rather than on every function.
pub struct Rows<DB>(PhantomData<DB>);

/// A `requests` row: reference, kind, location, created_at, key_id, sealed, status,
/// assigned_to, lang.
pub(super) type RequestRow = (
    String,
    String,
    String,
    i64,
    String,
    Vec<u8>,
    String,
    Option<String>,
    String,
);

impl<DB: Backend> Rows<DB> {
    /// Fingerprints of the stored content, by slug.
    pub async fn read_stored(conn: &mut DB::Connection) -> StoreResult<Stored> {
        let site: Option<(String,)> = query::<DB>("SELECT fingerprint FROM site WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?;
        let mut stored = Stored {
            site: site.map(|(f,)| f),
            ..Stored::default()
        };
        for (table, map) in [
            ("conditions", &mut stored.conditions),
            ("medications", &mut stored.medications),
            ("testimonials", &mut stored.testimonials),
        ] {
            let rows: Vec<(String, String)> =
                query::<DB>(&format!("SELECT slug, fingerprint FROM {table}"))
                    .fetch_all(&mut *conn)
                    .await?;
            map.extend(rows);
        }
        Ok(stored)
    }

    /// Executes `plan` on `conn` (inside the caller's transaction) and bumps the content version.
    pub async fn write_plan(
        conn: &mut DB::Connection,
        plan: &ImportPlan<'_>,
        now: i64,
    ) -> StoreResult<()> {
        if !plan.report.changed() {
            return Ok(());
        }
        if let Some(Write {
            entry: site,
            fingerprint,
            ..
        }) = &plan.site
        {
            query::<DB>(
                "INSERT INTO site (id, data, fingerprint, updated_at) VALUES (1, $1, $2, $3) \
                 ON CONFLICT (id) DO UPDATE SET data = excluded.data, \
                 fingerprint = excluded.fingerprint, updated_at = excluded.updated_at",
            )
            .bind(json(site))
            .bind(fingerprint.clone())
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        // Order matters for the foreign keys: medications exist before conditions link to them,
        // and pruned conditions (with their links) go before pruned medications.
        for Write {
            entry: medication,
            fingerprint,
            ..
        } in &plan.medications
        {
            query::<DB>(
                "INSERT INTO medications (slug, name, status, data, fingerprint, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (slug) DO UPDATE SET name = excluded.name, status = excluded.status, \
                 data = excluded.data, fingerprint = excluded.fingerprint, updated_at = excluded.updated_at",
            )
            .bind(medication.slug.to_string())
            .bind(medication.meta.name.clone())
            .bind(medication.meta.status.to_string())
            .bind(json(&medication.meta))
            .bind(fingerprint.clone())
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        for Write {
            entry: testimonial,
            fingerprint,
            ..
        } in &plan.testimonials
        {
            query::<DB>(
                "INSERT INTO testimonials (slug, data, fingerprint, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (slug) DO UPDATE SET data = excluded.data, \
                 fingerprint = excluded.fingerprint, updated_at = excluded.updated_at",
            )
            .bind(testimonial.slug.to_string())
            .bind(json(&testimonial.meta))
            .bind(fingerprint.clone())
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        Self::delete(conn, "conditions", &plan.delete_conditions).await?;
        for write in &plan.conditions {
            Self::write_condition(conn, write, now).await?;
        }
        Self::delete(conn, "medications", &plan.delete_medications).await?;
        Self::delete(conn, "testimonials", &plan.delete_testimonials).await?;
        query::<DB>("UPDATE content_meta SET version = version + 1 WHERE id = 1")
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    async fn write_condition(
        conn: &mut DB::Connection,
        write: &Write<'_, Condition>,
        now: i64,
    ) -> StoreResult<()> {
        let condition = write.entry;
        let slug = condition.slug.to_string();
        query::<DB>(
            "INSERT INTO conditions (slug, title, category, data, body, fingerprint, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (slug) DO UPDATE SET title = excluded.title, category = excluded.category, \
             data = excluded.data, body = excluded.body, fingerprint = excluded.fingerprint, \
             updated_at = excluded.updated_at",
        )
        .bind(slug.clone())
        .bind(condition.meta.title.clone())
        .bind(condition.meta.category.clone())
        .bind(json(&condition.meta))
        .bind(condition.body.clone())
        .bind(write.fingerprint.clone())
        .bind(now)
        .execute(&mut *conn)
        .await?;
        if write.replaces {
            query::<DB>("DELETE FROM condition_medications WHERE condition_slug = $1")
                .bind(slug.clone())
                .execute(&mut *conn)
                .await?;
        }
        // All links in one statement: a round trip per link made large imports slow.
        let links: Vec<_> = condition.meta.medications.all().collect();
        if links.is_empty() {
            return Ok(());
        }
        let values: Vec<String> = (0..links.len())
            .map(|i| {
                format!(
                    "(${}, ${}, ${}, ${})",
                    4 * i + 1,
                    4 * i + 2,
                    4 * i + 3,
                    4 * i + 4
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO condition_medications \
             (condition_slug, medication_slug, availability, position) VALUES {}",
            values.join(", ")
        );
        let mut insert = query::<DB>(&sql);
        for (position, (availability, medication)) in links.into_iter().enumerate() {
            insert = insert
                .bind(slug.clone())
                .bind(medication.to_string())
                .bind(availability.key().to_owned())
                .bind(i64::try_from(position).unwrap_or(i64::MAX));
        }
        insert.execute(&mut *conn).await?;
        Ok(())
    }

    async fn delete(conn: &mut DB::Connection, table: &str, slugs: &[String]) -> StoreResult<()> {
        let sql = format!("DELETE FROM {table} WHERE slug = $1");
        for slug in slugs {
            query::<DB>(&sql)
                .bind(slug.clone())
                .execute(&mut *conn)
                .await?;
        }
        Ok(())
    }

    /// Inserts a request and its notification (inside the caller's transaction).
    pub async fn insert_request(
        conn: &mut DB::Connection,
        request: &NewRequest,
        followup: &Followup,
        notification: &NewNotification,
    ) -> StoreResult<()> {
        query::<DB>(
            "INSERT INTO requests (reference, kind, location, created_at, key_id, sealed, \
             fact_digest, text_updates, email_updates, contact_sealed, lang) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(request.reference.clone())
        .bind(request.kind.clone())
        .bind(request.location.clone())
        .bind(request.created_at)
        .bind(request.key_id.clone())
        .bind(request.sealed.clone())
        .bind(followup.fact_digest.clone())
        .bind(followup.text)
        .bind(followup.email)
        .bind(followup.contact_sealed.clone())
        .bind(request.lang.clone())
        .execute(&mut *conn)
        .await
        .map_err(|error| match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict("reference")
            }
            _ => StoreError::Database(error),
        })?;
        super::staff_rows::queue_notification::<DB>(conn, &request.reference, notification).await
    }

    pub async fn find_request(
        conn: &mut DB::Connection,
        reference: &str,
    ) -> StoreResult<Option<StoredRequest>> {
        let row: Option<RequestRow> = query::<DB>(
            "SELECT reference, kind, location, created_at, key_id, sealed, status, assigned_to, \
             lang FROM requests WHERE reference = $1",
        )
        .bind(reference.to_owned())
        .fetch_optional(&mut *conn)
        .await?;
        row.map(
            |(reference, kind, location, created_at, key_id, sealed, status, assigned_to, lang)| {
                let status =
                    RequestStatus::try_from(status).map_err(|error| StoreError::Corrupt {
                        what: format!("request {reference}"),
                        detail: error.to_string(),
                    })?;
                Ok(StoredRequest {
                    request: NewRequest {
                        reference,
                        kind,
                        location,
                        created_at,
                        key_id,
                        sealed,
                        lang,
                    },
                    status,
                    assigned_to,
                })
            },
        )
        .transpose()
    }

    /// One statement, so claiming is atomic. The outer `due_at <= now` matters on PostgreSQL:
    /// a concurrent claimer re-checks it after waiting for the row, and skips a row just claimed.
    pub async fn claim_notifications(
        conn: &mut DB::Connection,
        now: i64,
        until: i64,
        limit: i64,
    ) -> StoreResult<Vec<Notification>> {
        Ok(query::<DB>(
            "UPDATE outbox SET due_at = $1 \
             WHERE delivered_at IS NULL AND abandoned_at IS NULL AND due_at <= $2 AND id IN \
               (SELECT id FROM outbox WHERE delivered_at IS NULL AND abandoned_at IS NULL \
                AND due_at <= $2 ORDER BY due_at, id LIMIT $3) \
             RETURNING id, reference, message, channel, CAST(attempts AS BIGINT) AS attempts, \
             time_zone",
        )
        .bind(until)
        .bind(now)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
    }

    pub async fn notification_delivered(
        conn: &mut DB::Connection,
        id: i64,
        at: i64,
    ) -> StoreResult<()> {
        query::<DB>("UPDATE outbox SET delivered_at = $1, last_error = NULL WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    pub async fn notification_failed(
        conn: &mut DB::Connection,
        id: i64,
        retry_at: i64,
        error: &str,
    ) -> StoreResult<()> {
        let error: String = error.chars().take(500).collect();
        query::<DB>(
            "UPDATE outbox SET attempts = attempts + 1, due_at = $1, last_error = $2 WHERE id = $3",
        )
        .bind(retry_at)
        .bind(error)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    pub async fn pending_notifications(conn: &mut DB::Connection) -> StoreResult<i64> {
        let (count,): (i64,) = query::<DB>(
            "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL AND abandoned_at IS NULL",
        )
        .fetch_one(&mut *conn)
        .await?;
        Ok(count)
    }

    pub async fn request_references(conn: &mut DB::Connection) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = query::<DB>("SELECT reference FROM requests ORDER BY id")
            .fetch_all(&mut *conn)
            .await?;
        Ok(rows.into_iter().map(|(r,)| r).collect())
    }

    pub async fn content_modified(conn: &mut DB::Connection) -> StoreResult<Vec<(String, i64)>> {
        Ok(query::<DB>(
            "SELECT 'conditions/' || slug, updated_at FROM conditions \
             UNION ALL SELECT 'medications/' || slug, updated_at FROM medications",
        )
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Everything stored, or `None` before the first import.
    pub async fn load_content(conn: &mut DB::Connection) -> StoreResult<Option<ContentPack>> {
        let site: Option<(String,)> = query::<DB>("SELECT data FROM site WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?;
        let Some((site,)) = site else {
            return Ok(None);
        };
        let site: Site = decode(|| "site".to_owned(), &site)?;

        let rows: Vec<(String, String, String)> =
            query::<DB>("SELECT slug, data, body FROM conditions ORDER BY slug")
                .fetch_all(&mut *conn)
                .await?;
        let conditions = rows
            .into_iter()
            .map(|(slug, data, body)| {
                let what = || format!("condition `{slug}`");
                Ok(Condition {
                    slug: parse_slug(&slug)?,
                    meta: decode(what, &data)?,
                    body,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;

        let medications = Self::load_entries(conn, "medications")
            .await?
            .into_iter()
            .map(|(slug, data)| {
                let meta = decode(|| format!("medication `{slug}`"), &data)?;
                Ok(Medication { slug, meta })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let testimonials = Self::load_entries(conn, "testimonials")
            .await?
            .into_iter()
            .map(|(slug, data)| {
                let meta = decode(|| format!("testimonial `{slug}`"), &data)?;
                Ok(Testimonial { slug, meta })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        // `ORDER BY slug` follows the database's collation, which may not be byte order (and
        // lookups binary-search): sort here, the same way everywhere.
        Ok(Some(
            ContentPack {
                site,
                conditions,
                medications,
                testimonials,
            }
            .sorted(),
        ))
    }

    async fn load_entries(
        conn: &mut DB::Connection,
        table: &str,
    ) -> StoreResult<Vec<(Slug, String)>> {
        let rows: Vec<(String, String)> =
            query::<DB>(&format!("SELECT slug, data FROM {table} ORDER BY slug"))
                .fetch_all(&mut *conn)
                .await?;
        rows.into_iter()
            .map(|(slug, data)| {
                let slug = decode(
                    || format!("{table} slug"),
                    &serde_json::Value::String(slug).to_string(),
                )?;
                Ok((slug, data))
            })
            .collect()
    }
}

fn json<T: serde::Serialize>(value: &T) -> String {
    // Our content types serialise to JSON infallibly (no maps with non-string keys).
    serde_json::to_string(value).unwrap_or_default()
}

fn parse_slug(raw: &str) -> StoreResult<Slug> {
    Slug::parse(raw).map_err(|detail| StoreError::Corrupt {
        what: format!("slug `{raw}`"),
        detail,
    })
}
