//! The pharmacy itself (`site.toml`): name, tagline, brand colours, the conditions featured on
//! the home page, and locations with their opening hours.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::lang::Lang;
use super::messages::Messages;
use super::problem::did_you_mean;
use super::reader::Table;
use super::refs::{RefKind, Reference};
use super::slug::Slug;
use super::values::{Colour, DayHours, Email, PhoneNumber, TimeZoneName};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Site {
    pub name: String,
    pub tagline: String,
    /// The location whose phone number "Call us" uses; the first location when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_location: Option<Slug>,
    #[serde(default)]
    pub brand: Brand,
    /// Conditions shown first on the home page, in this order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub featured: Vec<Slug>,
    pub locations: Vec<Location>,
    /// The texts and e-mails patients asked for.
    #[serde(default, skip_serializing_if = "Messages::is_default")]
    pub messages: Messages,
    /// The tagline in other languages (`[taglines] es = "…"`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub taglines: BTreeMap<Lang, String>,
}

impl Site {
    /// The tagline in `lang`, or the English one when it has none.
    pub fn tagline_in(&self, lang: Lang) -> &str {
        self.taglines.get(&lang).unwrap_or(&self.tagline)
    }
}

/// The two brand colours. `primary` colours the header, links and buttons; `accent` the "Call
/// us" button. Both are checked for contrast with white when read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Brand {
    pub primary: Colour,
    pub accent: Colour,
}

impl Default for Brand {
    /// Calm, clinical teal and a deep rust for the call button; both above 7:1 on white.
    fn default() -> Self {
        Self {
            primary: Colour::rgb(0x1d, 0x5c, 0x63),
            accent: Colour::rgb(0x9a, 0x3a, 0x12),
        }
    }
}

