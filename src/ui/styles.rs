//! The widget's stylesheet, adopted as a constructable stylesheet (works under a strict CSP
//! without `unsafe-inline`) into the shadow root or document the widget is rendered in.

use std::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Document, Node, ShadowRoot};

/// The widget's CSS (`src/style.css`, minified at build time). Theme it with the custom
/// properties documented at the top of that file (`--oc-accent`, `--oc-bg`, `--oc-fg`,
/// `--oc-radius`, `--oc-font`, ...).
pub const STYLE_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/style.min.css"));

thread_local! {
    static SHEET: RefCell<Option<CssStyleSheet>> = const { RefCell::new(None) };
}

fn sheet() -> Option<CssStyleSheet> {
    SHEET.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            let sheet = CssStyleSheet::new().ok()?;
            sheet.replace_sync(STYLE_CSS).ok()?;
            *cell = Some(sheet);
        }
        cell.clone()
    })
}

/// Adds the widget's stylesheet to the adopted stylesheets of `node`'s root (its shadow root,
/// or the document), once. Returns whether the sheet is adopted there.
pub fn adopt_styles(node: &Node) -> bool {
    let Some(sheet) = sheet() else {
        return false;
    };
    let root = node.get_root_node();
    if let Some(shadow) = root.dyn_ref::<ShadowRoot>() {
        let sheets = shadow.adopted_style_sheets();
        if !sheets.includes(&sheet, 0) {
            sheets.push(&sheet);
            shadow.set_adopted_style_sheets(&JsValue::from(sheets));
        }
        return true;
    }
    if let Some(document) = root.dyn_ref::<Document>() {
        let sheets = document.adopted_style_sheets();
        if !sheets.includes(&sheet, 0) {
            sheets.push(&sheet);
            document.set_adopted_style_sheets(&JsValue::from(sheets));
        }
        return true;
    }
    false
}
