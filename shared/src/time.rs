//! Calendar maths in UTC, written once: the edge (card expiry, the ops console's date filters) and the ops console's
//! display use it. Howard Hinnant's `days_from_civil` / `civil_from_days` (proleptic Gregorian, exact for every
//! `i64` day count the API can meet); no time-zone data: a zone is a minute offset the caller adds.

/// Milliseconds in a UTC day.
pub const DAY_MS: i64 = 86_400_000;

/// A calendar date (proleptic Gregorian). Months and days count from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i64,
    pub month: u32,
    pub day: u32,
}

/// A UTC moment split into its calendar and clock fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateTime {
    pub date: Date,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
    pub millisecond: u32,
}

/// Days since 1970-01-01 of a date (negative before). The date is not checked: see [`Date::checked`].
pub fn days_from_civil(date: Date) -> i64 {
    let (month, day) = (i64::from(date.month), i64::from(date.day));
    let y = if month <= 2 { date.year - 1 } else { date.year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `days` after 1970-01-01.
pub fn civil_from_days(days: i64) -> Date {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    Date { year: yoe + era * 400 + i64::from(month <= 2), month, day }
}

/// Whether `year` has a 29 February.
pub fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month of a year (`month` 1–12; anything else counts as 31).
pub fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl Date {
    /// The date, if it exists (month 1–12, day within the month).
    pub fn checked(year: i64, month: u32, day: u32) -> Option<Date> {
        ((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month)).then_some(Date {
            year,
            month,
            day,
        })
    }

    /// Unix milliseconds of this date's midnight, UTC.
    pub fn start_ms(self) -> i64 {
        days_from_civil(self) * DAY_MS
    }

    /// The date of a Unix-milliseconds instant, UTC.
    pub fn of_ms(ms: i64) -> Date {
        civil_from_days(ms.div_euclid(DAY_MS))
    }

    /// `YYYY-MM-DD` (exactly: four-digit year, two-digit month and day) when that date exists.
    pub fn parse_iso(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b[r.clone()].iter().all(u8::is_ascii_digit).then(|| &s[r]);
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let (y, m, d) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        Date::checked(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }
}

impl DateTime {
    /// A Unix-milliseconds instant in UTC (add the zone's offset to `ms` first for local time).
    pub fn of_ms(ms: i64) -> DateTime {
        let in_day = ms.rem_euclid(DAY_MS);
        DateTime {
            date: Date::of_ms(ms),
            hour: (in_day / 3_600_000) as u32,
            minute: (in_day / 60_000 % 60) as u32,
            second: (in_day / 1000 % 60) as u32,
            millisecond: (in_day % 1000) as u32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(year: i64, month: u32, day: u32) -> Date {
        Date { year, month, day }
    }

    #[test]
    fn known_days() {
        assert_eq!(days_from_civil(date(1970, 1, 1)), 0);
        assert_eq!(days_from_civil(date(2000, 3, 1)), 11_017);
        assert_eq!(days_from_civil(date(1969, 12, 31)), -1);
        assert_eq!(Date::of_ms(0), date(1970, 1, 1));
        assert_eq!(Date::of_ms(1_795_000_000_000), date(2026, 11, 18));
        assert_eq!(Date::of_ms(951_782_400_000), date(2000, 2, 29));
        assert_eq!(Date::of_ms(-1), date(1969, 12, 31));
    }

    #[test]
    fn clock_fields() {
        let t = DateTime::of_ms(Date { year: 2026, month: 11, day: 25 }.start_ms() + 50_587_123);
        assert_eq!((t.date, t.hour, t.minute, t.second, t.millisecond), (date(2026, 11, 25), 14, 3, 7, 123));
        let before = DateTime::of_ms(-1);
        assert_eq!((before.date, before.hour, before.millisecond), (date(1969, 12, 31), 23, 999));
    }

    #[test]
    fn iso_dates_must_exist() {
        assert_eq!(Date::parse_iso("2024-02-29"), Some(date(2024, 2, 29)));
        for bad in ["2023-02-29", "2026-13-01", "2026-00-10", "2026-1-01", "26-01-01", "2026-01-1a", "", "2026/01/01"] {
            assert_eq!(Date::parse_iso(bad), None, "{bad}");
        }
        assert!(!is_leap_year(1900) && is_leap_year(2000) && is_leap_year(2024));
    }

    proptest! {
        #[test]
        fn days_round_trip(days in -1_000_000i64..10_000_000) {
            let d = civil_from_days(days);
            prop_assert_eq!(days_from_civil(d), days);
            prop_assert!(Date::checked(d.year, d.month, d.day).is_some());
            prop_assert_eq!(civil_from_days(days + 1) > d, true);
        }
    }
}
