//! What the scripted agent answers: a pure function of the user's text.
//!
//! Rules, checked on the text (case-insensitive for keywords):
//! - `/echo <text>`: reply exactly `<text>`;
//! - `/stream <N> [<P>]` (1 ≤ N ≤ 50 000): reply with N deltas `w1 `, `w2 `, …, `wN`; with P, every
//!   P-th word ends its paragraph (`wK\n\n` instead of `wK `), like the paragraphs of a long answer;
//! - `/markdown <N>` (1 ≤ N ≤ 50 000): reply with N deltas of markdown (headings, bold, links,
//!   code, lists, code blocks, tables), delta K carrying the marker `wK` (see `markdown.rs`);
//! - `/table <N> <cell>` (1 ≤ N ≤ 50 000): reply with a GFM table of N rows `| K | <cell> |`, a
//!   delta per row (the header is the first), so a test can stream a table far larger than a
//!   visitor's message may be;
//! - contains "notice": an `agent.notice.sent` first;
//! - contains "order": "Let me look that order up. ", a `lookup_order` tool call, then
//!   "Your order `<ID>` has shipped and will arrive in 2 business days." (`<ID>` = the first word
//!   with a digit, else `A-1001`);
//! - else contains "return", "refund" or "exchange": how returns work (60 days), in markdown
//!   (bold, links, a numbered list);
//! - else contains "size" or "sizing": the boot size table, in markdown;
//! - else contains "repair", "zipper" or "warranty": how to fix a zipper, then the repair promise;
//! - else contains "bye": "Goodbye! Thanks for chatting.";
//! - else: `You said: "<text>". ` and what the agent can help with (one line);
//! - contains "bye" (with any of the above but commands): the conversation ends after the reply.
//!
//! The answers after "order" are the demo page's (`www/index.html`): its starter prompts and
//! "Popular" topics each get one, saying what the page says (see `answers.rs`).

use serde_json::json;

use super::answers::{BOOT_SIZES, REPAIRS, REPERTOIRE, RETURNS};
use super::markdown::{markdown_deltas, table_deltas};
use super::split::split_deltas;
use crate::assumptions::MAX_STREAM_DELTAS;

/// One step of a reply, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An `agent.notice.sent`.
    Notice(String),
    /// `agent.message.delta` fragments.
    Say(Vec<String>),
    /// An `agent.tool_call.created` then `agent.tool_call.returned`.
    Tool {
        /// Tool name.
        name: String,
        /// JSON-encoded arguments.
        arguments: String,
        /// JSON-encoded result.
        result: String,
    },
}

/// A planned reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Steps in order.
    pub steps: Vec<Step>,
    /// End the conversation afterwards.
    pub ends: bool,
}

impl Reply {
    /// The final `agent.message.completed.text`: every delta joined.
    pub fn text(&self) -> String {
        self.steps
            .iter()
            .filter_map(|s| match s {
                Step::Say(parts) => Some(parts.concat()),
                _ => None,
            })
            .collect()
    }

    /// Whether the reply calls a tool.
    pub fn has_tool_calls(&self) -> bool {
        self.steps.iter().any(|s| matches!(s, Step::Tool { .. }))
    }
}

/// Whether the (lowercased) text contains any of the keywords.
fn mentions(lower: &str, keywords: &[&str]) -> bool {
    keywords.iter().any(|k| lower.contains(k))
}

fn say(text: &str) -> Step {
    Step::Say(split_deltas(text))
}

fn order_id(text: &str) -> String {
    text.split_whitespace()
        .find(|w| w.chars().any(|c| c.is_ascii_digit()))
        .map(|w| {
            w.trim_matches(|c: char| !c.is_ascii_alphanumeric())
                .to_string()
        })
        .filter(|w| !w.is_empty())
        .unwrap_or_else(|| "A-1001".to_string())
}

fn stream_reply(n: usize, paragraph: Option<usize>) -> Reply {
    let parts = (1..=n)
        .map(|i| {
            if i == n {
                format!("w{i}")
            } else if paragraph.is_some_and(|p| i % p == 0) {
                format!("w{i}\n\n")
            } else {
                format!("w{i} ")
            }
        })
        .collect();
    Reply {
        steps: vec![Step::Say(parts)],
        ends: false,
    }
}

/// `<N> [<P>]` of a `/stream` command, when valid.
fn stream_args(rest: &str) -> Option<(usize, Option<usize>)> {
    let mut words = rest.split_whitespace();
    let n = words.next()?.parse::<usize>().ok()?;
    let paragraph = match words.next() {
        Some(p) => Some(p.parse::<usize>().ok().filter(|p| *p > 0)?),
        None => None,
    };
    let valid = words.next().is_none() && (1..=MAX_STREAM_DELTAS).contains(&n);
    valid.then_some((n, paragraph))
}

/// `<N> <cell>` of a `/table` command, when valid (the cell is the rest of the line).
fn table_args(rest: &str) -> Option<(usize, &str)> {
    let (n, cell) = rest.split_once(' ')?;
    let n = n.parse::<usize>().ok()?;
    let valid = (1..=MAX_STREAM_DELTAS).contains(&n) && !cell.is_empty() && !cell.contains('\n');
    valid.then_some((n, cell))
}

