//! Property tests of minijson against serde_json, the reference parser and writer.
//!
//! Deliberate differences, excluded here: serde_json rejects numbers beyond the `f64` range
//! (`1e400`, "number out of range") where RFC 8259 and minijson accept them.

use proptest::prelude::*;
use serde_json::Value as Reference;

/// serde_json's verdict on `text`, with "number out of range" told apart (`None`).
fn reference_verdict(text: &str) -> Option<Result<Reference, serde_json::Error>> {
    match serde_json::from_str::<Reference>(text) {
        Err(e) if e.to_string().contains("number out of range") => None,
        other => Some(other),
    }
}

fn any_reference() -> impl Strategy<Value = Reference> {
    let leaf = prop_oneof![
        Just(Reference::Null),
        any::<bool>().prop_map(Reference::from),
        any::<i64>().prop_map(Reference::from),
        any::<u64>().prop_map(Reference::from),
        any::<f64>().prop_map(Reference::from),
        any::<String>().prop_map(Reference::from),
        "[\\x00-\\x1f\"\\\\/a\u{e9}\u{1F600}]{0,8}".prop_map(Reference::from),
    ];
    leaf.prop_recursive(6, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Reference::Array),
            prop::collection::vec((any::<String>(), inner), 0..8)
                .prop_map(|fields| Reference::Object(fields.into_iter().collect())),
        ]
    })
}

/// One edit of `text` at a char boundary: insert, delete or replace a character drawn from
/// the characters that matter to JSON.
fn mutate(text: &str, at: usize, op: u8, c: char) -> String {
    let boundaries: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let at = boundaries[at % boundaries.len()];
    let next = boundaries.iter().copied().find(|&b| b > at).unwrap_or(at);
    let mut out = text.to_owned();
    match op % 3 {
        0 => out.insert(at, c),
        1 => out.replace_range(at..next, ""),
        _ => out.replace_range(at..next, c.encode_utf8(&mut [0; 4])),
    }
    out
}

fn json_char() -> impl Strategy<Value = char> {
    prop::sample::select(
        "{}[],:\"\\/ \t\n\r0123456789+-.eEuabfnrtlsxdD\u{1}\u{7f}\u{e9}"
            .chars()
            .collect::<Vec<_>>(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn serde_json_values_round_trip_through_minijson(value in any_reference()) {
        let text = serde_json::to_string(&value).expect("serialisable");
        let ours = minijson::from_str(&text).expect("minijson parses serde_json output");
        let back: Reference = serde_json::from_str(&ours.to_string()).expect("minijson output is JSON");
        prop_assert_eq!(back, value);
        prop_assert_eq!(ours.to_string(), text, "compact text is reproduced exactly");
    }

    #[test]
    fn arbitrary_strings_are_accepted_exactly_when_serde_json_accepts(text in any::<String>()) {
        if let Some(reference) = reference_verdict(&text) {
            prop_assert_eq!(minijson::from_str(&text).is_ok(), reference.is_ok(), "{:?}", text);
        }
    }

    #[test]
    fn mutated_json_is_accepted_exactly_when_serde_json_accepts(
        value in any_reference(),
        edits in prop::collection::vec((any::<usize>(), any::<u8>(), json_char()), 1..4),
    ) {
        let mut text = serde_json::to_string_pretty(&value).expect("serialisable");
        for (at, op, c) in edits {
            text = mutate(&text, at, op, c);
        }
        let Some(reference) = reference_verdict(&text) else { return Ok(()) };
        let ours = minijson::from_str(&text);
        prop_assert_eq!(ours.is_ok(), reference.is_ok(), "{:?}: {:?}", text, ours);
        if let (Ok(ours), Ok(reference)) = (ours, reference) {
            let back: Reference = serde_json::from_str(&ours.to_string()).expect("JSON");
            prop_assert_eq!(back, reference, "same value");
        }
    }

    #[test]
    fn integer_accessors_agree_with_serde_json(
        text in "-?(0|[1-9][0-9]{0,24})(\\.[0-9]{1,3})?([eE][+-]?[0-9]{1,2})?"
    ) {
        let reference: Reference = serde_json::from_str(&text).expect("valid number");
        let ours = minijson::from_str(&text).expect("valid number");
        prop_assert_eq!(ours.as_i64(), reference.as_i64(), "as_i64 of {}", text);
        prop_assert_eq!(ours.as_u64(), reference.as_u64(), "as_u64 of {}", text);
        prop_assert_eq!(ours.is_i64(), reference.is_i64(), "is_i64 of {}", text);
        let (a, b) = (ours.as_f64().expect("in range"), reference.as_f64().expect("in range"));
        prop_assert!((a - b).abs() <= a.abs() * 1e-15, "as_f64 of {}: {} vs {}", text, a, b);
    }

    #[test]
    fn finite_floats_are_written_as_json_that_reads_back_exactly(
        f in any::<f64>().prop_filter("finite", |f| f.is_finite())
    ) {
        let text = minijson::Value::from(f).to_string();
        let back: f64 = serde_json::from_str(&text).expect("a JSON number");
        prop_assert_eq!(back, f, "{}", text);
        prop_assert_eq!(minijson::from_str(&text).ok().and_then(|v| v.as_f64()), Some(f));
    }

    #[test]
    fn integers_from_the_whole_range_agree(n in any::<i128>()) {
        let text = (n >> (n as u8 % 64)).to_string();
        let reference: Reference = serde_json::from_str(&text).expect("valid number");
        let ours = minijson::from_str(&text).expect("valid number");
        prop_assert_eq!(ours.as_i64(), reference.as_i64(), "as_i64 of {}", text);
        prop_assert_eq!(ours.as_u64(), reference.as_u64(), "as_u64 of {}", text);
    }
}

#[test]
fn the_depth_limit_matches_serde_json() {
    for depth in [126, 127, 128, 129] {
        for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
            let inner = if open == "[" { "" } else { "1" };
            let text = format!("{}{inner}{}", open.repeat(depth), close.repeat(depth));
            let reference = serde_json::from_str::<Reference>(&text).is_ok();
            assert_eq!(
                minijson::from_str(&text).is_ok(),
                reference,
                "depth {depth} {open}"
            );
        }
    }
}

#[test]
fn numbers_beyond_f64_are_the_one_documented_difference() {
    assert!(
        serde_json::from_str::<Reference>("1e400").is_err(),
        "serde_json rejects"
    );
    let ours = minijson::from_str("1e400").expect("RFC 8259 allows it");
    assert_eq!(
        (ours.as_f64(), ours.to_string()),
        (None, "1e400".to_owned()),
        "kept as text"
    );
}
