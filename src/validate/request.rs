//! A catalogue proposal's request: one amount or parts that add up, in a known unit and year.

use toml::Spanned;

use super::Validator;
use crate::checked::Request;
use crate::diagnostic::{Code, Diagnostic};
use crate::model;
use crate::number::sum_column;

impl Validator<'_> {
    /// Checks `[request]`: a unit, a plausible year, and exactly one of `amount` or `parts`.
    pub(super) fn request(&mut self, request: &Spanned<model::Request>) -> Option<Request> {
        let r = request.get_ref();
        let unit = self.unit(&r.unit);
        if !(1900..=2200).contains(r.year.get_ref()) {
            self.push(
                Diagnostic::new(
                    Code::E002,
                    format!("{} is not a budget year", r.year.get_ref()),
                    Some(r.year.span()),
                )
                .with_help("write a four-digit year such as 2025"),
            );
        }
        let parts: Vec<(String, Option<rust_decimal::Decimal>)> = r
            .parts
            .iter()
            .map(|p| {
                (
                    p.get_ref().label.get_ref().trim().to_owned(),
                    self.amount(&p.get_ref().amount),
                )
            })
            .collect();
        let total = match (&r.amount, parts.is_empty()) {
            (Some(amount), true) => self.amount(amount),
            (None, false) => sum_column(parts.iter().map(|(_, a)| *a)),
            (amount, _) => {
                let span = amount.as_ref().map_or(request.span(), |a| a.span());
                self.push(
                    Diagnostic::new(Code::E027, "a request needs exactly one of `amount` or `parts`", Some(span))
                        .with_help("write amount = \"2,2\", or parts = [{ label = \"intern indsats\", amount = \"2,0\" }, …]"),
                );
                None
            }
        };
        let alternative = r.alternative.as_ref().and_then(|a| self.amount(a));
        let parts = parts
            .into_iter()
            .map(|(l, a)| a.map(|a| (l, a)))
            .collect::<Option<Vec<_>>>()?;
        Some(Request {
            unit: unit?,
            year: *r.year.get_ref(),
            total: total?,
            parts,
            alternative,
            area: r.area.as_ref().map(|a| a.get_ref().trim().to_owned()),
        })
    }
}
