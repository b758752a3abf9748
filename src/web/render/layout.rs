//! The frame around every public page (`templates/base.html`): head metadata (canonical,
//! `hreflang` alternates), header with the "Call us" button, navigation with the language switch,
//! and the footer with each location's open-now status — and the words pages share, in the
//! page's language (`crate::i18n`).

use crate::content::{
    Change, DayHours, DosageForm, Lang, Location, Notes, OpenStatus, RedFlagLevel, Review, Site,
};
use crate::i18n::{self, Arg};

/// What `base.html` reads; each page template holds one as `layout`.
pub struct Layout<'a> {
    pub site: &'a Site,
    pub css: &'a str,
    pub logo: &'a str,
    /// The search box's progressive-enhancement script.
    pub script: &'a str,
    pub locations: Vec<LocationView<'a>>,
    /// The location "Call us" rings.
    pub call: Option<LocationView<'a>>,
    /// Absolute URL of this page (of its English page when it is shown in English).
    pub canonical: String,
    pub meta: Meta,
    pub lang: Lang,
    /// The language the switch offers.
    pub other: Lang,
    /// This page's entry has no translation in `other` (the switch lands on its English words).
    pub other_is_english: bool,
    /// `""` or `"/es"`: put before every site path.
    pub prefix: &'static str,
    /// This page in the other language.
    pub switch_href: String,
    /// (`hreflang`, absolute URL) of every language version, and `x-default`.
    pub alternates: Vec<(&'static str, String)>,
    /// Which entries are shown in English, or translated from an older English version.
    pub notes: &'a Notes,
}

/// A location with its status right now.
#[derive(Clone, Copy)]
pub struct LocationView<'a> {
    pub location: &'a Location,
    pub status: &'a OpenStatus,
}

/// One page's own head data.
pub struct Meta {
    /// Without the pharmacy name; `base.html` appends it.
    pub title: String,
    pub description: String,
    /// Site-relative and in English, e.g. `/conditions/migraine`: `lang` puts it in place.
    pub path: String,
    /// The navigation entry to mark as current (`aria-current`), by path.
    pub section: &'static str,
    /// Open Graph type: `website` or `article`.
    pub og_type: &'static str,
    /// JSON-LD documents, already serialised by `super::super::public::schema` (safe for a
    /// `<script>` element).
    pub json_ld: Vec<String>,
    /// Keep out of search indexes (the 404 and search result pages).
    pub noindex: bool,
    pub lang: Lang,
    /// A sentence above the page (a translation out of date, a page not translated yet).
    pub notice: Option<String>,
    /// The page exists only in English: shown under `/es/` with a notice, canonical and
    /// alternates point at the English page.
    pub english_only: bool,
    /// The entry (`kind`, `slug`) the page shows, if it shows one.
    pub entry: Option<(&'static str, String)>,
}

impl Meta {
    pub fn new(
        title: impl Into<String>,
        description: impl Into<String>,
        path: impl Into<String>,
    ) -> Self {
        Self {
            title: title.into(),
            description: description.into(),
            path: path.into(),
            section: "",
            og_type: "website",
            json_ld: Vec::new(),
            noindex: false,
            lang: Lang::En,
            notice: None,
            english_only: false,
            entry: None,
        }
    }

    pub fn section(mut self, section: &'static str) -> Self {
        self.section = section;
        self
    }

    pub fn article(mut self) -> Self {
        self.og_type = "article";
        self
    }

    pub fn json_ld(mut self, document: String) -> Self {
        self.json_ld.push(document);
        self
    }

    pub fn noindex(mut self) -> Self {
        self.noindex = true;
        self
    }

    pub fn lang(mut self, lang: Lang) -> Self {
        self.lang = lang;
        self
    }

