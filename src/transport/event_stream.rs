//! The events SSE stream over `web_sys::EventSource`.
//!
//! The browser's own reconnect is switched off in effect: on the first `error` the source is
//! closed and the error reported, so the connection policy decides when to reconnect (every
//! connect replays the conversation from its first event). See [MDN: EventSource](https://developer.mozilla.org/docs/Web/API/EventSource).
//!
//! Not `gloo_net::eventsource`: it drops every `error` while the source is CONNECTING (the
//! browser's own reconnect) and reports no `open`, so it cannot close on the first error.

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{EventSource, MessageEvent};

use super::error::{js_error_name, TransportError};

/// What the stream reports. Each handler runs on the browser's event loop.
pub struct StreamHandlers {
    /// The HTTP response arrived and the stream is open.
    pub on_open: Box<dyn Fn()>,
    /// Whether the event with this SSE `id:` (`lastEventId`) is already applied. Asked before
    /// the frame's `data` is read, so a replayed frame costs one lookup (every connect replays
    /// the conversation from its first event).
    pub is_known: Box<dyn Fn(&str) -> bool>,
    /// The `data` (the event JSON) of one `message` event that is not known.
    pub on_message: Box<dyn Fn(String)>,
    /// The stream failed or the server closed it. `refused` is true when the browser gave up at
    /// once (`readyState` CLOSED: an HTTP error or a wrong content type) rather than losing an
    /// established connection. The source is already closed when this runs; it runs once.
    pub on_error: Box<dyn Fn(bool)>,
}

/// An open `EventSource` with its handlers; closed on [`EventStream::close`] or drop.
pub struct EventStream {
    source: EventSource,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut()>,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("url", &crate::protocol::redact_tokens(&self.source.url()))
            .finish()
    }
}

impl EventStream {
    /// Opens `url` (which already carries `?token=`); no credentials are sent. If the browser
    /// refuses, the error names the kind of failure only (its message would quote the URL).
    pub fn open(url: &str, handlers: StreamHandlers) -> Result<EventStream, TransportError> {
        let source = EventSource::new(url).map_err(|e| TransportError::Open {
            what: "the events stream",
            detail: js_error_name(&e),
        })?;
        let handlers = Rc::new(handlers);

        let h = Rc::clone(&handlers);
        let on_open = Closure::<dyn FnMut()>::new(move || (h.on_open)());
        let h = Rc::clone(&handlers);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let id = event.last_event_id();
            if !id.is_empty() && (h.is_known)(&id) {
                return;
            }
            if let Some(data) = event.data().as_string() {
                (h.on_message)(data);
            }
        });
        let h = Rc::clone(&handlers);
        let weak_source = source.clone();
        let on_error = Closure::<dyn FnMut()>::new(move || {
            let refused = weak_source.ready_state() == EventSource::CLOSED;
            // Stop the browser's automatic reconnect (it would replay from the start).
            weak_source.close();
            weak_source.set_onerror(None);
            (h.on_error)(refused);
        });
        source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        source.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(EventStream {
            source,
            _on_open: on_open,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// Closes the stream; no handler runs afterwards.
    pub fn close(&self) {
        self.source.set_onopen(None);
        self.source.set_onmessage(None);
        self.source.set_onerror(None);
        self.source.close();
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.close();
    }
}
