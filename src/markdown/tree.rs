//! Markdown to a small tree of what the widget shows ([`Block`], [`Inline`]), with everything
//! unsafe already decided: raw HTML is text, images are their alt text, only `https:`, `http:`
//! and `mailto:` links are links, and nesting deeper than [`MAX_DEPTH`] is flattened.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use super::links::safe_href;

/// Containers (quotes, lists, emphasis, links, …) nested deeper than this are flattened into
/// their parent, so hostile input cannot build a tree that is slow or deep to render.
pub const MAX_DEPTH: usize = 24;

/// Quotes and lists, each indented, nested deeper than this are flattened into their parent,
/// so nesting cannot push the text out of a narrow bubble.
pub const MAX_INDENT: usize = 6;

/// The markdown extensions enabled besides CommonMark: GFM tables and strikethrough.
pub fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// A block of an agent message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A heading of any level, shown as a bold line (not a page heading).
    Heading(Vec<Inline>),
    /// A code block: its info string's first word, and the code.
    Code {
        /// The language, e.g. `rust`, when the fence names one.
        lang: Option<String>,
        /// The code, verbatim.
        text: String,
    },
    /// A block quote.
    Quote(Vec<Block>),
    /// A list; `start` is the first number of an ordered list.
    List {
        /// `Some(n)` for an ordered list starting at `n`.
        start: Option<u64>,
        /// Each item's blocks.
        items: Vec<Vec<Block>>,
    },
    /// A GFM table: header cells, then rows of cells.
    Table {
        /// The header row's cells.
        head: Vec<Vec<Inline>>,
        /// The body rows.
        rows: Vec<Vec<Vec<Inline>>>,
    },
    /// A thematic break.
    Rule,
    /// Text shown as it was written (a raw HTML block).
    Verbatim(String),
}

/// Inline content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Plain text (a soft line break is `"\n"`).
    Text(String),
    /// Inline code.
    Code(String),
    /// `**strong**`.
    Strong(Vec<Inline>),
    /// `*emphasis*`.
    Emphasis(Vec<Inline>),
    /// `~~strikethrough~~`.
    Strike(Vec<Inline>),
    /// A link to a checked `https:`, `http:` or `mailto:` URL.
    Link {
        /// The destination.
        href: String,
        /// The link text.
        children: Vec<Inline>,
    },
    /// A hard line break.
    Break,
}

/// Parses `source` into blocks.
pub fn parse(source: &str) -> Vec<Block> {
    let mut builder = Builder::default();
    for event in Parser::new_ext(source, options()) {
        builder.event(event);
    }
    builder.finish()
}

/// What an open container becomes when it ends.
enum Kind {
    Root,
    Paragraph,
    Heading,
    Quote,
    List(Option<u64>),
    Item,
    Code(Option<String>),
    Verbatim,
    Table,
    TableHead,
    TableRow,
    Cell,
    Strong,
    Emphasis,
    Strike,
    Link(Option<String>),
    Image,
    /// Past [`MAX_DEPTH`]: its content goes to the parent.
    Flattened,
}

/// An open container and what it holds so far.
struct Frame {
    kind: Kind,
    blocks: Vec<Block>,
    inlines: Vec<Inline>,
    text: String,
    items: Vec<Vec<Block>>,
    cells: Vec<Vec<Inline>>,
    rows: Vec<Vec<Vec<Inline>>>,
    head: Vec<Vec<Inline>>,
}

impl Frame {
    fn new(kind: Kind) -> Self {
        Frame {
            kind,
            blocks: Vec::new(),
            inlines: Vec::new(),
            text: String::new(),
            items: Vec::new(),
            cells: Vec::new(),
            rows: Vec::new(),
            head: Vec::new(),
        }
    }

    /// Its blocks, with loose inlines (a tight list item's text) as a trailing paragraph.
    fn take_blocks(&mut self) -> Vec<Block> {
        self.flush_inlines();
        std::mem::take(&mut self.blocks)
    }

    fn flush_inlines(&mut self) {
        if !self.inlines.is_empty() {
            let inlines = std::mem::take(&mut self.inlines);
            self.blocks.push(Block::Paragraph(inlines));
        }
    }
}

