//! What the content API answers, as types: the OpenAPI document is generated from them
//! (`utoipa::ToSchema`), so the document and the JSON cannot drift apart. A condition is a
//! schema.org `MedicalWebPage` about a `MedicalCondition`, in the shape of the NHS website
//! content API; field names are schema.org's where it has one.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use crate::content::{
    Code, Condition, ContentPack, DayHours, Location as SiteLocation, Medication as SiteMedication,
    RedFlagLevel, sections,
};
use crate::web::render::Rendered;

/// `{"error": {"code", "message"}}`, for every refusal.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiError {
    pub error: ErrorBody,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable, for programs: `not_found`, `bad_parameter`, `too_many_requests`.
    pub code: String,
    /// For people: what was wrong, naming the parameter.
    pub message: String,
}

/// A code from a standard terminology.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MedicalCode {
    #[serde(rename = "@type")]
    #[schema(example = "MedicalCode")]
    pub kind: String,
    #[schema(example = "R25.2")]
    pub code_value: String,
    /// `ICD-10-CM`, `RxNorm`, `SNOMED-CT` or `NDC`.
    #[schema(example = "ICD-10-CM")]
    pub coding_system: String,
}

impl MedicalCode {
    fn of(code: &Code) -> Self {
        Self {
            kind: "MedicalCode".to_owned(),
            code_value: code.value.clone(),
            coding_system: code.system.name().to_owned(),
        }
    }
}

/// What the page is about.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MedicalCondition {
    #[serde(rename = "@type")]
    pub kind: String,
    pub name: String,
    /// Other names patients use.
    pub alternate_name: Vec<String>,
    pub code: Vec<MedicalCode>,
}

/// One section of the page, as on the page.
#[derive(Debug, Serialize, ToSchema)]
pub struct PagePart {
    #[serde(rename = "@type")]
    pub kind: String,
    pub headline: String,
    /// The section as HTML (headings, paragraphs, lists, links; nothing else).
    pub text: String,
}

/// How soon a warning sign needs help.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Urgency {
    /// Call 911 now.
    Emergency,
    /// See a doctor today.
    Urgent,
    /// Mention it to your doctor.
    Routine,
}

/// A warning sign and how urgent it is.
#[derive(Debug, Serialize, ToSchema)]
pub struct WarningSign {
    pub level: Urgency,
    pub text: String,
}

/// Who reviewed the page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    #[serde(rename = "@type")]
    pub kind: String,
    pub name: String,
}

/// A source the page's facts come from.
#[derive(Debug, Serialize, ToSchema)]
pub struct Citation {
    #[serde(rename = "@type")]
    pub kind: String,
    pub name: String,
    pub url: String,
}

/// Where a page's review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewStatus {
    /// Reviewed, and the next review is not yet due.
    Reviewed,
    /// Reviewed, but the next review date has passed.
    Overdue,
    /// Nobody has reviewed it yet.
    NotReviewed,
}

/// A medication as a condition lists it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MedicationLink {
    pub slug: String,
    pub name: String,
    pub url: String,
    /// `over-the-counter`, `prescription`, `controlled` or `compounded-only`.
    pub status: String,
}

/// The medications a condition lists, grouped as on the page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MedicationGroups {
    pub over_the_counter: Vec<MedicationLink>,
    pub prescription: Vec<MedicationLink>,
    pub compounded: Vec<MedicationLink>,
}

/// A condition page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConditionPage {
    #[serde(rename = "@context")]
    pub context: String,
    #[serde(rename = "@type")]
    pub kind: String,
    pub slug: String,
    pub url: String,
    pub name: String,
    pub description: String,
    pub in_language: String,
    pub category: Option<String>,
    pub about: MedicalCondition,
    pub has_part: Vec<PagePart>,
    pub warning_signs: Vec<WarningSign>,
    pub medications: MedicationGroups,
    pub review_status: ReviewStatus,
    pub reviewed_by: Option<Person>,
    /// `YYYY-MM-DD`.
    pub last_reviewed: Option<String>,
    /// `YYYY-MM-DD`.
    pub next_review: Option<String>,
    pub citation: Vec<Citation>,
    /// RFC 3339, when the page last changed.
    pub date_modified: Option<String>,
}

/// A condition in a list.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConditionSummary {
    pub slug: String,
    pub url: String,
    pub name: String,
    pub description: String,
    pub category: Option<String>,
    pub code: Vec<MedicalCode>,
    pub review_status: ReviewStatus,
    pub date_modified: Option<String>,
}

/// One page of conditions, A to Z.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConditionList {
    pub items: Vec<ConditionSummary>,
    /// The next page's address, or `null` after the last.
    pub next: Option<String>,
}

