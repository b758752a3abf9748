//! `/compounding`: what the pharmacy makes — each ingredient against the dosage forms it is
//! compounded in, with the conditions it is listed for.

use std::collections::BTreeSet;

use askama::Template;
use axum::response::Response;

use crate::content::{Condition, DosageForm, Lang, Medication};
use crate::i18n;
use crate::web::AppError;
use crate::web::render::{Layout, Meta, PageRequest, Rendered};

#[derive(Template)]
#[template(path = "compounding.html")]
struct CompoundingPage<'a> {
    layout: Layout<'a>,
    /// The forms used by at least one ingredient, in a stable order.
    forms: Vec<DosageForm>,
    rows: Vec<Row<'a>>,
}

struct Row<'a> {
    medication: &'a Medication,
    /// One flag per column of `forms`.
    offered: Vec<bool>,
    conditions: Vec<&'a Condition>,
}

pub async fn show(page: PageRequest) -> Response {
    let lang = page.lang;
    page.html(move |site| render(site, lang)).await
}

pub fn render(site: &Rendered, lang: Lang) -> Result<String, AppError> {
    let pack = site.pack_in(lang)?;
    let compounded: Vec<&Medication> = super::medication::alphabetical(&pack.medications, lang)
        .into_iter()
        .filter(|m| !m.compounded_forms().is_empty())
        .collect();
    let forms: Vec<DosageForm> = compounded
        .iter()
        .flat_map(|m| m.compounded_forms().iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rows = compounded
        .into_iter()
        .map(|medication| Row {
            offered: forms
                .iter()
                .map(|f| medication.compounded_forms().contains(f))
                .collect(),
            conditions: pack
                .conditions
                .iter()
                .filter(|c| c.meta.medications.compounded.contains(&medication.slug))
                .collect(),
            medication,
        })
        .collect();
    let meta = Meta::new(
        i18n::text(lang, "compounding-title"),
        i18n::format(
            lang,
            "compounding-description",
            &[("pharmacy", (&pack.site.name).into())],
        ),
        "/compounding",
    )
    .lang(lang)
    .section("compounding");
    let page = CompoundingPage {
        layout: site.layout(meta)?,
        forms,
        rows,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}
