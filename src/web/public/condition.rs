//! `/conditions/{slug}`: one condition page — urgency cards first, then the sections with a
//! table of contents, medications by how to get them, testimonials, review provenance, sources.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Html;

use crate::content::{
    Condition, ContentPack, Location, Medication, RedFlag, RedFlagLevel, Testimonial, sections,
};
use crate::web::markdown::to_html;
use crate::web::{AppError, ContentCache};

#[derive(Template)]
#[template(path = "condition.html")]
struct ConditionPage<'a> {
    pharmacy: &'a str,
    condition: &'a Condition,
    sections: Vec<SectionView>,
    red_flags: Vec<&'a RedFlag>,
    over_the_counter: Vec<&'a Medication>,
    prescription: Vec<&'a Medication>,
    compounded: Vec<&'a Medication>,
    testimonials: Vec<&'a Testimonial>,
    related: Vec<&'a Condition>,
    call: Option<&'a Location>,
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

#[tracing::instrument(skip(content))]
pub async fn show(
    State(content): State<ContentCache>,
    Path(slug): Path<String>,
) -> Result<Html<String>, AppError> {
    let snapshot = content.snapshot();
    let pack = snapshot.published()?;
    let condition = pack.condition(&slug).ok_or(AppError::NotFound)?;
    Ok(Html(
        page(pack, condition)
            .render()
            .map_err(anyhow::Error::from)?,
    ))
}

fn page<'a>(pack: &'a ContentPack, condition: &'a Condition) -> ConditionPage<'a> {
    let meds = |list: &[crate::content::Slug]| -> Vec<&'a Medication> {
        list.iter()
            .filter_map(|slug| pack.medication(slug.as_str()))
            .collect()
    };
    let mut red_flags: Vec<&RedFlag> = condition.meta.red_flags.iter().collect();
    red_flags.sort_by_key(|flag| flag.level);
    let lists = &condition.meta.medications;
    ConditionPage {
        pharmacy: &pack.site.name,
        condition,
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
        call: pack.site.main_location(),
    }
}
