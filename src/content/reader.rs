//! Reads a TOML table field by field, keeping byte offsets, so every problem can name its line,
//! column and field. Unlike a serde derive it does not stop at the first mistake: a wrong type,
//! a missing field and an unknown field in the same file are all reported.

use std::ops::Range;

use jiff::civil::Date;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::problem::{ProseKind, SourceFile, did_you_mean};

/// A value together with the byte offset in its file where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub offset: usize,
}

/// A TOML table being read, remembering which keys were asked for so unknown ones can be named.
pub struct Table<'a, 'i> {
    file: &'a SourceFile<'a>,
    /// Byte offset of the TOML text within the file (front matter starts after `+++`).
    base: usize,
    table: &'a DeTable<'i>,
    /// Where the table starts: missing fields are reported here.
    at: usize,
    /// Dotted prefix for field names, e.g. `review.` or `red_flags[2].`.
    path: String,
    asked: Vec<&'static str>,
}

impl<'a, 'i> Table<'a, 'i> {
    /// The root table of a document that starts at byte `base` of `file`.
    pub fn root(file: &'a SourceFile<'a>, base: usize, table: &'a Spanned<DeTable<'i>>) -> Self {
        Self {
            file,
            base,
            table: table.get_ref(),
            at: base,
            path: String::new(),
            asked: Vec::new(),
        }
    }

    /// The file this table is in, for reports made after reading.
    pub fn file(&self) -> &'a SourceFile<'a> {
        self.file
    }

    /// The dotted name of `key` in this table.
    pub fn field(&self, key: &str) -> String {
        format!("{}{key}", self.path)
    }

    /// Reports a problem with `key` at byte `offset` (already absolute within the file).
    pub fn report(&self, offset: usize, key: &str, message: impl Into<String>) {
        self.file
            .report_at(offset, Some(&self.field(key)), message.into());
    }

    /// Warns about `key` at byte `offset` (already absolute within the file).
    pub fn warn(&self, offset: usize, key: &str, message: impl Into<String>) {
        self.file
            .warn_at(offset, Some(&self.field(key)), message.into());
    }

    /// Warns about the table as a whole (for rules that span several fields).
    pub fn warn_table(&self, key: &str, message: impl Into<String>) {
        self.warn(self.at, key, message);
    }

    /// Keeps a string a patient reads for the advice (reading level, drug names).
    pub fn prose(&self, key: &str, kind: ProseKind, text: &At<String>) {
        self.file
            .prose_at(self.field(key), kind, &text.value, text.offset);
    }

    /// Reports a problem with the table as a whole (for rules that span several fields).
    pub fn report_table(&self, key: &str, message: impl Into<String>) {
        self.report(self.at, key, message);
    }

    fn offset(&self, span: Range<usize>) -> usize {
        self.base + span.start
    }

    fn value(&mut self, key: &'static str) -> Option<&'a Spanned<DeValue<'i>>> {
        self.asked.push(key);
        self.table
            .iter()
            .find(|(k, _)| k.get_ref().as_ref() == key)
            .map(|(_, v)| v)
    }

    fn wrong_type(&self, key: &str, value: &Spanned<DeValue<'_>>, expected: &str) {
        self.report(
            self.offset(value.span()),
            key,
            format!("expected {expected}, found {}", describe(value.get_ref())),
        );
    }

    /// An optional string; reports a wrong type.
    pub fn string(&mut self, key: &'static str) -> Option<At<String>> {
        let value = self.value(key)?;
        match value.get_ref() {
            DeValue::String(s) => Some(At {
                value: s.to_string(),
                offset: self.offset(value.span()),
            }),
            _ => {
                self.wrong_type(key, value, "a string");
                None
            }
        }
    }

    /// A string that must be present and not blank.
    pub fn required_string(&mut self, key: &'static str) -> Option<At<String>> {
        let found = self.string(key);
        match &found {
            None if self.has(key) => None, // wrong type, already reported
            None => {
                self.report_table(key, "missing required field");
                None
            }
            Some(s) if s.value.trim().is_empty() => {
                self.report(s.offset, key, "must not be empty");
                None
            }
            Some(_) => found,
        }
    }

    /// An optional string parsed by `parse`, whose error message says what was expected.
    pub fn parsed<T>(
        &mut self,
        key: &'static str,
        required: bool,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> Option<At<T>> {
        let raw = if required {
            self.required_string(key)?
        } else {
            self.string(key)?
        };
        match parse(&raw.value) {
            Ok(value) => Some(At {
                value,
                offset: raw.offset,
            }),
            Err(message) => {
                self.report(raw.offset, key, message);
                None
            }
        }
    }

    /// A list of distinct strings; a missing key is an empty list. Each element keeps its offset.
    pub fn string_list(&mut self, key: &'static str) -> Vec<At<String>> {
        let Some(value) = self.value(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(key, value, "a list of strings");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::String(s) if s.trim().is_empty() => self.report(
                    self.offset(item.span()),
                    &format!("{key}[{index}]"),
                    "must not be empty",
                ),
                DeValue::String(s) if out.iter().any(|o: &At<String>| o.value == **s) => self
                    .report(
                        self.offset(item.span()),
                        &format!("{key}[{index}]"),
                        format!("\"{s}\" is listed twice"),
                    ),
                DeValue::String(s) => out.push(At {
                    value: s.to_string(),
                    offset: self.offset(item.span()),
                }),
                _ => self.wrong_type(&format!("{key}[{index}]"), item, "a string"),
            }
        }
        out
    }

