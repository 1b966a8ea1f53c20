//! A small, strict JSON library: one [`Value`] type, an RFC 8259 parser ([`from_str`]) and a
//! compact writer ([`to_string`], or `Display`). No serde, no float formatting: numbers keep
//! their validated source text, so a parsed document is written back exactly as it was given.
//!
//! It replaces the part of `serde_json` that operator-chat uses, at a fraction of the wasm size.
//!
//! ```
//! use minijson::{json, Value};
//!
//! let event = minijson::from_str(r#"{"id":"ev_1","payload":{"type":"ping","n":42}}"#)?;
//! assert_eq!(event["payload"]["n"].as_i64(), Some(42));
//! assert_eq!(event.get("id").and_then(Value::as_str), Some("ev_1"));
//!
//! let name = "Ada";
//! let context = json!({"user": {"name": name, "plan": "pro"}, "seats": 3, "tags": ["a", null]});
//! assert_eq!(context.to_string(), r#"{"user":{"name":"Ada","plan":"pro"},"seats":3,"tags":["a",null]}"#);
//! # Ok::<(), minijson::Error>(())
//! ```
//!
//! Differences from `serde_json`, all deliberate:
//! - numbers too large for an `f64` (`1e400`) are valid JSON and accepted (serde_json rejects
//!   them as "number out of range"); [`Number::as_f64`] gives `None` for them;
//! - [`Number`] equality compares exact decimal values (`1 == 1.0 == 10e-1`), where serde_json
//!   tells integers from floats and compares floats after rounding;
//! - [`Map`] keeps insertion order (like serde_json's `preserve_order`), and `==` on maps
//!   ignores the order;
//! - there is no `IndexMut` (serde_json's panics on non-objects); use [`Value::as_object_mut`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod eq;
mod error;
mod from;
mod index;
mod macros;
mod map;
mod number;
mod parse;
#[cfg(test)]
mod parse_tests;
mod string;
mod value;
mod write;

pub use error::Error;
pub use map::Map;
pub use number::Number;
pub use parse::{from_str, MAX_DEPTH};
pub use value::Value;
pub use write::to_string;
