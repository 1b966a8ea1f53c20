//! An agent message's markdown in the DOM, kept up to date block by block: finished blocks are
//! appended once and never touched again; only the blocks still growing are replaced on an
//! update (a plain growing paragraph just gets the new characters appended to its text node).
//! Every element is created with `createElement` and every text set as a text node: nothing is
//! ever parsed as HTML, and links carry only checked `https:`, `http:` or `mailto:` URLs.

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Document, Element, Node, Text};

use super::markdown_load::{renderer, Render};
use crate::markdown::{Block, Inline, MarkdownStream};

/// Finished blocks per chunk: a long reply's finished blocks are grouped, and a full chunk off
/// screen is skipped by layout (`.oc-md-full`), so a growing reply costs the same per frame
/// whatever its length.
const CHUNK_BLOCKS: usize = 32;

/// What a bubble shows: the stream's state and the nodes of the blocks still growing.
#[derive(Default)]
struct Shown {
    /// The chunk finished blocks go into, and how many it holds.
    chunk: Option<(Element, usize)>,
    /// The code blocks' copy button text.
    copy_label: String,
    stream: MarkdownStream,
    open: Vec<Node>,
    /// The open block when it is shown as plain text (a paragraph of text only, or a block too
    /// long to parse), so more text is appended rather than re-rendered.
    plain: Option<PlainText>,
}

/// A bubble's markdown renderer: the markdown renderer's entry point, called through
/// [`super::markdown_load`] (with the feature `split`, from the lazily loaded chunk).
pub(crate) fn new_renderer(copy_label: String) -> Box<dyn Render> {
    Box::new(Shown {
        copy_label,
        ..Shown::default()
    })
}

impl Render for Shown {
    fn apply(&mut self, bubble: &Element, source: &str, done: bool) {
        let doc = document();
        let step = self.stream.update(source, done);
        if step.reset {
            // Every block and separator is an element; other nodes are the framework's.
            while let Some(el) = bubble.last_element_child() {
                el.remove();
            }
            self.open.clear();
            self.plain = None;
            self.chunk = None;
        }
        // The open block as plain text: a paragraph of text only, or a block too long to parse.
        let plain = match (&step.open_plain, step.open.as_slice()) {
            (Some(text), _) => Some(text),
            (None, [Block::Paragraph(inlines)]) => match inlines.as_slice() {
                [Inline::Text(text)] => Some(text),
                _ => None,
            },
            _ => None,
        };
        // Plain text that only grew: append the new characters.
        if let (true, Some(text), Some(shown)) = (step.finished.is_empty(), plain, &mut self.plain)
        {
            if let Some(added) = text.strip_prefix(shown.text.as_str()) {
                shown.grow(&doc, added);
                return;
            }
        }
        for node in self.open.drain(..) {
            let _ = bubble.remove_child(&node);
        }
        self.plain = None;
        for block in &step.finished {
            if let Some(el) = render_block(&doc, block, &self.copy_label) {
                self.append_finished(&doc, bubble, &el);
            }
        }
        if let Some(text) = plain {
            if let Some(mut shown) = PlainText::new(&doc) {
                open_separator(&doc, bubble, &shown.p, &mut self.open);
                let _ = bubble.append_child(&shown.p);
                self.open.push(shown.p.clone().into());
                shown.grow(&doc, text);
                self.plain = Some(shown);
            }
            return;
        }
        for block in &step.open {
            if let Some(el) = render_block(&doc, block, &self.copy_label) {
                open_separator(&doc, bubble, &el, &mut self.open);
                let _ = bubble.append_child(&el);
                self.open.push(el.into());
            }
        }
    }
}

impl Shown {
    /// Appends a finished block to the current chunk (a new one after a full one).
    fn append_finished(&mut self, doc: &Document, bubble: &Element, block: &Element) {
        let follows = bubble.last_element_child().is_some();
        if self.chunk.is_none() {
            let Some(chunk) = element(doc, "div", "oc-md-chunk") else {
                return;
            };
            let _ = bubble.append_child(&chunk);
            self.chunk = Some((chunk, 0));
        }
        let Some((chunk, count)) = &mut self.chunk else {
            return;
        };
        if follows {
            separate(doc, bubble, chunk, block, None);
        }
        let _ = chunk.append_child(block);
        *count += 1;
        if *count == CHUNK_BLOCKS {
            let _ = chunk.class_list().add_1("oc-md-full");
            self.chunk = None;
        }
    }
}