    /// A list of strings each parsed by `parse`; bad elements are reported and left out.
    pub fn parsed_list<T>(
        &mut self,
        key: &'static str,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Vec<At<T>> {
        let items = self.string_list(key);
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.into_iter().enumerate() {
            match parse(&item.value) {
                Ok(value) => out.push(At {
                    value,
                    offset: item.offset,
                }),
                Err(message) => self.report(item.offset, &format!("{key}[{index}]"), message),
            }
        }
        out
    }

    /// A date, written as a TOML local date (`2026-03-01`) or a string (`"2026-03-01"`).
    pub fn date(&mut self, key: &'static str) -> Option<At<Date>> {
        let value = self.value(key)?;
        let offset = self.offset(value.span());
        let text = match value.get_ref() {
            DeValue::String(s) => s.to_string(),
            DeValue::Datetime(d) if d.time.is_none() && d.offset.is_none() => d.to_string(),
            other => {
                self.report(
                    offset,
                    key,
                    format!("expected a date like 2026-03-01, found {}", describe(other)),
                );
                return None;
            }
        };
        match text.parse::<Date>() {
            Ok(date) if text.len() == 10 => Some(At {
                value: date,
                offset,
            }),
            _ => {
                self.report(
                    offset,
                    key,
                    format!("expected a date like 2026-03-01 (YYYY-MM-DD), found \"{text}\""),
                );
                None
            }
        }
    }

    /// An optional sub-table.
    pub fn table(&mut self, key: &'static str) -> Option<Table<'a, 'i>> {
        let value = self.value(key)?;
        match value.get_ref() {
            DeValue::Table(table) => Some(self.child(table, value.span(), format!("{key}."))),
            _ => {
                self.wrong_type(key, value, "a table");
                None
            }
        }
    }

    /// An array of tables (`[[key]]`); a missing key is an empty list.
    pub fn table_list(&mut self, key: &'static str) -> Vec<Table<'a, 'i>> {
        let Some(value) = self.value(key) else {
            return Vec::new();
        };
        let DeValue::Array(items) = value.get_ref() else {
            self.wrong_type(key, value, "a list of tables");
            return Vec::new();
        };
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item.get_ref() {
                DeValue::Table(table) => {
                    out.push(self.child(table, item.span(), format!("{key}[{index}].")))
                }
                _ => self.wrong_type(&format!("{key}[{index}]"), item, "a table"),
            }
        }
        out
    }

    fn child(&self, table: &'a DeTable<'i>, span: Range<usize>, suffix: String) -> Table<'a, 'i> {
        Table {
            file: self.file,
            base: self.base,
            table,
            at: self.offset(span),
            path: format!("{}{suffix}", self.path),
            asked: Vec::new(),
        }
    }

    /// An optional boolean; reports a wrong type.
    pub fn bool(&mut self, key: &'static str) -> Option<At<bool>> {
        let value = self.value(key)?;
        match value.get_ref() {
            DeValue::Boolean(b) => Some(At {
                value: *b,
                offset: self.offset(value.span()),
            }),
            _ => {
                self.wrong_type(key, value, "true or false");
                None
            }
        }
    }

    /// Every entry of a table whose keys are data, not field names (like `[compounding.reasons]`),
    /// as (key, string value); values that are not strings are reported.
    pub fn string_entries(self) -> Vec<(At<String>, At<String>)> {
        let mut out = Vec::new();
        for (key, value) in self.table.iter() {
            let name = key.get_ref().as_ref();
            match value.get_ref() {
                DeValue::String(text) => out.push((
                    At {
                        value: name.to_owned(),
                        offset: self.offset(key.span()),
                    },
                    At {
                        value: text.to_string(),
                        offset: self.offset(value.span()),
                    },
                )),
                _ => self.wrong_type(name, value, "a string"),
            }
        }
        out
    }

    /// Whether `key` is present at all (whatever its type).
    pub fn has(&self, key: &str) -> bool {
        self.table.iter().any(|(k, _)| k.get_ref().as_ref() == key)
    }

    /// Reports every key that no reader asked for, suggesting the nearest known name.
    pub fn finish(self) {
        for (key, _) in self.table.iter() {
            let name = key.get_ref().as_ref();
            if !self.asked.contains(&name) {
                let hint = did_you_mean(name, self.asked.iter().copied());
                self.report(
                    self.offset(key.span()),
                    name,
                    format!("unknown field{hint}"),
                );
            }
        }
    }
}

/// "a string \"x\"", "an integer 3", … for messages that say what was found.
fn describe(value: &DeValue<'_>) -> String {
    match value {
        DeValue::String(s) => format!("a string \"{s}\""),
        DeValue::Integer(i) => format!("an integer {i}"),
        DeValue::Float(f) => format!("a number {f}"),
        DeValue::Boolean(b) => format!("a boolean {b}"),
        DeValue::Datetime(d) => format!("a date-time {d}"),
        DeValue::Array(_) => "a list".to_owned(),
        DeValue::Table(_) => "a table".to_owned(),
    }
}