/// Plans the reply to a user message.
pub fn plan_reply(text: &str) -> Reply {
    if let Some(rest) = text.strip_prefix("/echo") {
        if rest.is_empty() || rest.starts_with(' ') {
            let echoed = rest.strip_prefix(' ').unwrap_or(rest);
            return Reply {
                steps: vec![say(echoed)],
                ends: false,
            };
        }
    }
    if let Some((n, paragraph)) = text.strip_prefix("/stream ").and_then(stream_args) {
        return stream_reply(n, paragraph);
    }
    if let Some((n, None)) = text.strip_prefix("/markdown ").and_then(stream_args) {
        return Reply {
            steps: vec![Step::Say(markdown_deltas(n))],
            ends: false,
        };
    }
    if let Some((n, cell)) = text.strip_prefix("/table ").and_then(table_args) {
        return Reply {
            steps: vec![Step::Say(table_deltas(n, cell))],
            ends: false,
        };
    }
    let lower = text.to_lowercase();
    let mut steps = Vec::new();
    if lower.contains("notice") {
        steps.push(Step::Notice(
            "Notice: this is a scripted notice from the demo agent.".to_string(),
        ));
    }
    if lower.contains("order") {
        let id = order_id(text);
        steps.push(say("Let me look that order up. "));
        steps.push(Step::Tool {
            name: "lookup_order".to_string(),
            arguments: json!({ "order_id": id }).to_string(),
            result: json!({ "order_id": id, "status": "shipped", "eta_days": 2 }).to_string(),
        });
        steps.push(say(&format!(
            "Your order {id} has shipped and will arrive in 2 business days."
        )));
    } else if mentions(&lower, &["return", "refund", "exchange"]) {
        steps.push(say(RETURNS));
    } else if mentions(&lower, &["size", "sizing"]) {
        steps.push(say(BOOT_SIZES));
    } else if mentions(&lower, &["repair", "zipper", "warranty"]) {
        steps.push(say(REPAIRS));
    } else if lower.contains("bye") {
        steps.push(say("Goodbye! Thanks for chatting."));
    } else {
        steps.push(say(&format!("You said: \"{text}\". {REPERTOIRE}")));
    }
    Reply {
        steps,
        ends: lower.contains("bye"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_replies_with_exactly_the_text() {
        let r = plan_reply("/echo Hello,  world");
        assert_eq!(r.text(), "Hello,  world");
        assert!(!r.ends && !r.has_tool_calls());
    }

    #[test]
    fn stream_replies_with_n_deltas() {
        let r = plan_reply("/stream 5");
        assert_eq!(
            r.steps,
            vec![Step::Say(vec![
                "w1 ".into(),
                "w2 ".into(),
                "w3 ".into(),
                "w4 ".into(),
                "w5".into()
            ])]
        );
        assert_eq!(r.text(), "w1 w2 w3 w4 w5");
    }

    #[test]
    fn stream_with_a_paragraph_length_ends_every_pth_word_with_a_blank_line() {
        let r = plan_reply("/stream 5 2");
        assert_eq!(r.text(), "w1 w2\n\nw3 w4\n\nw5");
        assert_eq!(plan_reply("/stream 2 5").text(), "w1 w2");
    }

    #[test]
    fn stream_arguments_out_of_range_are_plain_text() {
        for bad in [
            "/stream 5 0",
            "/stream 5 x",
            "/stream 5 2 9",
            "/stream 50001",
        ] {
            assert!(!plan_reply(bad).text().starts_with('w'), "{bad}");
        }
        assert!(plan_reply("/stream 50000").text().ends_with("w50000"));
    }

    #[test]
    fn order_calls_lookup_order_with_the_order_id() {
        let r = plan_reply("Where is my order #B-42?");
        assert!(r.has_tool_calls());
        let tool = r.steps.iter().find_map(|s| match s {
            Step::Tool {
                name, arguments, ..
            } => Some((name.clone(), arguments.clone())),
            _ => None,
        });
        assert_eq!(
            tool,
            Some(("lookup_order".into(), "{\"order_id\":\"B-42\"}".into()))
        );
        assert_eq!(
            r.text(),
            "Let me look that order up. Your order B-42 has shipped and will arrive in 2 business days."
        );
    }

    #[test]
    fn markdown_replies_with_n_marked_deltas() {
        let r = plan_reply("/markdown 20");
        assert!(matches!(&r.steps[..], [Step::Say(parts)] if parts.len() == 20));
        assert!(r.text().starts_with("### w1\n\n**w2** and w3"));
        assert!(!plan_reply("/markdown 0").text().starts_with('#'));
        assert!(!plan_reply("/markdown 5 2").text().starts_with('#'));
    }

    #[test]
    fn table_replies_with_a_header_and_a_delta_per_row() {
        let r = plan_reply("/table 3 <b>x</b>");
        assert!(matches!(&r.steps[..], [Step::Say(parts)] if parts.len() == 4));
        assert_eq!(
            r.text(),
            "| # | cell |\n|---|---|\n| 1 | <b>x</b> |\n| 2 | <b>x</b> |\n| 3 | <b>x</b> |\n"
        );
        for bad in [
            "/table 0 x",
            "/table 3",
            "/table 3 ",
            "/table x y",
            "/table 2 a\nb",
        ] {
            assert!(!plan_reply(bad).text().starts_with("| #"), "{bad}");
        }
    }

    #[test]
    fn notice_comes_first_and_bye_ends_the_conversation() {
        let r = plan_reply("Send a notice then bye");
        assert!(matches!(r.steps.first(), Some(Step::Notice(_))));
        assert_eq!(r.text(), "Goodbye! Thanks for chatting.");
        assert!(r.ends);
    }

    #[test]
    fn other_text_is_quoted_back_with_one_line_of_what_the_agent_can_do() {
        assert_eq!(plan_reply("Hi"), plan_reply("Hi"));
        assert_eq!(
            plan_reply("Hi").text(),
            "You said: \"Hi\". I can look up an order, explain returns, find your boot size or help with a repair."
        );
        assert!(!plan_reply("Hi").text().contains('\n'), "one line");
        assert!(
            !plan_reply("/stream 0").text().starts_with('w'),
            "N=0 is plain text"
        );
    }
}
