//! Interval arithmetic for figures derived from rounded ones.
//!
//! A table of rounded figures (`rounding = "0,1"`) prints 5,6 for anything from 5,55 to 5,65.
//! A percentage, difference or sum the published document states was computed from the
//! unrounded figures, so it may lie anywhere in the range those figures allow: 5,6 and −4,3 give
//! −76,8 % when divided as printed, but anything from about −78,4 % to −75,2 % from the figures
//! they round. [`Bounds`] carries that range through the table's formulas; a stated figure is
//! possible when some value of the range rounds to it. Figures of a table without `rounding` are
//! exact and have no range. Nothing here rounds: rounding stays in [`crate::number::round`].

use rust_decimal::Decimal;

use crate::ledger::Formula;

/// The values a figure can have, given the rounding of the figures it is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bounds {
    /// A blank cell.
    Blank,
    /// Any value: a percentage of a base whose range holds zero.
    Any,
    /// From the first to the second, both included.
    Between(Decimal, Decimal),
}

impl Bounds {
    /// The values a printed figure can stand for: `value` ± `half` (half its rounding step).
    pub fn around(value: Option<Decimal>, half: Decimal) -> Self {
        match value {
            Some(v) => Bounds::Between(v - half, v + half),
            None => Bounds::Blank,
        }
    }

    /// Whether a figure `stated`, itself rounded to a step of twice `half`, can be the rounding
    /// of a value in the range. The ends are open: a figure that rounds to 1,2 is below 1,25, so
    /// three of them stay below the 4,05 that rounds to 4,1.
    pub fn allows(self, stated: Decimal, half: Decimal) -> bool {
        match self {
            Bounds::Blank => false,
            Bounds::Any => true,
            Bounds::Between(lo, hi) => stated - half < hi && stated + half > lo,
        }
    }

    /// The part of the range a stated figure (± `half`) leaves, once it is printed instead.
    pub fn narrowed(self, stated: Decimal, half: Decimal) -> Self {
        let (lo, hi) = (stated - half, stated + half);
        match self {
            Bounds::Between(a, b) if a.max(lo) <= b.min(hi) => {
                Bounds::Between(a.max(lo), b.min(hi))
            }
            _ => Bounds::Between(lo, hi),
        }
    }

    /// The sum of two ranges; blank only when both are.
    fn add(self, other: Self) -> Self {
        match (self, other) {
            (Bounds::Blank, b) | (b, Bounds::Blank) => b,
            (Bounds::Any, _) | (_, Bounds::Any) => Bounds::Any,
            (Bounds::Between(a, b), Bounds::Between(c, d)) => {
                match (a.checked_add(c), b.checked_add(d)) {
                    (Some(lo), Some(hi)) => Bounds::Between(lo, hi),
                    _ => Bounds::Any,
                }
            }
        }
    }
}

/// The range a formula gives from the ranges of the earlier columns of a row, as
/// [`Formula::apply`] gives the figure.
pub fn apply(formula: &Formula, cells: &[Bounds]) -> Bounds {
    let at = |i: &usize| cells.get(*i).copied().unwrap_or(Bounds::Blank);
    match formula {
        Formula::Sum(parts) => parts.iter().map(at).fold(Bounds::Blank, Bounds::add),
        Formula::Difference(a, b) => match (at(a), at(b)) {
            (Bounds::Blank, _) | (_, Bounds::Blank) => Bounds::Blank,
            (Bounds::Between(a, b), Bounds::Between(c, d)) => {
                match (a.checked_sub(d), b.checked_sub(c)) {
                    (Some(lo), Some(hi)) => Bounds::Between(lo, hi),
                    _ => Bounds::Any,
                }
            }
            _ => Bounds::Any,
        },
        Formula::Percent { part, base, signed } => match (at(part), at(base)) {
            (Bounds::Blank, _) | (_, Bounds::Blank) => Bounds::Blank,
            (Bounds::Between(a, b), Bounds::Between(c, d)) => {
                share(a, b, c, d).map_or(Bounds::Any, |(lo, hi)| {
                    if *signed {
                        Bounds::Between(lo, hi)
                    } else {
                        size(lo, hi)
                    }
                })
            }
            _ => Bounds::Any,
        },
    }
}

