//! One rule for a figure the text states and the terms it says make it (a total and its parts,
//! arithmetic in words): both are compared at the coarsest precision written in the phrase, each
//! rounded there with `number::round` (half away from zero), in the stated figure's unit.

use rust_decimal::Decimal;

use crate::number::{format_amount, round};

/// One number as written, with its sign.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Term {
    /// The number in its unit, signed.
    pub value: Decimal,
    /// Decimals written.
    pub decimals: u32,
    /// Kroner per unit.
    pub scale: Decimal,
}

/// How a stated figure and the terms that should make it differ.
#[derive(Debug, Clone, PartialEq)]
pub struct Difference {
    /// What the terms make, in the stated figure's unit, unrounded.
    pub made: Decimal,
    /// What they make at the precision compared, when rounding changed it.
    pub rounded: Option<String>,
    /// The precision compared, in words ("1 decimal").
    pub places: String,
}

/// How many places a power of ten has (1.000.000 → 6).
fn exponent(scale: Decimal) -> i64 {
    let mut n = 0;
    let mut s = scale;
    while s >= Decimal::TEN {
        s /= Decimal::TEN;
        n += 1;
    }
    n
}

/// The difference between `stated` and the sum of `terms`, or `None` when they agree at the
/// coarsest precision written (or the figures overflow). With `either_sign`, a stated figure
/// written without a sign also agrees with a sum of its size below zero.
pub fn differs(stated: Term, terms: &[Term], either_sign: bool) -> Option<Difference> {
    let total_exponent = exponent(stated.scale);
    let mut decimals = i64::from(stated.decimals);
    let mut sum = Decimal::ZERO;
    for term in terms {
        decimals = decimals.min(i64::from(term.decimals) - exponent(term.scale) + total_exponent);
        sum = sum.checked_add(
            term.value
                .checked_mul(term.scale)?
                .checked_div(stated.scale)?,
        )?;
    }
    // Terms written more coarsely than the stated figure's unit are compared in steps of that
    // unit: a power of ten, so the division is exact.
    let step =
        (0..(-decimals).max(0)).try_fold(Decimal::ONE, |s, _| s.checked_mul(Decimal::TEN))?;
    let places = u32::try_from(decimals.max(0)).ok()?;
    let at_precision = |v: Decimal| round(v / step, places) * step;
    let (made, wanted) = (at_precision(sum), at_precision(stated.value));
    if made == wanted || (either_sign && made == -wanted) {
        return None;
    }
    let rounded = (made != sum).then(|| format_amount(made, Some(places)));
    let places = match decimals {
        ..=-1 => format!("steps of {}", format_amount(step, None)),
        0 => "whole numbers".to_owned(),
        1 => "1 decimal".to_owned(),
        n => format!("{n} decimals"),
    };
    Some(Difference {
        made: sum,
        rounded,
        places,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A term of `value` written with `decimals` in mio. kr.
    fn mio(value: &str, decimals: u32) -> Term {
        Term {
            value: value.parse().unwrap(),
            decimals,
            scale: Decimal::from(1_000_000),
        }
    }

    // Signed terms are summed and compared at the coarsest precision: -1,3 + 5,5 is 4,2.
    #[test]
    fn signed_terms_at_the_precision_written() {
        let parts = [mio("-1.3", 1), mio("5.5", 1)];
        assert!(differs(mio("4.2", 1), &parts, false).is_none());
        assert!(differs(mio("4.3", 1), &parts, false).is_some());
        assert!(differs(mio("4", 0), &parts, false).is_none());
        let saving = [mio("-1.3", 1), mio("-2.9", 1)];
        assert!(differs(mio("4.2", 1), &saving, true).is_none());
        assert!(differs(mio("4.2", 1), &saving, false).is_some());
    }
}
