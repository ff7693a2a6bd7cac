//! Danish numbers: reading amounts written in a proposal, and formatting them for print.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::RawAmount;

/// Rounds `value` to `decimals` places, half away from zero (−3,25 → −3,3; 2,45 → 2,5;
/// 0,05 → 0,1), as Danish public finance and Excel do. Every printed figure, total, chart label
/// and tolerance is rounded here; clippy forbids rounding anywhere else (`clippy.toml`).
#[allow(clippy::disallowed_methods)]
pub fn round(value: Decimal, decimals: u32) -> Decimal {
    value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero)
}

/// Why an amount could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AmountError {
    /// Written as a TOML float, which is not exact.
    Float(String),
    /// A string that is not a Danish number.
    Text(String),
    /// A number beyond any budget (`MAX_AMOUNT`), which sums could not hold exactly.
    TooLarge(Decimal),
}

/// The largest amount accepted, in any unit: a million million. Anything larger is a typo, and
/// keeping amounts below it keeps every sum and conversion to kroner exact.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// Reads an amount as written in TOML into an exact decimal.
pub fn read_amount(raw: &RawAmount) -> Result<Decimal, AmountError> {
    let value = match raw {
        RawAmount::Integer(i) => Decimal::from(*i),
        RawAmount::Float(f) => return Err(AmountError::Float(float_hint(*f))),
        RawAmount::Text(text) => {
            parse_danish(text).ok_or_else(|| AmountError::Text(text.clone()))?
        }
    };
    if value.abs() > Decimal::from(MAX_AMOUNT) {
        return Err(AmountError::TooLarge(value));
    }
    Ok(value)
}

/// The string a user should write instead of a float, e.g. `2.8` → `"2,8"`.
fn float_hint(f: f64) -> String {
    if f.is_finite() {
        format!("\"{}\"", f.to_string().replace('.', ","))
    } else {
        "an integer such as -2800".to_owned()
    }
}

/// Parses "2,8", "-2.800", "+4", "−1.234,5" (Danish: `.` groups thousands, `,` is the decimal comma).
pub fn parse_danish(text: &str) -> Option<Decimal> {
    let text = text.trim();
    let (negative, rest) = match text.chars().next()? {
        '-' | '\u{2212}' => (true, &text[text.chars().next()?.len_utf8()..]),
        '+' => (false, &text[1..]),
        _ => (false, text),
    };
    let (int_part, frac_part) = match rest.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let digits = ungroup(int_part)?;
    let mut plain = digits;
    if let Some(frac) = frac_part {
        if frac.is_empty() || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        plain.push('.');
        plain.push_str(frac);
    }
    let value: Decimal = plain.parse().ok()?;
    Some(if negative { -value } else { value })
}

/// "12.975" → "12975"; rejects misplaced separators such as "2.8" or "1.00.0".
fn ungroup(int_part: &str) -> Option<String> {
    if int_part.is_empty() {
        return None;
    }
    let groups: Vec<&str> = int_part.split('.').collect();
    let first_ok = (1..=3).contains(&groups[0].len()) || groups.len() == 1;
    let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
    let digits_ok = groups
        .iter()
        .all(|g| !g.is_empty() && g.chars().all(|c| c.is_ascii_digit()));
    (first_ok && rest_ok && digits_ok).then(|| groups.concat())
}