/// How the pharmacy can make a medication.
#[derive(Debug, Serialize, ToSchema)]
pub struct Compounding {
    /// Dosage forms, e.g. `transdermal-gel`.
    pub forms: Vec<String>,
    pub note: Option<String>,
}

/// A medication page.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MedicationPage {
    #[serde(rename = "@type")]
    pub kind: String,
    pub slug: String,
    pub url: String,
    pub name: String,
    /// `over-the-counter`, `prescription`, `controlled` or `compounded-only`.
    pub status: String,
    /// DEA schedule, when controlled.
    pub schedule: Option<String>,
    pub brands: Vec<String>,
    pub drug_class: Option<String>,
    pub description: Option<String>,
    pub code: Vec<MedicalCode>,
    pub commercial_forms: Vec<String>,
    pub compounding: Option<Compounding>,
    /// The conditions whose pages list it.
    pub conditions: Vec<ConditionLink>,
    pub review_status: ReviewStatus,
    pub reviewed_by: Option<Person>,
    pub last_reviewed: Option<String>,
    pub citation: Vec<Citation>,
    pub date_modified: Option<String>,
}

/// A condition that lists a medication.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConditionLink {
    pub slug: String,
    pub name: String,
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MedicationList {
    pub items: Vec<MedicationPage>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PostalAddress {
    pub street_address: String,
    pub address_locality: String,
    pub address_region: String,
    pub postal_code: String,
    pub address_country: String,
}

/// One day's hours: `"09:00-18:00"`, or `"closed"`.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpeningHours {
    pub monday: String,
    pub tuesday: String,
    pub wednesday: String,
    pub thursday: String,
    pub friday: String,
    pub saturday: String,
    pub sunday: String,
}

/// A pharmacy location.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PharmacyLocation {
    #[serde(rename = "@type")]
    pub kind: String,
    pub slug: String,
    pub name: String,
    pub telephone: String,
    pub email: String,
    /// IANA, e.g. `America/Los_Angeles`: the hours are in it.
    pub time_zone: String,
    pub address: PostalAddress,
    pub opening_hours: OpeningHours,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LocationList {
    pub items: Vec<PharmacyLocation>,
}

/// `Unix ms` as RFC 3339.
fn timestamp(ms: Option<i64>) -> Option<String> {
    ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map(|at| at.to_string())
}

pub fn review_status(review: &crate::content::Review, today: jiff::civil::Date) -> ReviewStatus {
    match (review.is_reviewed(), review.next) {
        (false, _) => ReviewStatus::NotReviewed,
        (true, Some(next)) if next < today => ReviewStatus::Overdue,
        (true, _) => ReviewStatus::Reviewed,
    }
}

fn reviewer(review: &crate::content::Review) -> Option<Person> {
    review.is_reviewed().then(|| Person {
        kind: "Person".to_owned(),
        name: review.by.clone(),
    })
}

fn citations(sources: &[crate::content::Source]) -> Vec<Citation> {
    sources
        .iter()
        .map(|source| Citation {
            kind: "CreativeWork".to_owned(),
            name: source.title.clone(),
            url: source.url.to_string(),
        })
        .collect()
}

pub fn condition_summary(
    site: &Rendered,
    condition: &Condition,
    today: jiff::civil::Date,
) -> ConditionSummary {
    ConditionSummary {
        slug: condition.slug.to_string(),
        url: site.url(&format!("/conditions/{}", condition.slug)),
        name: condition.meta.title.clone(),
        description: condition.meta.summary.clone(),
        category: condition.meta.category.clone(),
        code: condition.meta.codes.iter().map(MedicalCode::of).collect(),
        review_status: review_status(&condition.meta.review, today),
        date_modified: timestamp(site.modified(&format!("conditions/{}", condition.slug))),
    }
}

