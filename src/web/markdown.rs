//! Markdown to HTML for content bodies. Raw HTML in the Markdown is shown as text, never passed
//! through: content is data, and the CSP forbids inline script and style anyway.

use pulldown_cmark::{Event, Options, Parser, html};

/// Renders `markdown`, escaping any HTML it contains.
pub fn to_html(markdown: &str) -> String {
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH,
    )
    .map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, parser);
    out
}

#[cfg(test)]
mod tests {
    use super::to_html;

    #[test]
    fn renders_markdown_and_escapes_html() {
        assert_eq!(to_html("**bold**"), "<p><strong>bold</strong></p>\n");
        let html = to_html("<script>alert(1)</script> and <b onclick=x>hi</b>");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }
}
