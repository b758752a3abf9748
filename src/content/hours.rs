//! "Open now · closes at 6 pm": a location's status at an instant, in the location's own time
//! zone, with the instant the wording next changes (so cached pages know when to re-render).

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use super::site::{Location, WeeklyHours};
use super::values::DayHours;

/// What a patient reads about one location right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenStatus {
    pub open: bool,
    /// "closes at 6 pm", "opens tomorrow at 9 am", "opens Monday at 8:30 am".
    pub detail: String,
    /// The same change as data, for wording it in another language.
    pub next: Option<Change>,
    /// The wording holds until this instant: the next opening or closing, or local midnight
    /// (when "tomorrow" becomes "today").
    pub until: Timestamp,
}

/// The next opening or closing of a location, as `detail` words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Closes(Time),
    OpensToday(Time),
    OpensTomorrow(Time),
    Opens(Weekday, Time),
}

impl OpenStatus {
    /// "Open now" or "Closed", the words shown before the detail.
    pub fn label(&self) -> &'static str {
        if self.open { "Open now" } else { "Closed" }
    }
}

impl std::fmt::Display for OpenStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.detail.is_empty() {
            f.write_str(self.label())
        } else {
            write!(f, "{} · {}", self.label(), self.detail)
        }
    }
}

impl WeeklyHours {
    /// The hours on a weekday.
    pub fn on(&self, day: Weekday) -> DayHours {
        match day {
            Weekday::Monday => self.monday,
            Weekday::Tuesday => self.tuesday,
            Weekday::Wednesday => self.wednesday,
            Weekday::Thursday => self.thursday,
            Weekday::Friday => self.friday,
            Weekday::Saturday => self.saturday,
            Weekday::Sunday => self.sunday,
        }
    }
}

impl Location {
    /// How long this location was open between `from` and `to` (milliseconds): the clock that
    /// matters for "waiting too long" — a request sent at 9 pm has not waited all night.
    pub fn open_ms_between(&self, from: Timestamp, to: Timestamp) -> i64 {
        let tz = TimeZone::get(self.timezone.as_str()).unwrap_or(TimeZone::UTC);
        open_ms(&self.hours, &tz, from, to)
    }

    /// The status at `now`, computed in the location's time zone.
    pub fn status_at(&self, now: Timestamp) -> OpenStatus {
        // The time zone was checked when the content was read; UTC only if the bundled
        // database somehow lost it, which keeps the page up rather than failing it.
        let tz = TimeZone::get(self.timezone.as_str()).unwrap_or(TimeZone::UTC);
        status(&self.hours, &tz, now)
    }
}

fn open_ms(hours: &WeeklyHours, tz: &TimeZone, from: Timestamp, to: Timestamp) -> i64 {
    if to <= from {
        return 0;
    }
    let mut day = from.to_zoned_datetime(tz.clone()).date();
    let last = to.to_zoned_datetime(tz.clone()).date();
    let mut total = 0;
    // A year of days at most: anything older is long overdue anyway.
    for _ in 0..370 {
        if let DayHours::Open { opens, closes } = hours.on(day.weekday()) {
            let at = |time: Time| {
                day.to_datetime(time)
                    .to_zoned_datetime(tz.clone())
                    .map(|z| z.timestamp())
            };
            if let (Ok(open), Ok(close)) = (at(opens), at(closes)) {
                let (start, end) = (open.max(from), close.min(to));
                if end > start {
                    total += end.as_millisecond() - start.as_millisecond();
                }
            }
        }
        match day.tomorrow() {
            Ok(next) if day < last => day = next,
            _ => break,
        }
    }
    total
}

fn status(hours: &WeeklyHours, tz: &TimeZone, now: Timestamp) -> OpenStatus {
    let local = now.to_zoned_datetime(tz.clone());
    let (today, time) = (local.date(), local.time());
    let instant = |date: Date, at: Time| {
        date.to_datetime(at)
            .to_zoned_datetime(tz.clone())
            .map_or(now, |z| z.timestamp())
    };
    let midnight = today
        .tomorrow()
        .ok()
        .and_then(|d| d.to_zoned_datetime(tz.clone()).ok())
        .map_or_else(|| now + 24.hours(), |z| z.timestamp());
    if let DayHours::Open { opens, closes } = hours.on(today.weekday()) {
        if opens <= time && time < closes {
            return OpenStatus {
                open: true,
                detail: format!("closes at {}", clock(closes)),
                next: Some(Change::Closes(closes)),
                until: instant(today, closes),
            };
        }
        if time < opens {
            return OpenStatus {
                open: false,
                detail: format!("opens today at {}", clock(opens)),
                next: Some(Change::OpensToday(opens)),
                until: instant(today, opens),
            };
        }
    }
    let mut day = today;
    for ahead in 1..=7 {
        let Ok(next) = day.tomorrow() else { break };
        day = next;
        if let DayHours::Open { opens, .. } = hours.on(day.weekday()) {
            let when = if ahead == 1 {
                "tomorrow".to_owned()
            } else {
                weekday_name(day.weekday()).to_owned()
            };
            return OpenStatus {
                open: false,
                detail: format!("opens {when} at {}", clock(opens)),
                next: Some(if ahead == 1 {
                    Change::OpensTomorrow(opens)
                } else {
                    Change::Opens(day.weekday(), opens)
                }),
                until: midnight,
            };
        }
    }
    OpenStatus {
        open: false,
        detail: String::new(),
        next: None,
        until: midnight,
    }
}