/// Formats an amount the Danish way: `36.608`, `−2.800`, `2,8`; `decimals` fixes the decimals shown.
pub fn format_amount(value: Decimal, decimals: Option<u32>) -> String {
    let value = match decimals {
        Some(dp) => round(value, dp),
        None => value.normalize(),
    };
    let negative = value.is_sign_negative() && !value.is_zero();
    let abs = value.abs();
    let text = match decimals {
        Some(dp) => format!("{abs:.prec$}", prec = dp as usize),
        None => abs.to_string(),
    };
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text.as_str(), None),
    };
    let mut out = String::new();
    if negative {
        out.push('\u{2212}');
    }
    out.push_str(&group_thousands(int_part));
    if let Some(frac) = frac_part {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// Formats a change with an explicit sign: `+4`, `−1`, `0`, `+0,5`.
pub fn format_signed(value: Decimal) -> String {
    let body = format_amount(value, None);
    if value > Decimal::ZERO {
        format!("+{body}")
    } else {
        body
    }
}

/// Inserts `.` between groups of three digits.
fn group_thousands(digits: &str) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// Joins items the Danish way: "A", "A og B", "A, B og C".
pub fn join_danish(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} og {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shorthand for a decimal from a literal string.
    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    // Thousands separators, the minus sign and the decimal comma.
    #[test]
    fn formats_danish_amounts() {
        assert_eq!(format_amount(d("36608"), None), "36.608");
        assert_eq!(format_amount(d("-2800"), None), "\u{2212}2.800");
        assert_eq!(format_amount(d("-600"), None), "\u{2212}600");
        assert_eq!(format_amount(d("2.8"), None), "2,8");
        assert_eq!(format_amount(d("1234567.50"), None), "1.234.567,5");
        assert_eq!(format_amount(d("16.04"), Some(1)), "16,0");
        assert_eq!(format_amount(d("0"), None), "0");
        assert_eq!(format_amount(d("-0"), None), "0");
    }

    // Half away from zero at every decimal, for negatives too; never half to even.
    #[test]
    fn rounds_half_away_from_zero() {
        let cases = [
            ("-3.25", 1, "-3.3"),
            ("3.25", 1, "3.3"),
            ("2.45", 1, "2.5"),
            ("-2.45", 1, "-2.5"),
            ("0.05", 1, "0.1"),
            ("-0.05", 1, "-0.1"),
            ("0.5", 0, "1"),
            ("-0.5", 0, "-1"),
            ("1.5", 0, "2"),
            ("2.5", 0, "3"),
            ("-2.5", 0, "-3"),
            ("0.125", 2, "0.13"),
            ("-0.125", 2, "-0.13"),
            ("0.0005", 3, "0.001"),
            ("2.44999", 1, "2.4"),
            ("-2.44999", 1, "-2.4"),
            ("12345.5", 0, "12346"),
            ("7", 2, "7"),
        ];
        for (value, dp, want) in cases {
            assert_eq!(round(d(value), dp), d(want), "{value} to {dp} decimals");
        }
    }

    // A figure in 1.000 kr. printed in mio. kr. with one decimal: -3.250 → −3,3, 2.450 → 2,5,
    // 50 → 0,1, 149 → 0,1, 150 → 0,2; and in whole 1.000 kr., 0,5 → 1.
    #[test]
    fn thousands_printed_in_millions_round_half_away() {
        let cases = [
            ("-3250", "\u{2212}3,3"),
            ("2450", "2,5"),
            ("-2450", "\u{2212}2,5"),
            ("50", "0,1"),
            ("-50", "\u{2212}0,1"),
            ("149", "0,1"),
            ("150", "0,2"),
            ("-149", "\u{2212}0,1"),
            ("1234550", "1.234,6"),
            ("0", "0,0"),
            ("-40", "0,0"),
        ];
        for (thousands, want) in cases {
            let millions = d(thousands) / Decimal::from(1000);
            assert_eq!(format_amount(millions, Some(1)), want, "{thousands} t.kr.");
        }
        assert_eq!(format_amount(d("0.5"), Some(0)), "1");
        assert_eq!(format_amount(d("-2.5"), Some(0)), "\u{2212}3");
        assert_eq!(format_amount(d("-36608.25"), Some(1)), "\u{2212}36.608,3");
    }

    // FTE changes always carry their sign.
    #[test]
    fn signed_changes_show_plus() {
        assert_eq!(format_signed(d("4")), "+4");
        assert_eq!(format_signed(d("-1")), "\u{2212}1");
        assert_eq!(format_signed(d("0")), "0");
        assert_eq!(format_signed(d("0.5")), "+0,5");
    }

    // Danish number strings parse exactly; ambiguous or broken ones do not.
    #[test]
    fn parses_danish_strings() {
        assert_eq!(parse_danish("2,8"), Some(d("2.8")));
        assert_eq!(parse_danish("-2.800"), Some(d("-2800")));
        assert_eq!(parse_danish("\u{2212}1.234,5"), Some(d("-1234.5")));
        assert_eq!(parse_danish("+4"), Some(d("4")));
        assert_eq!(parse_danish("12975"), Some(d("12975")));
        assert_eq!(parse_danish("2.8"), None);
        assert_eq!(parse_danish("1.00.000"), None);
        assert_eq!(parse_danish(""), None);
        assert_eq!(parse_danish("NaN"), None);
        assert_eq!(parse_danish("inf"), None);
        assert_eq!(parse_danish("2,"), None);
        assert_eq!(parse_danish("-"), None);
    }

    // Floats are refused with the string to write instead.
    #[test]
    fn floats_are_refused_with_a_hint() {
        assert_eq!(
            read_amount(&RawAmount::Float(2.8)),
            Err(AmountError::Float("\"2,8\"".into()))
        );
        assert!(matches!(
            read_amount(&RawAmount::Float(f64::NAN)),
            Err(AmountError::Float(_))
        ));
        assert_eq!(read_amount(&RawAmount::Integer(-5)), Ok(d("-5")));
    }

    // Committee lists read as Danish prose.
    #[test]
    fn joins_lists_with_og() {
        let items: Vec<String> = ["A", "B", "C"].map(String::from).to_vec();
        assert_eq!(join_danish(&items), "A, B og C");
        assert_eq!(join_danish(&items[..2]), "A og B");
        assert_eq!(join_danish(&items[..1]), "A");
    }
}
