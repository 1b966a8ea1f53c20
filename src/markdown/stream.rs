//! Streaming markdown block by block: a message only grows, and once a top-level block is
//! followed by a blank line and another block it can no longer change (a blank line ends
//! paragraphs, tables and lists, and the next block has started), so only the blocks after the
//! last such boundary are parsed again as text arrives, and finished blocks are handed out once.

use std::ops::Range;

use pulldown_cmark::{Event, Parser};

use super::tree::{options, parse, Block};

/// An open block longer than this is shown as plain text until it is finished (or the message
/// completes), so a huge block that never ends costs linear time, not quadratic.
pub const MAX_OPEN_BLOCK: usize = 64 * 1024;

/// What to show after an update.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Step {
    /// Everything shown must be removed first (the text did not extend what was shown).
    pub reset: bool,
    /// Blocks that just finished, in order: append them; they never change again.
    pub finished: Vec<Block>,
    /// The block still growing, parsed as it stands (empty when there is none), to show in
    /// place of the previous open block.
    pub open: Vec<Block>,
    /// The open block's text when it is too long to parse on every update
    /// ([`MAX_OPEN_BLOCK`]); shown as plain text instead of `open`.
    pub open_plain: Option<String>,
}

/// The blocks of one streamed message shown so far.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct MarkdownStream {
    /// The text seen so far.
    text: String,
    /// Where the open (last) block starts: everything before is finished and shown.
    open_start: usize,
}

impl MarkdownStream {
    /// Brings the shown blocks up to `text`; `done` when the message is complete (every block
    /// is then finished).
    pub fn update(&mut self, text: &str, done: bool) -> Step {
        let mut step = Step::default();
        if !text.starts_with(self.text.as_str()) {
            step.reset = true;
            self.open_start = 0;
        }
        self.text.clear();
        self.text.push_str(text);
        let tail = &text[self.open_start..];
        if done {
            step.finished = parse(tail);
            self.open_start = text.len();
            return step;
        }
        if let Some(cut) = last_boundary(tail) {
            step.finished = parse(&tail[..cut]);
            self.open_start += cut;
        }
        let open = &text[self.open_start..];
        if open.len() > MAX_OPEN_BLOCK {
            step.open_plain = Some(open.to_owned());
        } else {
            step.open = parse(open);
        }
        step
    }
}

/// Where the last finished part of `source` ends: the start of the line of the last top-level
/// block that follows a blank line (`None` when there is none after the first block).
///
/// Without a blank line (a long table, a paragraph still growing) there is no boundary, and
/// `source` is not parsed just to look for one.
fn last_boundary(source: &str) -> Option<usize> {
    if !has_blank_line(source) {
        return None;
    }
    top_level_blocks(source)
        .iter()
        .skip(1)
        .rev()
        .map(|block| source[..block.start].rfind('\n').map_or(0, |i| i + 1))
        .find(|&line| line > 0 && ends_with_blank_line(&source[..line]))
}

/// Whether `text` holds a blank line between two line breaks (spaces and tabs only), as every
/// boundary [`last_boundary`] finds follows one.
fn has_blank_line(text: &str) -> bool {
    let mut lines = text.split('\n').skip(1).peekable();
    while let Some(line) = lines.next() {
        if lines.peek().is_some() && line.trim_matches([' ', '\t']).is_empty() {
            return true;
        }
    }
    false
}

/// Whether `text` ends with a line break followed by a blank line's break.
fn ends_with_blank_line(text: &str) -> bool {
    fn trim(s: &str) -> &str {
        s.trim_end_matches([' ', '\t'])
    }
    trim(text)
        .strip_suffix('\n')
        .is_some_and(|rest| trim(rest).ends_with('\n'))
}

/// The source ranges of the top-level blocks of `source`.
fn top_level_blocks(source: &str) -> Vec<Range<usize>> {
    let mut depth = 0usize;
    let mut blocks = Vec::new();
    for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
        match event {
            Event::Start(_) => {
                if depth == 0 {
                    blocks.push(range);
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ if depth == 0 => blocks.push(range),
            _ => {}
        }
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::has_blank_line;

    #[test]
    fn a_blank_line_lies_between_two_line_breaks() {
        for text in ["a\n\nb", "a\n \t\n", "\n\n", "| a |\n|---|\n\n"] {
            assert!(has_blank_line(text), "{text:?}");
        }
        for text in [
            "",
            "a",
            "a\n",
            "a\nb\n",
            "\n",
            "a\n  ",
            "| a |\n|---|\n| 1 |\n",
        ] {
            assert!(!has_blank_line(text), "{text:?}");
        }
    }
}
