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
}
