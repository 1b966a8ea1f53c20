//! Random opaque ids and RFC 3339 timestamps.

use rand::distr::{Alphanumeric, SampleString};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// `prefix` followed by `len` random ASCII alphanumerics.
pub fn random_id(prefix: &str, len: usize) -> String {
    let mut out = String::with_capacity(prefix.len() + len);
    out.push_str(prefix);
    out.push_str(&Alphanumeric.sample_string(&mut rand::rng(), len));
    out
}

/// A new conversation id, e.g. `conv_8qm9JBCiTe7Xy`.
pub fn conversation_id() -> String {
    random_id("conv_", 14)
}

/// A new event id, e.g. `ev_8qm9JBCiTe7XyZ12`.
pub fn event_id() -> String {
    random_id("ev_", 16)
}

/// A new conversational agent id.
pub fn agent_id() -> String {
    random_id("ca_", 14)
}

/// A new generation id for an agent message.
pub fn generation_id() -> String {
    random_id("gen_", 14)
}

/// A new tool call id.
pub fn call_id() -> String {
    random_id("call_", 14)
}

/// Now, in UTC.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// RFC 3339 with whole seconds and `Z`, e.g. `2025-07-01T12:00:00Z`.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339)
        .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_string())
}

/// Parses an RFC 3339 timestamp (query filters).
pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_their_prefix_and_random_alphanumerics() {
        let a = random_id("tok_", 32);
        assert!(a.starts_with("tok_"), "{a}");
        assert_eq!(a.len(), 36, "{a}");
        assert!(a[4..].chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, random_id("tok_", 32), "two ids differ");
    }

    #[test]
    fn timestamps_are_whole_second_utc() {
        let s = rfc3339(now());
        assert!(s.ends_with('Z'), "{s}");
        assert_eq!(s.len(), 20, "{s}");
        assert!(parse_rfc3339(&s).is_some(), "round-trips: {s}");
    }
}
