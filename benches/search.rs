//! Search benchmark: a generated corpus of 10,000 conditions and 2,000 medications (the sample
//! pack plus synthetic pages built from its own words, so real pages compete with look-alikes),
//! queried with the relevance test set (`tests/search/queries.toml`). Measures index build time,
//! p50/p99 latency per query and top-1 accuracy — for pestle's tantivy index and for SQLite FTS5
//! (bm25, the same field weights, porter stemming, prefix on the last word) on the same text.
//!
//! `cargo bench --bench search` prints the comparison table, then criterion's timing of the whole
//! query mix. Under `cargo test` it runs once on a small corpus, as a smoke test.

// A benchmark stops on the first surprise; panicking with a message is the right report.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::time::{Duration, Instant};

use criterion::Criterion;
use pestle::content::{ContentPack, Slug};
use pestle::search::{Document, Kind, SearchIndex, documents, split};
use serde::Deserialize;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

#[derive(Deserialize)]
struct TestSet {
    query: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    q: String,
    kind: String,
    slug: String,
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (conditions, medications, rounds) = if full {
        (10_000, 2_000, 20)
    } else {
        (200, 50, 1)
    };
    let cases = test_set();
    let pack = std::sync::Arc::new(corpus(conditions, medications));
    println!(
        "corpus: {} conditions, {} medications; {} queries × {rounds} rounds",
        pack.conditions.len(),
        pack.medications.len(),
        cases.len()
    );

    let started = Instant::now();
    let index = SearchIndex::build(pack.clone()).expect("index builds");
    let tantivy_build = started.elapsed();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let docs = documents(&pack);
    let started = Instant::now();
    let fts = runtime.block_on(Fts::build(&docs));
    let fts_build = started.elapsed();

    let tantivy = measure(&cases, rounds, |q| {
        let outcome = index.search(q, 10).expect("search");
        outcome
            .hits
            .first()
            .map(|h| (h.entry.kind, h.entry.slug.clone()))
    });
    let sqlite = measure(&cases, rounds, |q| runtime.block_on(fts.first(q)));

    println!(
        "\n{:<18} {:>10} {:>9} {:>9} {:>7}",
        "engine", "build", "p50", "p99", "top-1"
    );
    for (name, build, result) in [
        ("tantivy (pestle)", tantivy_build, &tantivy),
        ("SQLite FTS5", fts_build, &sqlite),
    ] {
        println!(
            "{name:<18} {:>8.2} s {:>6.3} ms {:>6.3} ms {:>7.3}",
            build.as_secs_f64(),
            result.p50.as_secs_f64() * 1e3,
            result.p99.as_secs_f64() * 1e3,
            result.top1
        );
    }
    println!();

    if full {
        let mut criterion = Criterion::default().configure_from_args();
        criterion.bench_function("tantivy: all test-set queries", |b| {
            b.iter(|| {
                for case in &cases {
                    std::hint::black_box(index.search(&case.q, 10).expect("search"));
                }
            });
        });
        criterion.bench_function("fts5: all test-set queries", |b| {
            b.iter(|| {
                for case in &cases {
                    std::hint::black_box(runtime.block_on(fts.first(&case.q)));
                }
            });
        });
        criterion.final_summary();
    }
}

struct Measured {
    p50: Duration,
    p99: Duration,
    top1: f64,
}

fn measure(
    cases: &[Case],
    rounds: usize,
    mut first: impl FnMut(&str) -> Option<(Kind, String)>,
) -> Measured {
    let mut times = Vec::with_capacity(cases.len() * rounds);
    let mut right = 0;
    for round in 0..rounds {
        for case in cases {
            let started = Instant::now();
            let top = first(&case.q);
            times.push(started.elapsed());
            if round == 0 {
                let kind = if case.kind == "condition" {
                    Kind::Condition
                } else {
                    Kind::Medication
                };
                right += usize::from(top == Some((kind, case.slug.clone())));
            }
        }
    }
    times.sort();
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    Measured {
        p50: at(0.50),
        p99: at(0.99),
        top1: right as f64 / cases.len() as f64,
    }
}

fn test_set() -> Vec<Case> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/search/queries.toml");
    let text = std::fs::read_to_string(path).expect("queries.toml");
    toml::from_str::<TestSet>(&text)
        .expect("queries.toml parses")
        .query
}

