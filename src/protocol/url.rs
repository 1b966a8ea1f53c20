//! Building the token-bearing URLs for the events stream and the session socket.

/// Percent-encodes everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
pub fn percent_encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn with_query(base: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = base.to_owned();
    let mut sep = if base.contains('?') { '&' } else { '?' };
    for (key, value) in pairs {
        url.push(sep);
        url.push_str(key);
        url.push('=');
        url.push_str(&percent_encode(value));
        sep = '&';
    }
    url
}

/// `events_url?token=…`: the SSE URL. The token is its only parameter: the service documents
/// no cursor, so every connect replays the conversation from its first event and the widget
/// skips the events it already has (by event id).
///
/// ```
/// use operator_chat::protocol::events_url;
/// let url = events_url("http://127.0.0.1:4010/conversations/conv_1/events", "tok a");
/// assert_eq!(url, "http://127.0.0.1:4010/conversations/conv_1/events?token=tok%20a");
/// ```
pub fn events_url(base: &str, token: &str) -> String {
    with_query(base, &[("token", token)])
}

/// `session_url?token=…`: the WebSocket URL.
pub fn session_url(base: &str, token: &str) -> String {
    with_query(base, &[("token", token)])
}

/// What [`redact_tokens`] writes in place of a token.
pub const REDACTED: &str = "[redacted]";

/// `text` with the value of every `token=` parameter (any case, also percent-encoded as
/// `token%3D`) replaced by [`REDACTED`]: for URLs and browser messages that may quote a
/// token-bearing URL, before they reach a log, an error or `Debug` output.
///
/// ```
/// use operator_chat::protocol::redact_tokens;
/// let message = "The URL 'ws://h/s?x=1&token=tok_abc' is invalid.";
/// assert_eq!(redact_tokens(message), "The URL 'ws://h/s?x=1&token=[redacted]' is invalid.");
/// ```
pub fn redact_tokens(text: &str) -> String {
    const KEYS: [&str; 2] = ["token=", "token%3d"];
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < text.len() {
        let Some(key) = KEYS.iter().find(|k| lower[at..].starts_with(*k)) else {
            at += lower[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let value = at + key.len();
        let end = text[value..]
            .find(|c: char| {
                c == '&'
                    || c == '#'
                    || c == '\''
                    || c == '"'
                    || c == '<'
                    || c == '>'
                    || c == ')'
                    || c == '`'
                    || c.is_whitespace()
            })
            .map_or(text.len(), |n| value + n);
        out.push_str(&text[copied..value]);
        out.push_str(REDACTED);
        copied = end;
        at = end.max(value);
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reserved_and_non_ascii_characters_are_escaped() {
        assert_eq!(percent_encode("a+b/c=d&e?f"), "a%2Bb%2Fc%3Dd%26e%3Ff");
        assert_eq!(percent_encode("é"), "%C3%A9");
        assert_eq!(percent_encode("tok_AZaz09-._~"), "tok_AZaz09-._~");
    }

    #[test]
    fn events_url_carries_the_token_and_nothing_else() {
        assert_eq!(events_url("http://h/e", "t"), "http://h/e?token=t");
    }

    #[test]
    fn urls_that_already_have_a_query_get_an_ampersand() {
        assert_eq!(session_url("ws://h/s?x=1", "t"), "ws://h/s?x=1&token=t");
        assert_eq!(events_url("http://h/e?x=1", "t"), "http://h/e?x=1&token=t");
    }

    #[test]
    fn redaction_hides_every_token_value_and_keeps_the_rest() {
        assert_eq!(
            redact_tokens("ws://h/s?token=a%2Fb&x=1 and http://h/e?TOKEN=c#f"),
            "ws://h/s?token=[redacted]&x=1 and http://h/e?TOKEN=[redacted]#f"
        );
        assert_eq!(
            redact_tokens("next=%3Ftoken%3Dtok_1"),
            "next=%3Ftoken%3D[redacted]"
        );
        assert_eq!(redact_tokens("\"token=tok\" é"), "\"token=[redacted]\" é");
        assert_eq!(redact_tokens("token="), "token=[redacted]");
        assert_eq!(redact_tokens("no secrets here"), "no secrets here");
    }
}
