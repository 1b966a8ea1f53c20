//! The transports of one connect attempt ([`Links`]): opening them wired to the driver, sending,
//! closing, and holding back a normal socket close until the events stream had its say.

use super::notes::Note;
use super::posts::{Posts, Unsettled};
use super::{Driver, WeakDriver};
use crate::connection::{Channel, ConnectionId, Input, Rejection};
use crate::protocol::ChatChannel;
use crate::transport::{
    probe_status, EventStream, SessionSocket, SocketHandlers, StreamEnd, StreamHandlers,
};
use crate::ui::types::ChatError;

/// WebSocket close code for "policy violation": the token expired or was replaced while open.
const CLOSE_POLICY_VIOLATION: u16 = 1008;
/// WebSocket close code for a normal closure (the service closes the socket after the end).
const CLOSE_NORMAL: u16 = 1000;
/// How long a normal socket close waits for the events stream to deliver `conversation.ended`
/// before it counts as a drop.
const NORMAL_CLOSE_GRACE_MS: u64 = 3_000;
/// How long a probe may take before the failure counts as a plain drop.
const PROBE_TIMEOUT_MS: u64 = 5_000;

/// The events stream and session socket of the current connection.
#[derive(Default)]
pub(super) struct Links {
    events: Option<EventStream>,
    socket: Option<SessionSocket>,
    /// `chat_async`: the session requests instead of a socket.
    posts: Option<Posts>,
    connection: Option<ConnectionId>,
    /// The session socket of the current connection closed normally (1000); its `Closed` is
    /// held back so the events stream can deliver `conversation.ended` first.
    socket_closed: bool,
}

impl Links {
    /// Opens the transports of connection `id` (retiring any earlier ones): the events stream,
    /// and the session socket (`chat_realtime`) or the session requests (`chat_async`, which
    /// open nothing until a message is sent). Their events go to the driver behind `weak`.
    pub(super) fn open(
        &mut self,
        id: ConnectionId,
        events_url: &str,
        session_url: &str,
        channel: ChatChannel,
        weak: &WeakDriver,
    ) -> Result<(), ChatError> {
        let _ = self.retire();
        self.connection = Some(id);
        self.socket_closed = false;
        let (w0, w1, w2, w3, w4, w5, w6) = (
            weak.clone(),
            weak.clone(),
            weak.clone(),
            weak.clone(),
            weak.clone(),
            weak.clone(),
            weak.clone(),
        );
        let events = EventStream::open(
            events_url,
            StreamHandlers {
                on_open: Box::new(move || w1.with(|d| d.input(Input::Opened(id, Channel::Events)))),
                is_known: Box::new(move |event_id| {
                    let mut known = false;
                    w0.with(|d| known = d.knows_event(event_id));
                    known
                }),
                on_message: Box::new(move |data| {
                    w2.with(|d| d.step(|inner, _| inner.receive(&data)));
                }),
                // An HTTP error answer is a rejection; anything else is a drop (before open,
                // the policy still asks for a probe: the session socket hides its status).
                on_end: Box::new(move |end| {
                    let input = match end {
                        StreamEnd::Refused(rejection) => Input::Rejected(id, rejection),
                        StreamEnd::Lost => Input::Closed(id, Channel::Events),
                    };
                    w3.with(|d| d.input(input))
                }),
            },
        )?;
        self.events = Some(events);
        if channel == ChatChannel::Async {
            self.posts = Some(Posts::new(id, session_url));
            return Ok(());
        }
        let socket = SessionSocket::open(
            session_url,
            SocketHandlers {
                on_open: Box::new(move || {
                    w4.with(|d| d.input(Input::Opened(id, Channel::Session)))
                }),
                on_message: Box::new(move |text| w5.with(|d| d.socket_frame(&text))),
                on_close: Box::new(move |code, reason| {
                    if code == CLOSE_NORMAL {
                        return w6.with(|d| d.socket_closed_normally(id, NORMAL_CLOSE_GRACE_MS));
                    }
                    let input = if code == CLOSE_POLICY_VIOLATION {
                        let code = if reason.is_empty() {
                            "token_revoked".into()
                        } else {
                            reason
                        };
                        Input::Rejected(id, Rejection::unauthorized(code))
                    } else {
                        Input::Closed(id, Channel::Session)
                    };
                    w6.with(|d| d.input(input));
                }),
            },
        )?;
        self.socket = Some(socket);
        Ok(())
    }

