//! What happens when a connection drops or a connect attempt fails before opening: probe for a
//! hidden HTTP rejection, back off, and fetch a new token after repeated failures.

use super::policy::{Policy, RetryAction};
use super::types::{Channel, Command};

impl Policy {
    /// A transport of the current attempt closed while it was needed (connecting or open).
    pub(super) fn dropped(&mut self, now: i64, out: &mut Vec<Command>) {
        let was_open = self.live;
        if !was_open {
            // Failed before opening: maybe a dead token (a 401 the browser hides). Ask once
            // before deciding; the answer comes back as `Rejected` or `ProbePassed`.
            if self.probing {
                return;
            }
            if let Some(creds) = &self.creds {
                let events_url = creds.events_url_with_token();
                self.close_transports(out);
                self.probing = true;
                out.push(Command::Probe {
                    connection: self.connection,
                    events_url,
                });
                return;
            }
        }
        self.after_drop(was_open, now, out);
    }

    /// A transport of the current attempt closed when nothing waited on it: only noted.
    pub(super) fn channel_closed(&mut self, ch: Channel) {
        match ch {
            Channel::Events => self.events_open = false,
            Channel::Session => self.session_open = false,
        }
    }

    /// A connection dropped (`was_open`) or an attempt failed before opening: back off, and
    /// after too many failed attempts fetch a new token.
    pub(super) fn after_drop(&mut self, was_open: bool, now: i64, out: &mut Vec<Command>) {
        self.close_transports(out);
        if was_open {
            let stable = self
                .opened_at
                .is_some_and(|t| now - t >= self.config.stable_after_ms as i64);
            if stable {
                self.attempt = 0;
            }
        } else {
            self.failed_connects += 1;
        }
        let action = if self.refresh_due(now)
            || self.failed_connects >= self.config.refresh_after_failed_connects
        {
            self.failed_connects = 0;
            RetryAction::FetchToken
        } else {
            RetryAction::Connect
        };
        self.schedule_retry(action, None, now, out);
    }
}