/// The sample pack plus synthetic conditions and medications. Each synthetic page copies a real
/// page's structure and body, with a made-up title, names and summary drawn from the content's
/// own words, so it competes with the real pages on every field.
fn corpus(conditions: usize, medications: usize) -> ContentPack {
    let sample = ContentPack::sample().expect("the sample pack is valid");
    let words: Vec<String> = {
        let mut all: Vec<String> = sample
            .conditions
            .iter()
            .flat_map(|c| split(&c.body).collect::<Vec<_>>())
            .filter(|w| w.len() > 3)
            .collect();
        all.sort();
        all.dedup();
        all
    };
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let mut pick = move |n: usize| {
        // xorshift: deterministic and dependency-free.
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let phrase = |count: usize, pick: &mut dyn FnMut(usize) -> usize| -> String {
        (0..count)
            .map(|_| words[pick(words.len())].clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut pack = sample.clone();
    for i in 0..conditions.saturating_sub(sample.conditions.len()) {
        let mut condition = sample.conditions[i % sample.conditions.len()].clone();
        condition.slug = Slug::parse(&format!("synthetic-condition-{i:05}")).expect("slug");
        condition.meta.title = phrase(2, &mut pick);
        condition.meta.also_called = (0..3).map(|_| phrase(2, &mut pick)).collect();
        condition.meta.summary = phrase(18, &mut pick);
        condition.meta.related.clear();
        condition.meta.testimonials.clear();
        pack.conditions.push(condition);
    }
    for i in 0..medications.saturating_sub(sample.medications.len()) {
        let mut medication = sample.medications[i % sample.medications.len()].clone();
        medication.slug = Slug::parse(&format!("synthetic-medication-{i:05}")).expect("slug");
        medication.meta.name = format!("{}ine", phrase(1, &mut pick));
        medication.meta.brands = vec![phrase(1, &mut pick)];
        medication.meta.summary = Some(phrase(16, &mut pick));
        pack.medications.push(medication);
    }
    pack.sorted()
}

/// The same documents in an in-memory SQLite FTS5 table.
struct Fts {
    pool: SqlitePool,
}

impl Fts {
    async fn build(docs: &[Document]) -> Self {
        let options = SqliteConnectOptions::new().in_memory(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await
            .expect("in-memory SQLite");
        sqlx::query(
            "CREATE VIRTUAL TABLE docs USING fts5(names, summary, body, drugs, \
             kind UNINDEXED, slug UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')",
        )
        .execute(&pool)
        .await
        .expect("FTS5 is compiled into sqlx's SQLite");
        let mut tx = pool.begin().await.expect("begin");
        for doc in docs {
            let kind = match doc.entry.kind {
                Kind::Condition => "condition",
                Kind::Medication => "medication",
            };
            sqlx::query("INSERT INTO docs VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(&doc.names)
                .bind(&doc.summary)
                .bind(&doc.body)
                .bind(&doc.drugs)
                .bind(kind)
                .bind(&doc.entry.slug)
                .execute(&mut *tx)
                .await
                .expect("insert");
        }
        tx.commit().await.expect("commit");
        Self { pool }
    }

    /// The best page for `query`: every word OR'ed (quoted, so nothing is FTS syntax), the
    /// last one as a prefix, ranked by bm25 with pestle's field weights.
    async fn first(&self, query: &str) -> Option<(Kind, String)> {
        let words: Vec<String> = split(query).filter(|w| w.chars().count() > 1).collect();
        let last = words.len().checked_sub(1)?;
        let expression = words
            .iter()
            .enumerate()
            .map(|(i, w)| {
                if i == last {
                    format!("\"{w}\"*")
                } else {
                    format!("\"{w}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" OR ");
        let row: Option<(String, String)> = sqlx::query_as(
            "SELECT kind, slug FROM docs WHERE docs MATCH $1 \
             ORDER BY bm25(docs, 4.0, 2.0, 1.0, 1.5) LIMIT 1",
        )
        .bind(expression)
        .fetch_optional(&self.pool)
        .await
        .expect("FTS5 query");
        row.map(|(kind, slug)| {
            (
                if kind == "condition" {
                    Kind::Condition
                } else {
                    Kind::Medication
                },
                slug,
            )
        })
    }
}
