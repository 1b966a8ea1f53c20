use super::*;
use Block::*;
use Inline::{Break, Emphasis, Strike, Strong};

fn text(t: &str) -> Inline {
    Inline::Text(t.to_owned())
}

fn para(t: &str) -> Block {
    Paragraph(vec![text(t)])
}

/// Every link in `blocks`, as (href, text).
fn links(blocks: &[Block]) -> Vec<(String, String)> {
    fn inl(i: &Inline, out: &mut Vec<(String, String)>) {
        match i {
            Inline::Link { href, children } => {
                out.push((href.clone(), children.iter().map(plain_inline).collect()));
                children.iter().for_each(|c| inl(c, out));
            }
            Strong(c) | Emphasis(c) | Strike(c) => c.iter().for_each(|c| inl(c, out)),
            _ => {}
        }
    }
    fn blk(b: &Block, out: &mut Vec<(String, String)>) {
        match b {
            Paragraph(c) | Heading(c) => c.iter().for_each(|i| inl(i, out)),
            Quote(bs) => bs.iter().for_each(|b| blk(b, out)),
            List { items, .. } => items.iter().flatten().for_each(|b| blk(b, out)),
            Table { head, rows } => head
                .iter()
                .chain(rows.iter().flatten())
                .flatten()
                .for_each(|i| inl(i, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    blocks.iter().for_each(|b| blk(b, &mut out));
    out
}

fn all_text(blocks: &[Block]) -> String {
    blocks
        .iter()
        .map(plain_block)
        .collect::<Vec<_>>()
        .join("\n")
}

/// How deep the tree is.
fn depth(blocks: &[Block]) -> usize {
    fn inl(i: &Inline) -> usize {
        match i {
            Strong(c) | Emphasis(c) | Strike(c) | Inline::Link { children: c, .. } => {
                1 + c.iter().map(inl).max().unwrap_or(0)
            }
            _ => 0,
        }
    }
    fn blk(b: &Block) -> usize {
        match b {
            Paragraph(c) | Heading(c) => 1 + c.iter().map(inl).max().unwrap_or(0),
            Quote(bs) => 1 + bs.iter().map(blk).max().unwrap_or(0),
            List { items, .. } => 2 + items.iter().flatten().map(blk).max().unwrap_or(0),
            Table { .. } => 3,
            _ => 1,
        }
    }
    blocks.iter().map(blk).max().unwrap_or(0)
}

#[test]
fn the_usual_constructs() {
    let md = "Hi **Boots** and *socks* ~~old~~ `code`\nnext line  \nbroken\n\n# Title\n\n- one\n- two\n\n3. three\n\n> quoted\n\n```rust\nfn main() {}\n```\n\n---\n\n| a | b |\n|---|---|\n| 1 | 2 |\n";
    assert_eq!(
        parse(md),
        vec![
            Paragraph(vec![
                text("Hi "),
                Strong(vec![text("Boots")]),
                text(" and "),
                Emphasis(vec![text("socks")]),
                text(" "),
                Strike(vec![text("old")]),
                text(" "),
                Inline::Code("code".into()),
                text("\nnext line"),
                Break,
                text("broken"),
            ]),
            Heading(vec![text("Title")]),
            List {
                start: None,
                items: vec![vec![para("one")], vec![para("two")]],
            },
            List {
                start: Some(3),
                items: vec![vec![para("three")]],
            },
            Quote(vec![para("quoted")]),
            Code {
                lang: Some("rust".into()),
                text: "fn main() {}\n".into(),
            },
            Rule,
            Table {
                head: vec![vec![text("a")], vec![text("b")]],
                rows: vec![vec![vec![text("1")], vec![text("2")]]],
            },
        ]
    );
}

#[test]
fn web_and_mail_links_are_links_everything_else_stays_text() {
    let md = "[returns](https://example.com/returns) [mail](mailto:a@example.com) \
              <https://example.com/auto> [js](javascript:alert(1)) [data](data:text/html,x) \
              [vb](vbscript:msgbox) [ent](&#106;avascript:alert(1)) [tab](java&#9;script:x) \
              <javascript:alert(1)> [rel](/local) ![alt text](https://example.com/i.png) \
              [![img in link](https://x/i.png)](javascript:x)";
    let blocks = parse(md);
    assert_eq!(
        links(&blocks),
        vec![
            ("https://example.com/returns".into(), "returns".into()),
            ("mailto:a@example.com".into(), "mail".into()),
            (
                "https://example.com/auto".into(),
                "https://example.com/auto".into()
            ),
        ]
    );
    let shown = all_text(&blocks);
    for visible in [
        "js",
        "data",
        "vb",
        "ent",
        "tab",
        "rel",
        "alt text",
        "img in link",
    ] {
        assert!(
            shown.contains(visible),
            "{visible:?} stays as text: {shown}"
        );
    }
    assert!(!shown.contains("i.png"), "an image shows only its alt text");
}

#[test]
fn raw_html_is_text() {
    let blocks = parse("<script>alert(1)</script>\n\nhi <img src=x onerror=alert(1)> <b>bold</b>");
    assert_eq!(
        blocks,
        vec![
            Verbatim("<script>alert(1)</script>\n".into()),
            Paragraph(vec![text("hi <img src=x onerror=alert(1)> <b>bold</b>")]),
        ]
    );
}

#[test]
fn nested_links_keep_only_the_inner_safe_one() {
    let blocks = parse("[outer [inner](https://example.com/in)](javascript:alert(1))");
    assert_eq!(
        links(&blocks),
        vec![("https://example.com/in".into(), "inner".into())]
    );
}

#[test]
fn deep_nesting_is_flattened_and_keeps_its_text() {
    let n = 10_000;
    for md in [
        format!("{}deep", ">".repeat(n)),
        format!("{}deep", "- ".repeat(n)),
        format!("{}deep{}", "*".repeat(n), "*".repeat(n)),
        format!("{}deep{}", "[".repeat(n), "](https://x)".repeat(n)),
        format!("{}deep{}", "**a ".repeat(n), " b**".repeat(n)),
    ] {
        let blocks = parse(&md);
        assert!(
            depth(&blocks) <= MAX_DEPTH + 3,
            "depth {} for {:?}…",
            depth(&blocks),
            &md[..10]
        );
        assert!(all_text(&blocks).contains("deep"), "{:?}…", &md[..10]);
    }
}

/// How many quotes and lists are nested in one another at most.
fn indents(blocks: &[Block]) -> usize {
    fn blk(b: &Block) -> usize {
        match b {
            Quote(bs) => 1 + indents(bs),
            List { items, .. } => 1 + items.iter().map(|i| indents(i)).max().unwrap_or(0),
            _ => 0,
        }
    }
    blocks.iter().map(blk).max().unwrap_or(0)
}

#[test]
fn deep_quotes_and_lists_indent_at_most_max_indent_levels_and_keep_their_text() {
    for md in [
        format!("{}deep", ">".repeat(10_000)),
        format!("{}deep", "- ".repeat(10_000)),
        format!("{}deep", "> - 1. ".repeat(100)),
    ] {
        let blocks = parse(&md);
        assert_eq!(indents(&blocks), MAX_INDENT, "{:?}…", &md[..10]);
        assert!(all_text(&blocks).contains("deep"), "{:?}…", &md[..10]);
    }
    let shallow = parse("> - a\n>   - b");
    assert_eq!(indents(&shallow), 3, "usual nesting is kept: {shallow:?}");
}

#[test]
fn a_one_megabyte_table_parses_into_its_rows() {
    let mut md = String::from("| a | b |\n|---|---|\n");
    let mut rows = 0;
    while md.len() < 1 << 20 {
        md.push_str("| cell | **x** |\n");
        rows += 1;
    }
    match parse(&md).as_slice() {
        [Table { rows: parsed, .. }] => assert_eq!(parsed.len(), rows),
        other => panic!("one table, got {} blocks", other.len()),
    }
}

/// Streams `md` in pieces of `step` bytes (on char boundaries), checking that finished blocks
/// are handed out once, in order, and together with the final step equal a parse of the whole.
fn stream(md: &str, step: usize) -> Vec<Block> {
    let mut s = MarkdownStream::default();
    let mut shown: Vec<Block> = Vec::new();
    let mut end = 0;
    while end < md.len() {
        end = (end + step).min(md.len());
        while !md.is_char_boundary(end) {
            end += 1;
        }
        let out = s.update(&md[..end], false);
        assert!(!out.reset);
        shown.extend(out.finished);
    }
    let last = s.update(md, true);
    assert!(last.open.is_empty() && last.open_plain.is_none());
    shown.extend(last.finished);
    shown
}

const SAMPLES: [&str; 7] = [
    "para\n\n    indented code\n\nafter\n\n  - spaced list\n  - two\n\n<div>\nhtml\n</div>\n\nend",
    "| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\nlazy row\n\n# Heading\nright after\n\ndone",
    "Here are your options:\n\n1. **Boots** — waterproof\n2. *Sandals*\n\nSee [returns](https://example.com/returns).\n\n```sh\ncargo run\n\necho done\n```\n\n> Note: sizes run small.\n\n| size | EU |\n|---|---|\n| 9 | 43 |\n\nThanks!",
    "- a\n\n- b\n\n  continued\n\nafter\n\nTitle\n===\n\ntext\n---\n\n***\n\nend",
    "Plain paragraph one.\n\nPlain paragraph two with `code` and ~~strike~~.",
    "```\nunclosed fence\n\nstill code",
    "| a |\n|---|\n| 1 |\n \t\nafter a blank line of spaces\n  \n- list\n\t\nend",
];

#[test]
fn streaming_gives_the_same_blocks_as_parsing_the_whole_message() {
    for md in SAMPLES {
        for step in [1, 2, 3, 7, 50, 1000] {
            assert_eq!(stream(md, step), parse(md), "step {step} of {md:?}");
        }
    }
}

#[test]
fn only_the_growing_block_is_parsed_again() {
    let mut s = MarkdownStream::default();
    let first = s.update("Done paragraph.\n\nGrow", false);
    assert_eq!(first.finished, vec![para("Done paragraph.")]);
    assert_eq!(first.open, vec![para("Grow")]);
    let next = s.update("Done paragraph.\n\nGrowing **bol", false);
    assert!(next.finished.is_empty(), "nothing finished again");
    assert_eq!(
        next.open,
        vec![para("Growing **bol")],
        "a half-typed construct is text"
    );
    let done = s.update("Done paragraph.\n\nGrowing **bold**", true);
    assert_eq!(
        done.finished,
        vec![Paragraph(vec![
            text("Growing "),
            Strong(vec![text("bold")])
        ])]
    );
}

#[test]
fn an_unclosed_fence_streams_as_code() {
    let mut s = MarkdownStream::default();
    let step = s.update("```rust\nfn main", false);
    assert_eq!(
        step.open,
        vec![Code {
            lang: Some("rust".into()),
            text: "fn main".into()
        }]
    );
}

#[test]
fn text_that_does_not_extend_what_was_shown_resets() {
    let mut s = MarkdownStream::default();
    s.update("First.\n\nSecond", false);
    let step = s.update("Other", false);
    assert!(step.reset);
    assert_eq!(step.open, vec![para("Other")]);
}

#[test]
fn a_huge_open_block_is_plain_text_until_it_finishes() {
    let mut s = MarkdownStream::default();
    let big = "word ".repeat(MAX_OPEN_BLOCK / 4);
    let step = s.update(&big, false);
    assert!(step.open.is_empty());
    assert_eq!(step.open_plain.as_deref(), Some(big.as_str()));
    let done = s.update(&big, true);
    assert_eq!(done.finished.len(), 1, "parsed once at the end");
}
