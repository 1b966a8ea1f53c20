//! The `chat_async` session of the current connection ([`Posts`]): each client message is one
//! `POST …/session?token=`, sent one at a time in order (the next once the previous one's answer
//! started, so the service gets them in the order written), its SSE answer read into the
//! transcript like the events stream (an event seen on both is applied once, by id).

use std::cell::Cell;
use std::collections::VecDeque;
use std::rc::Rc;

use super::notes::Note;
use super::{Driver, WeakDriver};
use crate::connection::{ConnectionId, Rejection};
use crate::transport::{EventStream, StreamEnd, StreamHandlers};

/// One message waiting for its turn: its client id and JSON body.
type Waiting = (String, String);

/// The async session of one connection.
pub(super) struct Posts {
    connection: ConnectionId,
    /// The session URL with its token.
    url: String,
    waiting: VecDeque<Waiting>,
    /// The client id of the POST whose answer has not started yet, if any.
    unanswered: Option<String>,
    /// The answers being read (dropping one aborts it).
    answers: Vec<EventStream>,
}

/// What [`Posts::close`] leaves for the policy to settle.
#[derive(Default)]
pub(super) struct Unsettled {
    /// Messages never posted: back into the queue.
    pub(super) unsent: Vec<String>,
    /// The message whose POST was cut before its answer: the service may have it.
    pub(super) unanswered: Option<String>,
}

impl Posts {
    pub(super) fn new(connection: ConnectionId, url: &str) -> Self {
        Posts {
            connection,
            url: url.to_owned(),
            waiting: VecDeque::new(),
            unanswered: None,
            answers: Vec::new(),
        }
    }

    /// Queues one message; `weak` posts it when its turn comes.
    pub(super) fn send(&mut self, client_id: &str, json: &str, weak: &WeakDriver) -> bool {
        self.waiting
            .push_back((client_id.to_owned(), json.to_owned()));
        self.post_next(weak)
    }

    /// Posts the next waiting message unless one is still unanswered. False if the browser
    /// refused to make the request (a malformed URL): that message is dropped here, and the
    /// caller re-queues it in the policy.
    fn post_next(&mut self, weak: &WeakDriver) -> bool {
        if self.unanswered.is_some() {
            return true;
        }
        self.answers.retain(EventStream::is_open);
        let Some((client_id, json)) = self.waiting.pop_front() else {
            return true;
        };
        let id = self.connection;
        let answered = Rc::new(Cell::new(false));
        let (w0, w1, w2, w3) = (weak.clone(), weak.clone(), weak.clone(), weak.clone());
        let (seen, ended_id) = (Rc::clone(&answered), client_id.clone());
        let handlers = StreamHandlers {
            on_open: Box::new(move || {
                seen.set(true);
                w1.with(|d| d.post_answered(id));
            }),
            is_known: Box::new(move |event_id| {
                let mut known = false;
                w0.with(|d| known = d.knows_event(event_id));
                known
            }),
            on_message: Box::new(move |data| w2.with(|d| d.step(|inner, _| inner.receive(&data)))),
            on_end: Box::new(move |end| match end {
                StreamEnd::Refused(r) => w3.with(|d| d.post_refused(id, &ended_id, r)),
                StreamEnd::Lost if !answered.get() => w3.with(|d| d.post_lost(id, &ended_id)),
                // The answer ended or broke after the service took the message: the events
                // stream delivers (and confirms) the rest.
                StreamEnd::Lost => {}
            }),
        };
        match EventStream::post(&self.url, &json, handlers) {
            Ok(answer) => {
                self.unanswered = Some(client_id);
                self.answers.push(answer);
                true
            }
            Err(_) => false,
        }
    }

    /// Aborts every request; what the policy must settle.
    pub(super) fn close(mut self) -> Unsettled {
        for answer in &self.answers {
            answer.close();
        }
        Unsettled {
            unsent: self.waiting.drain(..).map(|(id, _)| id).collect(),
            unanswered: self.unanswered.take(),
        }
    }
}

impl Driver {
    /// The answer of connection `id`'s unanswered POST started: post the next message.
    fn post_answered(&self, id: ConnectionId) {
        let weak = self.weak();
        if let Ok(mut inner) = self.0.try_borrow_mut() {
            if let Some(posts) = inner.links.posts_of(id) {
                posts.unanswered = None;
                posts.post_next(&weak);
            }
        }
    }

    /// The POST of `client_id` was refused with an HTTP error.
    fn post_refused(&self, id: ConnectionId, client_id: &str, rejection: Rejection) {
        self.post_answered(id);
        let note = rejection_note(&rejection);
        self.step(|inner, now| {
            inner
                .conversation
                .send_refused(id, client_id, rejection, now)
        });
        if let Some(note) = note {
            self.notify(vec![Note::Error(note)]);
        }
    }

    /// The POST of `client_id` failed before any answer.
    fn post_lost(&self, id: ConnectionId, client_id: &str) {
        if let Ok(mut inner) = self.0.try_borrow_mut() {
            if let Some(posts) = inner.links.posts_of(id) {
                posts.unanswered = None;
            }
        }
        self.step(|inner, now| inner.conversation.send_lost(id, client_id, now));
    }
}

/// The error shown for a message the service refused for good (not a connection matter).
fn rejection_note(rejection: &Rejection) -> Option<crate::ui::types::ChatError> {
    (!rejection.about_the_connection()).then(|| crate::ui::types::ChatError::Server {
        message: format!(
            "The chat service refused this message (HTTP {}).",
            rejection.status
        ),
        code: rejection.code.clone(),
    })
}