/// Folds parser events into the tree.
struct Builder {
    stack: Vec<Frame>,
}

impl Default for Builder {
    fn default() -> Self {
        Builder {
            stack: vec![Frame::new(Kind::Root)],
        }
    }
}

impl Builder {
    fn top(&mut self) -> &mut Frame {
        self.stack
            .last_mut()
            .expect("the root frame is never popped")
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(end) => self.end(end),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => self.inline(Inline::Code(code.into_string())),
            Event::Html(html) | Event::InlineHtml(html) => self.text(&html),
            Event::SoftBreak => self.text("\n"),
            Event::HardBreak => self.inline(Inline::Break),
            Event::Rule => self.block(Block::Rule),
            other => {
                // Extensions that are not enabled (math, footnotes, task lists) never arrive;
                // anything else is shown as its source text.
                if let Event::InlineMath(t) | Event::DisplayMath(t) | Event::FootnoteReference(t) =
                    other
                {
                    self.text(&t);
                }
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let kind = match tag {
            Tag::Paragraph => Kind::Paragraph,
            Tag::Heading { .. } => Kind::Heading,
            Tag::BlockQuote(_) => Kind::Quote,
            Tag::CodeBlock(CodeBlockKind::Fenced(info)) => Kind::Code(
                info.split_whitespace()
                    .next()
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned),
            ),
            Tag::CodeBlock(CodeBlockKind::Indented) => Kind::Code(None),
            Tag::HtmlBlock => Kind::Verbatim,
            Tag::List(start) => Kind::List(start),
            Tag::Item => Kind::Item,
            Tag::Table(_) => Kind::Table,
            Tag::TableHead => Kind::TableHead,
            Tag::TableRow => Kind::TableRow,
            Tag::TableCell => Kind::Cell,
            Tag::Emphasis => Kind::Emphasis,
            Tag::Strong => Kind::Strong,
            Tag::Strikethrough => Kind::Strike,
            Tag::Link { dest_url, .. } => Kind::Link(safe_href(&dest_url)),
            Tag::Image { .. } => Kind::Image,
            _ => Kind::Flattened,
        };
        // Depth counts open containers below the root; indentation the open quotes and lists.
        let indents = |k: &Kind| matches!(k, Kind::Quote | Kind::List(_));
        let too_deep = (self.stack.len() > MAX_DEPTH && !matches!(kind, Kind::Code(_)))
            || (indents(&kind)
                && self.stack.iter().filter(|f| indents(&f.kind)).count() >= MAX_INDENT);
        let kind = if too_deep { Kind::Flattened } else { kind };
        self.stack.push(Frame::new(kind));
    }

    fn end(&mut self, _end: TagEnd) {
        if self.stack.len() == 1 {
            return;
        }
        let mut frame = self.stack.pop().expect("checked above");
        match frame.kind {
            Kind::Root => {}
            Kind::Paragraph => self.block(Block::Paragraph(frame.inlines)),
            Kind::Heading => self.block(Block::Heading(frame.inlines)),
            Kind::Quote => {
                let blocks = frame.take_blocks();
                self.block(Block::Quote(blocks));
            }
            Kind::Item => {
                let blocks = frame.take_blocks();
                self.top().items.push(blocks);
            }
            Kind::List(start) => {
                // Content that arrived outside an item (flattened nesting) is an item of its own.
                let loose = frame.take_blocks();
                let mut items = frame.items;
                if !loose.is_empty() {
                    items.push(loose);
                }
                self.block(Block::List { start, items });
            }
            Kind::Code(lang) => self.block(Block::Code {
                lang,
                text: frame.text,
            }),
            Kind::Verbatim => self.block(Block::Verbatim(frame.text)),
            Kind::Cell => {
                let cell = frame.inlines;
                self.top().cells.push(cell);
            }
            Kind::TableRow => {
                let cells = frame.cells;
                self.top().rows.push(cells);
            }
            Kind::TableHead => {
                // GFM puts the header cells directly in the head (no row).
                let cells = frame.cells;
                self.top().head = cells;
            }
            Kind::Table => self.block(Block::Table {
                head: frame.head,
                rows: frame.rows,
            }),
            Kind::Strong => self.inline(Inline::Strong(frame.inlines)),
            Kind::Emphasis => self.inline(Inline::Emphasis(frame.inlines)),
            Kind::Strike => self.inline(Inline::Strike(frame.inlines)),
            Kind::Link(Some(href)) => self.inline(Inline::Link {
                href,
                children: frame.inlines,
            }),
            Kind::Link(None) | Kind::Image => self.splice_inlines(frame.inlines),
            Kind::Flattened => {
                let inlines = std::mem::take(&mut frame.inlines);
                self.splice_inlines(inlines);
                for block in frame.blocks {
                    self.block(block);
                }
                for item in frame.items {
                    for block in item {
                        self.block(block);
                    }
                }
                for cell in frame.cells.into_iter().chain(frame.head) {
                    self.splice_inlines(cell);
                }
                for row in frame.rows {
                    for cell in row {
                        self.splice_inlines(cell);
                    }
                }
                if !frame.text.is_empty() {
                    self.text(&frame.text);
                }
            }
        }
    }

