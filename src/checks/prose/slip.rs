//! A factor-1000 slip between the text and a table (E123): "4.250 mio. kr." where the table holds
//! 4.250 in 1.000 kr. (4,25 mio. kr.), or "4.250 kr." for the same figure. The amount matches no
//! figure as written, but a thousandth (or a thousand times) of it does; the error names the
//! reading the text most likely means (acknowledgeable with a reason, see `acknowledge`).

use std::ops::Range;

use rust_decimal::Decimal;

use crate::checks::prose::Written;
use crate::diagnostic::{Code, Diagnostic};
use crate::number::format_amount;

/// The first figure `amount` is a thousand times (`true`) or a thousandth of (`false`).
pub fn thousandfold(
    amount: &Written,
    figures: impl IntoIterator<Item = Decimal>,
) -> Option<(Decimal, bool)> {
    let thousand = Decimal::from(1000);
    figures.into_iter().find_map(|f| {
        if f.is_zero() {
            None
        } else if f
            .checked_mul(thousand)
            .is_some_and(|big| amount.matches(big))
        {
            Some((f, true))
        } else if amount.matches(f / thousand) {
            Some((f, false))
        } else {
            None
        }
    })
}

/// The error for an amount a thousand times (or a thousandth of) `figure` (kroner).
pub fn diagnostic(amount: &Written, figure: Decimal, bigger: bool, at: Range<usize>) -> Diagnostic {
    let in_unit = format!(
        "{} {}",
        format_amount((figure / amount.scale).normalize(), None),
        amount.unit
    );
    let in_thousands = format_amount((figure / Decimal::from(1000)).normalize(), None);
    let how = if bigger {
        "a thousand times"
    } else {
        "a thousandth of"
    };
    Diagnostic::new(
        Code::E123,
        format!(
            "the text says {}, {how} the table's figure of {in_unit}",
            amount.text
        ),
        Some(at),
    )
    .with_label(format!("most likely {in_unit}"))
    .with_help(format!(
        "the table holds {in_thousands} in 1.000 kr., that is {in_unit}; write {in_unit} (or \
         {in_thousands} t.kr.), or correct the table's unit; if the text is right, acknowledge \
         E123 with a reason"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::prose::amounts_in;

    // 4.250 mio. kr. is a thousand times 4,25 mio. kr.; 4.250 kr. a thousandth of it.
    #[test]
    fn finds_a_thousandfold_figure() {
        let figure = Decimal::from(4_250_000);
        let found = amounts_in("4.250 mio. kr. og 4.250 kr. og 4,25 mio. kr.");
        assert_eq!(thousandfold(&found[0], [figure]), Some((figure, true)));
        assert_eq!(thousandfold(&found[1], [figure]), Some((figure, false)));
        assert_eq!(thousandfold(&found[2], [figure]), None);
    }
}
