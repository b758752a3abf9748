//! JSON-LD (schema.org) for search engines: `MedicalWebPage` about a `MedicalCondition` on
//! condition pages, `Drug` on medication pages, and a `Pharmacy` per location.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use serde_json::{Value, json};

use crate::content::{
    Code, Condition, ContentPack, DayHours, Lang, Location, Medication, MedicationStatus, Section,
    sections,
};
use crate::web::render::Rendered;

/// Serialises for a `<script type="application/ld+json">` element: `<`, `>` and `&` are
/// escaped so content can never close the element early.
pub fn script(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// `condition`'s page in `lang` (`pack` is the content in that language).
pub fn condition(site: &Rendered, lang: Lang, pack: &ContentPack, condition: &Condition) -> Value {
    let body = sections(&condition.body);
    // The sections the lists are read from, as the page's language heads them.
    let headings = match lang {
        Lang::En => ["Symptoms", "Risk factors", "Treatment"],
        Lang::Es => ["Síntomas", "Factores de riesgo", "Tratamiento"],
    };
    let listed = |heading: &str, kind: &str| -> Vec<Value> {
        section(&body, heading)
            .map(|s| list_items(&s.markdown))
            .unwrap_or_default()
            .into_iter()
            .map(|name| json!({ "@type": kind, "name": name }))
            .collect()
    };
    // A medication can be both prescribed and compounded: name it once.
    let mut seen = std::collections::HashSet::new();
    let drugs: Vec<Value> = condition
        .meta
        .medications
        .all()
        .filter(|(_, slug)| seen.insert(*slug))
        .filter_map(|(_, slug)| pack.medication(slug.as_str()))
        .map(|m| json!({ "@type": "Drug", "name": m.meta.name, "url": site.url(&lang.path(&format!("/medications/{}", m.slug))) }))
        .collect();
    let mut about = json!({
        "@type": "MedicalCondition",
        "name": condition.meta.title,
        "description": condition.meta.summary,
    });
    // Lists come from the page's own sections; a page without one leaves the key out rather
    // than claim an empty list.
    let lists = [
        ("code", condition.meta.codes.iter().map(code).collect()),
        ("signOrSymptom", listed(headings[0], "MedicalSignOrSymptom")),
        ("riskFactor", listed(headings[1], "MedicalRiskFactor")),
        ("possibleTreatment", listed(headings[2], "MedicalTherapy")),
        ("drug", drugs),
    ];
    for (key, list) in lists {
        if !list.is_empty() {
            about[key] = Value::Array(list);
        }
    }
    if !condition.meta.also_called.is_empty() {
        about["alternateName"] = json!(condition.meta.also_called);
    }
    let mut page = json!({
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": condition.meta.title,
        "description": condition.meta.summary,
        "url": site.url(&lang.path(&format!("/conditions/{}", condition.slug))),
        "inLanguage": lang.code(),
        "about": about,
        "publisher": { "@type": "Pharmacy", "name": pack.site.name },
    });
    let review = &condition.meta.review;
    if review.is_reviewed() {
        page["reviewedBy"] = json!({ "@type": "Person", "name": review.by });
        if let Some(on) = review.on {
            page["lastReviewed"] = json!(on.to_string());
        }
    }
    page
}

pub fn medication(site: &Rendered, lang: Lang, medication: &Medication) -> Value {
    let status = match medication.meta.status {
        MedicationStatus::OverTheCounter | MedicationStatus::Supplement => "OTC",
        MedicationStatus::Prescription | MedicationStatus::Controlled => "PrescriptionOnly",
    };
    let mut drug = json!({
        "@context": "https://schema.org",
        "@type": "Drug",
        "name": medication.meta.name,
        "nonProprietaryName": medication.meta.name,
        "prescriptionStatus": format!("https://schema.org/{status}"),
        "url": site.url(&lang.path(&format!("/medications/{}", medication.slug))),
        "code": medication.meta.codes.iter().map(code).collect::<Vec<_>>(),
    });
    if !medication.meta.brands.is_empty() {
        drug["proprietaryName"] = json!(medication.meta.brands);
    }
    let forms: Vec<String> = medication
        .compounded_forms()
        .iter()
        .map(|f| f.label())
        .collect();
    if !forms.is_empty() {
        drug["dosageForm"] = json!(forms);
    }
    if let Some(class) = &medication.meta.class {
        drug["drugClass"] = json!({ "@type": "DrugClass", "name": class });
    }
    if let Some(summary) = &medication.meta.summary {
        drug["description"] = json!(summary);
    }
    drug
}

/// One `Pharmacy` per location, with its address, phone and weekly hours.
pub fn pharmacies(site: &Rendered, pack: &ContentPack) -> Value {
    let list: Vec<Value> = pack
        .site
        .locations
        .iter()
        .map(|location| pharmacy(site, &pack.site.name, location))
        .collect();
    json!({ "@context": "https://schema.org", "@graph": list })
}

fn pharmacy(site: &Rendered, name: &str, location: &Location) -> Value {
    let hours: Vec<Value> = location
        .hours
        .days()
        .iter()
        .filter_map(|(day, hours)| match hours {
            DayHours::Open { opens, closes } => Some(json!({
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": format!("https://schema.org/{day}"),
                "opens": opens.strftime("%H:%M").to_string(),
                "closes": closes.strftime("%H:%M").to_string(),
            })),
            DayHours::Closed => None,
        })
        .collect();
    let address = &location.address;
    json!({
        "@type": "Pharmacy",
        "@id": site.url(&format!("/locations#{}", location.slug)),
        "name": format!("{name} — {}", location.name),
        "url": site.url("/locations"),
        "telephone": location.phone.tel(),
        "email": location.email.as_str(),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": address.street,
            "addressLocality": address.city,
            "addressRegion": address.region,
            "postalCode": address.postal_code,
            "addressCountry": address.country,
        },
        "openingHoursSpecification": hours,
    })
}