/// "9 am", "8:30 am", "12 pm", "6 pm": the way a US pharmacy writes its hours.
pub fn clock(time: Time) -> String {
    let (hour, minute) = (time.hour(), time.minute());
    let suffix = if hour < 12 { "am" } else { "pm" };
    let hour12 = match hour % 12 {
        0 => 12,
        h => h,
    };
    if minute == 0 {
        format!("{hour12} {suffix}")
    } else {
        format!("{hour12}:{minute:02} {suffix}")
    }
}

pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "Monday",
        Weekday::Tuesday => "Tuesday",
        Weekday::Wednesday => "Wednesday",
        Weekday::Thursday => "Thursday",
        Weekday::Friday => "Friday",
        Weekday::Saturday => "Saturday",
        Weekday::Sunday => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Weekdays 9–6, Saturday 10–2, closed Sunday: the West Hollywood sample.
    fn week() -> WeeklyHours {
        let open = |raw: &str| DayHours::parse(raw).unwrap();
        WeeklyHours {
            monday: open("09:00-18:00"),
            tuesday: open("09:00-18:00"),
            wednesday: open("09:00-18:00"),
            thursday: open("09:00-18:00"),
            friday: open("08:30-18:00"),
            saturday: open("10:00-14:00"),
            sunday: DayHours::Closed,
        }
    }

    fn at(local: &str) -> (Timestamp, TimeZone) {
        let tz = TimeZone::get("America/Los_Angeles").unwrap();
        let ts = local
            .parse::<jiff::civil::DateTime>()
            .unwrap()
            .to_zoned_datetime(tz.clone())
            .unwrap()
            .timestamp();
        (ts, tz)
    }

    fn text(local: &str) -> (String, String) {
        let (now, tz) = at(local);
        let status = status(&week(), &tz, now);
        let until = status.until.to_zoned_datetime(tz).datetime().to_string();
        (status.to_string(), until)
    }

    #[test]
    fn open_hours_say_when_they_close() {
        // 2026-11-26 is a Thursday.
        assert_eq!(
            text("2026-11-26T12:00"),
            (
                "Open now · closes at 6 pm".into(),
                "2026-11-26T18:00:00".into()
            )
        );
        assert_eq!(
            text("2026-11-26T09:00").0,
            "Open now · closes at 6 pm",
            "opening minute counts as open"
        );
    }

    #[test]
    fn before_opening_says_today_and_after_closing_says_tomorrow() {
        assert_eq!(
            text("2026-11-26T07:15"),
            (
                "Closed · opens today at 9 am".into(),
                "2026-11-26T09:00:00".into()
            )
        );
        assert_eq!(
            text("2026-11-26T18:00"),
            (
                "Closed · opens tomorrow at 8:30 am".into(),
                "2026-11-27T00:00:00".into()
            )
        );
    }

    #[test]
    fn a_closed_day_points_at_the_next_open_day_by_name() {
        // Saturday after 2 pm: closed Sunday, so Monday.
        assert_eq!(text("2026-11-28T15:00").0, "Closed · opens Monday at 9 am");
        assert_eq!(
            text("2026-11-29T10:00").0,
            "Closed · opens tomorrow at 9 am"
        );
    }

    #[test]
    fn status_uses_the_locations_own_time_zone() {
        // 17:30 UTC is 9:30 in Los Angeles (open) and 10:30 in Denver.
        let now: Timestamp = "2026-11-26T17:30:00Z".parse().unwrap();
        let la = status(&week(), &TimeZone::get("America/Los_Angeles").unwrap(), now);
        assert!(la.open);
        let tokyo = status(&week(), &TimeZone::get("Asia/Tokyo").unwrap(), now);
        // 02:30 Friday in Tokyo.
        assert_eq!(tokyo.to_string(), "Closed · opens today at 8:30 am");
    }

    #[test]
    fn only_opening_hours_count_as_waiting() {
        let hours = |from: &str, to: &str| {
            let ((from, tz), (to, _)) = (at(from), at(to));
            open_ms(&week(), &tz, from, to) / 60_000
        };
        assert_eq!(hours("2026-11-26T10:00", "2026-11-26T12:00"), 120);
        // Sent Thursday 9 pm: nothing counts until Friday 8:30 am.
        assert_eq!(hours("2026-11-26T21:00", "2026-11-27T08:00"), 0);
        assert_eq!(hours("2026-11-26T21:00", "2026-11-27T10:30"), 120);
        // Saturday 1 pm to Monday 10 am: an hour on Saturday, none on Sunday, an hour Monday.
        assert_eq!(hours("2026-11-28T13:00", "2026-11-30T10:00"), 120);
        assert_eq!(hours("2026-11-26T12:00", "2026-11-26T11:00"), 0);
    }

    #[test]
    fn clock_reads_like_a_shop_sign() {
        assert_eq!(clock(Time::constant(0, 0, 0, 0)), "12 am");
        assert_eq!(clock(Time::constant(12, 0, 0, 0)), "12 pm");
        assert_eq!(clock(Time::constant(8, 30, 0, 0)), "8:30 am");
        assert_eq!(clock(Time::constant(19, 0, 0, 0)), "7 pm");
    }

    #[test]
    fn a_location_that_never_opens_just_says_closed() {
        let closed = WeeklyHours {
            monday: DayHours::Closed,
            tuesday: DayHours::Closed,
            wednesday: DayHours::Closed,
            thursday: DayHours::Closed,
            friday: DayHours::Closed,
            saturday: DayHours::Closed,
            sunday: DayHours::Closed,
        };
        let (now, tz) = at("2026-11-26T12:00");
        assert_eq!(status(&closed, &tz, now).to_string(), "Closed");
    }
}
