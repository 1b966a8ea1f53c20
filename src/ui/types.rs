//! The public types of the component's props and callbacks.

use std::rc::Rc;

use crate::connection::ConnectionError;
use crate::token::{TokenFuture, TokenSource};
use crate::transport::TransportError;

/// When the widget's code is fetched. For the `<operator-chat>` element this is when its wasm
/// comes; for the component, whether the code the panel does not need to open and stream plain
/// text (the markdown renderer's chunk, in a build that splits the wasm) comes at once
/// (`Eager`) or when the panel first opens (`Idle`, `Interaction`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Loading {
    /// After the page's `load` event, in an idle period (the element's wasm). The default.
    #[default]
    Idle,
    /// Only when a visitor comes near the launcher (the element's wasm).
    Interaction,
    /// At once.
    Eager,
}

impl Loading {
    /// The policy named `name` (`idle`, `interaction`, `eager`), as the JS API and the element's
    /// `loading` attribute spell it.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "idle" => Some(Self::Idle),
            "interaction" => Some(Self::Interaction),
            "eager" => Some(Self::Eager),
            _ => None,
        }
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageRole {
    /// The person using the widget.
    User,
    /// The Operator agent.
    Agent,
}

/// A finished message, passed to `on_message`: an agent message once completed, a user message
/// once the service acknowledged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatMessage {
    /// Who wrote it.
    pub role: MessageRole,
    /// The final text.
    pub text: String,
    /// When the service recorded it, in Unix milliseconds.
    pub at_ms: i64,
}

/// Something went wrong; passed to `on_error` and shown in the error line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChatError {
    /// The connection gave up (the Retry button starts again).
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    /// The service reported an error while handling a message (`server.error`).
    #[error("The assistant reported a problem: {message}")]
    Server {
        /// Human-readable message from the service.
        message: String,
        /// Machine-readable code, when given.
        code: Option<String>,
    },
    /// A browser API failed (e.g. a socket could not be opened). The connection retries.
    #[error("Connection problem: {0}")]
    Transport(#[from] TransportError),
}

/// An async function that returns fresh credentials for the conversation: the alternative to
/// `session_endpoint` for hosts that mint tokens their own way (the ChatKit-style
/// `getClientSecret` shape). Called at start, before expiry and after a token is rejected.
///
/// ```no_run
/// use operator_chat::token::{Credentials, TokenError, TokenFuture};
/// use operator_chat::TokenSourceFn;
///
/// # async fn my_backend_session() -> Result<Credentials, TokenError> { unimplemented!() }
/// let source = TokenSourceFn::from(|| -> TokenFuture { Box::pin(my_backend_session()) });
/// ```
#[derive(Clone)]
pub struct TokenSourceFn(pub(crate) Rc<dyn TokenSource>);

impl TokenSourceFn {
    /// Wraps any [`TokenSource`].
    pub fn new(source: impl TokenSource + 'static) -> Self {
        TokenSourceFn(Rc::new(source))
    }
}

impl<F> From<F> for TokenSourceFn
where
    F: Fn() -> TokenFuture + 'static,
{
    fn from(f: F) -> Self {
        TokenSourceFn(Rc::new(f))
    }
}

impl std::fmt::Debug for TokenSourceFn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenSourceFn(..)")
    }
}
