//! Flesch-Kincaid grade level: `0.39 × words per sentence + 11.8 × syllables per word − 15.59`.
//! A rough guide, but the one US health writers are held to (grade 6–8 for patient material);
//! the hardest sentences are named so an editor knows where to start.

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// One sentence: its plain text, where it starts in the text measured, its words and syllables.
#[derive(Debug, Clone, PartialEq)]
pub struct Sentence {
    pub text: String,
    /// Byte offset of its first character in the text measured (Markdown source included).
    pub start: usize,
    pub words: usize,
    pub syllables: usize,
}

impl Sentence {
    /// The sentence's own grade, to rank the hardest.
    pub fn grade(&self) -> f64 {
        grade(self.words, 1, self.syllables)
    }
}

/// A text's grade and its sentences.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub grade: f64,
    pub sentences: Vec<Sentence>,
}

impl Reading {
    /// Up to `n` sentences, hardest first.
    pub fn hardest(&self, n: usize) -> Vec<&Sentence> {
        let mut ranked: Vec<&Sentence> = self.sentences.iter().collect();
        ranked.sort_by(|a, b| b.grade().total_cmp(&a.grade()));
        ranked.truncate(n);
        ranked
    }
}

fn grade(words: usize, sentences: usize, syllables: usize) -> f64 {
    if words == 0 || sentences == 0 {
        return 0.0;
    }
    let (w, s, y) = (words as f64, sentences as f64, syllables as f64);
    0.39 * (w / s) + 11.8 * (y / w) - 15.59
}

/// The grade of plain text (a warning sign, a summary).
pub fn plain(text: &str) -> Reading {
    measure(std::iter::once(Block {
        text: text.to_owned(),
        pieces: vec![(0, 0)],
    }))
}

/// A paragraph or list item's plain text, with where each of its pieces came from.
#[derive(Default)]
struct Block {
    text: String,
    /// (index in `text`, offset in the source) where each piece of text starts.
    pieces: Vec<(usize, usize)>,
}

impl Block {
    /// The source offset of byte `index` of `text`.
    fn source(&self, index: usize) -> usize {
        let at = self.pieces.partition_point(|(start, _)| *start <= index);
        self.pieces
            .get(at.saturating_sub(1))
            .map_or(index, |(start, source)| source + (index - start))
    }
}

/// The grade of a Markdown body. Headings are left out (they are labels, not sentences); each
/// paragraph and list item ends a sentence even without a full stop.
pub fn markdown(body: &str) -> Reading {
    let mut blocks: Vec<Block> = Vec::new();
    let mut current: Option<Block> = None;
    let mut in_heading = false;
    for (event, range) in Parser::new(body).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading { .. }) => in_heading = true,
            Event::End(TagEnd::Heading(_)) => in_heading = false,
            Event::Text(text) | Event::Code(text) if !in_heading => {
                let block = current.get_or_insert_with(Block::default);
                block.pieces.push((block.text.len(), range.start));
                block.text.push_str(&text);
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(block) = current.as_mut() {
                    block.text.push(' ');
                }
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell) => {
                blocks.extend(current.take());
            }
            _ => {}
        }
    }
    blocks.extend(current);
    measure(blocks.into_iter())
}

/// Sentences end at `.`, `!` or `?` followed by a space (or at the end of a block); a full stop
/// inside a number or an abbreviation like "e.g." does not end one.
fn measure(blocks: impl Iterator<Item = Block>) -> Reading {
    let mut sentences = Vec::new();
    for block in blocks {
        let text = block.text.as_str();
        let mut start = 0;
        let bytes = text.as_bytes();
        for (i, byte) in bytes.iter().enumerate() {
            let ends = matches!(byte, b'.' | b'!' | b'?')
                && bytes
                    .get(i + 1)
                    .is_none_or(|next| next.is_ascii_whitespace())
                && !abbreviation(&text[start..=i]);
            if ends {
                sentences.extend(sentence(&block, start..i + 1));
                start = i + 1;
            }
        }
        sentences.extend(sentence(&block, start..text.len()));
    }
    let words = sentences.iter().map(|s| s.words).sum();
    let syllables = sentences.iter().map(|s| s.syllables).sum();
    Reading {
        grade: grade(words, sentences.len(), syllables),
        sentences,
    }
}

