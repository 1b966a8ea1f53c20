//! The `json!` macro: a JSON literal with interpolated Rust expressions.

/// Builds a [`Value`](crate::Value) from JSON-like syntax; any other expression goes through
/// `Value::from`. Keys are string literals.
///
/// ```
/// use minijson::json;
/// let id = "c_1";
/// let v = json!({"id": id, "n": -5, "ok": true, "tags": ["a", null], "o": {}});
/// assert_eq!(v.to_string(), r#"{"id":"c_1","n":-5,"ok":true,"tags":["a",null],"o":{}}"#);
/// ```
#[macro_export]
macro_rules! json {
    (null) => {
        $crate::Value::Null
    };
    ([ $($items:tt)* ]) => {{
        #[allow(unused_mut)]
        let mut items = ::std::vec::Vec::new();
        $crate::__json_items!(items $($items)*);
        $crate::Value::Array(items)
    }};
    ({ $($fields:tt)* }) => {{
        #[allow(unused_mut)]
        let mut map = $crate::Map::new();
        $crate::__json_fields!(map $($fields)*);
        $crate::Value::Object(map)
    }};
    ($other:expr) => {
        $crate::Value::from($other)
    };
}

/// Pushes the items of a `json!` array. Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_items {
    ($items:ident) => {};
    ($items:ident null $(, $($rest:tt)*)?) => {
        ::std::vec::Vec::push(&mut $items, $crate::Value::Null);
        $crate::__json_items!($items $($($rest)*)?);
    };
    ($items:ident [ $($inner:tt)* ] $(, $($rest:tt)*)?) => {
        ::std::vec::Vec::push(&mut $items, $crate::json!([ $($inner)* ]));
        $crate::__json_items!($items $($($rest)*)?);
    };
    ($items:ident { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        ::std::vec::Vec::push(&mut $items, $crate::json!({ $($inner)* }));
        $crate::__json_items!($items $($($rest)*)?);
    };
    ($items:ident $value:expr $(, $($rest:tt)*)?) => {
        ::std::vec::Vec::push(&mut $items, $crate::json!($value));
        $crate::__json_items!($items $($($rest)*)?);
    };
}

/// Inserts the fields of a `json!` object. Not public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __json_fields {
    ($map:ident) => {};
    ($map:ident $key:literal : null $(, $($rest:tt)*)?) => {
        $map.insert($key, $crate::Value::Null);
        $crate::__json_fields!($map $($($rest)*)?);
    };
    ($map:ident $key:literal : [ $($inner:tt)* ] $(, $($rest:tt)*)?) => {
        $map.insert($key, $crate::json!([ $($inner)* ]));
        $crate::__json_fields!($map $($($rest)*)?);
    };
    ($map:ident $key:literal : { $($inner:tt)* } $(, $($rest:tt)*)?) => {
        $map.insert($key, $crate::json!({ $($inner)* }));
        $crate::__json_fields!($map $($($rest)*)?);
    };
    ($map:ident $key:literal : $value:expr $(, $($rest:tt)*)?) => {
        $map.insert($key, $crate::json!($value));
        $crate::__json_fields!($map $($($rest)*)?);
    };
}

#[cfg(test)]
mod tests {
    use crate::{from_str, Value};

    #[test]
    fn literals_nest_and_interpolate_expressions() {
        let text = String::from("hi");
        let n = 3;
        let v = json!({
            "a": null, "b": [1, [2, {}], {"c": false}], "d": {"e": text, "f": n + 1},
            "g": format!("x{n}"), "h": -1.5, "i": [], "j": Some("s"), "k": None::<u8>,
        });
        let expected = r#"{"a":null,"b":[1,[2,{}],{"c":false}],"d":{"e":"hi","f":4},
            "g":"x3","h":-1.5,"i":[],"j":"s","k":null}"#;
        assert_eq!(v, from_str(expected).expect("valid"), "same value");
        assert_eq!(
            json!([null, null]),
            Value::Array(vec![Value::Null; 2]),
            "array of nulls"
        );
        assert_eq!(json!("s"), Value::from("s"), "bare expression");
    }
}
