//! Site search over conditions and medications, the way patients type: lay names, brand
//! names, misspellings and half-typed words. A tantivy index held in memory, built from one
//! content snapshot (and replaced with it, never changed in place).
//!
//! Ranking: BM25 over three weighted fields — names (title, also-called names, brand names) ×4,
//! summary (with category and drug class) ×2, body (sections and red flags) ×1 — plus the
//! medications a condition lists ×1.5, so a brand name also finds the conditions that use it.
//! English stemming on all of them. A word the content does not use is replaced by its nearest
//! known words (`words::allowed_edits`); the last word also matches words it begins.

mod documents;
mod language;
mod update;
mod words;

pub use documents::{Document, documents, documents_in};

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use anyhow::Context;
use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhrasePrefixQuery, PhraseQuery, Query,
    TermQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term,
};

use crate::content::{ContentPack, Lang};
use language::{spanish_analyzer, tokenizer_name};
use words::{Vocabulary, Words, is_stop_word};
pub use words::{allowed_edits, split};

/// Longer queries are cut to this many characters: nobody types more, and it bounds the work.
pub const MAX_QUERY_CHARS: usize = 200;
/// At most this many words of a query are searched.
const MAX_WORDS: usize = 8;
const SNIPPET_CHARS: usize = 180;
/// How much better the best medication must score than the best condition for a query that
/// names no drug to list medications first.
const DRUG_MARGIN: f32 = 1.5;
/// Share of a word's other matches (fields, variants) added to its best one.
const TIE_BREAKER: f32 = 0.3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    Condition,
    Medication,
}

/// A page search can find.
#[derive(Debug, Clone)]
pub struct Entry {
    pub kind: Kind,
    pub slug: String,
    pub title: String,
    /// Site-relative URL.
    pub url: String,
    pub summary: String,
}

/// One result, with the part of its text that matched.
#[derive(Debug)]
pub struct Hit<'a> {
    pub entry: &'a Entry,
    pub score: f32,
    /// HTML-escaped text with matches in `<mark>`.
    pub snippet_html: String,
    /// The same fragment as plain text.
    pub snippet: String,
}

/// What a search found.
#[derive(Debug, Default)]
pub struct Outcome<'a> {
    /// Best first: conditions before medications, unless the query names a drug.
    pub hits: Vec<Hit<'a>>,
    /// The query with misspelt words corrected, when any were.
    pub did_you_mean: Option<String>,
    /// The query names a medication (generic or brand).
    pub drug_query: bool,
}

#[derive(Debug, Clone, Copy)]
struct Fields {
    id: Field,
    names: Field,
    summary: Field,
    body: Field,
    drugs: Field,
}

impl Fields {
    fn weighted(self) -> [(Field, f32); 4] {
        [
            (self.names, 4.0),
            (self.summary, 2.0),
            (self.body, 1.0),
            (self.drugs, 1.5),
        ]
    }
}

/// The index of one content snapshot.
pub struct SearchIndex {
    /// The content indexed: hits' snippets are cut from it.
    pack: Arc<ContentPack>,
    /// The language of `pack`: how words are stemmed, how snippets are worded.
    lang: Lang,
    /// Shared with the indexes updated from this one (`update.rs`).
    index: Index,
    _reader: IndexReader,
    searcher: Searcher,
    fields: Fields,
    analyzer: TextAnalyzer,
    /// By document id; `None` for a page an update removed.
    entries: Vec<Option<Entry>>,
    words: Words,
    /// Words of medication names and brand names.
    drug_words: HashSet<String>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("entries", &self.len())
            .finish_non_exhaustive()
    }
}

/// What an index keeps beside tantivy's documents, gathered as they are added.
#[derive(Default)]
struct Parts {
    entries: Vec<Option<Entry>>,
    vocabulary: Vocabulary,
    drug_words: HashSet<String>,
}

impl Parts {
    /// Adds `source` as the next document id.
    fn add(
        &mut self,
        writer: &mut IndexWriter<TantivyDocument>,
        fields: Fields,
        source: Document,
    ) -> anyhow::Result<()> {
        let mut doc = TantivyDocument::default();
        doc.add_u64(fields.id, self.entries.len() as u64);
        doc.add_text(fields.names, &source.names);
        doc.add_text(fields.summary, &source.summary);
        doc.add_text(fields.body, &source.body);
        doc.add_text(fields.drugs, &source.drugs);
        writer.add_document(doc)?;
        if source.entry.kind == Kind::Medication {
            self.drug_words.extend(split(&source.names));
        }
        for part in [&source.names, &source.summary, &source.body] {
            self.vocabulary.add(part);
        }
        self.entries.push(Some(source.entry));
        Ok(())
    }
}

impl SearchIndex {
    /// Indexes every condition and medication of `pack`.
    pub fn build(pack: Arc<ContentPack>) -> anyhow::Result<Self> {
        let documents = documents(&pack);
        Self::build_from(pack, documents, Lang::En)
    }

