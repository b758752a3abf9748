//! `/conditions/{slug}`: one condition page — urgency cards first, then the sections with a
//! table of contents, medications by how to get them, testimonials, review provenance, sources.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use super::schema;
use crate::content::{
    Condition, ContentPack, Lang, Medication, RedFlag, RedFlagLevel, Review, Source, Testimonial,
    sections,
};
use crate::web::AppError;
use crate::web::markdown::to_html;
use crate::web::render::{Layout, Meta, PageRequest, Rendered};

#[derive(Template)]
#[template(path = "condition.html")]
struct ConditionPage<'a> {
    layout: Layout<'a>,
    condition: &'a Condition,
    sections: Vec<SectionView>,
    red_flags: Vec<&'a RedFlag>,
    over_the_counter: Vec<&'a Medication>,
    prescription: Vec<&'a Medication>,
    compounded: Vec<&'a Medication>,
    testimonials: Vec<&'a Testimonial>,
    related: Vec<&'a Condition>,
    /// Where the condition's category is listed.
    category_href: String,
    has_medications: bool,
    review: &'a Review,
    sources: &'a [Source],
}

struct SectionView {
    heading: String,
    id: String,
    html: String,
}

// What a patient should do for each level, in plain words (`urgency.html` shows it with the
// level's name, so urgency is never conveyed by colour alone).
pub use crate::web::render::{instruction_key, level_key};

pub fn is_emergency(level: &RedFlagLevel) -> bool {
    *level == RedFlagLevel::Emergency
}

pub async fn show(page: PageRequest, Path(slug): Path<String>) -> Response {
    let lang = page.lang;
    page.html(move |site| render(site, lang, &slug)).await
}

pub fn render(site: &Rendered, lang: Lang, slug: &str) -> Result<String, AppError> {
    let pack = site.pack_in(lang)?;
    let condition = pack.condition(slug).ok_or(AppError::NotFound)?;
    Ok(view(site, lang, pack, condition)?
        .render()
        .map_err(anyhow::Error::from)?)
}

fn view<'a>(
    site: &'a Rendered,
    lang: Lang,
    pack: &'a ContentPack,
    condition: &'a Condition,
) -> Result<ConditionPage<'a>, AppError> {
    let meds = |list: &[crate::content::Slug]| -> Vec<&'a Medication> {
        list.iter()
            .filter_map(|slug| pack.medication(slug.as_str()))
            .collect()
    };
    let mut red_flags: Vec<&RedFlag> = condition.meta.red_flags.iter().collect();
    red_flags.sort_by_key(|flag| flag.level);
    let lists = &condition.meta.medications;
    let meta = Meta::new(
        condition.meta.title.clone(),
        condition.meta.summary.clone(),
        format!("/conditions/{}", condition.slug),
    )
    .lang(lang)
    .entry(site.notes(lang), "conditions", condition.slug.as_str())
    .section("conditions")
    .article()
    .json_ld(schema::script(&schema::condition(
        site, lang, pack, condition,
    )));
    Ok(ConditionPage {
        layout: site.layout(meta)?,
        condition,
        category_href: super::conditions::category_href(
            pack,
            lang,
            condition.meta.category.as_deref().unwrap_or_default(),
        ),
        review: &condition.meta.review,
        sources: &condition.meta.sources,
        sections: sections(&condition.body)
            .into_iter()
            .map(|s| SectionView {
                html: to_html(&s.markdown),
                heading: s.heading,
                id: s.id,
            })
            .collect(),
        red_flags,
        over_the_counter: meds(&lists.over_the_counter),
        prescription: meds(&lists.prescription),
        compounded: meds(&lists.compounded),
        has_medications: !lists.is_empty(),
        testimonials: condition
            .meta
            .testimonials
            .iter()
            .filter_map(|slug| pack.testimonial(slug.as_str()))
            .collect(),
        related: condition
            .meta
            .related
            .iter()
            .filter_map(|slug| pack.condition(slug.as_str()))
            .collect(),
    })
}