    /// The page of entry `kind/slug`: in a translated language, says when it is shown in
    /// English or translated from an older English version.
    pub fn entry(mut self, notes: &Notes, kind: &'static str, slug: &str) -> Self {
        self.entry = Some((kind, slug.to_owned()));
        if notes.in_english(kind, slug) {
            self.notice = Some(i18n::text(self.lang, "translation-missing"));
            self.english_only = true;
        } else if notes.is_stale(kind, slug) {
            self.notice = Some(i18n::text(self.lang, "translation-stale"));
        }
        self
    }
}

/// Interface text as templates show it: escaped for HTML text and double-quoted attributes,
/// apostrophes left as they are (so "patients' own words" reads the same in the page source as
/// it did when the words were in the template).
pub struct Text(String);

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut rest = self.0.as_str();
        while let Some(at) = rest.find(['&', '<', '>', '"']) {
            f.write_str(&rest[..at])?;
            f.write_str(match rest.as_bytes()[at] {
                b'&' => "&#38;",
                b'<' => "&#60;",
                b'>' => "&#62;",
                _ => "&#34;",
            })?;
            rest = &rest[at + 1..];
        }
        f.write_str(rest)
    }
}

// `Display` above escapes everything HTML needs escaped in text and double-quoted attributes.
impl askama::filters::HtmlSafe for Text {}

impl Layout<'_> {
    /// Interface text in the page's language.
    pub fn t(&self, key: &str) -> Text {
        Text(i18n::text(self.lang, key))
    }

    /// Interface text with one argument (which may be what a patient typed: it is escaped).
    pub fn t_with(&self, key: &str, name: &str, value: &str) -> Text {
        Text(i18n::format(self.lang, key, &[(name, Arg::Str(value))]))
    }

    /// Interface text that depends on a number (`$count`, plurals).
    pub fn count(&self, key: &str, count: impl Number) -> Text {
        Text(i18n::format(
            self.lang,
            key,
            &[("count", count.number().into())],
        ))
    }

    /// A count and one more argument.
    pub fn count_with(&self, key: &str, count: impl Number, name: &str, value: &str) -> Text {
        Text(i18n::format(
            self.lang,
            key,
            &[("count", count.number().into()), (name, Arg::Str(value))],
        ))
    }

    /// The home page in this language.
    pub fn home(&self) -> &'static str {
        match self.prefix {
            "" => "/",
            prefix => prefix,
        }
    }

    /// Whether the entry is shown in English on this page (then marked `lang="en"`).
    pub fn in_english(&self, kind: &str, slug: &impl std::fmt::Display) -> bool {
        self.lang != Lang::En && self.notes.in_english(kind, &slug.to_string())
    }

    /// Whether a category's name is shown in English on this page (then marked `lang="en"`).
    pub fn category_in_english(&self, name: &str) -> bool {
        self.lang != Lang::En && self.notes.category_in_english(name)
    }

    /// "Open now" / "Closed".
    pub fn open_label(&self, status: &OpenStatus) -> Text {
        self.t(if status.open { "open-now" } else { "closed" })
    }

    /// "closes at 6 pm", "abre mañana a las 8:30 a. m.".
    pub fn open_detail(&self, status: &OpenStatus) -> String {
        open_detail(self.lang, status)
    }

    /// "Reviewed by … on …; next review …".
    pub fn reviewed(&self, review: &Review) -> String {
        let date = |d: &jiff::civil::Date| date(self.lang, *d);
        let by = review.by.as_str();
        match (&review.on, &review.next) {
            (Some(on), Some(next)) => i18n::format(
                self.lang,
                "reviewed-by-on-next",
                &[
                    ("by", Arg::Str(by)),
                    ("on", Arg::Str(&date(on))),
                    ("next", Arg::Str(&date(next))),
                ],
            ),
            (Some(on), None) => i18n::format(
                self.lang,
                "reviewed-by-on",
                &[("by", Arg::Str(by)), ("on", Arg::Str(&date(on)))],
            ),
            _ => i18n::format(self.lang, "reviewed-by", &[("by", Arg::Str(by))]),
        }
    }

    /// A dosage form as patients read it.
    pub fn form(&self, form: &DosageForm) -> Text {
        self.t(&format!("form-{form}"))
    }

    /// A weekday's name (`"monday"` …, as `WeeklyHours::days` gives them).
    pub fn weekday(&self, day: &str) -> Text {
        self.t(&day.to_lowercase())
    }

    /// One day's hours: "9 am – 6 pm", "Closed".
    pub fn hours(&self, hours: &DayHours) -> String {
        match hours {
            DayHours::Open { opens, closes } => {
                format!(
                    "{} – {}",
                    clock(self.lang, *opens),
                    clock(self.lang, *closes)
                )
            }
            DayHours::Closed => self.t("closed-all-day").0,
        }
    }
}