/// Bytes of plain text after which the next line starts a new piece.
const PLAIN_PIECE: usize = 16 * 1024;

/// An open block shown as plain text in a `p`, in pieces of about [`PLAIN_PIECE`] bytes split
/// at line breaks (the paragraph keeps line breaks, so it looks the same), each its own block:
/// the browser lays out only the last piece again as text arrives, not the whole text.
struct PlainText {
    /// The text shown.
    text: String,
    p: Element,
    /// The last piece's text node.
    node: Text,
    /// Bytes in the last piece.
    piece_len: usize,
}

impl PlainText {
    /// An empty paragraph, not yet in the bubble.
    fn new(doc: &Document) -> Option<Self> {
        let p = element(doc, "p", "oc-md-p")?;
        let node = doc.create_text_node("");
        p.append_child(&node).ok()?;
        Some(Self {
            text: String::new(),
            p,
            node,
            piece_len: 0,
        })
    }

    /// Shows `added` after the text shown.
    fn grow(&mut self, doc: &Document, added: &str) {
        self.text.push_str(added);
        let mut rest = added;
        while self.piece_len + rest.len() > PLAIN_PIECE {
            // The first line break past the piece's size (a byte search: `\n` is one byte).
            let from = PLAIN_PIECE.saturating_sub(self.piece_len);
            let Some(at) = rest.as_bytes()[from..].iter().position(|&b| b == b'\n') else {
                break;
            };
            let (head, tail) = rest.split_at(from + at + 1);
            let _ = self.node.append_data(head);
            self.piece_len += head.len();
            rest = tail;
            // Without a new piece, the rest goes into this one: the text shown stays whole.
            let Some(piece) = element(doc, "span", "oc-md-piece") else {
                break;
            };
            self.node = doc.create_text_node("");
            let _ = piece.append_child(&self.node);
            let _ = self.p.append_child(&piece);
            self.piece_len = 0;
        }
        let _ = self.node.append_data(rest);
        self.piece_len += rest.len();
    }
}

/// What a bubble shows: its text as plain text until the markdown renderer is in (with the
/// feature `split` it comes as a chunk of its own, see [`super::markdown_load`]), then markdown.
enum Bubble {
    /// The whole text in one paragraph (none before the first update).
    Plain(Option<PlainText>),
    Markdown(Box<dyn Render>),
}

/// Keeps `bubble` showing the markdown `read` passes its callback (the text so far, and whether
/// the message is complete). `read` is tracked, so this runs again when its source changes, and
/// so is the renderer's arrival: the plain text shown until then is removed and the text is
/// rendered as markdown from its start.
pub(crate) fn stream_markdown<F>(bubble: NodeRef<html::Div>, copy_label: String, read: F)
where
    F: Fn(&mut dyn FnMut(&str, bool)) + 'static,
{
    Effect::new(move |prev: Option<Bubble>| {
        let mut shown = prev.unwrap_or(Bubble::Plain(None));
        let new_renderer = renderer();
        let Some(bubble) = bubble.get() else {
            return shown;
        };
        let bubble: &Element = bubble.unchecked_ref();
        if let (Bubble::Plain(plain), Some(new_renderer)) = (&mut shown, new_renderer) {
            if let Some(plain) = plain.take() {
                plain.p.remove();
            }
            shown = Bubble::Markdown(new_renderer(copy_label.clone()));
        }
        read(&mut |text: &str, done: bool| match &mut shown {
            Bubble::Markdown(render) => render.apply(bubble, text, done),
            Bubble::Plain(plain) => show_plain(bubble, plain, text),
        });
        shown
    });
}

