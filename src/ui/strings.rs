//! Every user-visible text of the widget, so a host can translate it ([`Strings`]).
//!
//! Pure (no browser types), so it is compiled and tested natively too. Texts with a parameter
//! hold a `{name}`-style placeholder that [`fill`] substitutes with plain string replacement:
//! templates are never interpreted as code, and the substituted value is still rendered as a
//! text node by the view.

use crate::connection::ConnectionError;

/// Declares [`Strings`] once: field, JS key (camelCase) and English default side by side, so
/// the struct, its `Default`, the JS option keys and their lookup cannot drift apart.
macro_rules! strings {
    ($( $(#[doc = $doc:literal])* $field:ident / $key:literal = $default:literal, )*) => {
        /// Every user-visible text of the widget. `Default` is the English text; override
        /// single fields with struct update syntax, and pass them as `OperatorChat`'s
        /// `strings` prop (`<OperatorChat session_endpoint="/operator/session" strings=french />`):
        ///
        /// ```
        /// use operator_chat::Strings;
        /// let french = Strings {
        ///     title: "Discutons".into(),
        ///     retry: "Réessayer".into(),
        ///     tool_running: "Utilisation de {name}…".into(),
        ///     ..Strings::default()
        /// };
        /// assert_eq!(french.new_chat, Strings::default().new_chat, "the rest stays English");
        /// ```
        ///
        /// The component's `title` and `placeholder` props win over [`Strings::title`] and
        /// [`Strings::placeholder`]. In the JS API each field is a key of `options.locale`
        /// (camelCase, listed in [`Strings::KEYS`]).
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub struct Strings {
            $( $(#[doc = $doc])* #[doc = concat!("\n\nDefault: `", $default, "`; JS key `", $key, "`.")] pub $field: String, )*
        }

        impl Default for Strings {
            fn default() -> Self {
                Strings { $( $field: $default.to_owned(), )* }
            }
        }

        impl Strings {
            /// The JS keys of `options.locale` that name a text (camelCase), in field order.
            pub const KEYS: &'static [&'static str] = &[$( $key, )*];

            /// Sets the text whose JS key is `key`; `false` (and no change) for an unknown key.
            pub fn set(&mut self, key: &str, value: impl Into<String>) -> bool {
                match key {
                    $( $key => self.$field = value.into(), )*
                    _ => return false,
                }
                true
            }

            /// The text whose JS key is `key`.
            pub fn get(&self, key: &str) -> Option<&str> {
                match key {
                    $( $key => Some(&self.$field), )*
                    _ => None,
                }
            }
        }
    };
}

strings! {
    /// Launcher button label while the panel is closed.
    open_chat / "openChat" = "Open chat",
    /// Launcher button label while the panel is closed and agent messages arrived since it was
    /// last open; `{count}` is how many.
    open_chat_unread / "openChatUnread" = "Open chat, {count} unread",
    /// Launcher label while the panel is open, and the panel's close button.
    close_chat / "closeChat" = "Close chat",
    /// Panel title (the component's `title` prop wins).
    title / "title" = "Chat with us",
    /// Header button that ends the conversation.
    end_chat / "endChat" = "End chat",
    /// Status line while fetching a token or connecting.
    status_connecting / "statusConnecting" = "Connecting…",
    /// Status line while connected.
    status_online / "statusOnline" = "Online",
    /// Status line while reconnecting.
    status_reconnecting / "statusReconnecting" = "Reconnecting…",
    /// Status line once the conversation ended.
    status_ended / "statusEnded" = "Ended",
    /// Status line after the connection gave up.
    status_offline / "statusOffline" = "Offline",
    /// Status line of a panel that is open but not started yet: shown while the widget's code
    /// loads (the `<operator-chat>` element shows the panel before its wasm is in).
    status_loading / "statusLoading" = "Loading…",
    /// Accessible name of the transcript.
    transcript_label / "transcriptLabel" = "Conversation",
    /// Accessible name of the starter prompts shown before the visitor's first message.
    starter_prompts / "starterPrompts" = "Suggested questions",
    /// Accessible name of the typing indicator.
    typing / "typing" = "The assistant is typing",
    /// Under a user message not yet sent.
    sending / "sending" = "Sending…",
    /// Under a user message that could not be delivered.
    not_delivered / "notDelivered" = "Not delivered",
    /// Under a user message written just before the connection dropped and not acknowledged
    /// after the reconnect.
    not_confirmed / "notConfirmed" = "May not have been delivered",
    /// Button on a code block in an agent message that copies the code.
    copy_code / "copyCode" = "Copy",
    /// That button's text for a moment after copying.
    copied / "copied" = "Copied",
    /// Button under such a message that sends it again.
    send_again / "sendAgain" = "Send again",
    /// A running tool call; `{name}` is the tool.
    tool_running / "toolRunning" = "Using {name}…",
    /// A failed tool call; `{name}` is the tool.
    tool_failed / "toolFailed" = "{name} failed",
    /// A finished tool call; `{name}` is the tool.
    tool_done / "toolDone" = "Used {name}",
    /// A transcript row for an error event; `{message}` is the service's message.
    row_error / "rowError" = "Something went wrong: {message}",
    /// The transcript row when the conversation ends.
    row_ended / "rowEnded" = "The conversation has ended.",
    /// Error line while reconnecting has taken a while.
    reconnecting_notice / "reconnectingNotice" = "The connection dropped. Trying again…",
    /// Error line button that tries again at once.
    retry / "retry" = "Retry",
    /// The bar shown instead of the composer once the conversation ended.
    ended / "ended" = "This conversation has ended.",
    /// Button in that bar that starts a new conversation.
    new_chat / "newChat" = "Start new chat",
    /// Composer placeholder (the component's `placeholder` prop wins).
    placeholder / "placeholder" = "Write a message…",
    /// Accessible name of the composer's text field.
    message_label / "messageLabel" = "Message",
    /// Accessible name of the send button.
    send / "send" = "Send message",
    /// Error line when the token source failed; `{message}` is its message and code.
    error_token_source / "errorTokenSource" = "Could not start the chat: {message}",
    /// Error line when the service kept rejecting fresh tokens; `{code}` is its error code.
    error_unauthorized / "errorUnauthorized" = "The chat service did not accept this session ({code}).",
    /// Error line when the service forbids this session.
    error_forbidden / "errorForbidden" = "This chat is not available here (forbidden).",
    /// Error line for another refusal; `{status}` is the HTTP status.
    error_rejected / "errorRejected" = "The chat service refused the connection (HTTP {status}).",
    /// Error line for a `server.error`; `{message}` is the service's message.
    error_server / "errorServer" = "The assistant reported a problem: {message}",
    /// Error line when a browser API failed; `{message}` is the detail.
    error_transport / "errorTransport" = "Connection problem: {message}",
}

/// `template` with every `{name}` replaced by `value`, by plain string replacement in one
/// pass: a placeholder inside `value` is not substituted again, and nothing is interpreted.
/// A template without the placeholder is returned as it is.
pub fn fill(template: &str, name: &str, value: &str) -> String {
    template.replace(&format!("{{{name}}}"), value)
}

impl Strings {
    /// The label of a tool call row: running, failed or done.
    pub fn tool_label(&self, name: &str, running: bool, failed: bool) -> String {
        let template = if running {
            &self.tool_running
        } else if failed {
            &self.tool_failed
        } else {
            &self.tool_done
        };
        fill(template, "name", name)
    }

    /// The error line's text for a connection failure (the English default equals its
    /// `Display`).
    pub fn connection_error(&self, error: &ConnectionError) -> String {
        match error {
            ConnectionError::TokenSource(e) => {
                fill(&self.error_token_source, "message", &e.to_string())
            }
            ConnectionError::Unauthorized { code } => fill(&self.error_unauthorized, "code", code),
            ConnectionError::Forbidden => self.error_forbidden.clone(),
            ConnectionError::Rejected { status, .. } => {
                fill(&self.error_rejected, "status", &status.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{fill, Strings};
    use crate::connection::ConnectionError;
    use crate::token::TokenError;

    #[test]
    fn the_placeholder_is_replaced_by_the_value() {
        assert_eq!(
            fill("Using {name}…", "name", "lookup_order"),
            "Using lookup_order…"
        );
        assert_eq!(fill("{name} / {name}", "name", "x"), "x / x");
    }

    #[test]
    fn hostile_values_stay_literal_text() {
        let hostile = "<img src=x onerror=alert(1)> {message} {name} {{name}} %s {0}";
        assert_eq!(
            fill("Something went wrong: {message}", "message", hostile),
            format!("Something went wrong: {hostile}"),
            "a placeholder inside the value is not substituted again"
        );
        assert_eq!(fill("Used {name}", "name", "$1 \\n {}"), "Used $1 \\n {}");
    }

    #[test]
    fn a_template_without_the_placeholder_or_with_another_is_kept_as_is() {
        assert_eq!(fill("Outil terminé", "name", "x"), "Outil terminé");
        assert_eq!(fill("Using {tool}", "name", "x"), "Using {tool}");
        assert_eq!(fill("Using {Name}", "name", "x"), "Using {Name}");
    }

    #[test]
    fn every_key_sets_and_gets_its_own_field() {
        let mut strings = Strings::default();
        for key in Strings::KEYS {
            assert!(strings.set(key, format!("x-{key}")), "{key} is settable");
        }
        for key in Strings::KEYS {
            assert_eq!(strings.get(key), Some(format!("x-{key}").as_str()), "{key}");
        }
        assert!(!strings.set("retyr", "nope"));
        assert_eq!(strings.get("retyr"), None);
        assert_eq!(strings.retry, "x-retry");
    }

    #[test]
    fn keys_are_unique_camel_case_names() {
        let mut keys = Strings::KEYS.to_vec();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), Strings::KEYS.len(), "no duplicate key");
        for key in Strings::KEYS {
            assert!(key.chars().all(|c| c.is_ascii_alphabetic()), "{key}");
            assert!(key.starts_with(|c: char| c.is_ascii_lowercase()), "{key}");
        }
    }

    #[test]
    fn tool_labels_pick_the_template_by_state() {
        let strings = Strings::default();
        assert_eq!(strings.tool_label("lookup", true, false), "Using lookup…");
        assert_eq!(strings.tool_label("lookup", false, true), "lookup failed");
        assert_eq!(strings.tool_label("lookup", false, false), "Used lookup");
    }

    #[test]
    fn english_connection_errors_read_like_their_display() {
        let strings = Strings::default();
        let errors = [
            ConnectionError::TokenSource(TokenError {
                code: "forbidden".into(),
                message: "chat is closed".into(),
                transient: false,
                retry_after_ms: None,
            }),
            ConnectionError::Unauthorized {
                code: "token_revoked".into(),
            },
            ConnectionError::Forbidden,
            ConnectionError::Rejected {
                status: 409,
                code: None,
            },
        ];
        for error in errors {
            assert_eq!(strings.connection_error(&error), error.to_string());
        }
    }

    #[test]
    fn translated_connection_errors_use_the_translation() {
        let strings = Strings {
            error_rejected: "Connexion refusée (HTTP {status}).".into(),
            ..Strings::default()
        };
        let error = ConnectionError::Rejected {
            status: 503,
            code: None,
        };
        assert_eq!(
            strings.connection_error(&error),
            "Connexion refusée (HTTP 503)."
        );
    }

    #[test]
    fn the_typescript_locale_type_documents_every_key_with_its_english_default() {
        let dts = include_str!("../../pkg-config/types/api.d.ts");
        let start = dts
            .find("export interface OperatorChatLocale")
            .expect("OperatorChatLocale in api.d.ts");
        let body = &dts[start..];
        let body = &body[..body.find("\n}").expect("end of the interface")];
        let english = Strings::default();
        for key in Strings::KEYS {
            assert!(
                body.contains(&format!("  {key}?: string;")),
                "{key} in the type"
            );
            let default = english.get(key).expect("known key");
            assert!(
                body.contains(default),
                "{key}'s default {default:?} documented"
            );
        }
    }
}
