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

/// `events_url?token=…[&after=…]`: the SSE URL resuming after `after` (the last seen event id).
///
/// ```
/// use operator_chat::protocol::events_url;
/// let url = events_url("http://127.0.0.1:4010/conversations/conv_1/events", "tok a", Some("ev_9"));
/// assert_eq!(url, "http://127.0.0.1:4010/conversations/conv_1/events?token=tok%20a&after=ev_9");
/// ```
pub fn events_url(base: &str, token: &str, after: Option<&str>) -> String {
    match after {
        Some(after) => with_query(base, &[("token", token), ("after", after)]),
        None => with_query(base, &[("token", token)]),
    }
}

/// `session_url?token=…`: the WebSocket URL.
pub fn session_url(base: &str, token: &str) -> String {
    with_query(base, &[("token", token)])
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
    fn events_url_without_cursor_has_only_the_token() {
        assert_eq!(events_url("http://h/e", "t", None), "http://h/e?token=t");
    }

    #[test]
    fn urls_that_already_have_a_query_get_an_ampersand() {
        assert_eq!(session_url("ws://h/s?x=1", "t"), "ws://h/s?x=1&token=t");
        assert_eq!(
            events_url("http://h/e?x=1", "t", Some("ev 1")),
            "http://h/e?x=1&token=t&after=ev%201"
        );
    }
}
