//! The request form's page: each question with what was typed, its error and its options
//! (radios, locations, medicine rows), the error summary first.

use askama::Template;

use super::spec::{self, Input, Question};
use crate::requests::{self, FieldError, Kind};
use crate::web::AppError;
use crate::web::render::{Layout, Meta, Rendered};

#[derive(Template)]
#[template(path = "request_form.html")]
struct FormPage<'a> {
    layout: Layout<'a>,
    kind: &'static str,
    title: &'static str,
    lead: &'static str,
    errors: Vec<FieldError>,
    fields: Vec<FieldView>,
    /// "Text me" / "E-mail me", when a channel is configured.
    updates: Option<UpdatesView>,
    token: &'a str,
}

/// The updates choices as offered and as ticked.
struct UpdatesView {
    text: bool,
    email: bool,
    text_label: &'static str,
    text_checked: bool,
    email_checked: bool,
    email_value: String,
    email_error: Option<String>,
}

/// One question with what the patient typed and its error.
struct FieldView {
    question: Question,
    value: String,
    error: Option<String>,
    /// For radios and locations: (value, label, checked).
    options: Vec<(String, String, bool)>,
    /// For medicine rows, what was typed in each.
    rows: Vec<MedicineRow>,
}

/// One row of the transfer form's medicines: field names, input ids and what was typed.
struct MedicineRow {
    number: usize,
    name_field: String,
    rx_field: String,
    name_id: String,
    rx_id: String,
    name: String,
    rx: String,
}

impl MedicineRow {
    fn all<'v>(typed: &dyn Fn(&str) -> &'v str) -> Vec<Self> {
        (1..=requests::fields::Medicines::ROWS)
            .map(|number| {
                let name_field = requests::posted::medicine_field(number);
                let rx_field = requests::posted::rx_field(number);
                // The first row's name input carries the question's id, so the error
                // summary's link lands on it.
                let (name_id, rx_id) = if number == 1 {
                    ("medications".to_owned(), "medications-rx".to_owned())
                } else {
                    (
                        format!("medications-{number}"),
                        format!("medications-rx-{number}"),
                    )
                };
                Self {
                    number,
                    name: typed(&name_field).to_owned(),
                    rx: typed(&rx_field).to_owned(),
                    name_field,
                    rx_field,
                    name_id,
                    rx_id,
                }
            })
            .collect()
    }
}

impl FieldView {
    fn is_radios(&self) -> bool {
        matches!(self.question.input, Input::Radios(_) | Input::Location)
    }
    fn is_medicines(&self) -> bool {
        self.question.input == Input::Medicines
    }
    fn is_textarea(&self) -> bool {
        self.question.input == Input::TextArea
    }
    fn input_type(&self) -> &'static str {
        match self.question.input {
            Input::Tel => "tel",
            _ => "text",
        }
    }
    fn input_mode(&self) -> &'static str {
        match self.question.input {
            Input::Tel => "tel",
            Input::Date => "numeric",
            _ => "text",
        }
    }
    /// `aria-describedby`: the hint and the error, when present.
    fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.question.hint.is_empty() {
            ids.push(format!("{}-hint", self.question.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.question.name));
        }
        ids.join(" ")
    }
}

/// The form for `kind`, showing what was `typed` in each field and `errors`, with the CSRF `token`.
pub(super) fn form_page<'v>(
    site: &Rendered,
    kind: Kind,
    typed: &dyn Fn(&str) -> &'v str,
    errors: Vec<FieldError>,
    (token, (text, email)): (&str, (bool, bool)),
) -> Result<String, AppError> {
    let pack = site.pack()?;
    let (title, lead) = spec::heading(kind);
    let default_location = pack.site.main_location().map(|l| l.slug.to_string());
    let fields = spec::questions(kind)
        .iter()
        .map(|question| {
            let mut value = typed(question.name).to_owned();
            if question.input == Input::Location && value.is_empty() {
                value = default_location.clone().unwrap_or_default();
            }
            let options: Vec<(String, String, bool)> = match question.input {
                Input::Radios(options) => options
                    .iter()
                    .map(|(v, label)| ((*v).to_owned(), (*label).to_owned(), *v == value))
                    .collect(),
                Input::Location => pack
                    .site
                    .locations
                    .iter()
                    .map(|l| {
                        let slug = l.slug.to_string();
                        let checked = slug == value;
                        (
                            slug,
                            format!("{} — {}, {}", l.name, l.address.street, l.address.city),
                            checked,
                        )
                    })
                    .collect(),
                _ => Vec::new(),
            };
            FieldView {
                error: errors
                    .iter()
                    .find(|e| e.field == question.name)
                    .map(|e| e.message.clone()),
                rows: if question.input == Input::Medicines {
                    MedicineRow::all(typed)
                } else {
                    Vec::new()
                },
                question: *question,
                value,
                options,
            }
        })
        .collect();
    let updates = (text || email).then(|| UpdatesView {
        text,
        email,
        text_label: if kind == Kind::Callback {
            "Text me if we need you to call us"
        } else {
            "Text me when it's ready"
        },
        text_checked: !typed("text_me").is_empty(),
        email_checked: !typed("email_me").is_empty(),
        email_value: typed("email").to_owned(),
        email_error: errors
            .iter()
            .find(|e| e.field == "email")
            .map(|e| e.message.clone()),
    });
    // "Error: …" first in the title, so a screen reader hears it on arrival.
    let page_title = if errors.is_empty() {
        title.to_owned()
    } else {
        format!("Error: {title}")
    };
    let meta = Meta::new(page_title, lead, format!("/requests/{}", kind.slug())).noindex();
    let page = FormPage {
        layout: site.layout(meta)?,
        kind: kind.slug(),
        title,
        lead,
        errors,
        fields,
        updates,
        token,
    };
    Ok(page.render().map_err(anyhow::Error::from)?)
}
