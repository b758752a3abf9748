//! `/conditions/{slug}`: one condition page — urgency cards first, then the sections with a
//! table of contents, medications by how to get them, testimonials, review provenance, sources.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use super::schema;
use crate::content::{
    Condition, ContentPack, Medication, RedFlag, RedFlagLevel, Review, Source, Testimonial,
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

/// What a patient should do for each level, in plain words (shown with the level's name, so
/// urgency is never conveyed by colour alone).
pub fn instruction(level: &RedFlagLevel) -> &'static str {
    match level {
        RedFlagLevel::Emergency => "Call 911 now.",
        RedFlagLevel::Urgent => "See a doctor today.",
        RedFlagLevel::Routine => "Mention it to your doctor.",
    }
}

pub fn level_name(level: &RedFlagLevel) -> &'static str {
    match level {
        RedFlagLevel::Emergency => "Emergency",
        RedFlagLevel::Urgent => "Urgent",
        RedFlagLevel::Routine => "Routine",
    }
}

pub async fn show(page: PageRequest, Path(slug): Path<String>) -> Response {
    page.html(move |site| render(site, &slug)).await
}

pub fn render(site: &Rendered, slug: &str) -> Result<String, AppError> {
    let pack = site.pack()?;
    let condition = pack.condition(slug).ok_or(AppError::NotFound)?;
    Ok(view(site, pack, condition)?
        .render()
        .map_err(anyhow::Error::from)?)
}

fn view<'a>(
    site: &'a Rendered,
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
    .section("conditions")
    .article()
    .json_ld(schema::script(&schema::condition(site, pack, condition)));
    Ok(ConditionPage {
        layout: site.layout(meta)?,
        condition,
        category_href: super::conditions::category_href(
            pack,
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
