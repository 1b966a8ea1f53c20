//! A message's text in the DOM as paragraphs (`<p>` per blank-line-separated block), kept up to
//! date by appending: a streamed delta appends its characters to the open paragraph's text node
//! (`Text.appendData`), so the browser lays out that paragraph only, and only the new characters
//! cross into JS. Text is only ever set as text nodes, never parsed as HTML.

use leptos::{html, prelude::*};
use wasm_bindgen::JsCast;
use web_sys::{Element, Text};

use crate::transcript::{ParagraphOp, Paragraphs, PARAGRAPH_BREAK};

/// The paragraph being written and its text node.
struct OpenParagraph {
    element: Element,
    text: Text,
}

/// What a bubble shows.
#[derive(Default)]
struct Shown {
    paragraphs: Paragraphs,
    open: Option<OpenParagraph>,
}

fn open_paragraph(bubble: &Element) -> Option<OpenParagraph> {
    let document = document();
    let element = document.create_element("p").ok()?;
    element.set_class_name("oc-para");
    let text = document.create_text_node("");
    element.append_child(&text).ok()?;
    bubble.append_child(&element).ok()?;
    Some(OpenParagraph { element, text })
}

/// Ends `open` with the break (kept in the text content, hidden from layout: the paragraph
/// margin shows it), so the bubble's text content stays exactly the message text.
fn close_paragraph(open: &OpenParagraph) {
    if let Ok(span) = document().create_element("span") {
        span.set_class_name("oc-break");
        span.set_text_content(Some(PARAGRAPH_BREAK));
        let _ = open.element.append_child(&span);
    }
}

impl Shown {
    /// Makes `bubble` show `new`, appending where `new` extends what is shown.
    fn apply(&mut self, bubble: &Element, new: &str) {
        let mut ops = Vec::new();
        if self.paragraphs.update(new, &mut ops) || self.open.is_none() {
            bubble.set_text_content(None);
            self.open = open_paragraph(bubble);
        }
        for op in ops {
            let Some(open) = &self.open else {
                return;
            };
            match op {
                ParagraphOp::Append(s) => {
                    let _ = open.text.append_data(s);
                }
                ParagraphOp::Set(s) => open.text.set_data(s),
                ParagraphOp::Close => {
                    close_paragraph(open);
                    self.open = open_paragraph(bubble);
                }
            }
        }
    }
}

/// Keeps the text of `bubble` equal to what `read` passes its callback. `read` is tracked, so
/// this runs again when its source changes.
pub(crate) fn stream_text<F>(bubble: NodeRef<html::Div>, read: F)
where
    F: Fn(&mut dyn FnMut(&str)) + 'static,
{
    Effect::new(move |prev: Option<Shown>| {
        let mut shown = prev.unwrap_or_default();
        let Some(bubble) = bubble.get() else {
            return shown;
        };
        let bubble: &Element = bubble.unchecked_ref();
        read(&mut |new: &str| shown.apply(bubble, new));
        shown
    });
}
