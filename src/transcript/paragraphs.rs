//! How shown text catches up with a streamed message, paragraph by paragraph.
//!
//! A message is shown as paragraphs (split at blank lines, `"\n\n"`), so a browser lays out only
//! the paragraph still growing, not the whole message, on every streamed delta. Streamed text
//! only grows, so most updates append a few characters to the open (last) paragraph.

/// The text between two paragraphs.
pub const PARAGRAPH_BREAK: &str = "\n\n";

/// One step that brings the shown paragraphs up to date, applied in order.
#[derive(Debug, PartialEq, Eq)]
pub enum ParagraphOp<'a> {
    /// Append this text to the open paragraph.
    Append(&'a str),
    /// Replace the open paragraph's text with this.
    Set(&'a str),
    /// The open paragraph is finished (a [`PARAGRAPH_BREAK`] follows it); open a new, empty one.
    Close,
}

/// What is shown of one message: its text, and where the open paragraph starts.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Paragraphs {
    text: String,
    open_start: usize,
}

impl Paragraphs {
    /// Brings the shown text to `new`. Returns `true` when everything shown must be removed
    /// first (`new` does not extend what is shown), then the steps to apply to the open
    /// paragraph (a fresh, empty one after a reset).
    pub fn update<'a>(&mut self, new: &'a str, ops: &mut Vec<ParagraphOp<'a>>) -> bool {
        let reset = !new.starts_with(self.text.as_str());
        if reset {
            self.text.clear();
            self.open_start = 0;
        }
        let mut open = &self.text[self.open_start..];
        let mut start = self.open_start;
        let tail = &new[start..];
        let mut pieces = tail.split(PARAGRAPH_BREAK).peekable();
        while let Some(piece) = pieces.next() {
            if piece != open {
                ops.push(match piece.strip_prefix(open) {
                    Some(added) => ParagraphOp::Append(added),
                    None => ParagraphOp::Set(piece),
                });
            }
            if pieces.peek().is_some() {
                ops.push(ParagraphOp::Close);
                start += piece.len() + PARAGRAPH_BREAK.len();
                open = "";
            }
        }
        self.open_start = start;
        if self.text.len() < new.len() {
            self.text.push_str(&new[self.text.len()..]);
        }
        reset
    }
}

#[cfg(test)]
mod tests {
    use super::ParagraphOp::{Append, Close, Set};
    use super::*;

    fn run<'a>(shown: &mut Paragraphs, new: &'a str) -> (bool, Vec<ParagraphOp<'a>>) {
        let mut ops = Vec::new();
        let reset = shown.update(new, &mut ops);
        (reset, ops)
    }

    /// The paragraphs a sequence of ops produces, as the DOM would hold them.
    fn replay(updates: &[&str]) -> Vec<String> {
        let mut shown = Paragraphs::default();
        let mut paras = vec![String::new()];
        for new in updates {
            let (reset, ops) = run(&mut shown, new);
            if reset {
                paras = vec![String::new()];
            }
            for op in ops {
                match op {
                    Append(s) => paras.last_mut().unwrap().push_str(s),
                    Set(s) => *paras.last_mut().unwrap() = s.to_owned(),
                    Close => paras.push(String::new()),
                }
            }
        }
        paras
    }

    #[test]
    fn a_growing_paragraph_appends_only_the_new_characters() {
        let mut shown = Paragraphs::default();
        assert_eq!(run(&mut shown, "w1 "), (false, vec![Append("w1 ")]));
        assert_eq!(run(&mut shown, "w1 w2"), (false, vec![Append("w2")]));
        assert_eq!(run(&mut shown, "w1 w2"), (false, vec![]));
    }

    #[test]
    fn a_blank_line_closes_the_paragraph_and_opens_the_next() {
        let mut shown = Paragraphs::default();
        run(&mut shown, "w1");
        assert_eq!(
            run(&mut shown, "w1\n\nw2 w3"),
            (false, vec![Close, Append("w2 w3")])
        );
        assert_eq!(
            run(&mut shown, "w1\n\nw2 w3 w4"),
            (false, vec![Append(" w4")])
        );
    }

    #[test]
    fn a_break_split_across_deltas_rewrites_only_the_open_paragraph() {
        let mut shown = Paragraphs::default();
        assert_eq!(run(&mut shown, "abc\n"), (false, vec![Append("abc\n")]));
        assert_eq!(
            run(&mut shown, "abc\n\ndef"),
            (false, vec![Set("abc"), Close, Append("def")])
        );
    }

    #[test]
    fn text_that_does_not_extend_the_shown_text_starts_over() {
        let mut shown = Paragraphs::default();
        run(&mut shown, "w1\n\nw2");
        assert_eq!(run(&mut shown, "final"), (true, vec![Append("final")]));
        assert_eq!(run(&mut shown, ""), (true, vec![]));
    }

    #[test]
    fn streamed_paragraphs_equal_the_whole_text_split_at_blank_lines() {
        let text = "Hello!\n\nHere is a list:\n- one\n- two\n\n\nDone, 👋 ünïcode.\n\n";
        let whole: Vec<String> = text.split(PARAGRAPH_BREAK).map(str::to_owned).collect();
        for step in 1..=7 {
            let cuts: Vec<usize> = (0..=text.len())
                .step_by(step)
                .chain([text.len()])
                .filter(|i| text.is_char_boundary(*i))
                .collect();
            let updates: Vec<&str> = cuts.iter().map(|i| &text[..*i]).collect();
            assert_eq!(replay(&updates), whole, "deltas of {step} bytes");
        }
    }
}
