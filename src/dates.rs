//! Calendar arithmetic for the dates budgetnote prints and reads (no clock is ever read).

/// Converts days since 1970-01-01 to a (year, month, day) date in the proleptic Gregorian calendar.
pub fn civil_from_days(days: i64) -> (u16, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year.clamp(0, 9999) as u16, month as u8, day as u8)
}

/// The Danish month names, January first, as dates are printed ("14. september 2026").
pub const MONTHS: [&str; 12] = [
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
];

/// The Danish name of `month` (1–12); empty for another number.
pub fn month_name(month: u8) -> &'static str {
    MONTHS
        .get(usize::from(month).saturating_sub(1))
        .copied()
        .unwrap_or("")
}

/// Whether (`year`, `month`, `day`) is a day of the calendar.
fn is_day(year: u16, month: u8, day: u8) -> bool {
    let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 0,
    };
    day >= 1 && day <= days
}

/// The date a text most likely means, as a finance officer writes one: "14. september 2026",
/// "14. sep. 2026", "14/9 2026", "14-09-2026", "14.09.2026" (day first, as in Danish) or
/// "2026-09-14"; `None` for anything else or a day the calendar does not have. Used only to
/// propose the TOML date in a message, never to read a date.
pub fn read_written(text: &str) -> Option<(u16, u8, u8)> {
    let lower = text.trim().to_lowercase();
    let parts: Vec<&str> = lower
        .split([' ', '/', '-', '.', ','])
        .filter(|p| !p.is_empty())
        .collect();
    let number = |p: &str| p.parse::<u16>().ok();
    let month_of = |p: &str| -> Option<u8> {
        if let Some(n) = number(p) {
            return u8::try_from(n).ok().filter(|m| (1..=12).contains(m));
        }
        let position = MONTHS
            .iter()
            .position(|m| *m == p || (p.len() >= 3 && m.starts_with(p)))?;
        u8::try_from(position + 1).ok()
    };
    let (year, month, day) = match parts.as_slice() {
        [y, m, d] if y.len() == 4 => (number(y)?, month_of(m)?, number(d)?),
        [d, m, y] if y.len() == 4 => (number(y)?, month_of(m)?, number(d)?),
        _ => return None,
    };
    let day = u8::try_from(day).ok()?;
    is_day(year, month, day).then_some((year, month, day))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Days since the epoch map to the right calendar dates, including leap days.
    #[test]
    fn epoch_days_to_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
        assert_eq!(civil_from_days(20_000), (2024, 10, 4));
    }

    // Dates as written in Danish text read as the day they name; other text and days the
    // calendar does not have read as nothing.
    #[test]
    fn written_dates_read_as_their_day() {
        for written in [
            "14. september 2026",
            "14. sep. 2026",
            "14 September 2026",
            "14/9 2026",
            "14/9/2026",
            "14-09-2026",
            "14.09.2026",
            "2026-09-14",
        ] {
            assert_eq!(read_written(written), Some((2026, 9, 14)), "{written}");
        }
        assert_eq!(read_written("29. februar 2024"), Some((2024, 2, 29)));
        for not in [
            "29. februar 2025",
            "31/4 2026",
            "i morgen",
            "14. sept",
            "2026",
            "14. maj",
        ] {
            assert_eq!(read_written(not), None, "{not}");
        }
        assert_eq!(month_name(3), "marts");
        assert_eq!(month_name(13), "");
    }
}
