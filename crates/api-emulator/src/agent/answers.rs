//! What the scripted agent knows about the demo store: the answers behind the starter prompts
//! and "Popular" topics of the demo page (`www/index.html`, Fernwood Outfitters), in markdown
//! as an agent formats them. They say what the page says: 60-day returns, free exchanges for
//! another size, a refund within three days of the parcel arriving, lifetime repairs of the
//! store's own gear and a fixed quote for other brands.

/// The reply to a question about returns ("How do returns work?", "Start a return"): bold,
/// links and a numbered list.
pub const RETURNS: &str = "Returns are **free within 60 days**, no questions asked. Here is how:\n\n\
1. Open [your orders](https://example.com/orders).\n\
2. Choose **Return** next to the item (or **Exchange** for another size: exchanges are free too).\n\
3. Print the free label and drop the parcel off at any carrier point.\n\n\
We refund you within *three days* of receiving it. The [returns policy](https://example.com/returns) \
has the details.";

/// The reply to a question about sizes ("Which boot size fits me?", "Boot sizing"): a size
/// table.
pub const BOOT_SIZES: &str = "Our boots run true to size. Measure your foot from heel to \
longest toe in the evening, then pick the size for that length:\n\n\
| US | UK | EU | Foot length |\n\
|---|---|---|---|\n\
| 7 | 6 | 40 | 24.5 cm |\n\
| 8 | 7 | 41 | 25.4 cm |\n\
| 9 | 8 | 42.5 | 26.2 cm |\n\
| 10 | 9 | 44 | 27.1 cm |\n\
| 11 | 10 | 45 | 27.9 cm |\n\
| 12 | 11 | 46.5 | 28.8 cm |\n\n\
Between two sizes, take the larger one: hiking socks need the room. If they still don't fit \
after a first hike, exchanges for another size are **free within 60 days**.";

/// The reply to a question about repairs ("Repair a zipper"): a how-to, then the repair
/// promise.
pub const REPAIRS: &str = "A stuck or splitting zipper can often be fixed at home:\n\n\
1. Brush the teeth clean with an old toothbrush and warm water.\n\
2. Rub a graphite pencil or a little wax along them, then work the slider gently.\n\
3. If the teeth still split behind the slider, squeeze the back of the slider with pliers, \
a little at a time on each side, and try again.\n\n\
If that doesn't hold, send it to us: we repair Fernwood gear **for life**, and for other brands \
we quote a fixed price before we start. [Start a repair](https://example.com/repairs) and we'll \
tell you where to send it.";

