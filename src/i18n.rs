//! The site's interface text in each language, in Mozilla's Fluent (`locales/<lang>/*.ftl`,
//! built into the binary): every word a patient reads that is not content — navigation, form
//! questions and hints, validation messages, open-now wording, patient messages. Content
//! (conditions, medications…) is translated in the content folder instead
//! (`crate::content::Lang`).
//!
//! The bundles are made once, on first use, from text compiled in; `tests` checks that every
//! file parses, that both languages have the same messages, and that every key the templates
//! and code ask for exists — so a lookup can only miss through a bug, and then shows the key.

use std::sync::LazyLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

use crate::content::Lang;

/// Each language's files, in the order they are added.
const FILES: [(Lang, &[(&str, &str)]); 2] = [
    (
        Lang::En,
        &[
            ("site.ftl", include_str!("../locales/en/site.ftl")),
            ("forms.ftl", include_str!("../locales/en/forms.ftl")),
        ],
    ),
    (
        Lang::Es,
        &[
            ("site.ftl", include_str!("../locales/es/site.ftl")),
            ("forms.ftl", include_str!("../locales/es/forms.ftl")),
        ],
    ),
];

struct Texts {
    english: FluentBundle<FluentResource>,
    spanish: FluentBundle<FluentResource>,
}

static TEXTS: LazyLock<Texts> = LazyLock::new(|| match Texts::load() {
    Ok(texts) => texts,
    // The files are compiled in and `tests::every_file_parses` reads each one: this cannot
    // happen in a build whose tests passed.
    Err(error) => panic!("the built-in interface text does not load: {error}"),
});

impl Texts {
    fn load() -> Result<Self, String> {
        let mut bundles = Vec::new();
        for (lang, files) in FILES {
            let id: unic_langid::LanguageIdentifier = lang
                .code()
                .parse()
                .map_err(|e| format!("language {lang}: {e}"))?;
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Unicode isolation marks around arguments would end up in HTML and texts.
            bundle.set_use_isolating(false);
            for (name, text) in files.iter() {
                let resource = FluentResource::try_new((*text).to_owned())
                    .map_err(|(_, errors)| format!("locales/{lang}/{name}: {errors:?}"))?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| format!("locales/{lang}/{name}: {errors:?}"))?;
            }
            bundles.push(bundle);
        }
        let [english, spanish]: [_; 2] = bundles
            .try_into()
            .map_err(|_| "one bundle per language".to_owned())?;
        Ok(Self { english, spanish })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::En => &self.english,
            Lang::Es => &self.spanish,
        }
    }
}

/// An argument of a message: words or a number (plurals choose by it).
pub enum Arg<'a> {
    Str(&'a str),
    Num(i64),
}

impl<'a> From<&'a str> for Arg<'a> {
    fn from(value: &'a str) -> Self {
        Arg::Str(value)
    }
}

impl<'a> From<&'a String> for Arg<'a> {
    fn from(value: &'a String) -> Self {
        Arg::Str(value)
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Arg::Num(value)
    }
}

impl From<usize> for Arg<'_> {
    fn from(value: usize) -> Self {
        Arg::Num(i64::try_from(value).unwrap_or(i64::MAX))
    }
}

/// The message `key` in `lang`.
pub fn text(lang: Lang, key: &str) -> String {
    format(lang, key, &[])
}

/// The message `key` in `lang` with its arguments.
pub fn format(lang: Lang, key: &str, args: &[(&str, Arg<'_>)]) -> String {
    let bundle = TEXTS.bundle(lang);
    let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
        tracing::error!(key, lang = lang.code(), "no such interface text");
        return key.to_owned();
    };
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        let value = match value {
            Arg::Str(s) => FluentValue::from(*s),
            Arg::Num(n) => FluentValue::from(*n),
        };
        fluent_args.set(*name, value);
    }
    let mut errors = Vec::new();
    let formatted = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
    if !errors.is_empty() {
        tracing::error!(
            key,
            lang = lang.code(),
            ?errors,
            "interface text misformatted"
        );
    }
    formatted.into_owned()
}

/// A message not yet in any language: its key and arguments, worded where it is shown (a
/// form's error is made by the domain, which knows no language, and read on a page that does).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    key: &'static str,
    args: Vec<(&'static str, Value)>,
}

/// An argument of a `Message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Str(String),
    Num(i64),
    /// Another message's key, worded in the same language ("Your name" in "… must be 100
    /// characters or fewer").
    Text(&'static str),
}

impl Message {
    pub fn new(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
        }
    }

    /// With words (what was typed: it is escaped where it is shown).
    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.args.push((name, Value::Str(value.into())));
        self
    }

    /// With a number (plurals choose by it).
    pub fn num(mut self, name: &'static str, value: usize) -> Self {
        let value = i64::try_from(value).unwrap_or(i64::MAX);
        self.args.push((name, Value::Num(value)));
        self
    }

    /// With another message, worded in the same language.
    pub fn text(mut self, name: &'static str, key: &'static str) -> Self {
        self.args.push((name, Value::Text(key)));
        self
    }

    /// The words in `lang`.
    pub fn in_lang(&self, lang: Lang) -> String {
        let nested: Vec<String> = self
            .args
            .iter()
            .map(|(_, value)| match value {
                Value::Text(key) => text(lang, key),
                _ => String::new(),
            })
            .collect();
        let args: Vec<(&str, Arg<'_>)> = self
            .args
            .iter()
            .zip(&nested)
            .map(|((name, value), worded)| {
                let arg = match value {
                    Value::Str(s) => Arg::Str(s),
                    Value::Num(n) => Arg::Num(*n),
                    Value::Text(_) => Arg::Str(worded),
                };
                (*name, arg)
            })
            .collect();
        format(lang, self.key, &args)
    }

    /// The words in English (tests, and the staff side, which is in English).
    pub fn english(&self) -> String {
        self.in_lang(Lang::En)
    }
}

/// Whether `key` is a message in every language.
pub fn has(key: &str) -> bool {
    Lang::ALL
        .into_iter()
        .all(|lang| TEXTS.bundle(lang).has_message(key))
}

/// Every message id of `lang`'s files (for the tests that compare languages and usages).
pub fn keys(lang: Lang) -> Vec<String> {
    let mut keys = Vec::new();
    for (l, files) in FILES {
        if l != lang {
            continue;
        }
        for (_, text) in files {
            if let Ok(resource) = FluentResource::try_new((*text).to_owned()) {
                for entry in resource.entries() {
                    if let fluent_syntax::ast::Entry::Message(message) = entry {
                        keys.push(message.id.name.to_owned());
                    }
                }
            }
        }
    }
    keys.sort();
    keys
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_and_both_languages_have_the_same_messages() {
        Texts::load().unwrap();
        assert_eq!(keys(Lang::En), keys(Lang::Es));
        assert!(!keys(Lang::En).is_empty());
    }

    #[test]
    fn every_key_the_templates_ask_for_exists() {
        let known = keys(Lang::En);
        let mut missing = Vec::new();
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/templates")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "html") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for (i, _) in text.match_indices(".t(\"") {
                let rest = &text[i + 4..];
                let key = &rest[..rest.find('"').unwrap()];
                if !known.iter().any(|k| k == key) {
                    missing.push(format!("{}: {key}", path.display()));
                }
            }
        }
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn arguments_and_plurals() {
        assert_eq!(
            format(Lang::Es, "results-count", &[("count", 1_i64.into())]),
            "1 resultado"
        );
        assert_eq!(
            format(Lang::Es, "results-count", &[("count", 3_i64.into())]),
            "3 resultados"
        );
    }
}