/// Shows `text` in `bubble` as plain text, appending what was added since the last call.
fn show_plain(bubble: &Element, plain: &mut Option<PlainText>, text: &str) {
    let doc = document();
    if let Some(shown) = plain {
        if let Some(added) = text.strip_prefix(shown.text.as_str()) {
            shown.grow(&doc, added);
            return;
        }
        shown.p.remove();
    }
    *plain = PlainText::new(&doc).map(|mut shown| {
        let _ = bubble.append_child(&shown.p);
        shown.grow(&doc, text);
        shown
    });
}

/// Before an open block `next`: a separator when the bubble already shows a block.
fn open_separator(doc: &Document, bubble: &Element, next: &Element, open: &mut Vec<Node>) {
    if bubble.last_element_child().is_some() {
        separate(doc, bubble, bubble, next, Some(open));
    }
}

/// Before `next`, a block that follows another, in `parent` (the bubble or a chunk): the blank
/// line between them, kept in the text content (so the bubble's text reads as the message's
/// blocks) and hidden from layout and from assistive technology. Open separators are tracked
/// with the open blocks.
///
/// The space between the blocks is `next`'s own class (`.oc-md-next`), set before it is
/// inserted, rather than a rule on the separator's sibling (`.oc-break + *`): with that rule,
/// every separator inserted made the browser restyle the whole bubble, each frame of a stream.
///
/// Every block is an element; the bubble may hold other nodes (the framework's empty comment
/// marker), so "follows another block" means "the bubble already has an element".
fn separate(
    doc: &Document,
    bubble: &Element,
    parent: &Element,
    next: &Element,
    open: Option<&mut Vec<Node>>,
) {
    if let Some(span) = element(doc, "span", "oc-break") {
        span.set_text_content(Some("\n\n"));
        let _ = parent.append_child(&span);
        let _ = next.class_list().add_1("oc-md-next");
        // A reply of more than one block takes the row's whole width (see `.oc-row-wide`).
        if let Some(row) = bubble.parent_element() {
            let _ = row.class_list().add_1("oc-row-wide");
        }
        if let Some(open) = open {
            open.push(span.into());
        }
    }
}

fn element(doc: &Document, tag: &str, class: &str) -> Option<Element> {
    let el = doc.create_element(tag).ok()?;
    if !class.is_empty() {
        el.set_class_name(class);
    }
    Some(el)
}

fn append_inlines(doc: &Document, parent: &Element, inlines: &[Inline]) {
    for inline in inlines {
        let node: Option<Node> = match inline {
            Inline::Text(t) => Some(doc.create_text_node(t).into()),
            Inline::Code(t) => element(doc, "code", "oc-md-code").map(|el| {
                el.set_text_content(Some(t));
                el.into()
            }),
            Inline::Strong(c) => wrap(doc, "strong", c),
            Inline::Emphasis(c) => wrap(doc, "em", c),
            Inline::Strike(c) => wrap(doc, "del", c),
            Inline::Link { href, children } => wrap(doc, "a", children).inspect(|a| {
                let a: &Element = a.unchecked_ref();
                let _ = a.set_attribute("href", href);
                let _ = a.set_attribute("target", "_blank");
                let _ = a.set_attribute("rel", "noopener noreferrer nofollow");
            }),
            Inline::Break => element(doc, "br", "").map(Into::into),
        };
        if let Some(node) = node {
            let _ = parent.append_child(&node);
        }
    }
}

fn wrap(doc: &Document, tag: &str, children: &[Inline]) -> Option<Node> {
    let el = element(doc, tag, "")?;
    append_inlines(doc, &el, children);
    Some(el.into())
}

fn render_blocks(doc: &Document, parent: &Element, blocks: &[Block], copy_label: &str) {
    for block in blocks {
        if let Some(el) = render_block(doc, block, copy_label) {
            let _ = parent.append_child(&el);
        }
    }
}

