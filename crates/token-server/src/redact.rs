//! Log redaction: a `MakeWriter` wrapper that scrubs secrets from every formatted log line.
//!
//! It removes the configured secrets (the API key, the admin key, the cookie secrets) wherever
//! they appear, plus anything that looks like a credential: `token=<v>` in URLs,
//! `"token":"<v>"` in JSON (escaped or not, `access_token` too), `Bearer <v>` and the value of
//! the demo session cookie, in any ASCII case.

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

    /// The text with every secret and credential value replaced by `[REDACTED]`. Matching
    /// ignores ASCII case, and sees through JSON escaping (`\"token\":\"…\"`, as a JSON
    /// body logged inside a JSON string looks).
    pub fn redact(&self, text: &str) -> String {
        let lower = text.to_ascii_lowercase();
        let mut spans = credential_spans(&lower);
        for secret in self.secrets.iter() {
            let secret = secret.to_ascii_lowercase();
            spans.extend(
                lower
                    .match_indices(&secret)
                    .map(|(at, _)| (at, at + secret.len())),
            );
        }
        spans.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for (start, end) in spans {
            if end <= copied {
                continue;
            }
            if start >= copied {
                out.push_str(&text[copied..start]);
                out.push_str(MASK);
            }
            copied = end;
        }
        out.push_str(&text[copied..]);
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

/// Keys whose value is a credential: `token` (so `access_token` too) and the demo cookie.
const KEYS: [&str; 2] = ["token", "opchat_demo"];

/// Byte ranges of credential values in `lower` (already ASCII-lowercased): the value after
/// `<key>=`, `<key>: `, `"<key>":"`, `\"<key>\": \"`, and after `bearer `.
fn credential_spans(lower: &str) -> Vec<(usize, usize)> {
    let bytes = lower.as_bytes();
    let mut spans = Vec::new();
    for key in KEYS {
        for (at, _) in lower.match_indices(key) {
            let mut i = skip_quote(bytes, at + key.len());
            i = skip_spaces(bytes, i);
            if !matches!(bytes.get(i), Some(b':' | b'=')) {
                continue;
            }
            i = skip_spaces(bytes, i + 1);
            let start = skip_quote(bytes, i);
            let end = value_end(bytes, start, start > i);
            if end > start {
                spans.push((start, end));
            }
        }
    }
    for (at, _) in lower.match_indices("bearer ") {
        let start = skip_spaces(bytes, at + "bearer ".len());
        let end = value_end(bytes, start, false);
        if end > start {
            spans.push((start, end));
        }
    }
    spans
}

/// Past an opening or closing quote at `i`: `"`, `'` or an escaped `\"`.
fn skip_quote(bytes: &[u8], i: usize) -> usize {
    match (bytes.get(i), bytes.get(i + 1)) {
        (Some(b'\\'), Some(b'"')) => i + 2,
        (Some(b'"' | b'\''), _) => i + 1,
        _ => i,
    }
}

fn skip_spaces(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(|b| *b == b' ' || *b == b'\t') {
        i += 1;
    }
    i
}

/// Where a value starting at `start` ends: at a quote or backslash when quoted, else also at a
/// delimiter of URLs, cookies, headers or JSON.
fn value_end(bytes: &[u8], start: usize, quoted: bool) -> usize {
    let ends = |b: u8| {
        matches!(b, b'"' | b'\'' | b'\\')
            || (!quoted
                && (b.is_ascii_whitespace()
                    || matches!(b, b'&' | b';' | b',' | b'}' | b')' | b'>' | b']')))
    };
    let start = start.min(bytes.len());
    bytes[start..]
        .iter()
        .position(|b| ends(*b))
        .map_or(bytes.len(), |n| start + n)
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
    fn matching_ignores_case_and_sees_through_escaped_json() {
        let r = Redactor::new(["Op_Live_Secret".to_owned()]);
        let line = concat!(
            r#"body="{\"token\":\"tok_esc1\",\"Access_Token\": \"tok_esc2\"}" "#,
            r#"URL=/e?TOKEN=tok_upper AUTHORIZATION: bearer tok_bearer "#,
            r#"Cookie: OPCHAT_DEMO=demo_2.aa Session { token: "tok_debug" } "#,
            r#"key=OP_LIVE_SECRET"#,
        );
        let clean = r.redact(line);
        for secret in [
            "tok_esc1",
            "tok_esc2",
            "tok_upper",
            "tok_bearer",
            "demo_2.aa",
            "tok_debug",
            "OP_LIVE_SECRET",
        ] {
            assert!(!clean.contains(secret), "{secret} survived in {clean}");
        }
        assert!(
            clean.contains(r#"{\"token\":\"[REDACTED]\","#),
            "shape kept: {clean}"
        );
        let plain = "token refreshed for the current conversation; 3 tokens left";
        assert_eq!(r.redact(plain), plain, "prose about tokens is left alone");
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
