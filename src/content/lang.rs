//! The languages the patient side is published in. English is the language content is written
//! in; every other language is a translation that sits beside its English file
//! (`conditions/<slug>.es.md`) and names the English version it was made from.

use serde::{Deserialize, Serialize};

/// A language of the public site.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// The translations a content folder may hold (every language but English).
    pub const TRANSLATED: [Lang; 1] = [Lang::Es];

    /// The BCP 47 tag: `<html lang>`, `hreflang`, file names (`<slug>.es.md`), stored values.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Self::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Where this language's pages live: `""` for English, `"/es"` for Spanish.
    pub fn prefix(self) -> &'static str {
        match self {
            Lang::En => "",
            Lang::Es => "/es",
        }
    }

    /// The site path `path` (English, like `/conditions/migraine`) in this language.
    pub fn path(self, path: &str) -> String {
        match (self, path) {
            (Lang::En, _) => path.to_owned(),
            (_, "/") => self.prefix().to_owned(),
            _ => format!("{}{path}", self.prefix()),
        }
    }

    /// The language a request path is in, and the path with the language prefix taken off
    /// (`/es/conditions/x` → (Es, `/conditions/x`); `/es` → (Es, `/`)).
    pub fn of_path(path: &str) -> (Lang, &str) {
        for lang in Self::TRANSLATED {
            if let Some(rest) = path.strip_prefix(lang.prefix()) {
                if rest.is_empty() {
                    return (lang, "/");
                }
                if rest.starts_with('/') {
                    return (lang, rest);
                }
            }
        }
        (Lang::En, path)
    }

    /// The language's own name, as a language switch shows it.
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    /// The language's name in English, as the (English) back office shows it.
    pub fn english_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Spanish",
        }
    }
}

impl std::fmt::Display for Lang {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_move_between_languages() {
        assert_eq!(Lang::Es.path("/"), "/es");
        assert_eq!(
            Lang::Es.path("/conditions/migraine"),
            "/es/conditions/migraine"
        );
        assert_eq!(Lang::En.path("/conditions"), "/conditions");
        assert_eq!(Lang::of_path("/es"), (Lang::Es, "/"));
        assert_eq!(
            Lang::of_path("/es/conditions/x"),
            (Lang::Es, "/conditions/x")
        );
        assert_eq!(Lang::of_path("/essential"), (Lang::En, "/essential"));
        assert_eq!(Lang::of_path("/conditions"), (Lang::En, "/conditions"));
    }
}
