//! The recovery path: rejections, timers, clock ticks, user retry and stop.

use super::policy::{PendingRetry, Policy, RetryAction};
use super::rejection::{Rejection, Verdict};
use super::types::{Command, ConnectionError, ConnectionState, TimerId, TimerKind};

impl Policy {
    /// Whether the pending retry is a connect (not a token fetch).
    pub(super) fn retry_connects(&self) -> bool {
        matches!(self.retry, Some(retry) if retry.action == RetryAction::Connect)
    }

    /// Whether `timer` is the pending retry's.
    pub(super) fn retry_timer_is(&self, timer: TimerId) -> bool {
        self.retry.is_some_and(|r| r.timer == timer)
    }

    /// Whether the pending retry's time has come (a throttled timer may be late).
    pub(super) fn retry_due(&self, now: i64) -> bool {
        self.retry.is_some_and(|r| now >= r.due_at)
    }

    /// Whether the visitor may skip the backoff wait now: never before a Retry-After the
    /// server asked for.
    pub(super) fn retry_allowed(&self, now: i64) -> bool {
        self.retry.is_some_and(|r| now >= r.not_before)
    }

    /// The current attempt was answered with an HTTP error: new token, back off, or fail.
    pub(super) fn rejected(&mut self, r: Rejection, now: i64, out: &mut Vec<Command>) {
        self.probing = false;
        self.renewing = false;
        self.close_transports(out);
        match r.verdict() {
            Verdict::Refresh => {
                self.auth_refreshes += 1;
                if self.auth_refreshes > self.config.max_auth_refreshes {
                    let code = r.code.unwrap_or_else(|| "unauthorized".into());
                    return self.fail(ConnectionError::Unauthorized { code }, out);
                }
                self.failed_connects = 0;
                self.fetch_token(out);
            }
            Verdict::Retry(floor) => match (self.state.clone(), self.retry) {
                (ConnectionState::Reconnecting { delay_ms, .. }, Some(_)) => {
                    // Already backing off for this drop: only push the retry out to the floor.
                    let delay = delay_ms.max(floor.unwrap_or(0));
                    self.schedule_retry_in(RetryAction::Connect, delay, floor, now, out);
                }
                _ => self.schedule_retry(RetryAction::Connect, floor, now, out),
            },
            Verdict::Fail if r.status == 403 => self.fail(ConnectionError::Forbidden, out),
            Verdict::Fail => {
                let error = ConnectionError::Rejected {
                    status: r.status,
                    code: r.code,
                };
                self.fail(error, out);
            }
        }
    }

    /// Failed, and the visitor pressed retry: start over with fresh counters and a new token.
    pub(super) fn start_over(&mut self, out: &mut Vec<Command>) {
        self.attempt = 0;
        self.failed_connects = 0;
        self.auth_refreshes = 0;
        self.fetch_token(out);
    }

    pub(super) fn stop(&mut self, out: &mut Vec<Command>) {
        self.close_transports(out);
        self.retry = None;
        self.refresh_timer = None;
        if self.state != ConnectionState::Ended {
            self.set_state(ConnectionState::Idle, out);
        }
    }

    pub(super) fn run_retry(&mut self, now: i64, out: &mut Vec<Command>) {
        let Some(retry) = self.retry.take() else {
            return;
        };
        match retry.action {
            RetryAction::Connect if !self.refresh_due(now) => self.connect(out),
            _ => self.fetch_token(out),
        }
    }

    pub(super) fn refresh_due(&self, now: i64) -> bool {
        self.refresh_at.is_some_and(|at| now >= at)
            || self.creds.as_ref().is_some_and(|c| c.expired_at(now))
    }

    /// A planned refresh: only ever started while open.
    pub(super) fn start_refresh(&mut self, out: &mut Vec<Command>) {
        self.refresh_timer = None;
        self.set_state(ConnectionState::RefreshingToken, out);
        self.renewing = self.live;
        out.push(Command::FetchToken);
    }

    pub(super) fn schedule_retry(
        &mut self,
        action: RetryAction,
        floor: Option<u64>,
        now: i64,
        out: &mut Vec<Command>,
    ) {
        self.attempt += 1;
        let delay = self
            .config
            .backoff
            .delay_ms(self.attempt, &mut *self.random, floor);
        self.schedule_retry_in(action, delay, floor, now, out);
    }

    pub(super) fn schedule_retry_in(
        &mut self,
        action: RetryAction,
        delay: u64,
        floor: Option<u64>,
        now: i64,
        out: &mut Vec<Command>,
    ) {
        let timer = self.next_timer(TimerKind::Retry);
        self.retry = Some(PendingRetry {
            timer,
            due_at: now.saturating_add_unsigned(delay),
            not_before: now.saturating_add_unsigned(floor.unwrap_or(0)),
            action,
        });
        out.push(Command::ScheduleTimer {
            timer,
            after_ms: delay,
        });
        let attempt = self.attempt;
        self.set_state(
            ConnectionState::Reconnecting {
                attempt,
                delay_ms: delay,
            },
            out,
        );
    }

    pub(super) fn fail(&mut self, error: ConnectionError, out: &mut Vec<Command>) {
        self.close_transports(out);
        self.retry = None;
        self.refresh_timer = None;
        self.set_state(ConnectionState::Failed { error }, out);
    }
}
