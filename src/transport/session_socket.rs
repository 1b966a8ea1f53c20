//! The session WebSocket over `web_sys::WebSocket`: JSON text frames out, text frames in.
//! See [MDN: WebSocket](https://developer.mozilla.org/docs/Web/API/WebSocket).
//!
//! Not `gloo_net::websocket`: it sends only through an async `Sink`, and the outbox needs to know
//! at once whether a frame left (`send` below fails synchronously when the socket is not open).

use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{CloseEvent, MessageEvent, WebSocket};

use super::error::{js_detail, js_error_name, TransportError};

/// What the socket reports. Each handler runs on the browser's event loop.
pub struct SocketHandlers {
    /// The handshake succeeded.
    pub on_open: Box<dyn Fn()>,
    /// One text frame.
    pub on_message: Box<dyn Fn(String)>,
    /// The socket closed: close code and reason (a refused handshake shows as 1006). Runs once.
    pub on_close: Box<dyn Fn(u16, String)>,
}

/// An open `WebSocket` with its handlers; closed (code 1000) on [`SessionSocket::close`] or drop.
pub struct SessionSocket {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut()>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

impl std::fmt::Debug for SessionSocket {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionSocket")
            .field("ready_state", &self.socket.ready_state())
            .finish()
    }
}

impl SessionSocket {
    /// Connects to `url` (which already carries `?token=`). If the browser refuses, the error
    /// names the kind of failure only (its message would quote the URL).
    pub fn open(url: &str, handlers: SocketHandlers) -> Result<SessionSocket, TransportError> {
        let socket = WebSocket::new(url).map_err(|e| TransportError::Open {
            what: "the session socket",
            detail: js_error_name(&e),
        })?;
        let handlers = Rc::new(handlers);
        let h = Rc::clone(&handlers);
        let on_open = Closure::<dyn FnMut()>::new(move || (h.on_open)());
        let h = Rc::clone(&handlers);
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(text) = event.data().as_string() {
                (h.on_message)(text);
            }
        });
        let h = Rc::clone(&handlers);
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            (h.on_close)(event.code(), event.reason());
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(SessionSocket {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// Writes one text frame. Fails when the socket is not open or the browser throws.
    pub fn send(&self, text: &str) -> Result<(), TransportError> {
        if self.socket.ready_state() != WebSocket::OPEN {
            return Err(TransportError::Send("the socket is not open".into()));
        }
        self.socket
            .send_with_str(text)
            .map_err(|e| TransportError::Send(js_detail(&e)))
    }

    /// Closes the socket with code 1000; no handler runs afterwards.
    pub fn close(&self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close_with_code(1000);
    }
}

impl Drop for SessionSocket {
    fn drop(&mut self) {
        self.close();
    }
}
