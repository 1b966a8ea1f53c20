//! The scripted agent's generated markdown: `/markdown <N>`, a markdown-heavy stream for the
//! streaming benchmark, and `/table <N> <cell>`, a table as large as a test needs. (The demo
//! store's formatted answers are in `answers.rs`.)

/// One section of the `/markdown` stream, a delta per entry: `{k}` is the delta's marker
/// number. Every delta carries one marker `w<k>`, and the text shown after it ends with that
/// marker even while its construct is still open, so the benchmark can tell when each delta
/// was painted. A section has a heading, bold, a link, inline code, strikethrough, a list
/// with a nested item, a fenced code block and a table.
const SECTION: [&str; 17] = [
    "### w{k}",
    "\n\n**w{k}",
    "** and w{k}",
    " [w{k}",
    "](https://example.com/docs) `w{k}",
    "` ~~w{k}",
    "~~\n\n- w{k}",
    "\n- *w{k}",
    "*\n  - w{k}",
    "\n\n```rust\nlet w{k}",
    "\nw{k}",
    "\n```\n\n| w{k}",
    " | w{k}",
    " |\n|---|---|\n| w{k}",
    " | w{k}",
    " |\n| w{k}",
    " | w{k}",
];

/// The `/markdown <N>` reply: N deltas cycling through [`SECTION`], sections separated by a
/// blank line; delta K carries the marker `wK`.
pub fn markdown_deltas(n: usize) -> Vec<String> {
    (1..=n)
        .map(|k| {
            let i = (k - 1) % SECTION.len();
            let delta = SECTION[i].replace("{k}", &k.to_string());
            if i == 0 && k > 1 {
                format!("\n\n{delta}")
            } else {
                delta
            }
        })
        .collect()
}

/// The `/table <N> <cell>` reply: a GFM table's header, then N rows `| K | <cell> |`, a delta
/// each.
pub fn table_deltas(n: usize, cell: &str) -> Vec<String> {
    std::iter::once("| # | cell |\n|---|---|\n".to_owned())
        .chain((1..=n).map(|k| format!("| {k} | {cell} |\n")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_markdown_delta_carries_its_marker_first() {
        let deltas = markdown_deltas(40);
        assert_eq!(deltas.len(), 40);
        for (i, d) in deltas.iter().enumerate() {
            let marker = format!("w{}", i + 1);
            let first = d
                .match_indices('w')
                .find(|(at, _)| d[at + 1..].starts_with(|c: char| c.is_ascii_digit()));
            assert_eq!(
                first.map(|(at, _)| &d[at..at + marker.len()]),
                Some(marker.as_str()),
                "delta {i}: {d:?}"
            );
            assert!(
                d.ends_with(&marker),
                "delta {i} ends with its marker: {d:?}"
            );
        }
        assert!(
            deltas[17].starts_with("\n\n### w18"),
            "sections are blocks apart"
        );
    }

    #[test]
    fn the_markdown_stream_holds_every_construct() {
        let text = markdown_deltas(17).concat();
        for construct in [
            "### ",
            "**w2** and w3",
            "[w4](https://",
            "`w5`",
            "~~w6~~",
            "\n- w7",
            "  - w9",
            "```rust\n",
            "|---|---|",
        ] {
            assert!(text.contains(construct), "{construct:?} in {text:?}");
        }
    }
}