fn code(code: &Code) -> Value {
    json!({
        "@type": "MedicalCode",
        "codeValue": code.value,
        "codingSystem": code.system.name(),
    })
}

fn section<'s>(body: &'s [Section], heading: &str) -> Option<&'s Section> {
    body.iter()
        .find(|s| s.heading.eq_ignore_ascii_case(heading))
}

/// The lead words of each top-level bullet: "**Tired muscles**, for example …" gives "Tired
/// muscles"; a plain item is cut at its first full stop or colon.
fn list_items(markdown: &str) -> Vec<String> {
    let mut items = Vec::new();
    let (mut depth, mut current, mut bold, mut in_bold) =
        (0_usize, String::new(), String::new(), false);
    for event in Parser::new(markdown) {
        match event {
            Event::Start(Tag::Item) => {
                depth += 1;
                if depth == 1 {
                    current.clear();
                    bold.clear();
                }
            }
            Event::End(TagEnd::Item) => {
                if depth == 1 {
                    let lead = if bold.trim().is_empty() {
                        &current
                    } else {
                        &bold
                    };
                    let lead = lead.split(['.', ':', ';']).next().unwrap_or_default();
                    let lead = lead.trim().trim_end_matches(',');
                    if !lead.is_empty() {
                        items.push(lead.to_owned());
                    }
                }
                depth = depth.saturating_sub(1);
            }
            // Only bold text that opens the item is its lead.
            Event::Start(Tag::Strong) if depth == 1 && current.trim().is_empty() => in_bold = true,
            Event::End(TagEnd::Strong) => in_bold = false,
            Event::Text(text) | Event::Code(text) if depth == 1 => {
                current.push_str(&text);
                if in_bold {
                    bold.push_str(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak if depth == 1 => current.push(' '),
            _ => {}
        }
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_take_the_bold_lead_or_the_first_sentence() {
        let items = list_items(
            "Common triggers:\n\n- **Tired muscles**, for example after exercise.\n- are older\n- Low minerals: potassium\n  - nested item\n\nAfter.",
        );
        assert_eq!(items, ["Tired muscles", "are older", "Low minerals"]);
    }

    #[test]
    fn scripts_cannot_close_their_element() {
        let text = script(&json!({ "name": "</script><script>alert(1)</script> & co" }));
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & co");
    }
}
