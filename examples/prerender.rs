//! The `<operator-chat>` element's instant launcher: `OperatorChat` rendered on the server
//! (`ssr`), printed as JSON for `cargo xtask build`, which ships it in the npm package's
//! `element.js` so the launcher shows before any wasm is fetched.
//!
//! ```sh
//! cargo run --example prerender --no-default-features --features ssr > prerender.json
//! ```
//!
//! Prints `{"launcher": html, "inline": html, "css": css, "strings": {key: text}}`. Every text of
//! the markup is a marker (`U+E000 key U+E001`, keys of `options.locale`), and so is the panel id
//! (`#id`): the element fills them in with `textContent` and `setAttribute`, from its attributes
//! (`title`, `placeholder`, `locale`, `lang`) over the English defaults in `strings`.

use leptos::prelude::*;
use operator_chat::{OperatorChat, Strings, STYLE_CSS};

/// The host rules the JS API adopts beside the widget's own (`src/js_api/host.css`, minified).
const HOST_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/host.min.css"));

/// The marker standing for the text `key` (private-use characters: no real text has them).
fn marker(key: &str) -> String {
    format!("\u{E000}{key}\u{E001}")
}

/// Every text as its marker.
fn marked_strings() -> Strings {
    let mut strings = Strings::default();
    for key in Strings::KEYS {
        strings.set(key, marker(key));
    }
    strings
}

/// The component's markup, closed (launcher mode) or `inline`, with markers for its texts.
fn render(inline: bool) -> String {
    let owner = Owner::new();
    let html = owner.with(|| {
        view! {
            <OperatorChat
                session_endpoint="/prerender"
                strings=marked_strings()
                inline=inline
            />
        }
        .to_html()
    });
    owner.cleanup();
    mark_panel_id(&html)
}

/// Replaces the panel id the render generated (`oc-panel-…`, used by `id` and the launcher's
/// `aria-controls`) with the `#id` marker, so each element gets its own.
fn mark_panel_id(html: &str) -> String {
    let Some(start) = html.find("oc-panel-") else {
        return html.to_owned();
    };
    let end = html[start..]
        .find('"')
        .map_or(html.len(), |len| start + len);
    html.replace(&html[start..end], &marker("#id"))
}

/// The English default of every key whose marker the markup uses.
fn used_strings(markup: &[&str]) -> serde_json::Map<String, serde_json::Value> {
    let defaults = Strings::default();
    Strings::KEYS
        .iter()
        .filter(|key| markup.iter().any(|html| html.contains(&marker(key))))
        .filter_map(|key| Some((key.to_string(), defaults.get(key)?.into())))
        .collect()
}

fn main() {
    let launcher = render(false);
    let inline = render(true);
    let strings = used_strings(&[&launcher, &inline]);
    let out = serde_json::json!({
        "launcher": launcher,
        "inline": inline,
        "css": format!("{STYLE_CSS}{HOST_CSS}"),
        "strings": strings,
    });
    println!("{out}");
}
