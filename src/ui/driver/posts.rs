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

/// How long a POST may go without its answer starting (the headers of its SSE answer) before it
/// counts as lost: the messages behind it wait for it, so a request that hangs must not hold
/// them forever. The service answers at once and streams the events after.
const ANSWER_TIMEOUT_MS: u64 = 20_000;

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
        let (w0, w1, w2, w3, w4) = (
            weak.clone(),
            weak.clone(),
            weak.clone(),
            weak.clone(),
            weak.clone(),
        );
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
                let timed = client_id.clone();
                crate::ui::clock::set_timeout(
                    move || w4.with(|d| d.post_timed_out(id, &timed)),
                    ANSWER_TIMEOUT_MS,
                );
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

    /// The POST of `client_id` was refused with an HTTP error. A refusal about that message
    /// alone lets the next one go; one about the connection (token, load) holds the rest back:
    /// the connection is about to be closed, which re-queues them behind the refused one, so a
    /// later message never reaches the service before it.
    fn post_refused(&self, id: ConnectionId, client_id: &str, rejection: Rejection) {
        if rejection.about_the_connection() {
            self.clear_unanswered(id);
        } else {
            self.post_answered(id);
        }
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

    /// Connection `id`'s unanswered POST is settled; the next one waits.
    fn clear_unanswered(&self, id: ConnectionId) {
        if let Ok(mut inner) = self.0.try_borrow_mut() {
            if let Some(posts) = inner.links.posts_of(id) {
                posts.unanswered = None;
            }
        }
    }

    /// The POST of `client_id` is still without an answer after [`ANSWER_TIMEOUT_MS`]: it is
    /// aborted and counts as lost before its answer (the replay decides whether to send it
    /// again).
    fn post_timed_out(&self, id: ConnectionId, client_id: &str) {
        let hung = match self.0.try_borrow_mut() {
            Ok(mut inner) => match inner.links.posts_of(id) {
                Some(posts) if posts.unanswered.as_deref() == Some(client_id) => {
                    // The unanswered POST is the last one made.
                    if let Some(answer) = posts.answers.pop() {
                        answer.close();
                    }
                    true
                }
                _ => false,
            },
            Err(_) => false,
        };
        if hung {
            crate::ui::clock::warn("operator-chat: a message's request got no answer; retrying");
            self.post_lost(id, client_id);
        }
    }

    /// The POST of `client_id` failed before any answer.
    fn post_lost(&self, id: ConnectionId, client_id: &str) {
        self.clear_unanswered(id);
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
