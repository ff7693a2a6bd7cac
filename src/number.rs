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

/// A number written so that TOML or the amount reader refuses or misreads it, and what to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Misread {
    /// What is wrong, naming the character, e.g. "the minus sign − (U+2212) is not a TOML minus".
    pub problem: String,
    /// What to write instead, e.g. "write -450"; both readings when `2.800` is ambiguous.
    pub help: String,
}

/// Dashes people type for a minus; only `-` is a TOML minus.
const DASHES: &[char] = &[
    '\u{2212}', '\u{2013}', '\u{2012}', '\u{2014}', '\u{fe63}', '\u{ff0d}',
];

/// Spaces people put between groups of digits.
const SPACES: &[char] = &[' ', '\u{a0}', '\u{202f}', '\u{2009}', '\u{2007}'];

/// The name of a character a user may not see, e.g. "the no-break space (U+00A0)".
pub fn char_name(c: char) -> String {
    let name = match c {
        ' ' => return "the space".to_owned(),
        '\u{2212}' => "the minus sign",
        '\u{2013}' => "the en dash",
        '\u{2012}' => "the figure dash",
        '\u{2014}' => "the em dash",
        '\u{fe63}' | '\u{ff0d}' => "the wide minus",
        '\u{a0}' => "the no-break space",
        '\u{202f}' => "the narrow no-break space",
        '\u{2009}' => "the thin space",
        '\u{2007}' => "the figure space",
        _ => "the character",
    };
    if c.is_whitespace() {
        format!("{name} (U+{:04X})", c as u32)
    } else {
        format!("{name} {c} (U+{:04X})", c as u32)
    }
}

/// Recognises a number written the Danish or typographic way that cannot be read as it stands:
/// `−450` (U+2212), `1 200` (a space or no-break space), `-2.800,5` or `1.250.000` outside
/// quotes. `quoted` tells whether the text is a TOML string's content. `None` when the text is
/// not such a number (or is fine).
pub fn misread(text: &str, quoted: bool) -> Option<Misread> {
    let text = text.trim();
    let chars: Vec<char> = text.chars().collect();
    let mut clean = String::new();
    let mut problems: Vec<String> = Vec::new();
    for (i, &c) in chars.iter().enumerate() {
        if DASHES.contains(&c) && i == 0 {
            clean.push('-');
            // The amount reader accepts U+2212 inside quotes; other dashes never.
            if !(quoted && c == '\u{2212}') {
                problems.push(format!("{} is not a TOML minus", char_name(c)));
            }
        } else if SPACES.contains(&c) {
            let between_digits = i > 0
                && chars[i - 1].is_ascii_digit()
                && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
            if !between_digits {
                return None;
            }
            let problem = format!(
                "{} between the digits is not a thousands separator",
                char_name(c)
            );
            if !problems.contains(&problem) {
                problems.push(problem);
            }
        } else {
            clean.push(c);
        }
    }
    // Spaces group thousands only as dots do: 1 to 3 digits, then groups of exactly three
    // (`2025 2026` is two years, not a number).
    let int_part = text.split(',').next().unwrap_or("");
    let groups: Vec<&str> = int_part.split(|c| SPACES.contains(&c)).collect();
    if groups.len() > 1 {
        let digits = |g: &str| g.chars().filter(char::is_ascii_digit).count();
        let first_ok = (1..=3).contains(&digits(groups[0]));
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return None;
        }
    }
    let value = parse_danish(&clean)?;
    if !quoted && clean.contains(',') {
        problems.push("a number with a decimal comma must be in double quotes".to_owned());
    } else if !quoted && clean.matches('.').count() > 1 {
        problems.push("TOML reads no thousands dots outside double quotes".to_owned());
    }
    if problems.is_empty() {
        return None;
    }
    let help = match thousands_or_decimal(&clean) {
        Some(both) => both,
        None => format!("write {}", suggestion(value)),
    };
    Some(Misread {
        problem: problems.join("; "),
        help,
    })
}

