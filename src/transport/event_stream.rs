//! The events SSE stream, read with `fetch()` and its body's `ReadableStream`, parsed in wasm
//! ([`crate::protocol::SseParser`], after the browser's `TextDecoder`).
//!
//! Not `EventSource`: Chromium parses and dispatches a `MessageEvent` per frame (about 25 µs
//! each), in tasks of up to 160 ms while a 5,000-message conversation replays, with an empty
//! listener; read here, a replayed frame costs a parse and one id lookup, no event and no JS
//! call, and the read loop lets the browser run at least every [`YIELD_AFTER_MS`]. With `fetch`
//! the HTTP status is visible too: an error answer is reported with its error body and
//! `Retry-After` ([`StreamEnd::Refused`]). There is no automatic reconnect: the connection
//! policy decides (every connect replays the conversation from its first event). See
//! [MDN: Using readable streams](https://developer.mozilla.org/docs/Web/API/Streams_API/Using_readable_streams).
//!
//! The same reader reads the answer of a `chat_async` session `POST` ([`EventStream::post`]):
//! one client message in, the events it caused out as SSE (operator-api.md §4.2).

use std::cell::Cell;
use std::rc::Rc;

use gloo_net::http::{Request, Response};
use js_sys::{Object, Promise};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, MessageChannel, ReadableStreamDefaultReader,
    ReadableStreamReadResult, RequestCache, RequestCredentials, RequestInit, TextDecodeOptions,
    TextDecoder,
};

use super::error::{js_error_name, TransportError};
use super::session_endpoint::response_text;
use crate::connection::Rejection;
use crate::protocol::SseParser;

/// About the most bytes parsed between two checks of the time spent.
const SLICE_BYTES: usize = 16 * 1024;
/// The read loop lets the browser run (a new task) once this much time has passed since it last
/// did: chunks already received are read in the same task, with whatever else the page does per
/// chunk, and a task of 50 ms or more is a long task.
const YIELD_AFTER_MS: f64 = 8.0;

/// How the stream ended.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEnd {
    /// The service answered with an HTTP error (its status, error body and `Retry-After`).
    Refused(Rejection),
    /// The request failed, the answer was not an event stream, or the stream ended or broke.
    Lost,
}

/// What the stream reports. Each handler runs on the browser's event loop.
pub struct StreamHandlers {
    /// The HTTP response arrived and is an event stream.
    pub on_open: Box<dyn Fn()>,
    /// Whether the event with this SSE `id:` (the last event ID) is already applied. Asked
    /// before the frame's `data` is copied out, so a replayed frame costs one lookup (every
    /// connect replays the conversation from its first event).
    pub is_known: Box<dyn Fn(&str) -> bool>,
    /// The `data` (the event JSON) of one `message` event that is not known.
    pub on_message: Box<dyn Fn(String)>,
    /// The stream ended or was refused; it runs once, and never after [`EventStream::close`].
    pub on_end: Box<dyn Fn(StreamEnd)>,
}

/// A `fetch()` of the events stream being read; aborted on [`EventStream::close`] or drop.
pub struct EventStream {
    url: String,
    abort: AbortController,
    /// False once closed or ended: no handler runs afterwards.
    alive: Rc<Cell<bool>>,
}

impl std::fmt::Debug for EventStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream")
            .field("url", &crate::protocol::redact_tokens(&self.url))
            .field("open", &self.alive.get())
            .finish()
    }
}

impl EventStream {
    /// Requests `url` (which already carries `?token=`) with `Accept: text/event-stream`, no
    /// cache and no credentials, and reads it in the background. If the browser refuses the
    /// URL, the error names the kind of failure only (its message would quote the URL).
    pub fn open(url: &str, handlers: StreamHandlers) -> Result<EventStream, TransportError> {
        Self::request(url, None, "the events stream", handlers)
    }

    /// Posts `body` (one client message, JSON) to `url` (the async session URL with
    /// `?token=`) and reads its SSE answer as [`EventStream::open`] reads the events stream.
    /// `on_open` runs when the answer's headers arrived: from then on the service has the
    /// message.
    pub fn post(
        url: &str,
        body: &str,
        handlers: StreamHandlers,
    ) -> Result<EventStream, TransportError> {
        Self::request(url, Some(body), "the session request", handlers)
    }