    /// Indexes `localized`, the content in `lang` (`english` as written), with `lang`'s
    /// stemming, accents ignored.
    pub fn build_in(
        english: &ContentPack,
        localized: Arc<ContentPack>,
        lang: Lang,
    ) -> anyhow::Result<Self> {
        let documents = documents_in(english, &localized, lang);
        Self::build_from(localized, documents, lang)
    }

    fn build_from(
        pack: Arc<ContentPack>,
        documents: Vec<Document>,
        lang: Lang,
    ) -> anyhow::Result<Self> {
        let mut schema = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer_name(lang))
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let fields = Fields {
            // Indexed too, so an update can delete a page's document by its id.
            id: schema.add_u64_field("id", INDEXED | FAST),
            names: schema.add_text_field("names", text.clone()),
            summary: schema.add_text_field("summary", text.clone()),
            body: schema.add_text_field("body", text.clone()),
            drugs: schema.add_text_field("drugs", text),
        };
        let index = Index::create_in_ram(schema.build());
        index.tokenizers().register("es_stem", spanish_analyzer());
        // One thread, one commit: small catalogs index in milliseconds, 10,000 conditions in
        // about a second (docs/BENCHMARKS.md).
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 100_000_000)
            .context("cannot start the search index writer")?;
        let mut parts = Parts::default();
        for document in documents {
            parts.add(&mut writer, fields, document)?;
        }
        writer.commit().context("cannot commit the search index")?;
        Self::open(pack, lang, index, fields, parts)
    }

    /// The searchable index once `parts` are committed to `index`.
    fn open(
        pack: Arc<ContentPack>,
        lang: Lang,
        index: Index,
        fields: Fields,
        parts: Parts,
    ) -> anyhow::Result<Self> {
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("cannot open the search index")?;
        let analyzer = index
            .tokenizer_for_field(fields.body)
            .context("the stemming tokenizer is missing")?;
        Ok(Self {
            pack,
            lang,
            index,
            searcher: reader.searcher(),
            _reader: reader,
            fields,
            analyzer,
            entries: parts.entries,
            words: parts.vocabulary.words(),
            drug_words: parts.drug_words,
        })
    }

    /// Every page the index holds.
    pub fn len(&self) -> usize {
        self.entries.iter().flatten().count()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The best `limit` pages for `query`.
    pub fn search(&self, query: &str, limit: usize) -> anyhow::Result<Outcome<'_>> {
        let plan = self.plan(query);
        if plan.clauses.is_empty() {
            return Ok(Outcome {
                did_you_mean: plan.did_you_mean,
                ..Outcome::default()
            });
        }
        let query = BooleanQuery::new(plan.clauses);
        let found: Vec<(f32, DocAddress)> = self
            .searcher
            .search(&query, &TopDocs::with_limit(limit).order_by_score())
            .context("search failed")?;
        let mut snippets = SnippetGenerator::new(
            plan.highlight,
            self.analyzer.clone(),
            self.fields.body,
            SNIPPET_CHARS,
        );
        snippets.set_max_num_chars(SNIPPET_CHARS);
        let mut hits = Vec::with_capacity(found.len());
        for (score, address) in found {
            let Some(entry) = self.entry(address)? else {
                continue;
            };
            let mut snippet =
                snippets.snippet(&documents::snippet_text(&self.pack, self.lang, entry));
            snippet.set_snippet_prefix_postfix("<mark>", "</mark>");
            let (snippet_html, text) = if snippet.is_empty() {
                let summary = htmlescape_minimal(&entry.summary);
                (summary, entry.summary.clone())
            } else {
                (snippet.to_html(), snippet.fragment().to_owned())
            };
            hits.push(Hit {
                entry,
                score,
                snippet_html,
                snippet: text,
            });
        }
        // A drug name, or a query a medication answers clearly better than any condition
        // ("petroleum jelly"), lists medications first.
        let best = |kind: Kind| {
            hits.iter()
                .filter(|h| h.entry.kind == kind)
                .map(|h| h.score)
                .fold(0.0_f32, f32::max)
        };
        let drug_query =
            plan.drug_query || best(Kind::Medication) > DRUG_MARGIN * best(Kind::Condition);
        // Stable: scores stay in order within each group.
        hits.sort_by_key(|hit| (hit.entry.kind == Kind::Condition) == drug_query);
        Ok(Outcome {
            hits,
            did_you_mean: plan.did_you_mean,
            drug_query,
        })
    }

    /// The entries whose titles look most like `query` (for "no results"), best first.
    pub fn closest(&self, query: &str, limit: usize) -> Vec<&Entry> {
        let query = query.trim().to_lowercase();
        if query.is_empty() {
            return Vec::new();
        }
        let mut scored: Vec<(f64, &Entry)> = self
            .entries
            .iter()
            .flatten()
            .map(|e| (strsim::jaro_winkler(&query, &e.title.to_lowercase()), e))
            .filter(|(score, _)| *score >= 0.7)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(limit).map(|(_, e)| e).collect()
    }

    fn entry(&self, address: DocAddress) -> anyhow::Result<Option<&Entry>> {
        let segment = self.searcher.segment_reader(address.segment_ord);
        let ids = segment.fast_fields().u64("id").context("search ids")?;
        Ok(ids
            .first(address.doc_id)
            .and_then(|id| usize::try_from(id).ok())
            .and_then(|id| self.entries.get(id))
            .and_then(Option::as_ref))
    }

    /// Turns the query into term clauses, with corrections and completions.
    fn plan(&self, query: &str) -> Plan {
        let query: String = query.chars().take(MAX_QUERY_CHARS).collect();
        let typing = !query.ends_with(char::is_whitespace);
        let all: Vec<String> = split(&query).collect();
        let words: Vec<&String> = all
            .iter()
            .filter(|w| w.chars().count() > 1 || all.len() == 1)
            .filter(|w| !is_stop_word(w, self.lang) || all.len() == 1)
            .take(MAX_WORDS)
            .collect();
        let mut plan = Plan::default();
        let mut corrected = Vec::with_capacity(words.len());
        let mut any_correction = false;
        let mut every_word: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (index, word) in words.iter().enumerate() {
            let last = index + 1 == words.len();
            let mut variants: Vec<(&str, f32)> = vec![(word.as_str(), 1.0)];
            if self.words.contains(word) {
                corrected.push(word.to_string());
            } else {
                let near = self.words.near(word, 3);
                if let Some(best) = near.first() {
                    // A half-typed last word is a completion, not a misspelling.
                    let completes = last && typing && !self.words.completions(word, 1).is_empty();
                    if !completes {
                        any_correction = true;
                        corrected.push((*best).to_owned());
                    } else {
                        corrected.push(word.to_string());
                    }
                } else {
                    corrected.push(word.to_string());
                }
                variants.extend(near.into_iter().map(|w| (w, 0.8)));
            }
            if last && typing {
                variants.extend(
                    self.words
                        .completions(word, 8)
                        .into_iter()
                        .filter(|w| w != word)
                        .map(|w| (w, 0.6)),
                );
            }
            if variants.iter().any(|(v, _)| self.drug_words.contains(*v)) {
                plan.drug_query = true;
            }
            let mut word_clauses: Vec<Box<dyn Query>> = Vec::new();
            for (variant, weight) in variants {
                for token in self.tokens(variant) {
                    plan.highlight.entry(token.clone()).or_insert(weight);
                    for (field, boost) in self.fields.weighted() {
                        let term = Term::from_field_text(field, &token);
                        let query = TermQuery::new(term, IndexRecordOption::WithFreqs);
                        word_clauses
                            .push(Box::new(BoostQuery::new(Box::new(query), boost * weight)));
                    }
                }
            }
            if !word_clauses.is_empty() {
                // A word scores by its best variant in its best field, plus a little for the
                // rest: many completions of "hor" must not outweigh one exact "charley".
                let word_query = DisjunctionMaxQuery::with_tie_breaker(word_clauses, TIE_BREAKER);
                every_word.push((Occur::Must, Box::new(word_query.clone())));
                plan.clauses.push((Occur::Should, Box::new(word_query)));
            }
        }
        // Pages that have every word count them twice: two words matched beat one word
        // matched strongly ("voltaren gel" is diclofenac, not silicone gel).
        if every_word.len() >= 2 {
            plan.clauses
                .push((Occur::Should, Box::new(BooleanQuery::new(every_word))));
        }
        // The words together, in order, in a page's names or summary: "leg cramps" in "Foot &
        // Leg Cramps", "petroleum jelly" in petrolatum's summary. While typing, the last word
        // may be the start of one ("charley hor").
        let stems: Vec<String> = corrected.iter().flat_map(|w| self.tokens(w)).collect();
        if stems.len() >= 2 {
            for (field, boost) in [(self.fields.names, 4.0), (self.fields.summary, 2.0)] {
                let terms: Vec<Term> = stems
                    .iter()
                    .map(|s| Term::from_field_text(field, s))
                    .collect();
                let phrase: Box<dyn Query> = if typing {
                    let mut prefix_terms = terms;
                    if let (Some(last), Some(raw)) = (prefix_terms.last_mut(), corrected.last()) {
                        *last = Term::from_field_text(field, raw);
                    }
                    Box::new(PhrasePrefixQuery::new(prefix_terms))
                } else {
                    Box::new(PhraseQuery::new(terms))
                };
                plan.clauses
                    .push((Occur::Should, Box::new(BoostQuery::new(phrase, boost))));
            }
        }
        if any_correction {
            plan.did_you_mean = Some(corrected.join(" "));
        }
        plan
    }

    /// The stemmed terms of one word, as the index stores them.
    fn tokens(&self, word: &str) -> Vec<String> {
        let mut analyzer = self.analyzer.clone();
        let mut stream = analyzer.token_stream(word);
        let mut tokens = Vec::new();
        while let Some(token) = stream.next() {
            tokens.push(token.text.clone());
        }
        tokens
    }
}

#[derive(Default)]
struct Plan {
    clauses: Vec<(Occur, Box<dyn Query>)>,
    /// Stemmed terms to highlight in snippets, with their weight.
    highlight: BTreeMap<String, f32>,
    did_you_mean: Option<String>,
    drug_query: bool,
}

fn htmlescape_minimal(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
