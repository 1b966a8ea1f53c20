//! Tests of the parser: what RFC 8259 accepts and what it does not.

use crate::{from_str, json, Value, MAX_DEPTH};

#[test]
fn every_kind_of_value_parses() {
    let text = " {\"s\":\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00é\",\"n\":[0,-0,1.5e-3,2E+8,-12],\
        \"l\":[true,false,null],\"o\":{},\"a\":[]}\r\n\t";
    let v = from_str(text).expect("valid JSON");
    assert_eq!(
        v["s"].as_str(),
        Some("a\"\\/\u{8}\u{c}\n\r\té😀é"),
        "escapes"
    );
    assert_eq!(
        v["n"].to_string(),
        "[0,-0,1.5e-3,2E+8,-12]",
        "numbers keep their text"
    );
    assert_eq!(v["l"], json!([true, false, null]), "literals");
    assert_eq!(
        (v["o"].to_string(), v["a"].to_string()),
        ("{}".into(), "[]".into()),
        "empties"
    );
}

#[test]
fn malformed_input_is_an_error_with_an_offset_never_a_panic() {
    let cases = [
        ("", 0),
        ("  ", 2),
        ("{", 1),
        ("[", 1),
        ("[1,]", 3),
        ("{\"a\":1,}", 7),
        ("{\"a\"}", 4),
        ("{a:1}", 1),
        ("01", 1),
        ("-", 1),
        ("1.", 2),
        (".5", 0),
        ("1e", 2),
        ("+1", 0),
        ("\"abc", 4),
        ("\"\\x\"", 2),
        ("\"\\u12\"", 5),
        ("\"\\u12g4\"", 5),
        ("tru", 0),
        ("nul", 0),
        ("{} x", 3),
        ("[1 2]", 3),
        ("\"a\nb\"", 2),
        ("\"\u{1f}\"", 1),
        ("\u{feff}1", 0),
        ("[1]]", 3),
        ("'a'", 0),
        ("NaN", 0),
        ("[\"\\", 3),
    ];
    for (text, offset) in cases {
        let err = from_str(text).expect_err(text);
        assert_eq!(err.offset(), offset, "offset for {text:?}: {err}");
    }
}

#[test]
fn surrogates_must_come_in_leading_then_trailing_pairs() {
    for bad in [
        r#""\ud800""#,
        r#""\ud800x""#,
        r#""\ud800\u0041""#,
        r#""\udc00""#,
        r#""\ud800\ud800""#,
    ] {
        assert!(from_str(bad).is_err(), "{bad} is rejected");
    }
    assert_eq!(
        from_str(r#""\uD834\uDD1E""#).expect("pair").as_str(),
        Some("𝄞"),
        "pair"
    );
    assert_eq!(
        from_str(r#""\u0000""#).expect("nul").as_str(),
        Some("\0"),
        "escaped NUL"
    );
}

#[test]
fn nesting_stops_at_the_depth_limit_instead_of_overflowing_the_stack() {
    let nested = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    assert!(
        from_str(&nested(MAX_DEPTH - 1)).is_ok(),
        "just below the limit"
    );
    let err = from_str(&nested(MAX_DEPTH)).expect_err("at the limit");
    assert_eq!(err.message(), "nesting too deep", "message");
    assert!(
        from_str(&"[{\"a\":".repeat(100_000)).is_err(),
        "hostile depth"
    );
}

#[test]
fn repeated_keys_take_the_last_value_in_the_first_position() {
    let v = from_str(r#"{"a":1,"b":2,"a":3}"#).expect("valid");
    assert_eq!(v.to_string(), r#"{"a":3,"b":2}"#, "folded");
}

#[test]
fn many_keys_parse_quickly() {
    let fields: Vec<String> = (0..50_000)
        .map(|i| format!("\"k{}\":{i}", i % 40_000))
        .collect();
    let v = from_str(&format!("{{{}}}", fields.join(","))).expect("valid");
    assert_eq!(
        v.as_object().map(|m| m.len()),
        Some(40_000),
        "duplicates folded"
    );
    assert_eq!(v["k0"].as_i64(), Some(40_000), "last value wins");
}

#[test]
fn parsed_text_is_written_back_unchanged_when_compact() {
    let text = r#"{"id":"ev_1","n":-12.5e3,"i":1751371200000,"t":"é\"\\\n","a":[1,null,false,{}]}"#;
    assert_eq!(
        from_str(text).expect("valid").to_string(),
        text,
        "round trip"
    );
    assert_eq!(
        Value::from("\u{0}").to_string(),
        "\"\\u0000\"",
        "NUL escaped"
    );
}
