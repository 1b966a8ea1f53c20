//! Time and randomness from the browser.

use crate::connection::RandomSource;

/// `Date.now()` in milliseconds.
pub(crate) fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Backoff jitter from `Math.random()`.
pub(crate) struct MathRandom;

impl RandomSource for MathRandom {
    fn next_unit(&mut self) -> f64 {
        js_sys::Math::random()
    }
}

/// A short random prefix for client message ids, so two tabs never collide (and for the
/// panel's element id, so two widgets on one page never share it).
pub(crate) fn client_prefix() -> String {
    #[cfg(oc_browser)]
    let n = (js_sys::Math::random() * 2_176_782_336.0) as u64; // 36^6
                                                               // Server rendering: the std hasher's per-process random keys, mixed with a counter.
    #[cfg(not(oc_browser))]
    let n = {
        use std::hash::{BuildHasher, Hasher};
        use std::sync::atomic::{AtomicU64, Ordering};
        static RENDERED: AtomicU64 = AtomicU64::new(0);
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(RENDERED.fetch_add(1, Ordering::Relaxed));
        hasher.finish() % 2_176_782_336
    };
    let mut digits = Vec::new();
    let mut rest = n;
    for _ in 0..6 {
        let d = (rest % 36) as u32;
        digits.push(char::from_digit(d, 36).unwrap_or('0'));
        rest /= 36;
    }
    format!("c{}", digits.into_iter().collect::<String>())
}

/// `HH:MM` in the browser's local time zone, for a row's timestamp.
pub(crate) fn clock_time(at_ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms as f64));
    format!("{:02}:{:02}", date.get_hours(), date.get_minutes())
}

/// The ISO 8601 form for a `<time datetime>` attribute.
pub(crate) fn iso_time(at_ms: i64) -> String {
    if at_ms.unsigned_abs() > 8_640_000_000_000_000 {
        return String::new(); // outside the range of a JS Date; toISOString would throw
    }
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(at_ms as f64));
    date.to_iso_string().as_string().unwrap_or_default()
}

/// The longest delay `setTimeout` accepts (2^31 - 1 ms, about 24.8 days); longer ones fire early.
const MAX_TIMEOUT_MS: u64 = i32::MAX as u64;

/// Runs `f` once after `after_ms` (clamped to what `setTimeout` accepts). Never throws.
pub(crate) fn set_timeout(f: impl FnOnce() + 'static, after_ms: u64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    let delay = i32::try_from(after_ms.min(MAX_TIMEOUT_MS)).unwrap_or(i32::MAX);
    let scheduled = window.set_timeout_with_callback_and_timeout_and_arguments_0(
        wasm_bindgen::JsCast::unchecked_ref(&callback),
        delay,
    );
    if scheduled.is_err() {
        warn("operator-chat: setTimeout failed; a timer was lost");
    }
}

/// Runs `f` before the next paint (`requestAnimationFrame`).
pub(crate) fn next_frame(f: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let callback = wasm_bindgen::closure::Closure::once_into_js(f);
    if window
        .request_animation_frame(wasm_bindgen::JsCast::unchecked_ref(&callback))
        .is_err()
    {
        warn("operator-chat: requestAnimationFrame failed");
    }
}

/// A warning in the browser console (any `token=` value in it redacted).
pub(crate) fn warn(message: &str) {
    web_sys::console::warn_1(&crate::protocol::redact_tokens(message).into());
}
