//! The live mounts. A widget belongs here, not to its JS handle: the handle is a wasm-bindgen
//! object the garbage collector may finalise at any time, and that must not unmount a widget
//! the page still shows. A widget lives until `destroy()`.

use std::cell::{Cell, RefCell};

use wasm_bindgen::JsValue;
use web_sys::ShadowRoot;

/// One mounted widget.
pub struct Mounted {
    /// The rendered widget (torn down on destroy).
    pub view: super::render::View,
    /// The shadow root it renders into.
    pub shadow: ShadowRoot,
}

thread_local! {
    static MOUNTS: RefCell<Vec<(u32, Mounted)>> = const { RefCell::new(Vec::new()) };
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
}

/// Keeps `mounted` alive; returns its id.
pub fn insert(mounted: Mounted) -> u32 {
    let id = NEXT_ID.with(|next| {
        let id = next.get();
        next.set(id.wrapping_add(1).max(1));
        id
    });
    MOUNTS.with(|m| m.borrow_mut().push((id, mounted)));
    id
}

/// Whether a live widget renders into `shadow`.
pub fn hosts(shadow: &ShadowRoot) -> bool {
    let shadow: &JsValue = shadow.as_ref();
    MOUNTS.with(|m| {
        m.borrow().iter().any(|(_, mounted)| {
            let other: &JsValue = mounted.shadow.as_ref();
            other == shadow
        })
    })
}

/// Whether mount `id` is live.
pub fn contains(id: u32) -> bool {
    MOUNTS.with(|m| m.borrow().iter().any(|(i, _)| *i == id))
}

/// Takes mount `id` out (the caller tears it down, with no borrow held).
pub fn remove(id: u32) -> Option<Mounted> {
    MOUNTS.with(|m| {
        let mut mounts = m.borrow_mut();
        let at = mounts.iter().position(|(i, _)| *i == id)?;
        Some(mounts.swap_remove(at).1)
    })
}
