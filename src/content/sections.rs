//! Splitting a condition's Markdown body into sections at its `## ` headings.

use super::problem::SourceFile;

/// One section of a condition page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub heading: String,
    /// An anchor for the on-page table of contents, e.g. `risk-factors`.
    pub id: String,
    /// The section's Markdown, without its heading line.
    pub markdown: String,
}

/// The heading given to text written before the first `## ` heading.
pub const LEAD_HEADING: &str = "Overview";

/// The sections of `body` in order. Headings inside fenced code blocks do not count.
pub fn sections(body: &str) -> Vec<Section> {
    let mut out: Vec<Section> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for (heading, line) in lines(body) {
        match (heading, &mut current) {
            (Some(heading), _) => {
                out.extend(current.take().map(|(h, m)| section(h, m)));
                current = Some((heading.to_owned(), String::new()));
            }
            (None, Some((_, markdown))) => {
                markdown.push_str(line.trim_end_matches('\r'));
                markdown.push('\n');
            }
            // Blank lines before the first heading are not an implicit "Overview".
            (None, None) if line.trim().is_empty() => {}
            (None, None) => current = Some((LEAD_HEADING.to_owned(), format!("{line}\n"))),
        }
    }
    out.extend(current.map(|(h, m)| section(h, m)));
    out
}

fn section(heading: String, markdown: String) -> Section {
    Section {
        id: anchor(&heading),
        heading,
        markdown: markdown.trim().to_owned(),
    }
}

/// Each line of `body`, with its `## ` heading text when it is one (outside code fences).
fn lines(body: &str) -> impl Iterator<Item = (Option<&str>, &str)> {
    let mut fence: Option<&str> = None;
    // Split on '\\n' (not `lines()`) so callers can count bytes exactly, CRLF included.
    body.split('\n').map(move |line| {
        let trimmed = line.trim_start();
        for marker in ["```", "~~~"] {
            if trimmed.starts_with(marker) {
                match fence {
                    Some(open) if open == marker => fence = None,
                    None => fence = Some(marker),
                    Some(_) => {}
                }
            }
        }
        let heading = match (fence, line.strip_prefix("## ")) {
            (None, Some(text)) => Some(text.trim().trim_end_matches('#').trim()),
            _ => None,
        };
        (heading, line)
    })
}

/// A URL fragment from a heading: lowercase ASCII words joined by hyphens.
pub fn anchor(heading: &str) -> String {
    let mut out = String::new();
    // "Cuándo buscar ayuda" → "cuando-buscar-ayuda" (English headings are unchanged).
    let heading = super::collate::folded(heading);
    for word in heading
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    if out.is_empty() {
        "section".to_owned()
    } else {
        out
    }
}

/// Reports an empty body, empty headings and headings that repeat (their anchors would clash).
pub fn check_body(file: &SourceFile<'_>, body: &str, body_offset: usize) {
    if body.trim().is_empty() {
        file.report_at(
            body_offset,
            None,
            "the body is empty; write the page's sections under `## ` headings after the closing +++",
        );
        return;
    }
    let mut seen: Vec<String> = Vec::new();
    let mut offset = body_offset;
    for (heading, line) in lines(body) {
        if let Some(heading) = heading {
            let id = anchor(heading);
            if heading.is_empty() {
                file.report_at(offset, None, "a `## ` heading has no text");
            } else if seen.contains(&id) {
                file.report_at(
                    offset,
                    None,
                    format!(
                        "the heading \"{heading}\" appears twice; section headings must differ"
                    ),
                );
            }
            seen.push(id);
        }
        offset += line.len() + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_level_two_headings_only() {
        let body = "Intro text.\n\n## Causes\nToo much.\n### Detail\nx\n## Risk factors\nAge.\n";
        let got = sections(body);
        let headings: Vec<_> = got
            .iter()
            .map(|s| (s.heading.as_str(), s.id.as_str()))
            .collect();
        assert_eq!(
            headings,
            [
                ("Overview", "overview"),
                ("Causes", "causes"),
                ("Risk factors", "risk-factors")
            ]
        );
        assert_eq!(got[1].markdown, "Too much.\n### Detail\nx");
    }

    #[test]
    fn ignores_headings_in_code_fences() {
        let body = "## A\n```\n## not a heading\n```\n## B\n";
        assert_eq!(sections(body).len(), 2);
    }

    #[test]
    fn anchors_are_url_safe() {
        assert_eq!(anchor("When to get help?"), "when-to-get-help");
        assert_eq!(anchor("Foot & Leg"), "foot-leg");
        assert_eq!(anchor("¿?"), "section");
    }
}