/// A count as templates hold it (a number, or a reference to one).
pub trait Number {
    fn number(&self) -> usize;
}

impl Number for usize {
    fn number(&self) -> usize {
        *self
    }
}

impl<T: Number + ?Sized> Number for &T {
    fn number(&self) -> usize {
        (**self).number()
    }
}

/// A red flag level's name and what to do, as message keys.
pub fn level_key(level: &RedFlagLevel) -> &'static str {
    match level {
        RedFlagLevel::Emergency => "level-emergency",
        RedFlagLevel::Urgent => "level-urgent",
        RedFlagLevel::Routine => "level-routine",
    }
}

pub fn instruction_key(level: &RedFlagLevel) -> &'static str {
    match level {
        RedFlagLevel::Emergency => "instruction-emergency",
        RedFlagLevel::Urgent => "instruction-urgent",
        RedFlagLevel::Routine => "instruction-routine",
    }
}

/// "closes at 6 pm" in `lang`; empty when the location has no opening ahead.
pub fn open_detail(lang: Lang, status: &OpenStatus) -> String {
    let Some(next) = status.next else {
        return String::new();
    };
    let (key, time, day) = match next {
        Change::Closes(t) => ("closes-at", t, None),
        Change::OpensToday(t) => ("opens-today", t, None),
        Change::OpensTomorrow(t) => ("opens-tomorrow", t, None),
        Change::Opens(day, t) => ("opens-on", t, Some(day)),
    };
    let day = day.map(|d| i18n::text(lang, &crate::content::weekday_name(d).to_lowercase()));
    let written = clock(lang, time);
    let mut args = vec![
        ("time", Arg::Str(&written)),
        ("hour", Arg::Num(i64::from(hour12(time)))),
    ];
    if let Some(day) = &day {
        args.push(("day", Arg::Str(day)));
    }
    i18n::format(lang, key, &args)
}

/// The hour on a 12-hour clock (Spanish says "a la 1" but "a las 2": plurals choose by it).
pub fn hour12(time: jiff::civil::Time) -> i8 {
    match time.hour() % 12 {
        0 => 12,
        h => h,
    }
}

/// "6 pm", "8:30 am"; "6 p. m.", "8:30 a. m.".
pub fn clock(lang: Lang, time: jiff::civil::Time) -> String {
    let half = if time.hour() < 12 { "am" } else { "pm" };
    let hour = i64::from(hour12(time));
    if time.minute() == 0 {
        i18n::format(
            lang,
            "time-hour",
            &[("hour", Arg::Num(hour)), ("half", Arg::Str(half))],
        )
    } else {
        let minute = format!("{:02}", time.minute());
        i18n::format(
            lang,
            "time-minute",
            &[
                ("hour", Arg::Num(hour)),
                ("minute", Arg::Str(&minute)),
                ("half", Arg::Str(half)),
            ],
        )
    }
}

/// "January 15, 2026"; "15 de enero de 2026".
pub fn date(lang: Lang, date: jiff::civil::Date) -> String {
    let month = i18n::text(lang, &format!("month-{}", date.month()));
    i18n::format(
        lang,
        "date",
        &[
            ("month", Arg::Str(&month)),
            ("day", Arg::Num(i64::from(date.day()))),
            ("year", Arg::Str(&date.year().to_string())),
        ],
    )
}
