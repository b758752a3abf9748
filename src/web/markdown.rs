//! Markdown to HTML for content bodies. Raw HTML in the Markdown is shown as text, never passed
//! through: content is data. The result is then cleaned by ammonia (an allow-list of tags,
//! attributes and URL schemes), so no `javascript:` link or event handler survives even if a
//! Markdown construct produced one — content is edited by staff in the back office, and the
//! CSP (no inline script or style) is the third line, not the only one.

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
    ammonia::Builder::default()
        .link_rel(None)
        .clean(&out)
        .to_string()
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

    #[test]
    fn script_links_and_images_are_dropped() {
        let html = to_html(
            "[click](javascript:alert(1)) ![x](javascript:alert(2)) [ok](https://example.org)",
        );
        assert!(!html.contains("javascript"), "{html}");
        assert!(html.contains("href=\"https://example.org\""), "{html}");
    }
}
