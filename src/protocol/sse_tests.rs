//! The SSE parser against the WHATWG event-stream rules, fed whole and cut between any two
//! characters.

use super::sse::SseParser;

/// Every `(id, data)` the parser dispatches for `chunks`, fed in order to one parser.
fn parse_chunks(chunks: &[&str]) -> Vec<(String, String)> {
    let mut parser = SseParser::new();
    let mut out = Vec::new();
    for chunk in chunks {
        parser.feed(chunk, |m| out.push((m.id.to_owned(), m.data.to_owned())));
    }
    out
}

fn parse(stream: &str) -> Vec<(String, String)> {
    parse_chunks(&[stream])
}

fn msg(id: &str, data: &str) -> (String, String) {
    (id.to_owned(), data.to_owned())
}

#[test]
fn a_frame_with_id_and_data_is_dispatched_on_the_blank_line() {
    assert_eq!(
        parse("id: ev_1\ndata: {\"a\":1}\n\n"),
        vec![msg("ev_1", "{\"a\":1}")]
    );
    assert_eq!(
        parse("id: ev_1\ndata: x\n"),
        vec![],
        "an event without its blank line is pending, and discarded when the stream ends"
    );
}

#[test]
fn data_lines_are_joined_with_lf_and_one_leading_space_is_dropped() {
    assert_eq!(
        parse("data: one\ndata:two\ndata:  three\ndata\ndata:\n\n"),
        vec![msg("", "one\ntwo\n three\n\n")],
        "each data line adds its value and LF; the last LF is removed"
    );
    assert_eq!(
        parse("data:\n\n"),
        vec![msg("", "")],
        "an empty data field still makes an event"
    );
}

#[test]
fn an_event_without_data_is_not_dispatched() {
    assert_eq!(
        parse("id: ev_1\n\nevent: message\n\n:only a comment\n\n"),
        vec![]
    );
    assert_eq!(
        parse("id: ev_1\n\ndata: x\n\n"),
        vec![msg("ev_1", "x")],
        "the id of a data-less event still becomes the last event id"
    );
}

#[test]
fn the_last_event_id_carries_over_to_events_without_their_own() {
    assert_eq!(
        parse("id: a\ndata: 1\n\ndata: 2\n\nid\ndata: 3\n\n"),
        vec![msg("a", "1"), msg("a", "2"), msg("", "3")],
        "an event without `id:` keeps the last one; an empty `id` resets it"
    );
    assert_eq!(
        parse("id: a\ndata: 1\n\nid: b\0c\ndata: 2\n\n"),
        vec![msg("a", "1"), msg("a", "2")],
        "an id containing NUL is ignored"
    );
    assert_eq!(
        parse("data: 1\nid: late\n\n"),
        vec![msg("late", "1")],
        "the id may follow the data"
    );
}

#[test]
fn comments_retry_and_unknown_fields_are_ignored() {
    assert_eq!(
        parse(": keep-alive\nretry: 10\nfoo: bar\nDATA: shout\ndata: x\n\n"),
        vec![msg("", "x")]
    );
}

#[test]
fn only_message_events_are_dispatched() {
    assert_eq!(
        parse(
            "event: ping\ndata: p\n\nevent: message\ndata: m\n\nevent:\ndata: e\n\ndata: plain\n\n"
        ),
        vec![msg("", "m"), msg("", "e"), msg("", "plain")],
        "an `event:` other than `message` is not for `onmessage`; the type resets per event"
    );
}

#[test]
fn lines_end_with_lf_cr_or_crlf() {
    let want = vec![msg("1", "a"), msg("2", "b"), msg("3", "c")];
    assert_eq!(
        parse("id: 1\rdata: a\r\rid: 2\r\ndata: b\r\n\r\nid: 3\ndata: c\n\n"),
        want
    );
    assert_eq!(
        parse("data: a\r\n\r\n"),
        vec![msg("", "a")],
        "CRLF is one line end, not two"
    );
    assert_eq!(
        parse_chunks(&["data: a\r", "\n\r", "\ndata: b\r", "", "\r"]),
        vec![msg("", "a"), msg("", "b")],
        "a CRLF cut between chunks is still one line end"
    );
    assert_eq!(
        parse_chunks(&["data: a\r", "\r"]),
        vec![msg("", "a")],
        "a CR at the end of a chunk followed by CR is two line ends"
    );
}

#[test]
fn one_leading_bom_is_skipped() {
    assert_eq!(parse("\u{FEFF}data: x\n\n"), vec![msg("", "x")]);
    assert_eq!(
        parse_chunks(&["", "\u{FEFF}", "data: x\n\n"]),
        vec![msg("", "x")],
        "the BOM is the start of the first line, whichever chunk brings it"
    );
    assert_eq!(
        parse("\u{FEFF}\u{FEFF}data: x\n\ndata: y\n\n"),
        vec![msg("", "y")],
        "only the first BOM is skipped: the second makes the line's field unknown"
    );
    assert_eq!(
        parse("data: x\n\n\u{FEFF}data: y\n\n"),
        vec![msg("", "x")],
        "a BOM later in the stream is no BOM"
    );
}

#[test]
fn text_cut_inside_a_line_is_joined_whole() {
    assert_eq!(
        parse_chunks(&["id: é", "1\nda", "ta: hé", "llo 👋", "\n", "\n"]),
        vec![msg("é1", "héllo 👋")]
    );
}

#[test]
fn every_message_comes_with_its_id() {
    let mut parser = SseParser::new();
    let mut ids = Vec::new();
    parser.feed("id: ev_1\ndata: {}\n\nid: ev_2\ndata: {}\n\n", |m| {
        ids.push(m.id.to_owned())
    });
    assert_eq!(ids, ["ev_1", "ev_2"]);
}

/// A stream like the emulator's: ids, JSON data, a keep-alive comment, a data-only frame.
const STREAM: &str = "\u{FEFF}id: ev_1\ndata: {\"text\":\"héllo\"}\n\n: keep-alive\n\n\
id: ev_2\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\ndata: not json\n\nevent: other\ndata: x\n\n\
id: ev_3\rdata: 👋\r\r";

#[test]
fn the_stream_cut_at_any_two_points_parses_like_the_whole() {
    let whole = parse(STREAM);
    assert_eq!(whole.len(), 4, "{whole:?}");
    let cuts: Vec<usize> = (0..=STREAM.len())
        .filter(|&i| STREAM.is_char_boundary(i))
        .collect();
    for &i in &cuts {
        for &j in cuts.iter().filter(|&&j| j >= i) {
            assert_eq!(
                parse_chunks(&[&STREAM[..i], &STREAM[i..j], &STREAM[j..]]),
                whole,
                "cut at {i} and {j}"
            );
        }
    }
}

/// Random chunkings (native only: proptest is a native dev-dependency).
#[cfg(not(target_arch = "wasm32"))]
mod random_chunks {
    use proptest::prelude::*;

    use super::{parse, parse_chunks, STREAM};

    proptest! {
        #[test]
        fn any_chunking_parses_like_the_whole_stream(cuts in proptest::collection::vec(0usize..200, 0..12)) {
            let mut cuts: Vec<usize> = cuts
                .into_iter()
                .map(|c| c % (STREAM.len() + 1))
                .filter(|&c| STREAM.is_char_boundary(c))
                .collect();
            cuts.sort_unstable();
            let mut chunks = Vec::new();
            let mut from = 0;
            for cut in cuts {
                chunks.push(&STREAM[from..cut]);
                from = cut;
            }
            chunks.push(&STREAM[from..]);
            prop_assert_eq!(parse_chunks(&chunks), parse(STREAM));
        }
    }
}
