//! An incremental parser of the `text/event-stream` format, as the
//! [WHATWG HTML standard](https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation)
//! defines it for `EventSource`: decoded text goes in chunk by chunk (cut anywhere, even inside
//! a line), `message` events come out. The stream is UTF-8; decoding it (invalid bytes become
//! U+FFFD, a character cut between network chunks is joined) is the caller's part: the widget
//! uses the browser's `TextDecoder` in streaming mode, which does exactly that.
//!
//! Fields: `data` (lines joined with LF), `id` (kept across events as the last event ID, ignored
//! if it contains NUL), `event` (only `message` events, the type an `EventSource`'s `onmessage`
//! receives, are dispatched); `retry` is ignored (the connection policy decides when to
//! reconnect); lines starting with `:` are comments. Lines end with CR, LF or CRLF; one leading
//! BOM is skipped. An event still pending when the stream ends is discarded.
//!
//! Not a crate: `eventsource-stream`, the candidate, parses with `nom` and builds every event's
//! data string (measured: 2.4 KB brotli more on the package than this parser), while a replay
//! needs to drop an already-applied event by its id before its data is copied out; the stack has
//! no SSE parser of its own.

/// The byte order mark, skipped once at the start of a stream.
const BOM: char = '\u{FEFF}';

/// One dispatched `message` event, borrowed from the parser: copy out only what is needed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SseMessage<'a> {
    /// The last event ID (the event's own `id:` or the one before it; empty if none yet).
    pub id: &'a str,
    /// The event's data: its `data` lines joined with LF.
    pub data: &'a str,
}

/// The parser's state between chunks: a partial line, the event being collected and the last
/// event ID. Feed it with [`SseParser::feed`].
#[derive(Debug, Default)]
pub struct SseParser {
    /// The start of a line whose end has not arrived yet.
    line: String,
    /// The `data` lines of the pending event, each followed by LF (a reused buffer).
    data: String,
    /// Whether the pending event's type (`event:`) is something other than `message`.
    other_type: bool,
    /// The last event ID buffer.
    last_id: String,
    /// Whether the first line was read (the BOM check is done).
    started: bool,
    /// The previous chunk ended with CR: a LF at the start of the next one ends nothing.
    after_cr: bool,
}

impl SseParser {
    /// A parser at the start of a stream.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses `chunk`, the next text of the stream, calling `on_message` for each `message`
    /// event it completes, in order.
    pub fn feed(&mut self, chunk: &str, mut on_message: impl FnMut(SseMessage<'_>)) {
        let mut rest = chunk;
        if self.after_cr && !rest.is_empty() {
            self.after_cr = false;
            rest = rest.strip_prefix('\n').unwrap_or(rest);
        }
        // Line ends are ASCII, so every cut below falls between characters.
        while let Some(end) = rest.bytes().position(|b| b == b'\n' || b == b'\r') {
            let bytes = rest.as_bytes();
            let mut next = end + 1;
            if bytes[end] == b'\r' {
                match bytes.get(next) {
                    Some(b'\n') => next += 1,
                    Some(_) => {}
                    None => self.after_cr = true,
                }
            }
            if self.line.is_empty() {
                self.line_ended(&rest[..end], &mut on_message);
            } else {
                let mut line = std::mem::take(&mut self.line);
                line.push_str(&rest[..end]);
                self.line_ended(&line, &mut on_message);
                line.clear();
                self.line = line;
            }
            rest = &rest[next..];
        }
        self.line.push_str(rest);
    }

    /// Handles one complete line (without its end).
    fn line_ended(&mut self, mut line: &str, on_message: &mut impl FnMut(SseMessage<'_>)) {
        if !self.started {
            self.started = true;
            line = line.strip_prefix(BOM).unwrap_or(line);
        }
        if line.is_empty() {
            return self.dispatch(on_message);
        }
        let (field, value) = match line.find(':') {
            Some(0) => return, // a comment
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(' ').unwrap_or(value))
            }
            None => (line, ""),
        };
        match field {
            "data" => {
                self.data.push_str(value);
                self.data.push('\n');
            }
            "id" if !value.contains('\0') => {
                self.last_id.clear();
                self.last_id.push_str(value);
            }
            "event" => self.other_type = !(value.is_empty() || value == "message"),
            _ => {} // `retry`, a NUL-bearing `id` and unknown fields are ignored.
        }
    }

    /// A blank line: the pending event is complete.
    fn dispatch(&mut self, on_message: &mut impl FnMut(SseMessage<'_>)) {
        if !self.data.is_empty() && !self.other_type {
            let data = &self.data[..self.data.len() - 1]; // without the last LF
            on_message(SseMessage {
                id: &self.last_id,
                data,
            });
        }
        self.data.clear();
        self.other_type = false;
    }
}
