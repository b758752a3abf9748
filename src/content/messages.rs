//! The words of the texts and e-mails a patient asked for (`[messages]` in `site.toml`), one per
//! status that sends one. A template names what it holds with placeholders — the pharmacy, the
//! reference, the location, its phone, the status page's link — and nothing else can be put in:
//! a message never carries a drug name, a name or a date of birth. Checked when read.

use serde::{Deserialize, Serialize};

use super::Lang;
use super::reader::Table;

/// What a template may name.
pub const PLACEHOLDERS: [&str; 5] = ["pharmacy", "reference", "location", "phone", "link"];

/// One text message stays within two SMS segments (with "Reply STOP to opt out" added).
const MAX_LEN: usize = 240;

/// The three templates in each language: `[messages]` is English, `[messages.es]` Spanish (for
/// requests sent from a Spanish page).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Messages {
    /// Written as `[messages]` itself, as before there was a second language.
    #[serde(flatten)]
    pub en: Templates,
    pub es: Templates,
}

impl Default for Messages {
    fn default() -> Self {
        Self {
            en: Templates::default(),
            es: Templates::spanish(),
        }
    }
}

impl Messages {
    pub fn is_default(&self) -> bool {
        self == &Self::default()
    }

    pub fn in_lang(&self, lang: Lang) -> &Templates {
        match lang {
            Lang::En => &self.en,
            Lang::Es => &self.es,
        }
    }
}

/// One language's templates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Templates {
    pub ready: String,
    pub need_to_talk: String,
    pub cannot_fill: String,
}

impl Default for Templates {
    fn default() -> Self {
        Self {
            ready: "{pharmacy}: your request {reference} is ready at {location}. Details: {link}"
                .to_owned(),
            need_to_talk: "{pharmacy}: we need to talk to you about request {reference}. \
                           Please call {location} at {phone}. Details: {link}"
                .to_owned(),
            cannot_fill: "{pharmacy}: we could not fill request {reference}. Please call \
                          {location} at {phone}. Details: {link}"
                .to_owned(),
        }
    }
}

impl Templates {
    /// Worded without accented letters outside the GSM 7-bit alphabet (á, í, ó, ú): one such
    /// letter makes a whole text UCS-2, with 70 characters a segment instead of 160.
    fn spanish() -> Self {
        Self {
            ready: "{pharmacy}: su solicitud {reference} ya se puede recoger en {location}. \
                    Detalles: {link}"
                .to_owned(),
            need_to_talk: "{pharmacy}: necesitamos hablar con usted sobre la solicitud \
                           {reference}. Llame a {location} al {phone}. Detalles: {link}"
                .to_owned(),
            cannot_fill: "{pharmacy}: no pudimos completar la solicitud {reference}. Llame a \
                          {location} al {phone}. Detalles: {link}"
                .to_owned(),
        }
    }
}

/// What fills a template's placeholders.
#[derive(Debug, Clone, Copy)]
pub struct Values<'a> {
    pub pharmacy: &'a str,
    pub reference: &'a str,
    pub location: &'a str,
    pub phone: &'a str,
    pub link: &'a str,
}

/// `template` with its placeholders filled (a template was checked when read; an unknown
/// placeholder, which cannot occur, stays as written).
pub fn fill(template: &str, values: &Values<'_>) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let value = match &after[..end] {
                    "pharmacy" => values.pharmacy,
                    "reference" => values.reference,
                    "location" => values.location,
                    "phone" => values.phone,
                    "link" => values.link,
                    _ => &rest[start..start + end + 2],
                };
                out.push_str(value);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Why a template cannot be used: an unknown or unclosed placeholder, no `{reference}` or
/// `{link}` (the patient must be able to tell which request and find its status), too long.
pub fn check(template: &str) -> Result<(), String> {
    let mut rest = template;
    let mut named = Vec::new();
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            return Err("a \"{\" is not closed; placeholders are written like {reference}".into());
        };
        let name = &after[..end];
        if !PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "unknown placeholder {{{name}}}; use {}",
                PLACEHOLDERS.map(|p| format!("{{{p}}}")).join(", ")
            ));
        }
        named.push(name);
        rest = &after[end + 1..];
    }
    for needed in ["reference", "link"] {
        if !named.contains(&needed) {
            return Err(format!(
                "must include {{{needed}}}, so the patient can tell which request and find its status"
            ));
        }
    }
    let longest = fill(
        template,
        &Values {
            pharmacy: &"x".repeat(40),
            reference: "R-7KQ3-9M",
            location: &"x".repeat(30),
            phone: "(310) 555-0134",
            link: "https://pharmacy.example/requests/status?reference=R-7KQ3-9M",
        },
    );
    if longest.chars().count() > MAX_LEN {
        return Err(format!(
            "too long for a text: keep it under {MAX_LEN} characters once filled in"
        ));
    }
    Ok(())
}

/// Reads `[messages]` and `[messages.es]`: each template optional (the default stands in), each
/// checked.
pub fn read(mut table: Table<'_, '_>) -> Messages {
    let mut messages = Messages::default();
    if let Some(spanish) = table.table("es") {
        read_templates(spanish, &mut messages.es);
    }
    read_templates(table, &mut messages.en);
    messages
}

fn read_templates(mut table: Table<'_, '_>, templates: &mut Templates) {
    for (key, slot) in [
        ("ready", &mut templates.ready),
        ("need_to_talk", &mut templates.need_to_talk),
        ("cannot_fill", &mut templates.cannot_fill),
    ] {
        if let Some(text) = table.parsed(key, false, |raw| check(raw).map(|()| raw.to_owned())) {
            *slot = text.value;
        }
    }
    table.finish();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_pass_their_own_check_and_fill_in() {
        let all = Messages::default();
        for messages in [&all.en, &all.es] {
            for template in [
                &messages.ready,
                &messages.need_to_talk,
                &messages.cannot_fill,
            ] {
                check(template).unwrap();
            }
        }
        let messages = &all.en;
        let values = Values {
            pharmacy: "Willow",
            reference: "R-7KQ3-9M",
            location: "West Hollywood",
            phone: "(310) 555-0134",
            link: "https://w.example/requests/status?reference=R-7KQ3-9M",
        };
        assert_eq!(
            fill(&messages.ready, &values),
            "Willow: your request R-7KQ3-9M is ready at West Hollywood. \
             Details: https://w.example/requests/status?reference=R-7KQ3-9M"
        );
    }

    #[test]
    fn templates_name_only_what_a_message_may_hold() {
        let says = |t: &str| check(t).unwrap_err();
        assert!(says("{reference} {link} for {name}").contains("unknown placeholder {name}"));
        assert!(says("{reference} {link").contains("not closed"));
        assert!(says("Ready: {link}").contains("must include {reference}"));
        assert!(says("Ready: {reference}").contains("must include {link}"));
        assert!(says(&format!("{{reference}} {{link}} {}", "x".repeat(200))).contains("too long"));
    }
}
