//! `/testimonials`: what patients say, each with the conditions it is shown on.

use askama::Template;
use axum::response::Response;

use crate::content::{Condition, Lang, Testimonial};
use crate::i18n;
use crate::web::AppError;
use crate::web::render::{Layout, Meta, PageRequest, Rendered};

#[derive(Template)]
#[template(path = "testimonials.html")]
struct TestimonialsPage<'a> {
    layout: Layout<'a>,
    testimonials: Vec<(&'a Testimonial, Vec<&'a Condition>)>,
    /// Whether any quote is a sample (`example = true`) / a patient's own: the lead says which.
    any_example: bool,
    any_real: bool,
}

pub async fn show(page: PageRequest) -> Response {
    let lang = page.lang;
    page.html(move |site| render(site, lang)).await
}

pub fn render(site: &Rendered, lang: Lang) -> Result<String, AppError> {
    let pack = site.pack_in(lang)?;
    let meta = Meta::new(
        i18n::text(lang, "testimonials-title"),
        i18n::format(
            lang,
            "testimonials-description",
            &[("pharmacy", (&pack.site.name).into())],
        ),
        "/testimonials",
    )
    .lang(lang);
    let testimonials = pack
        .testimonials
        .iter()
        .map(|t| {
            let on: Vec<&Condition> = pack
                .conditions
                .iter()
                .filter(|c| c.meta.testimonials.contains(&t.slug))
                .collect();
            (t, on)
        })
        .collect();
    let page = TestimonialsPage {
        layout: site.layout(meta)?,
        any_example: pack.testimonials.iter().any(|t| t.meta.example),
        any_real: pack.testimonials.iter().any(|t| !t.meta.example),
        testimonials,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}
