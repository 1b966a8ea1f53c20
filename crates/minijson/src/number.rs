//! [`Number`]: a JSON number kept as its validated text.

use std::fmt;

/// A JSON number, kept as its source text (validated by the parser, or written by one of the
/// `From` conversions), so writing it back needs no float formatting and loses nothing.
///
/// Like `serde_json`, a number is an integer only when its text has no fraction or exponent:
/// `1.0` and `1e2` are not [`as_i64`](Number::as_i64). `-0` is not an integer either.
#[derive(Debug, Clone)]
pub struct Number {
    text: Box<str>,
}

impl Number {
    /// Wraps text already known to match the JSON number grammar.
    pub(crate) fn from_valid(text: &str) -> Number {
        Number { text: text.into() }
    }

    /// The number's JSON text, e.g. `-12.5e3`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the text is an integer (no fraction or exponent, not `-0`).
    fn is_integer(&self) -> bool {
        !self.text.contains(['.', 'e', 'E']) && &*self.text != "-0"
    }

    /// The value, if it is an integer that fits an `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        self.is_integer().then(|| self.text.parse().ok()).flatten()
    }

    /// The value, if it is a non-negative integer that fits a `u64`.
    pub fn as_u64(&self) -> Option<u64> {
        self.is_integer().then(|| self.text.parse().ok()).flatten()
    }

    /// The nearest `f64`, or `None` when the number is beyond the `f64` range (`1e400`).
    ///
    /// Uses the standard library's correctly rounded parser: a program that calls it links
    /// that parser's code and tables (several KB of wasm).
    pub fn as_f64(&self) -> Option<f64> {
        self.text.parse::<f64>().ok().filter(|f| f.is_finite())
    }

    /// Whether [`as_i64`](Number::as_i64) gives a value.
    pub fn is_i64(&self) -> bool {
        self.as_i64().is_some()
    }

    /// Whether [`as_u64`](Number::as_u64) gives a value.
    pub fn is_u64(&self) -> bool {
        self.as_u64().is_some()
    }

    /// Whether the number is not an `i64` or `u64` (as in `serde_json`: `1.0`, `1e2`, `2e64`).
    pub fn is_f64(&self) -> bool {
        !self.is_i64() && !self.is_u64()
    }

    /// The number for a finite `f64` (`None` for NaN and the infinities), written the way
    /// Rust's `Debug` does (`1.0`, `1e-7`). Links float formatting: not used by the widget.
    pub fn from_f64(f: f64) -> Option<Number> {
        f.is_finite().then(|| Number::from_valid(&format!("{f:?}")))
    }

    /// Sign, significant digits (no leading or trailing zeros) and the power of ten they are
    /// scaled by: the exact value, for comparisons. Exponents saturate at the `i64` range.
    fn decimal(&self) -> (bool, String, i64) {
        let text = &*self.text;
        let (mantissa, exponent) = match text.find(['e', 'E']) {
            Some(at) => (&text[..at], saturating_exponent(&text[at + 1..])),
            None => (text, 0),
        };
        let negative = mantissa.starts_with('-');
        let fraction_len = mantissa.find('.').map_or(0, |dot| mantissa.len() - dot - 1);
        let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        let trimmed = digits.trim_start_matches('0').trim_end_matches('0');
        if trimmed.is_empty() {
            return (false, String::new(), 0);
        }
        let trailing = digits.len() - digits.trim_end_matches('0').len();
        let scale = exponent
            .saturating_sub(fraction_len as i64)
            .saturating_add(trailing as i64);
        (negative, trimmed.to_owned(), scale)
    }
}

/// `[+-]digits` as an `i64`, saturating instead of overflowing.
fn saturating_exponent(text: &str) -> i64 {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.trim_start_matches('+')),
    };
    let magnitude = digits.bytes().fold(0i64, |n, b| {
        n.saturating_mul(10)
            .saturating_add(i64::from(b.wrapping_sub(b'0')))
    });
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

impl PartialEq for Number {
    /// Exact decimal equality: `1 == 1.0 == 10e-1`, `-0 == 0`.
    fn eq(&self, other: &Number) -> bool {
        self.text == other.text || self.decimal() == other.decimal()
    }
}

impl Eq for Number {}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

macro_rules! from_integer {
    ($($t:ty)*) => {$(
        impl From<$t> for Number {
            fn from(n: $t) -> Number {
                Number::from_valid(&n.to_string())
            }
        }
    )*};
}

from_integer!(i8 i16 i32 i64 isize u8 u16 u32 u64 usize);

#[cfg(test)]
mod tests {
    use super::*;

    fn n(text: &str) -> Number {
        Number::from_valid(text)
    }

    #[test]
    fn integers_are_read_only_from_integer_text() {
        assert_eq!(n("-42").as_i64(), Some(-42), "negative");
        assert_eq!(
            n("18446744073709551615").as_u64(),
            Some(u64::MAX),
            "u64 max"
        );
        assert_eq!(n("18446744073709551615").as_i64(), None, "beyond i64");
        assert_eq!(n("18446744073709551616").as_u64(), None, "beyond u64");
        assert_eq!(n("-1").as_u64(), None, "negative is not u64");
        assert_eq!(n("1.0").as_i64(), None, "fraction");
        assert_eq!(n("1e2").as_u64(), None, "exponent");
        assert_eq!(
            n("-0").as_i64(),
            None,
            "negative zero is a float, as in serde_json"
        );
        assert!(n("2.5").is_f64() && !n("7").is_f64(), "is_f64");
    }

    #[test]
    fn floats_parse_exactly_and_out_of_range_is_none() {
        assert_eq!(n("-12.5e3").as_f64(), Some(-12500.0), "exponent");
        assert_eq!(n("0.1").as_f64(), Some(0.1), "correctly rounded");
        assert_eq!(n("1e400").as_f64(), None, "beyond f64");
        assert_eq!(n("1e-400").as_f64(), Some(0.0), "underflows to zero");
    }

    #[test]
    fn equality_is_exact_decimal_value() {
        assert_eq!(n("1"), n("1.0"), "integer and float");
        assert_eq!(n("100"), n("1E2"), "exponent");
        assert_eq!(n("0.5"), n("50e-2"), "negative exponent");
        assert_eq!(n("-0"), n("0.000"), "zeros");
        assert_ne!(n("-1"), n("1"), "sign");
        assert_ne!(n("0.1"), n("0.10000000000000001"), "no rounding to f64");
        assert_ne!(n("1e5"), n("1e6"), "scale");
    }

    #[test]
    fn conversions_write_json_numbers() {
        assert_eq!(Number::from(-7i32).as_str(), "-7", "integer");
        assert_eq!(
            Number::from_f64(1.5).map(|n| n.to_string()),
            Some("1.5".into()),
            "float"
        );
        assert_eq!(
            Number::from_f64(1.0).map(|n| n.to_string()),
            Some("1.0".into()),
            "whole float"
        );
        assert!(Number::from_f64(f64::NAN).is_none(), "NaN is not JSON");
        assert!(
            Number::from_f64(f64::INFINITY).is_none(),
            "infinity is not JSON"
        );
    }
}
