//! The host side of a mount: the open shadow root, the container the component renders into
//! (with the page's text direction), and the host stylesheet adopted beside the widget's own.

use std::cell::RefCell;

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CssStyleSheet, Element, HtmlElement, ShadowRoot, ShadowRootInit, ShadowRootMode};

/// Host rules: display, inline height, right-to-left mirroring (`host.css`, minified at build
/// time).
pub const HOST_CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/host.min.css"));

thread_local! {
    static HOST_SHEET: RefCell<Option<CssStyleSheet>> = const { RefCell::new(None) };
}

fn host_sheet() -> Option<CssStyleSheet> {
    HOST_SHEET.with(|cell| {
        let mut cell = cell.borrow_mut();
        if cell.is_none() {
            let sheet = CssStyleSheet::new().ok()?;
            sheet.replace_sync(HOST_CSS).ok()?;
            *cell = Some(sheet);
        }
        cell.clone()
    })
}

/// The element's open shadow root (reused if it already has one, e.g. a re-connected
/// `<operator-chat>`), emptied.
pub fn shadow_root(element: &Element) -> Result<ShadowRoot, String> {
    if let Some(root) = element.shadow_root() {
        root.set_inner_html("");
        return Ok(root);
    }
    let init = ShadowRootInit::new(ShadowRootMode::Open);
    element.attach_shadow(&init).map_err(|_| {
        format!(
            "operator-chat: mount(element): a <{}> cannot host a shadow root; mount into a <div> or another container element",
            element.local_name()
        )
    })
}

/// The page's text direction at `element`: the nearest `dir` attribute, else the document's.
pub fn text_direction(element: &Element) -> &'static str {
    let dir = element
        .closest("[dir]")
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("dir"))
        .or_else(|| {
            web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
                .and_then(|e| e.get_attribute("dir"))
        });
    match dir.as_deref().map(str::trim) {
        Some(d) if d.eq_ignore_ascii_case("rtl") => "rtl",
        _ => "ltr",
    }
}

/// Creates the container `<div class="oc-mount" dir=… lang=… data-color-scheme=…>` in
/// `shadow`, with the host sheet adopted.
pub fn container(
    shadow: &ShadowRoot,
    dir: &str,
    lang: Option<&str>,
    color_scheme: Option<&str>,
) -> Result<HtmlElement, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("operator-chat: no document")?;
    let div: HtmlElement = document
        .create_element("div")
        .map_err(|_| "operator-chat: could not create the container")?
        .unchecked_into();
    div.set_class_name("oc-mount");
    let _ = div.set_attribute("dir", dir);
    if let Some(lang) = lang {
        let _ = div.set_attribute("lang", lang);
    }
    if let Some(scheme) = color_scheme {
        let _ = div.set_attribute("data-color-scheme", scheme);
    }
    shadow
        .append_child(&div)
        .map_err(|_| "operator-chat: could not attach the container")?;
    if let Some(sheet) = host_sheet() {
        let sheets = shadow.adopted_style_sheets();
        if !sheets.includes(&sheet, 0) {
            sheets.push(&sheet);
            shadow.set_adopted_style_sheets(&JsValue::from(sheets));
        }
    }
    // The widget's own sheet, adopted now so the first frame is styled.
    crate::ui::adopt_styles(&div);
    Ok(div)
}