    fn splice_inlines(&mut self, inlines: Vec<Inline>) {
        for inline in inlines {
            self.inline(inline);
        }
    }

    fn text(&mut self, text: &str) {
        let top = self.top();
        match top.kind {
            Kind::Code(_) | Kind::Verbatim => top.text.push_str(text),
            _ => {
                if let Some(Inline::Text(last)) = top.inlines.last_mut() {
                    last.push_str(text);
                } else {
                    top.inlines.push(Inline::Text(text.to_owned()));
                }
            }
        }
    }

    fn inline(&mut self, inline: Inline) {
        let top = self.top();
        match top.kind {
            Kind::Code(_) | Kind::Verbatim => top.text.push_str(&plain_inline(&inline)),
            _ => top.inlines.push(inline),
        }
    }

    /// Adds a finished block to the innermost container that holds blocks; inside inline
    /// content (only possible through flattening) it becomes its text.
    fn block(&mut self, block: Block) {
        let top = self.top();
        match top.kind {
            Kind::Root | Kind::Quote | Kind::Item | Kind::List(_) | Kind::Flattened => {
                top.flush_inlines();
                top.blocks.push(block);
            }
            _ => {
                let text = plain_block(&block);
                self.text(&text);
            }
        }
    }

    fn finish(mut self) -> Vec<Block> {
        while self.stack.len() > 1 {
            self.end(TagEnd::Paragraph);
        }
        self.top().take_blocks()
    }
}

/// The text of inline content, without formatting.
pub fn plain_inline(inline: &Inline) -> String {
    let mut out = String::new();
    push_inline_text(inline, &mut out);
    out
}

fn push_inline_text(inline: &Inline, out: &mut String) {
    match inline {
        Inline::Text(t) | Inline::Code(t) => out.push_str(t),
        Inline::Strong(c) | Inline::Emphasis(c) | Inline::Strike(c) => {
            c.iter().for_each(|i| push_inline_text(i, out))
        }
        Inline::Link { children, .. } => children.iter().for_each(|i| push_inline_text(i, out)),
        Inline::Break => out.push('\n'),
    }
}

/// The text of a block, without formatting (blocks separated by a blank line).
pub fn plain_block(block: &Block) -> String {
    let mut out = String::new();
    push_block_text(block, &mut out);
    out
}

fn push_block_text(block: &Block, out: &mut String) {
    let inlines = |c: &[Inline], out: &mut String| c.iter().for_each(|i| push_inline_text(i, out));
    match block {
        Block::Paragraph(c) | Block::Heading(c) => inlines(c, out),
        Block::Code { text, .. } | Block::Verbatim(text) => out.push_str(text),
        Block::Quote(blocks) => blocks.iter().for_each(|b| push_block_text(b, out)),
        Block::List { items, .. } => {
            for item in items {
                item.iter().for_each(|b| push_block_text(b, out));
                out.push('\n');
            }
        }
        Block::Table { head, rows } => {
            for row in std::iter::once(head).chain(rows) {
                for cell in row {
                    inlines(cell, out);
                    out.push('\t');
                }
                out.push('\n');
            }
        }
        Block::Rule => {}
    }
}
