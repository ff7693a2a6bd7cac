//! What the reader makes of each amount of a text: its sign, the year it is bound to, and its
//! role in a total with parts or in arithmetic stated in words. The checks read the same things
//! on their own; this gathers them, for the sentence corpus (tests/prose/corpus.toml) and for
//! anyone asking how a sentence is read.

use crate::checks::parts;
use crate::checks::prose::arithmetic::chains;
use crate::checks::prose::bound::{Bound, bound};
use crate::checks::prose::{Written, amounts_in};

/// An amount's role in its sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// A figure on its own.
    Plain,
    /// A total its parts follow ("i alt 4,2 mio. kr., fordelt med …").
    Total,
    /// One part of a total.
    Part,
    /// A term of arithmetic in words, with its sign.
    Term(i8),
    /// The result of arithmetic in words.
    Result,
}

/// One amount as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The amount.
    pub amount: Written,
    /// The year it is bound to.
    pub bound: Bound,
    /// Its role.
    pub role: Role,
}

impl Reading {
    /// The reading in a line: the amount as read (signed; a decimal point read as a comma),
    /// then `@2026`, `@2027+`, `@yearly`, `@2026-2027` (each of those years) or `@2026-2027:sum`
    /// (their sum), then its role (`total`, `part`, `term+`, `term-`,
    /// `result`), e.g. `-1,3 mio. kr. @2026 part`.
    pub fn describe(&self) -> String {
        let a = &self.amount;
        let number = &a.text[..a.text.len() - a.unit.len()];
        let number = if a.dotted {
            number.replace('.', ",")
        } else {
            number.to_owned()
        };
        let sign = if a.negative { "-" } else { "" };
        let mut out = format!("{sign}{}{}", number, a.unit);
        match self.bound {
            Bound::None => {}
            Bound::In(y) => out.push_str(&format!(" @{y}")),
            Bound::From(y) => out.push_str(&format!(" @{y}+")),
            Bound::Every => out.push_str(" @yearly"),
            Bound::Each(a, b) => out.push_str(&format!(" @{a}-{b}")),
            Bound::Total(a, b) => out.push_str(&format!(" @{a}-{b}:sum")),
        }
        let role = match self.role {
            Role::Plain => "",
            Role::Total => " total",
            Role::Part => " part",
            Role::Term(s) if s < 0 => " term-",
            Role::Term(_) => " term+",
            Role::Result => " result",
        };
        out.push_str(role);
        out
    }
}

/// Every amount of money in `text`, read.
pub fn read(text: &str) -> Vec<Reading> {
    let amounts = amounts_in(text);
    let mut roles = vec![Role::Plain; amounts.len()];
    for (total, list) in parts::lists(text, &amounts) {
        roles[total] = Role::Total;
        for part in list.iter().filter_map(|p| p.index) {
            roles[part] = Role::Part;
        }
    }
    for chain in chains(text, &amounts) {
        for (i, sign) in &chain.terms {
            roles[*i] = Role::Term(*sign);
        }
        roles[chain.result] = Role::Result;
    }
    amounts
        .into_iter()
        .zip(roles)
        .map(|(amount, role)| Reading {
            bound: bound(text, &amount),
            amount,
            role,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The readings of `text`, described.
    fn described(text: &str) -> Vec<String> {
        read(text).iter().map(Reading::describe).collect()
    }

    // The shapes are read with their signs, years and roles.
    #[test]
    fn reads_the_shapes() {
        assert_eq!(
            described(
                "i alt 4,2 mio. kr., fordelt med -1,3 mio. kr. i 2026 og 5,5 mio. kr. i 2027."
            ),
            vec![
                "4,2 mio. kr. total",
                "-1,3 mio. kr. @2026 part",
                "5,5 mio. kr. @2027 part"
            ]
        );
        assert_eq!(
            described("Fra 2027 1,1 mio. kr. og 2.5 mio. kr. årligt."),
            vec!["1,1 mio. kr. @2027+", "2,5 mio. kr. @yearly"]
        );
        assert_eq!(
            described(
                "et merforbrug på 7,50 mio. kr. fratrukket 0,04 mio. kr. giver 7,46 mio. kr."
            ),
            vec![
                "7,50 mio. kr. term+",
                "0,04 mio. kr. term-",
                "7,46 mio. kr. result"
            ]
        );
    }
}