/// How to write `value` so that it is read exactly: `-2800` as a TOML integer, `"-2.800,5"` with
/// a decimal comma in quotes.
pub fn suggestion(value: Decimal) -> String {
    let value = value.normalize();
    if value.fract().is_zero() {
        value.to_string()
    } else {
        format!(
            "\"{}\"",
            format_amount(value, None).replace('\u{2212}', "-")
        )
    }
}

/// For `2.800` or `-12.975` (one dot, then exactly three digits, no comma) — a Danish thousands
/// dot or a decimal point? — the help naming both readings, the thousands reading first.
pub fn thousands_or_decimal(text: &str) -> Option<String> {
    let text = text.trim().replace('_', "");
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text.strip_prefix('+').unwrap_or(&text)),
    };
    let (int, frac) = digits.split_once('.')?;
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    // `0.300` is a decimal: nobody writes three hundred with a leading zero.
    if !all_digits(int) || int.starts_with('0') || frac.len() != 3 || !all_digits(frac) {
        return None;
    }
    let thousands: Decimal = format!("{sign}{int}{frac}").parse().ok()?;
    let decimal: Decimal = format!("{sign}{int}.{frac}").parse().ok()?;
    Some(format!(
        "if you meant {} write {} (or \"{}\"); if you meant {} write {}",
        spoken(thousands),
        suggestion(thousands),
        format_amount(thousands, None).replace('\u{2212}', "-"),
        spoken(decimal),
        suggestion(decimal)
    ))
}

/// The help for an amount written as a TOML float: `source` is its text in the file. `2.800`
/// names both readings (thousands first); `2.8` gives `"2,8"`.
pub fn float_help(source: &str, value: f64) -> String {
    if let Some(both) = thousands_or_decimal(source) {
        return format!("TOML reads {} as a decimal number; {both}", source.trim());
    }
    let plain = source.trim().replace('_', "");
    let looks_plain = plain
        .trim_start_matches(['-', '+'])
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.');
    let hint = match plain.parse::<Decimal>() {
        Ok(d) if looks_plain => suggestion(d),
        _ => float_hint(value),
    };
    format!("write an integer in the table's unit, or a string with a decimal comma: {hint}")
}

/// A number in English words, as a finance officer would say it: "minus two thousand eight
/// hundred", "two point eight"; digits for numbers beyond a billion.
pub fn spoken(value: Decimal) -> String {
    let value = value.normalize();
    let sign = if value.is_sign_negative() && !value.is_zero() {
        "minus "
    } else {
        ""
    };
    let text = value.abs().to_string();
    let (int, frac) = text.split_once('.').unwrap_or((&text, ""));
    let Some(whole) = int.parse::<u64>().ok().filter(|n| *n < 1_000_000_000_000) else {
        return format!("{sign}{text}");
    };
    let mut out = format!("{sign}{}", words(whole));
    if !frac.is_empty() {
        out.push_str(" point");
        for d in frac.chars().filter_map(|c| c.to_digit(10)) {
            out.push(' ');
            out.push_str(ONES[d as usize]);
        }
    }
    out
}

/// Names of 0–19.
const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];