/// What the agent can help with, said after any text it has no answer for.
pub const REPERTOIRE: &str =
    "I can look up an order, explain returns, find your boot size or help with a repair.";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::agent::script::{plan_reply, Reply, Step};

    /// The demo page's starter prompts (`starter-prompts` of `<operator-chat>`) and its
    /// "Popular" topics, as `www/index.html` has them.
    const PAGE_PROMPTS: [&str; 3] = [
        "Where is my order?",
        "How do returns work?",
        "Which boot size fits me?",
    ];
    const PAGE_POPULAR: [&str; 4] = [
        "Where is my order?",
        "Start a return",
        "Boot sizing",
        "Repair a zipper",
    ];

    /// The tool calls of a reply, as `(name, arguments)`.
    fn tool_calls(r: &Reply) -> Vec<(String, String)> {
        r.steps
            .iter()
            .filter_map(|s| match s {
                Step::Tool {
                    name, arguments, ..
                } => Some((name.clone(), arguments.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_question_about_returns_is_answered_in_markdown_with_the_pages_60_days() {
        for text in [
            "How do returns work?",
            "Start a return",
            "Can I exchange them?",
        ] {
            let r = plan_reply(text);
            assert_eq!(r.text(), RETURNS, "{text:?} gets the returns answer");
            assert!(!r.ends && !r.has_tool_calls(), "{text:?}");
        }
        let text = plan_reply("How do returns work?").text();
        assert!(
            text.contains("**free within 60 days**"),
            "60 days, as the page: {text}"
        );
        assert!(!text.contains("30 days"), "no other window: {text}");
        assert!(
            text.contains("[returns policy](https://example.com/returns)"),
            "{text}"
        );
        assert!(
            text.contains("\n\n1. Open") && text.contains("\n3. "),
            "numbered steps: {text}"
        );
    }

    #[test]
    fn a_question_about_boot_sizes_is_answered_with_a_markdown_size_table() {
        for text in [
            "Which boot size fits me?",
            "Boot sizing",
            "What size should I buy?",
        ] {
            let r = plan_reply(text);
            assert_eq!(r.text(), BOOT_SIZES, "{text:?} gets the size table");
            assert!(!r.ends && !r.has_tool_calls(), "{text:?}");
        }
        let rows: Vec<&str> = BOOT_SIZES
            .lines()
            .filter(|l| l.starts_with('|') && l.ends_with('|'))
            .collect();
        assert_eq!(
            rows.get(1),
            Some(&"|---|---|---|---|"),
            "a GFM table: {rows:?}"
        );
        assert!(
            rows[0].contains("US") && rows[0].contains("EU"),
            "a header row: {rows:?}"
        );
        assert!(rows.len() >= 6, "several sizes: {rows:?}");
        for row in &rows {
            assert_eq!(row.matches('|').count(), 5, "four cells in {row:?}");
        }
        assert!(
            BOOT_SIZES.contains("**free within 60 days**"),
            "exchanges as the page says"
        );
    }

    #[test]
    fn a_question_about_repairs_is_answered_with_a_how_to_and_the_lifetime_promise() {
        for text in [
            "Repair a zipper",
            "My zipper is stuck",
            "Is it under warranty?",
        ] {
            let r = plan_reply(text);
            assert_eq!(r.text(), REPAIRS, "{text:?} gets the repair how-to");
            assert!(!r.ends && !r.has_tool_calls(), "{text:?}");
        }
        assert!(
            REPAIRS.contains("\n\n1. ") && REPAIRS.contains("\n3. "),
            "numbered steps"
        );
        assert!(
            REPAIRS.contains("**for life**"),
            "lifetime repairs, as the page says"
        );
        assert!(
            REPAIRS.contains("fixed price"),
            "other brands get a quote, as the page says"
        );
    }

    #[test]
    fn where_is_my_order_looks_the_order_up_with_a_tool_call() {
        let r = plan_reply("Where is my order?");
        assert_eq!(
            tool_calls(&r),
            vec![("lookup_order".into(), "{\"order_id\":\"A-1001\"}".into())],
            "one lookup_order call, for the default order"
        );
        assert_eq!(
            r.text(),
            "Let me look that order up. Your order A-1001 has shipped and will arrive in 2 business days."
        );
    }

    #[test]
    fn every_prompt_and_popular_topic_of_the_demo_page_gets_an_answer() {
        for text in PAGE_PROMPTS.iter().chain(&PAGE_POPULAR) {
            let r = plan_reply(text);
            assert!(
                !r.text().starts_with("You said"),
                "{text:?} is answered, not the fallback: {}",
                r.text()
            );
            assert!(!r.ends, "{text:?} keeps the conversation open");
        }
    }

    #[test]
    fn the_pinned_prompts_are_the_demo_pages() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/index.html");
        let Ok(page) = std::fs::read_to_string(path) else {
            // Built outside the repository (a packaged crate): there is no page to compare.
            return;
        };
        let attribute = page
            .split_once("starter-prompts='")
            .and_then(|(_, rest)| rest.split_once('\''))
            .map(|(json, _)| json)
            .expect("the page has a starter-prompts attribute");
        let prompts: Vec<String> =
            serde_json::from_str(attribute).expect("starter-prompts is JSON");
        assert_eq!(prompts, PAGE_PROMPTS, "the page's starter prompts");
        let popular: Vec<&str> = page
            .split_once("class=\"popular\"")
            .and_then(|(_, rest)| rest.split_once("</p>"))
            .map(|(block, _)| block)
            .expect("the page has its Popular topics")
            .split("</a>")
            .filter_map(|a| a.rsplit_once('>').map(|(_, text)| text.trim()))
            .filter(|text| !text.is_empty())
            .collect();
        assert_eq!(popular, PAGE_POPULAR, "the page's Popular topics");
    }
}
