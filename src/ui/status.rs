//! What the header, error line and rows show for a state: pure texts and tokens.

use super::types::ChatError;
use crate::connection::ConnectionState;
use crate::strings::{fill, Strings};
use crate::transcript::{EntryKind, ToolCall, ToolCallStatus, UserStatus};

/// Short words for the status line.
pub(crate) fn state_label<'a>(strings: &'a Strings, state: &ConnectionState) -> &'a str {
    match state {
        ConnectionState::Idle => &strings.status_loading,
        ConnectionState::FetchingToken | ConnectionState::Connecting => &strings.status_connecting,
        ConnectionState::Open => &strings.status_online,
        ConnectionState::Reconnecting { .. } => &strings.status_reconnecting,
        ConnectionState::RefreshingToken => &strings.status_reconnecting,
        ConnectionState::Ended => &strings.status_ended,
        ConnectionState::Failed { .. } => &strings.status_offline,
    }
}

/// A stable token for `data-state` (styling and tests).
pub(crate) fn state_key(state: &ConnectionState) -> &'static str {
    match state {
        ConnectionState::Idle => "idle",
        ConnectionState::FetchingToken => "fetching-token",
        ConnectionState::Connecting => "connecting",
        ConnectionState::Open => "open",
        ConnectionState::Reconnecting { .. } => "reconnecting",
        ConnectionState::RefreshingToken => "refreshing-token",
        ConnectionState::Ended => "ended",
        ConnectionState::Failed { .. } => "failed",
    }
}

/// A stable token for a user row's `data-status`.
pub(crate) fn user_status(status: UserStatus) -> &'static str {
    match status {
        UserStatus::Pending => "pending",
        UserStatus::Sent => "sent",
        UserStatus::Confirmed => "confirmed",
        UserStatus::Failed => "failed",
        UserStatus::Unconfirmed => "unconfirmed",
    }
}

/// The words under a user message for its delivery status.
pub(crate) fn delivery_text(strings: &Strings, status: UserStatus) -> &str {
    match status {
        UserStatus::Pending => &strings.sending,
        UserStatus::Failed => &strings.not_delivered,
        UserStatus::Unconfirmed => &strings.not_confirmed,
        UserStatus::Sent | UserStatus::Confirmed => "",
    }
}

/// A tool row's `data-state` and label.
pub(crate) fn tool_state(strings: &Strings, call: &ToolCall) -> (&'static str, String) {
    let running = call.status == ToolCallStatus::Running;
    let state = match () {
        _ if running => "running",
        _ if call.error.is_some() => "error",
        _ => "returned",
    };
    (
        state,
        strings.tool_label(&call.name, running, call.error.is_some()),
    )
}

/// What a notice row shows: an agent notice, a `server.error`, or the end of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NoticeKind {
    /// `agent.notice.sent`, with its text.
    Notice(String),
    /// `server.error`, with its message.
    Error(String),
    /// `conversation.ended`.
    Ended,
}

impl NoticeKind {
    /// The notice `kind` shows, if it is one.
    pub(crate) fn of(kind: &EntryKind) -> Option<Self> {
        match kind {
            EntryKind::Notice { text } => Some(NoticeKind::Notice(text.clone())),
            EntryKind::Error { message, .. } => Some(NoticeKind::Error(message.clone())),
            EntryKind::Ended { .. } => Some(NoticeKind::Ended),
            _ => None,
        }
    }

    /// The row's `data-role` token.
    pub(crate) fn role(&self) -> &'static str {
        match self {
            NoticeKind::Notice(_) => "notice",
            NoticeKind::Error(_) => "error",
            NoticeKind::Ended => "ended",
        }
    }

    /// The row's text in the widget's language.
    pub(crate) fn text(&self, strings: &Strings) -> String {
        match self {
            NoticeKind::Notice(text) => text.clone(),
            NoticeKind::Error(message) => fill(&strings.row_error, "message", message),
            NoticeKind::Ended => strings.row_ended.clone(),
        }
    }
}

/// Retries after which a dropped connection is shown in the error line (with Retry).
const SHOW_RECONNECTING_AFTER: u32 = 3;

/// The error line's text: the error, or a notice once reconnecting has taken a while.
pub(crate) fn error_message(
    strings: &Strings,
    error: Option<&ChatError>,
    state: &ConnectionState,
) -> Option<String> {
    if let Some(error) = error {
        return Some(chat_error_text(strings, error));
    }
    match state {
        ConnectionState::Reconnecting { attempt, .. } if *attempt >= SHOW_RECONNECTING_AFTER => {
            Some(strings.reconnecting_notice.clone())
        }
        _ => None,
    }
}

/// The error line's text for `error`, in the widget's language (English equals its `Display`).
pub(crate) fn chat_error_text(strings: &Strings, error: &ChatError) -> String {
    match error {
        ChatError::Connection(e) => strings.connection_error(e),
        ChatError::Server { message, .. } => fill(&strings.error_server, "message", message),
        ChatError::Transport(e) => fill(&strings.error_transport, "message", &e.to_string()),
    }
}
