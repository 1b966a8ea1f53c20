//! Writing a [`Value`] as compact JSON text.

use std::fmt::{self, Write};

use crate::Value;

/// The compact JSON text of `value` (same as `value.to_string()`).
///
/// Writing recurses once per nesting level; parsed values are at most [`crate::MAX_DEPTH`]
/// deep.
pub fn to_string(value: &Value) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = write_value(&mut out, value);
    out
}

impl fmt::Display for Value {
    /// Compact JSON: no spaces, strings escaped, non-ASCII written as UTF-8.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_value(f, self)
    }
}

fn write_value(out: &mut dyn Write, value: &Value) -> fmt::Result {
    match value {
        Value::Null => out.write_str("null"),
        Value::Bool(b) => out.write_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.write_str(n.as_str()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.write_char('[')?;
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_char(',')?;
                }
                write_value(out, item)?;
            }
            out.write_char(']')
        }
        Value::Object(map) => {
            out.write_char('{')?;
            for (i, (key, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.write_char(',')?;
                }
                write_string(out, key)?;
                out.write_char(':')?;
                write_value(out, item)?;
            }
            out.write_char('}')
        }
    }
}

/// `s` as a JSON string: `"` and `\` escaped, control characters as `\n`-style or `\u00XX`
/// escapes, everything else as is.
fn write_string(out: &mut dyn Write, s: &str) -> fmt::Result {
    out.write_char('"')?;
    let mut plain_from = 0;
    for (at, byte) in s.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // Escaped bytes are ASCII, so `at` is a char boundary.
        out.write_str(&s[plain_from..at])?;
        if escape.is_empty() {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.write_str("\\u00")?;
            out.write_char(char::from(HEX[usize::from(byte >> 4)]))?;
            out.write_char(char::from(HEX[usize::from(byte & 0xf)]))?;
        } else {
            out.write_str(escape)?;
        }
        plain_from = at + 1;
    }
    out.write_str(&s[plain_from..])?;
    out.write_char('"')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json;

    #[test]
    fn strings_escape_quotes_backslashes_and_control_characters_only() {
        let s = Value::from("\"\\/\n\r\t\u{8}\u{c}\u{0}\u{1f}\u{7f} é😀");
        assert_eq!(
            to_string(&s),
            "\"\\\"\\\\/\\n\\r\\t\\b\\f\\u0000\\u001f\u{7f} é😀\"",
            "escapes"
        );
    }

    #[test]
    fn values_are_written_compactly_in_insertion_order() {
        let v = json!({"z": [1, -2.5, true, null], "a": {}, "m": [], "s": "x"});
        let text = r#"{"z":[1,-2.5,true,null],"a":{},"m":[],"s":"x"}"#;
        assert_eq!(to_string(&v), text, "to_string");
        assert_eq!(v.to_string(), text, "Display");
    }
}
