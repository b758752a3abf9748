//! The request form's page: each question with what was typed, its error and its options
//! (radios, locations, medicine rows), the error summary first.

use askama::Template;

use super::spec::{self, Input, Question};
use crate::content::Lang;
use crate::i18n;
use crate::requests::{self, FieldError, Kind};
use crate::web::AppError;
use crate::web::render::{Layout, Meta, Rendered};

#[derive(Template)]
#[template(path = "request_form.html")]
struct FormPage<'a> {
    layout: Layout<'a>,
    kind: &'static str,
    title: String,
    lead: String,
    /// (field, message) in the page's language.
    errors: Vec<(&'static str, String)>,
    fields: Vec<FieldView>,
    /// "Text me" / "E-mail me", when a channel is configured.
    updates: Option<UpdatesView>,
    token: &'a str,
}

/// The updates choices as offered and as ticked.
struct UpdatesView {
    text: bool,
    email: bool,
    text_label: String,
    text_checked: bool,
    email_checked: bool,
    email_value: String,
    email_error: Option<String>,
}

/// One question with what the patient typed and its error, worded in the page's language.
struct FieldView {
    question: Question,
    label: String,
    hint: String,
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
    label: String,
    rx_label: String,
}

impl MedicineRow {
    fn all<'v>(lang: Lang, typed: &dyn Fn(&str) -> &'v str) -> Vec<Self> {
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
                let label = if number == 1 {
                    "field-medicine"
                } else {
                    "field-medicine-optional"
                };
                let row = [("row", i18n::Arg::from(number))];
                Self {
                    number,
                    label: i18n::format(lang, label, &row),
                    rx_label: i18n::format(lang, "field-medicine-rx", &row),
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
        if !self.hint.is_empty() {
            ids.push(format!("{}-hint", self.question.name));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.question.name));
        }
        ids.join(" ")
    }
}

/// The form for `kind` in `lang`, showing what was `typed` in each field and `errors`, with
/// the CSRF `token`.
pub(super) fn form_page<'v>(
    (site, lang): (&Rendered, Lang),
    kind: Kind,
    typed: &dyn Fn(&str) -> &'v str,
    errors: Vec<FieldError>,
    (token, (text, email)): (&str, (bool, bool)),
) -> Result<String, AppError> {
    let pack = site.pack()?;
    let (title, lead) = spec::heading(kind);
    let (title, lead) = (i18n::text(lang, title), i18n::text(lang, lead));
    let word = |key: &str| {
        if key.is_empty() {
            String::new()
        } else {
            i18n::text(lang, key)
        }
    };
    let errors: Vec<(&'static str, String)> = errors
        .iter()
        .map(|e| (e.field, e.message.in_lang(lang)))
        .collect();
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
                    .map(|(v, label)| ((*v).to_owned(), word(label), *v == value))
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
                    .find(|(field, _)| *field == question.name)
                    .map(|(_, message)| message.clone()),
                label: word(question.label),
                hint: word(question.hint),
                rows: if question.input == Input::Medicines {
                    MedicineRow::all(lang, typed)
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
        text_label: word(if kind == Kind::Callback {
            "updates-text-callback"
        } else {
            "updates-text"
        }),
        text_checked: !typed("text_me").is_empty(),
        email_checked: !typed("email_me").is_empty(),
        email_value: typed("email").to_owned(),
        email_error: errors
            .iter()
            .find(|(field, _)| *field == "email")
            .map(|(_, message)| message.clone()),
    });
    // "Error: …" first in the title, so a screen reader hears it on arrival.
    let page_title = if errors.is_empty() {
        title.clone()
    } else {
        i18n::format(
            lang,
            "form-error-title",
            &[("title", i18n::Arg::from(&title))],
        )
    };
    let meta = Meta::new(
        page_title,
        lead.clone(),
        format!("/requests/{}", kind.slug()),
    )
    .noindex()
    .lang(lang);
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