/// Names of the tens, 20–90 (the first two unused).
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// A whole number below a million million in English words.
fn words(n: u64) -> String {
    if n < 20 {
        return ONES[n as usize].to_owned();
    }
    if n < 100 {
        let tens = TENS[(n / 10) as usize];
        return match n % 10 {
            0 => tens.to_owned(),
            r => format!("{tens}-{}", ONES[r as usize]),
        };
    }
    let (scale, name) = match n {
        0..1_000 => (100, "hundred"),
        1_000..1_000_000 => (1_000, "thousand"),
        1_000_000..1_000_000_000 => (1_000_000, "million"),
        _ => (1_000_000_000, "billion"),
    };
    let head = format!("{} {name}", words(n / scale));
    match n % scale {
        0 => head,
        rest => format!("{head} {}", words(rest)),
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
    // The decimals are padded by hand: formatting a decimal with a precision panics in
    // rust_decimal when the text outgrows its buffer (a large figure shown with many decimals).
    let mut text = abs.to_string();
    if let Some(dp) = decimals.filter(|dp| *dp > 0) {
        let have = text.split_once('.').map_or(0, |(_, f)| f.len());
        if have == 0 {
            text.push('.');
        }
        text.extend(std::iter::repeat_n('0', (dp as usize).saturating_sub(have)));
    }
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

/// Sum of a column's cells; blank if every cell is blank.
pub fn sum_column(cells: impl Iterator<Item = Option<Decimal>>) -> Option<Decimal> {
    cells
        .flatten()
        .fold(None, |acc, v| Some(acc.unwrap_or(Decimal::ZERO) + v))
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
        assert_eq!(format_amount(d("2"), Some(3)), "2,000");
        assert_eq!(format_amount(d("-1.25"), Some(3)), "\u{2212}1,250");
        // A large figure with the most decimals a decimal holds does not panic.
        let big = format_amount(d("999999999999"), Some(28));
        assert!(
            big.starts_with("999.999.999.999,") && big.ends_with('0'),
            "{big}"
        );
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

    // Numbers written the Danish or typographic way are recognised, the offending character
    // named and the exact text to write given.
    #[test]
    fn misread_numbers_name_the_character_and_the_fix() {
        let m = misread("\u{2212}450", false).unwrap();
        assert!(
            m.problem
                .contains("the minus sign \u{2212} (U+2212) is not a TOML minus")
        );
        assert_eq!(m.help, "write -450");
        let m = misread("1 200", false).unwrap();
        assert!(m.problem.contains("the space"), "{m:?}");
        assert_eq!(m.help, "write 1200");
        let m = misread("1\u{a0}200", true).unwrap();
        assert!(m.problem.contains("no-break space (U+00A0)"), "{m:?}");
        assert_eq!(m.help, "write 1200");
        let m = misread("-2.800,5", false).unwrap();
        assert!(m.problem.contains("double quotes"));
        assert_eq!(m.help, "write \"-2.800,5\"");
        let m = misread("1.250.000", false).unwrap();
        assert_eq!(m.help, "write 1250000");
        let m = misread("\u{2212}2.800", false).unwrap();
        assert!(
            m.help
                .starts_with("if you meant minus two thousand eight hundred write -2800")
        );
        assert_eq!(misread("\u{2212}450", true), None);
        assert_eq!(misread("-450", false), None);
        assert_eq!(misread("Socialudvalget", true), None);
        assert_eq!(misread("1 ", false), None);
        assert_eq!(misread("2025 2026", false), None);
        assert_eq!(misread("12 34", false), None);
        assert_eq!(misread("12 345 678", false).unwrap().help, "write 12345678");
    }

    // `2.800` is ambiguous: the help names both readings, the thousands reading first.
    #[test]
    fn a_dot_and_three_digits_names_both_readings() {
        assert_eq!(
            float_help("-2.800", -2.8),
            "TOML reads -2.800 as a decimal number; if you meant minus two thousand eight \
             hundred write -2800 (or \"-2.800\"); if you meant minus two point eight write \"-2,8\""
        );
        assert!(
            float_help("12.975", 12.975)
                .contains("twelve thousand nine hundred seventy-five write 12975")
        );
        assert!(float_help("2.8", 2.8).ends_with("\"2,8\""));
        assert!(float_help("-0.300", -0.3).ends_with("\"-0,3\""));
        assert!(float_help("-500.5", -500.5).ends_with("\"-500,5\""));
        assert!(float_help("2.80", 2.8).ends_with("\"2,8\""));
        assert!(float_help("1e3", 1000.0).contains("1000"));
        assert_eq!(spoken(d("0.05")), "zero point zero five");
        assert_eq!(spoken(d("1000000")), "one million");
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
