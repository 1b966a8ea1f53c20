//! Log redaction: a `MakeWriter` wrapper that scrubs secrets from every formatted log line.
//!
//! It removes the configured secrets (the API key, the admin key) wherever they appear, plus
//! anything that looks like a credential: `token=<v>` in URLs, `"token":"<v>"` in JSON,
//! `Bearer <v>` and the value of the demo session cookie.

use std::io::{self, Write};
use std::sync::Arc;

use tracing_subscriber::fmt::MakeWriter;

const MASK: &str = "[REDACTED]";

/// Scrubs known secrets and credential-shaped values from text.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Arc<Vec<String>>,
}

impl std::fmt::Debug for Redactor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Redactor({} secrets)", self.secrets.len())
    }
}

impl Redactor {
    /// Redacts these literal secrets (empty ones are ignored) and credential patterns.
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let secrets = secrets.into_iter().filter(|s| !s.is_empty()).collect();
        Redactor {
            secrets: Arc::new(secrets),
        }
    }

    /// The text with every secret and credential value replaced by `[REDACTED]`.
    pub fn redact(&self, text: &str) -> String {
        // Patterns first: a short literal secret must not break a marker like `token=`.
        let mut out = text.to_owned();
        for marker in [
            "token=",
            "\"token\":\"",
            "\"token\": \"",
            "Bearer ",
            "opchat_demo=",
        ] {
            out = mask_after(&out, marker);
        }
        for secret in self.secrets.iter() {
            out = out.replace(secret.as_str(), MASK);
        }
        out
    }

    /// Wraps a writer factory so everything written through it is redacted first.
    pub fn wrap<M>(&self, inner: M) -> RedactingMakeWriter<M> {
        RedactingMakeWriter {
            inner,
            redactor: self.clone(),
        }
    }
}

/// Replaces the value following each `marker` (up to a delimiter) with the mask.
fn mask_after(text: &str, marker: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(marker) {
        let value_start = at + marker.len();
        out.push_str(&rest[..value_start]);
        let tail = &rest[value_start..];
        let end = tail
            .find(|c: char| {
                c.is_whitespace() || matches!(c, '&' | '"' | '\'' | ';' | ',' | '}' | ')' | '>')
            })
            .unwrap_or(tail.len());
        if end > 0 && &tail[..end] != MASK {
            out.push_str(MASK);
        } else {
            out.push_str(&tail[..end]);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// A [`MakeWriter`] whose writers redact each buffered write before passing it on.
#[derive(Clone, Debug)]
pub struct RedactingMakeWriter<M> {
    inner: M,
    redactor: Redactor,
}

/// The writer [`RedactingMakeWriter`] hands out: buffers one event, redacts it on drop.
pub struct RedactingWriter<W: Write> {
    inner: W,
    redactor: Redactor,
    buffer: Vec<u8>,
}

impl<W: Write> Write for RedactingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return self.inner.flush();
        }
        let text = String::from_utf8_lossy(&self.buffer);
        let clean = self.redactor.redact(&text);
        self.buffer.clear();
        self.inner.write_all(clean.as_bytes())?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for RedactingWriter<W> {
    fn drop(&mut self) {
        // A log line that cannot be written is dropped; there is nowhere to report it.
        let _ = self.flush();
    }
}

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for RedactingMakeWriter<M> {
    type Writer = RedactingWriter<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        RedactingWriter {
            inner: self.inner.make_writer(),
            redactor: self.redactor.clone(),
            buffer: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn secrets_and_credential_values_are_masked() {
        let r = Redactor::new(["op_live_secret".to_owned(), String::new()]);
        let line = r#"GET /c/1/events?after=ev_1&token=tok_abc key=op_live_secret {"token":"tok_def"} Authorization: Bearer xyz cookie: opchat_demo=demo_1.ff; x"#;
        let clean = r.redact(line);
        for secret in ["op_live_secret", "tok_abc", "tok_def", "xyz", "demo_1.ff"] {
            assert!(!clean.contains(secret), "{secret} survived in {clean}");
        }
        assert!(
            clean.contains("after=ev_1&token=[REDACTED]"),
            "shape kept: {clean}"
        );
    }

    #[test]
    fn a_short_secret_does_not_stop_token_values_being_masked() {
        let clean = Redactor::new(["k".to_owned()]).redact("GET /x?token=tok_secret");
        assert!(!clean.contains("tok_secret"), "{clean}");
    }

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn tracing_output_through_the_wrapper_is_redacted() {
        let capture = Capture::default();
        let sink = capture.clone();
        let redactor = Redactor::new(["op_live_secret".to_owned()]);
        let subscriber = tracing_subscriber::fmt()
            .with_writer(redactor.wrap(move || sink.clone()))
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::info!(uri = "/x?token=tok_123", key = "op_live_secret", "request");
        });
        let logged = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
        assert!(logged.contains("request"), "the line was written: {logged}");
        assert!(
            !logged.contains("tok_123") && !logged.contains("op_live_secret"),
            "{logged}"
        );
    }
}