impl Site {
    /// The location "Call us" points at.
    pub fn main_location(&self) -> Option<&Location> {
        self.default_location
            .as_ref()
            .and_then(|slug| self.locations.iter().find(|l| &l.slug == slug))
            .or_else(|| self.locations.first())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub slug: Slug,
    pub name: String,
    pub phone: PhoneNumber,
    pub email: Email,
    pub timezone: TimeZoneName,
    pub address: Address,
    pub hours: WeeklyHours,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Address {
    pub street: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    #[serde(default = "default_country")]
    pub country: String,
}

fn default_country() -> String {
    "US".to_owned()
}

/// Opening hours for each day of the week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeeklyHours {
    pub monday: DayHours,
    pub tuesday: DayHours,
    pub wednesday: DayHours,
    pub thursday: DayHours,
    pub friday: DayHours,
    pub saturday: DayHours,
    pub sunday: DayHours,
}

impl WeeklyHours {
    /// The days in order, Monday first, with their names.
    pub fn days(&self) -> [(&'static str, DayHours); 7] {
        [
            ("Monday", self.monday),
            ("Tuesday", self.tuesday),
            ("Wednesday", self.wednesday),
            ("Thursday", self.thursday),
            ("Friday", self.friday),
            ("Saturday", self.saturday),
            ("Sunday", self.sunday),
        ]
    }
}

/// Reads `site.toml`'s root table; `None` when anything is wrong. References to conditions
/// (`featured`) are returned for the cross-file check.
pub fn read(mut table: Table<'_, '_>, refs: &mut Vec<Reference>) -> Option<Site> {
    let file = table.file();
    let before = file.problem_count();
    let name = table.required_string("name");
    let tagline = table.required_string("tagline");
    let default_location = table.parsed("default_location", false, Slug::parse);
    let brand = table.table("brand").map(read_brand);
    let messages = table.table("messages").map(super::messages::read);
    let mut taglines = BTreeMap::new();
    if let Some(translated) = table.table("taglines") {
        let prefix = translated.field("");
        let file = translated.file();
        for (code, text) in translated.string_entries() {
            match Lang::parse(&code.value).filter(|l| *l != Lang::En) {
                Some(lang) => {
                    taglines.insert(lang, text.value);
                }
                None => file.report_at(
                    code.offset,
                    Some(&format!("{prefix}{}", code.value)),
                    format!(
                        "not a language pestle translates into; expected one of: {}",
                        Lang::TRANSLATED.map(Lang::code).join(", ")
                    ),
                ),
            }
        }
    }
    for (index, slug) in table
        .parsed_list("featured", Slug::parse)
        .iter()
        .enumerate()
    {
        refs.push(Reference::new(
            RefKind::Condition,
            slug,
            format!("featured[{index}]"),
        ));
    }
    let featured = refs.iter().map(|r| r.slug.clone()).collect();
    if !table.has("locations") {
        table.report_table(
            "locations",
            "missing required field; add at least one [[locations]] table",
        );
    }
    let mut locations: Vec<Location> = Vec::new();
    for (index, location) in table.table_list("locations").into_iter().enumerate() {
        let Some((slug_offset, location)) = read_location(location) else {
            continue;
        };
        if locations.iter().any(|l| l.slug == location.slug) {
            table.report(
                slug_offset,
                &format!("locations[{index}].slug"),
                format!(
                    "duplicate slug \"{}\"; each location needs its own",
                    location.slug
                ),
            );
        }
        locations.push(location);
    }
    if let Some(default) = &default_location {
        let slugs = || locations.iter().map(|l| l.slug.as_str());
        if !slugs().any(|s| s == default.value.as_str()) {
            let hint = did_you_mean(default.value.as_str(), slugs());
            table.report(
                default.offset,
                "default_location",
                format!("no location has the slug \"{}\"{hint}", default.value),
            );
        }
    }
    table.finish();
    let site = Site {
        name: name?.value,
        tagline: tagline?.value,
        default_location: default_location.map(|d| d.value),
        brand: brand.unwrap_or_default(),
        featured,
        locations,
        messages: messages.unwrap_or_default(),
        taglines,
    };
    (file.problem_count() == before).then_some(site)
}

/// Reads one `[[locations]]` table, returning where its slug was written (for duplicate checks).
fn read_location(mut table: Table<'_, '_>) -> Option<(usize, Location)> {
    let slug = table.parsed("slug", true, Slug::parse);
    let name = table.required_string("name");
    let phone = table.parsed("phone", true, PhoneNumber::parse);
    let email = table.parsed("email", true, Email::parse);
    let timezone = table.parsed("timezone", true, TimeZoneName::parse);
    let address = table.table("address").and_then(read_address);
    if !table.has("address") {
        table.report_table(
            "address",
            "missing required field; add a [locations.address] table",
        );
    }
    let hours = table.table("hours").and_then(read_hours);
    if !table.has("hours") {
        table.report_table(
            "hours",
            "missing required field; add a [locations.hours] table",
        );
    }
    table.finish();
    let slug = slug?;
    Some((
        slug.offset,
        Location {
            slug: slug.value,
            name: name?.value,
            phone: phone?.value,
            email: email?.value,
            timezone: timezone?.value,
            address: address?,
            hours: hours?,
        },
    ))
}

/// `[brand]`: either colour may be left out to keep the default.
fn read_brand(mut table: Table<'_, '_>) -> Brand {
    let default = Brand::default();
    let primary = table.parsed("primary", false, Colour::parse);
    let accent = table.parsed("accent", false, Colour::parse);
    table.finish();
    Brand {
        primary: primary.map_or(default.primary, |c| c.value),
        accent: accent.map_or(default.accent, |c| c.value),
    }
}

fn read_address(mut table: Table<'_, '_>) -> Option<Address> {
    let street = table.required_string("street");
    let city = table.required_string("city");
    let region = table.required_string("region");
    let postal_code = table.required_string("postal_code");
    let country = table.string("country");
    table.finish();
    Some(Address {
        street: street?.value,
        city: city?.value,
        region: region?.value,
        postal_code: postal_code?.value,
        country: country.map_or_else(default_country, |c| c.value),
    })
}

fn read_hours(mut table: Table<'_, '_>) -> Option<WeeklyHours> {
    let mut day = |key: &'static str| {
        let hours = table.parsed(key, false, DayHours::parse);
        if hours.is_none() && !table.has(key) {
            table.report_table(
                key,
                "missing opening hours; write \"09:00-18:00\" or \"closed\"",
            );
        }
        hours.map(|h| h.value)
    };
    let week = (
        day("monday"),
        day("tuesday"),
        day("wednesday"),
        day("thursday"),
        day("friday"),
        day("saturday"),
        day("sunday"),
    );
    table.finish();
    Some(WeeklyHours {
        monday: week.0?,
        tuesday: week.1?,
        wednesday: week.2?,
        thursday: week.3?,
        friday: week.4?,
        saturday: week.5?,
        sunday: week.6?,
    })
}