/// One block as an element.
fn render_block(doc: &Document, block: &Block, copy_label: &str) -> Option<Element> {
    let el = match block {
        Block::Paragraph(inlines) => {
            let p = element(doc, "p", "oc-md-p")?;
            append_inlines(doc, &p, inlines);
            p
        }
        Block::Heading(inlines) => {
            let p = element(doc, "p", "oc-md-p oc-md-h")?;
            let strong = element(doc, "strong", "")?;
            append_inlines(doc, &strong, inlines);
            let _ = p.append_child(&strong);
            p
        }
        Block::Code { lang, text } => {
            let wrap = element(doc, "div", "oc-md-pre")?;
            let pre = element(doc, "pre", "")?;
            // Scrolls sideways; focusable so a keyboard can scroll it.
            let _ = pre.set_attribute("tabindex", "0");
            if let Some(lang) = lang {
                let _ = pre.set_attribute("data-lang", lang);
            }
            let code = element(doc, "code", "")?;
            code.set_text_content(Some(text));
            let _ = pre.append_child(&code);
            let copy = element(doc, "button", "oc-copy")?;
            let _ = copy.set_attribute("type", "button");
            let _ = copy.set_attribute("data-testid", "copy-code");
            // The label is drawn from the attribute (CSS), so the bubble's text stays the code.
            let _ = copy.set_attribute("data-label", copy_label);
            let _ = copy.set_attribute("aria-label", copy_label);
            let _ = wrap.append_child(&copy);
            let _ = wrap.append_child(&pre);
            wrap
        }
        Block::Quote(blocks) => {
            let q = element(doc, "blockquote", "oc-md-quote")?;
            render_blocks(doc, &q, blocks, copy_label);
            q
        }
        Block::List { start, items } => {
            let list = element(doc, if start.is_some() { "ol" } else { "ul" }, "oc-md-list")?;
            if let Some(n) = start.filter(|&n| n != 1) {
                let _ = list.set_attribute("start", &n.to_string());
            }
            for item in items {
                let li = element(doc, "li", "")?;
                render_blocks(doc, &li, item, copy_label);
                let _ = list.append_child(&li);
            }
            list
        }
        Block::Table { head, rows } => {
            let wrap = element(doc, "div", "oc-md-table")?;
            let _ = wrap.set_attribute("tabindex", "0");
            let table = element(doc, "table", "")?;
            let thead = element(doc, "thead", "")?;
            let head = row(doc, "th", head)?;
            thead.append_child(&head).ok()?;
            let tbody = element(doc, "tbody", "")?;
            for cells in rows {
                let tr = row(doc, "td", cells)?;
                tbody.append_child(&tr).ok()?;
            }
            table.append_child(&thead).ok()?;
            table.append_child(&tbody).ok()?;
            wrap.append_child(&table).ok()?;
            wrap
        }
        Block::Rule => element(doc, "hr", "oc-md-hr")?,
        Block::Verbatim(text) => {
            let p = element(doc, "p", "oc-md-p oc-md-raw")?;
            p.set_text_content(Some(text.trim_end_matches('\n')));
            p
        }
    };
    Some(el)
}

fn row(doc: &Document, cell_tag: &str, cells: &[Vec<Inline>]) -> Option<Element> {
    let tr = element(doc, "tr", "")?;
    for cell in cells {
        let c = element(doc, cell_tag, "")?;
        append_inlines(doc, &c, cell);
        tr.append_child(&c).ok()?;
    }
    Some(tr)
}

/// A click in a bubble: on a code block's copy button, copies its code to the clipboard and
/// shows `copied` on the button for two seconds.
pub(crate) fn copy_code(event: &web_sys::MouseEvent, copied: String) {
    let Some(button) = event
        .target()
        .and_then(|t| t.dyn_into::<Element>().ok())
        .and_then(|t| t.closest(".oc-copy").ok().flatten())
    else {
        return;
    };
    let code = button
        .parent_element()
        .and_then(|wrap| wrap.query_selector("pre").ok().flatten())
        .and_then(|pre| pre.text_content())
        .unwrap_or_default();
    let _ = window().navigator().clipboard().write_text(&code);
    let label = button.get_attribute("data-label").unwrap_or_default();
    if label == copied {
        return;
    }
    let _ = button.set_attribute("data-label", &copied);
    set_timeout(
        move || {
            let _ = button.set_attribute("data-label", &label);
        },
        std::time::Duration::from_secs(2),
    );
}
