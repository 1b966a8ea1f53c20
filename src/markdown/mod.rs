//! Agent messages are markdown. [`parse`] turns markdown into a small tree ([`Block`],
//! [`Inline`]) that is safe to show as DOM nodes: raw HTML stays text, images are their alt
//! text, only `https:`, `http:` and `mailto:` links are links. [`MarkdownStream`] does it
//! incrementally while a message streams: only the block still growing is parsed again.
//!
//! Parsed with `pulldown-cmark` (CommonMark, plus GFM tables and strikethrough). Pure: compiled
//! and tested natively too.

mod links;
mod stream;
mod tree;

pub use links::safe_href;
pub use stream::{MarkdownStream, Step, MAX_OPEN_BLOCK};
pub use tree::{parse, plain_block, plain_inline, Block, Inline, MAX_DEPTH, MAX_INDENT};

#[cfg(test)]
mod tests;