    /// Asks the events URL once with `fetch` (its own request: retiring the transports does not
    /// cancel it) and reports the answer; a probe that hangs counts as passed after a while.
    pub(super) fn probe(id: ConnectionId, events_url: &str, weak: &WeakDriver) {
        let url = events_url.to_owned();
        let answer = weak.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let input = match probe_status(&url).await {
                Some(rejection) => Input::Rejected(id, rejection),
                None => Input::ProbePassed(id),
            };
            answer.with(|d| d.input(input));
        });
        let late = weak.clone();
        crate::ui::clock::set_timeout(
            move || late.with(|d| d.input(Input::ProbePassed(id))),
            PROBE_TIMEOUT_MS,
        );
    }

    /// Closes both transports now; frees them after the current browser callback returns (a
    /// transport may be closed from inside its own handler). Returns the `chat_async`
    /// messages it cut off.
    pub(super) fn retire(&mut self) -> Unsettled {
        let unsettled = self.posts.take().map(Posts::close).unwrap_or_default();
        let events = self.events.take();
        let socket = self.socket.take();
        if let Some(e) = &events {
            e.close();
        }
        if let Some(s) = &socket {
            s.close();
        }
        self.connection = None;
        if events.is_some() || socket.is_some() {
            wasm_bindgen_futures::spawn_local(async move {
                drop(events);
                drop(socket);
            });
        }
        unsettled
    }

    /// Sends message `client_id` (`json`) on the session socket, or queues its POST
    /// (`chat_async`); `false` if there is no session or it refused.
    pub(super) fn send(&mut self, client_id: &str, json: &str, weak: &WeakDriver) -> bool {
        if let Some(posts) = self.posts.as_mut() {
            return posts.send(client_id, json, weak);
        }
        self.socket.as_ref().is_some_and(|s| s.send(json).is_ok())
    }

    /// The session requests of connection `id`, if it is current.
    pub(super) fn posts_of(&mut self, id: ConnectionId) -> Option<&mut Posts> {
        self.posts.as_mut().filter(|_| self.connection == Some(id))
    }

    /// The connection whose socket closed normally, if a send cannot wait for its grace period
    /// any longer (the close is then reported once).
    pub(super) fn take_held_close(&mut self) -> Option<ConnectionId> {
        let id = self.connection.filter(|_| self.socket_closed)?;
        self.socket_closed = false;
        Some(id)
    }

    /// Holds back the normal close of connection `id`'s socket; `false` if `id` is not current.
    fn hold_close(&mut self, id: ConnectionId) -> bool {
        if self.connection != Some(id) {
            return false;
        }
        self.socket_closed = true;
        true
    }

    /// Whether connection `id`'s normal close is still held back.
    fn close_held(&self, id: ConnectionId) -> bool {
        self.socket_closed && self.connection == Some(id)
    }
}

impl Driver {
    /// A frame from the session socket. The transcript is rendered from the events stream only
    /// (after a reconnect the socket's live events can overtake the stream's replay, which would
    /// reorder deltas), so the socket's events are only checked for `server.error`, which may
    /// concern a message we sent.
    fn socket_frame(&self, text: &str) {
        // Every delta comes this way too: skip parsing the frames that cannot be an error.
        if !text.contains("server.error") {
            return;
        }
        let Ok(event) = crate::protocol::Event::from_json(text) else {
            return;
        };
        if let crate::protocol::EventPayload::ServerError { message, code } = event.payload {
            crate::ui::clock::warn(&format!(
                "operator-chat: server error on the session socket: {message}"
            ));
            self.notify(vec![Note::Error(ChatError::Server { message, code })]);
        }
    }

    /// The session socket of connection `id` closed normally. The service does that after
    /// `conversation.ended`, which the events stream may not have delivered yet: report the
    /// close only if the conversation has not ended after `grace_ms` (or a send needs it).
    fn socket_closed_normally(&self, id: ConnectionId, grace_ms: u64) {
        if let Ok(mut inner) = self.0.try_borrow_mut() {
            if !inner.links.hold_close(id) {
                return;
            }
        }
        let weak = self.weak();
        crate::ui::clock::set_timeout(
            move || {
                weak.with(|d| {
                    let pending = d.0.try_borrow().is_ok_and(|i| i.links.close_held(id));
                    if pending {
                        d.input(Input::Closed(id, crate::connection::Channel::Session));
                    }
                })
            },
            grace_ms,
        );
    }
}
