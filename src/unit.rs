//! The unit every amount of a table is in (kr., 1.000 kr., mio. kr.) and exact conversion
//! between units. A leaf value type.

/// The unit every amount of a table is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// "kr." (kroner).
    Kroner,
    /// "1.000 kr." (thousands of kroner).
    Thousands,
    /// "mio. kr." (millions of kroner).
    Millions,
}

impl Unit {
    /// Reads the value of `unit = "…"`.
    pub fn from_key(key: &str) -> Option<Self> {
        match key.trim() {
            "1.000 kr." | "1000 kr." | "t.kr." => Some(Self::Thousands),
            "mio. kr." => Some(Self::Millions),
            "kr." => Some(Self::Kroner),
            _ => None,
        }
    }

    /// The unit as printed.
    pub fn label(self) -> &'static str {
        match self {
            Self::Kroner => "kr.",
            Self::Thousands => "1.000 kr.",
            Self::Millions => "mio. kr.",
        }
    }
}

impl Unit {
    /// How many kroner one of this unit is.
    pub fn kroner(self) -> rust_decimal::Decimal {
        match self {
            Unit::Kroner => rust_decimal::Decimal::ONE,
            Unit::Thousands => rust_decimal::Decimal::from(1000),
            Unit::Millions => rust_decimal::Decimal::from(1_000_000),
        }
    }

    /// An amount in this unit, converted exactly to `other` (no rounding: rust_decimal keeps
    /// 28 digits, far more than any budget figure has).
    pub fn convert(self, value: rust_decimal::Decimal, other: Unit) -> rust_decimal::Decimal {
        if self == other {
            return value;
        }
        (value * self.kroner() / other.kroner()).normalize()
    }

    /// Whether `a` in this unit and `b` in `other` are the same figure as published: both
    /// converted exactly to the larger of the two units, the finer one rounded (half away from
    /// zero) to the decimals the coarser one is written with. 8.149 (1.000 kr.) is 8,1 mio. kr.
    pub fn agrees(self, a: rust_decimal::Decimal, other: Unit, b: rust_decimal::Decimal) -> bool {
        if self == other {
            return a == b;
        }
        let (fine, fine_unit, coarse, coarse_unit) = if self.kroner() < other.kroner() {
            (a, self, b, other)
        } else {
            (b, other, a, self)
        };
        let converted = fine_unit.convert(fine, coarse_unit);
        crate::number::round(converted, coarse.scale()) == coarse
    }

    /// An amount in this unit, in millions of kroner.
    pub fn to_millions(self, value: rust_decimal::Decimal) -> rust_decimal::Decimal {
        self.convert(value, Unit::Millions)
    }
}