fn abbreviation(sentence: &str) -> bool {
    let last = sentence.split_whitespace().last().unwrap_or_default();
    ["e.g.", "i.e.", "etc.", "vs.", "Dr."].contains(&last)
}

fn sentence(block: &Block, span: Range<usize>) -> Option<Sentence> {
    let piece = &block.text[span.clone()];
    let leading = piece.len() - piece.trim_start().len();
    let words: Vec<&str> = words(piece).collect();
    (!words.is_empty()).then(|| Sentence {
        text: piece.trim().to_owned(),
        start: block.source(span.start + leading),
        words: words.len(),
        syllables: words.iter().map(|w| syllables(w)).sum(),
    })
}

/// Words: runs of letters, digits and apostrophes (a hyphen or slash separates words).
pub fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(['\'', '’']))
        .filter(|w| !w.is_empty())
}

/// Syllables by the usual rule: groups of vowels (y included), less a silent final "e", at
/// least one. Numbers count as one.
pub fn syllables(word: &str) -> usize {
    let word = word.to_lowercase();
    if word.chars().all(|c| c.is_ascii_digit()) {
        return 1;
    }
    let vowel = |c: char| "aeiouy".contains(c);
    let mut count = 0;
    let mut previous = false;
    for c in word.chars() {
        let is = vowel(c);
        if is && !previous {
            count += 1;
        }
        previous = is;
    }
    if word.ends_with('e') && !word.ends_with("le") && count > 1 {
        count -= 1;
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syllables_follow_the_vowel_group_rule() {
        for (word, n) in [
            ("cramp", 1),
            ("muscle", 2),
            ("make", 1),
            ("medicine", 3),
            ("emergency", 4),
            ("the", 1),
            ("rhythm", 1),
            ("911", 1),
        ] {
            assert_eq!(syllables(word), n, "{word}");
        }
    }

    #[test]
    fn short_plain_sentences_score_low_and_long_latinate_ones_high() {
        assert!(plain("Call 911. Do not wait.").grade < 2.0);
        let hard = plain(
            "Rhabdomyolysis, characterised by myoglobinuria and elevated creatine kinase, \
             necessitates immediate intravenous rehydration and comprehensive evaluation.",
        );
        assert!(hard.grade > 16.0, "{}", hard.grade);
    }

    #[test]
    fn the_textbook_example_scores_as_published() {
        // "The Australian platypus…": 13 words, 1 sentence, 26 syllables by this rule.
        let reading = plain(
            "The Australian platypus is seemingly the hybrid of a mammal and reptilian creature.",
        );
        assert_eq!(reading.sentences.len(), 1);
        let s = &reading.sentences[0];
        assert_eq!(s.words, 13);
        let expected = 0.39 * 13.0 + 11.8 * (s.syllables as f64 / 13.0) - 15.59;
        assert!((reading.grade - expected).abs() < 1e-9);
    }

    #[test]
    fn markdown_blocks_end_sentences_and_headings_do_not_count() {
        let body = "## Symptoms\n- Sudden pain\n- A hard knot\n\nRest it. Use **ice**, e.g. a cold pack.\n";
        let reading = markdown(body);
        let texts: Vec<&str> = reading.sentences.iter().map(|s| s.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Sudden pain",
                "A hard knot",
                "Rest it.",
                "Use ice, e.g. a cold pack."
            ]
        );
        let starts: Vec<&str> = reading
            .sentences
            .iter()
            .map(|s| &body[s.start..s.start + 3])
            .collect();
        assert_eq!(starts, ["Sud", "A h", "Res", "Use"]);
    }
}