pub fn condition_page(
    site: &Rendered,
    pack: &ContentPack,
    condition: &Condition,
    today: jiff::civil::Date,
) -> ConditionPage {
    let meta = &condition.meta;
    let link = |slug: &crate::content::Slug| {
        pack.medication(slug.as_str()).map(|m| MedicationLink {
            slug: m.slug.to_string(),
            name: m.meta.name.clone(),
            url: site.url(&format!("/medications/{}", m.slug)),
            status: m.meta.status.to_string(),
        })
    };
    let group = |list: &[crate::content::Slug]| list.iter().filter_map(link).collect();
    ConditionPage {
        context: "https://schema.org".to_owned(),
        kind: "MedicalWebPage".to_owned(),
        slug: condition.slug.to_string(),
        url: site.url(&format!("/conditions/{}", condition.slug)),
        name: meta.title.clone(),
        description: meta.summary.clone(),
        in_language: "en".to_owned(),
        category: meta.category.clone(),
        about: MedicalCondition {
            kind: "MedicalCondition".to_owned(),
            name: meta.title.clone(),
            alternate_name: meta.also_called.clone(),
            code: meta.codes.iter().map(MedicalCode::of).collect(),
        },
        has_part: sections(&condition.body)
            .into_iter()
            .map(|section| PagePart {
                kind: "WebPageElement".to_owned(),
                headline: section.heading,
                text: crate::web::markdown::to_html(&section.markdown),
            })
            .collect(),
        warning_signs: meta
            .red_flags
            .iter()
            .map(|flag| WarningSign {
                level: match flag.level {
                    RedFlagLevel::Emergency => Urgency::Emergency,
                    RedFlagLevel::Urgent => Urgency::Urgent,
                    RedFlagLevel::Routine => Urgency::Routine,
                },
                text: flag.text.clone(),
            })
            .collect(),
        medications: MedicationGroups {
            over_the_counter: group(&meta.medications.over_the_counter),
            prescription: group(&meta.medications.prescription),
            compounded: group(&meta.medications.compounded),
        },
        review_status: review_status(&meta.review, today),
        reviewed_by: reviewer(&meta.review),
        last_reviewed: meta.review.on.map(|on| on.to_string()),
        next_review: meta.review.next.map(|next| next.to_string()),
        citation: citations(&meta.sources),
        date_modified: timestamp(site.modified(&format!("conditions/{}", condition.slug))),
    }
}

/// Which conditions list each medication, by medication slug: made once per answer, so a list
/// of every medication does not scan every condition once per medication.
pub fn listed_by(pack: &ContentPack) -> HashMap<&str, Vec<&Condition>> {
    let mut listed: HashMap<&str, Vec<&Condition>> = HashMap::new();
    for condition in &pack.conditions {
        let mut seen = std::collections::HashSet::new();
        for (_, slug) in condition.meta.medications.all() {
            if seen.insert(slug) {
                listed.entry(slug.as_str()).or_default().push(condition);
            }
        }
    }
    listed
}

pub fn medication_page(
    site: &Rendered,
    medication: &SiteMedication,
    listed_by: &HashMap<&str, Vec<&Condition>>,
    today: jiff::civil::Date,
) -> MedicationPage {
    let meta = &medication.meta;
    let conditions = listed_by
        .get(medication.slug.as_str())
        .into_iter()
        .flatten()
        .map(|c| ConditionLink {
            slug: c.slug.to_string(),
            name: c.meta.title.clone(),
            url: site.url(&format!("/conditions/{}", c.slug)),
        })
        .collect();
    MedicationPage {
        kind: "Drug".to_owned(),
        slug: medication.slug.to_string(),
        url: site.url(&format!("/medications/{}", medication.slug)),
        name: meta.name.clone(),
        status: meta.status.to_string(),
        schedule: meta.schedule.map(|s| s.to_string()),
        brands: meta.brands.clone(),
        drug_class: meta.class.clone(),
        description: meta.summary.clone(),
        code: meta.codes.iter().map(MedicalCode::of).collect(),
        commercial_forms: meta
            .commercial_forms
            .iter()
            .map(ToString::to_string)
            .collect(),
        compounding: meta.compounding.as_ref().map(|c| Compounding {
            forms: c.forms.iter().map(ToString::to_string).collect(),
            note: c.note.clone(),
        }),
        conditions,
        review_status: review_status(&meta.review, today),
        reviewed_by: reviewer(&meta.review),
        last_reviewed: meta.review.on.map(|on| on.to_string()),
        citation: citations(&meta.sources),
        date_modified: timestamp(site.modified(&format!("medications/{}", medication.slug))),
    }
}

pub fn location(location: &SiteLocation) -> PharmacyLocation {
    let day = |hours: DayHours| hours.to_string();
    let hours = &location.hours;
    PharmacyLocation {
        kind: "Pharmacy".to_owned(),
        slug: location.slug.to_string(),
        name: location.name.clone(),
        telephone: location.phone.to_string(),
        email: location.email.to_string(),
        time_zone: location.timezone.to_string(),
        address: PostalAddress {
            street_address: location.address.street.clone(),
            address_locality: location.address.city.clone(),
            address_region: location.address.region.clone(),
            postal_code: location.address.postal_code.clone(),
            address_country: location.address.country.clone(),
        },
        opening_hours: OpeningHours {
            monday: day(hours.monday),
            tuesday: day(hours.tuesday),
            wednesday: day(hours.wednesday),
            thursday: day(hours.thursday),
            friday: day(hours.friday),
            saturday: day(hours.saturday),
            sunday: day(hours.sunday),
        },
    }
}