    fn request(
        url: &str,
        body: Option<&str>,
        what: &'static str,
        handlers: StreamHandlers,
    ) -> Result<EventStream, TransportError> {
        let refused = |e: JsValue| TransportError::Open {
            what,
            detail: js_error_name(&e),
        };
        let abort = AbortController::new().map_err(refused)?;
        let headers = Headers::new().map_err(refused)?;
        headers
            .set("Accept", "text/event-stream")
            .map_err(refused)?;
        let init = RequestInit::new();
        match body {
            Some(body) => {
                headers
                    .set("Content-Type", "application/json")
                    .map_err(refused)?;
                init.set_method("POST");
                init.set_body(&JsValue::from_str(body));
            }
            None => init.set_method("GET"),
        }
        init.set_headers(&headers);
        init.set_cache(RequestCache::NoStore);
        init.set_credentials(RequestCredentials::Omit);
        init.set_signal(Some(&abort.signal()));
        // Built here, not by gloo's builder: that one appends `&` to a URL's query.
        let request = web_sys::Request::new_with_str_and_init(url, &init).map_err(refused)?;
        let alive = Rc::new(Cell::new(true));
        let running = Rc::clone(&alive);
        wasm_bindgen_futures::spawn_local(async move {
            let end = read(Request::from(request), &handlers, &running).await;
            if running.replace(false) {
                (handlers.on_end)(end);
            }
        });
        Ok(EventStream {
            url: url.to_owned(),
            abort,
            alive,
        })
    }

    /// Whether it is still being read (not closed, not ended).
    pub fn is_open(&self) -> bool {
        self.alive.get()
    }

    /// Aborts the request; no handler runs afterwards.
    pub fn close(&self) {
        self.alive.set(false);
        self.abort.abort();
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        self.close();
    }
}

/// Sends `request` and feeds its body to the handlers until it ends, breaks or `alive` turns
/// false; the way it ended.
async fn read(request: Request, handlers: &StreamHandlers, alive: &Cell<bool>) -> StreamEnd {
    let Ok(response) = request.send().await else {
        return StreamEnd::Lost;
    };
    if !response.ok() {
        return StreamEnd::Refused(rejection(&response).await);
    }
    let Some(body) = response.body().filter(|_| is_event_stream(&response)) else {
        return StreamEnd::Lost;
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    // UTF-8 with U+FFFD for invalid bytes, a character cut between chunks joined: the
    // browser's decoder in streaming mode does what the SSE standard asks.
    let Ok(decoder) = TextDecoder::new() else {
        return StreamEnd::Lost;
    };
    let streaming = TextDecodeOptions::new();
    streaming.set_stream(true);
    if !alive.get() {
        return StreamEnd::Lost;
    }
    (handlers.on_open)();
    let mut parser = SseParser::new();
    let mut yielded_at = js_sys::Date::now();
    while alive.get() {
        let Ok(result) = JsFuture::from(reader.read()).await else {
            return StreamEnd::Lost;
        };
        let result: ReadableStreamReadResult = result.unchecked_into();
        if result.get_done().unwrap_or(true) {
            return StreamEnd::Lost;
        }
        let chunk: Object = result.get_value().unchecked_into();
        let Ok(text) = decoder.decode_with_buffer_source_and_options(&chunk, &streaming) else {
            return StreamEnd::Lost;
        };
        let mut rest = text.as_str();
        while !rest.is_empty() {
            let mut cut = rest.len().min(SLICE_BYTES);
            while !rest.is_char_boundary(cut) {
                cut += 1;
            }
            let (slice, tail) = rest.split_at(cut);
            rest = tail;
            parser.feed(slice, |message| {
                // No handler runs once closed (a handler may close the stream).
                if !alive.get() {
                    return;
                }
                if !message.id.is_empty() && (handlers.is_known)(message.id) {
                    return;
                }
                (handlers.on_message)(message.data.to_owned());
            });
            if !alive.get() {
                return StreamEnd::Lost;
            }
            if js_sys::Date::now() - yielded_at >= YIELD_AFTER_MS {
                next_task().await;
                yielded_at = js_sys::Date::now();
            }
        }
    }
    StreamEnd::Lost
}

/// The rejection an HTTP error answer carries.
async fn rejection(response: &Response) -> Rejection {
    let body = response_text(response).await.unwrap_or_default();
    let retry_after = response.headers().get("Retry-After");
    Rejection::from_http(response.status(), &body, retry_after.as_deref())
}

/// Whether the answer's `Content-Type` is `text/event-stream` (parameters allowed).
fn is_event_stream(response: &Response) -> bool {
    response.headers().get("Content-Type").is_some_and(|t| {
        t.split(';')
            .next()
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("text/event-stream"))
    })
}

/// Resolves in a new task (a message posted to itself: unlike `setTimeout`, never clamped), so
/// the browser can render and handle input in between.
async fn next_task() {
    let Ok(channel) = MessageChannel::new() else {
        return;
    };
    let posted = Promise::new(&mut |resolve, _reject| {
        channel.port1().set_onmessage(Some(&resolve));
        if channel.port2().post_message(&JsValue::NULL).is_err() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(posted).await;
    channel.port1().set_onmessage(None);
}
