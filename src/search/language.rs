//! How each language's words are indexed and looked up.

use tantivy::tokenizer::TextAnalyzer;

use crate::content::Lang;

/// The tokenizer each language's text fields use.
pub fn tokenizer_name(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "en_stem",
        Lang::Es => "es_stem",
    }
}

/// Spanish words as the index holds them: lower case, accents dropped (patients often type
/// "migrana" for "migraña" on a phone), then the Snowball Spanish stemmer ("calambres" and
/// "calambre" are one word).
pub fn spanish_analyzer() -> TextAnalyzer {
    use tantivy::tokenizer::{
        AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    };
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(Language::Spanish))
        .build()
}