/// The range of `[a, b]` in per cent of `[c, d]`; `None` when the base range holds zero.
fn share(a: Decimal, b: Decimal, c: Decimal, d: Decimal) -> Option<(Decimal, Decimal)> {
    if c <= Decimal::ZERO && d >= Decimal::ZERO {
        return None;
    }
    let mut quotients = Vec::with_capacity(4);
    for part in [a, b] {
        for base in [c, d] {
            quotients.push(part.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(base)?);
        }
    }
    let lo = quotients.iter().copied().min()?;
    let hi = quotients.iter().copied().max()?;
    Some((lo, hi))
}

/// The range of the size (absolute value) of a value in `[lo, hi]`.
fn size(lo: Decimal, hi: Decimal) -> Bounds {
    if lo >= Decimal::ZERO {
        Bounds::Between(lo, hi)
    } else if hi <= Decimal::ZERO {
        Bounds::Between(-hi, -lo)
    } else {
        Bounds::Between(Decimal::ZERO, hi.max(-lo))
    }
}

/// Fills in the ranges of a row's computed columns, in declaration order, as
/// [`crate::ledger::compute`] fills in its figures.
pub fn compute(formulas: &[Option<&Formula>], bounds: &mut [Bounds]) {
    for (i, formula) in formulas.iter().enumerate() {
        if let Some(f) = formula {
            bounds[i] = apply(f, &bounds[..i]);
        }
    }
}

/// The ranges of a sum of rows: entered columns added up, computed ones computed again from
/// those sums, as [`crate::ledger::total_of`] does with the figures.
pub fn total_of<'a>(
    formulas: &[Option<&Formula>],
    rows: impl Iterator<Item = &'a Vec<Bounds>>,
) -> Vec<Bounds> {
    let mut total = vec![Bounds::Blank; formulas.len()];
    for row in rows {
        for (i, b) in row.iter().enumerate().take(total.len()) {
            total[i] = total[i].add(*b);
        }
    }
    compute(formulas, &mut total);
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// A decimal from text.
    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    // 5,6 and −4,3, each rounded to one decimal, allow a share from about −78,4 % to −75,2 %:
    // 77,6 (unsigned) is possible, 76,8 (the share of the printed figures) too, 78,5 is not.
    #[test]
    fn a_share_of_rounded_figures_has_a_range() {
        let half = d("0.05");
        let row = [
            Bounds::around(Some(d("5.6")), half),
            Bounds::around(Some(d("-4.3")), half),
        ];
        let unsigned = apply(
            &Formula::Percent {
                part: 1,
                base: 0,
                signed: false,
            },
            &row,
        );
        let Bounds::Between(lo, hi) = unsigned else {
            panic!("{unsigned:?}")
        };
        assert_eq!(crate::number::round(lo, 1), d("75.2"));
        assert_eq!(crate::number::round(hi, 1), d("78.4"));
        assert!(unsigned.allows(d("77.6"), half));
        assert!(unsigned.allows(d("76.8"), half));
        assert!(unsigned.allows(d("78.4"), half));
        assert!(!unsigned.allows(d("78.5"), half));
        assert!(!unsigned.allows(d("75.1"), half));
    }

    // A difference and a sum widen by each input's half step; a base that may be zero allows any
    // share; a blank stays blank.
    #[test]
    fn differences_sums_and_zero_bases() {
        let half = d("0.05");
        let row = [
            Bounds::around(Some(d("1.3")), half),
            Bounds::around(Some(d("5.6")), half),
            Bounds::around(Some(d("0.0")), half),
            Bounds::Blank,
        ];
        assert_eq!(
            apply(&Formula::Difference(0, 1), &row),
            Bounds::Between(d("-4.4"), d("-4.2"))
        );
        assert_eq!(
            apply(&Formula::Sum(vec![0, 1, 3]), &row),
            Bounds::Between(d("6.8"), d("7.0"))
        );
        let share = Formula::Percent {
            part: 0,
            base: 2,
            signed: true,
        };
        assert_eq!(apply(&share, &row), Bounds::Any);
        assert_eq!(apply(&Formula::Difference(0, 3), &row), Bounds::Blank);
        assert!(!Bounds::Between(d("-4.4"), d("-4.2")).allows(d("-4.5"), half));
    }
}
