//! Which conversation a caller resumes, kept in the browser instead of in one process's memory:
//! the cookie `opchat_conv=<conversation id>.<hex HMAC-SHA256>`.
//!
//! The MAC covers the caller and the conversation, keyed with a secret every instance shares
//! (`OPERATOR_SESSION_SECRET`), so any instance behind a load balancer resumes the same
//! conversation, and a cookie that was altered or belongs to another caller is ignored (the
//! caller then gets a new conversation). Part of the snippet: copy it with `mint.rs`.

use axum::http::{header, HeaderMap, HeaderValue};
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;

use crate::authorize::CallerId;

/// The cookie's name.
pub const CONVERSATION_COOKIE: &str = "opchat_conv";

/// How long the browser keeps the cookie (one day, like a conversation worth resuming).
const MAX_AGE_SECS: u32 = 86_400;

/// Signs and verifies caller-to-conversation cookies.
#[derive(Clone, Debug)]
pub struct ConversationCookie {
    secret: Secret,
}

impl ConversationCookie {
    /// Uses `secret` (give every instance the same one; 32 random bytes is sensible).
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        ConversationCookie {
            secret: Secret(secret.into()),
        }
    }

    /// A random secret: cookies only verify on this process, until it restarts.
    pub fn random() -> Self {
        ConversationCookie {
            secret: Secret::random(),
        }
    }

    fn mac(&self, caller: &CallerId, conversation_id: &str) -> Hmac<Sha256> {
        let mut mac = self.secret.mac();
        // Length-prefixed, so no (caller, conversation) pair signs like another.
        mac.update(b"opchat_conv/1");
        for part in [caller.0.as_bytes(), conversation_id.as_bytes()] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part);
        }
        mac
    }

    /// The cookie value binding `caller` to `conversation_id`; `None` when the id has
    /// characters a cookie cannot carry (then nothing is remembered).
    pub fn sign(&self, caller: &CallerId, conversation_id: &str) -> Option<String> {
        let safe = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-');
        if conversation_id.is_empty()
            || conversation_id.len() > 128
            || !conversation_id.chars().all(safe)
        {
            return None;
        }
        let sig = self.mac(caller, conversation_id).finalize().into_bytes();
        Some(format!("{conversation_id}.{}", hex(&sig)))
    }

    /// The conversation a cookie value binds to `caller`, if its MAC holds (constant time).
    pub fn verify(&self, caller: &CallerId, value: &str) -> Option<String> {
        let (conversation_id, sig) = value.rsplit_once('.')?;
        let sig = unhex(sig)?;
        self.mac(caller, conversation_id).verify_slice(&sig).ok()?;
        Some(conversation_id.to_owned())
    }

    /// The conversation `caller` resumes, from the request's cookies.
    pub fn from_headers(&self, caller: &CallerId, headers: &HeaderMap) -> Option<String> {
        self.verify(caller, cookie(headers, CONVERSATION_COOKIE)?)
    }

    /// The `Set-Cookie` value remembering `conversation_id` for `caller`: `HttpOnly`,
    /// `SameSite=Strict`, `Secure` when `secure`, one day.
    pub fn set_cookie(
        &self,
        caller: &CallerId,
        conversation_id: &str,
        secure: bool,
    ) -> Option<HeaderValue> {
        let value = self.sign(caller, conversation_id)?;
        let secure = if secure { "; Secure" } else { "" };
        let cookie = format!(
            "{CONVERSATION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={MAX_AGE_SECS}{secure}"
        );
        HeaderValue::from_str(&cookie).ok()
    }
}

/// Whether the browser reached us over HTTPS: its `Origin` is `https://…` (a page on HTTPS
/// cannot call plain HTTP), or a proxy says so in `X-Forwarded-Proto`.
pub fn is_https(headers: &HeaderMap) -> bool {
    let https_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|o| o.starts_with("https://"));
    let forwarded = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|p| p.trim().eq_ignore_ascii_case("https"));
    https_origin || forwarded
}

/// The value of cookie `name` across all `Cookie` headers.
pub fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// An HMAC-SHA256 signing secret; its `Debug` shows `[REDACTED]`, never the bytes.
#[derive(Clone)]
pub(crate) struct Secret(pub(crate) Vec<u8>);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl Secret {
    /// 32 random bytes.
    pub(crate) fn random() -> Self {
        let mut secret = vec![0u8; 32];
        rand::rng().fill(&mut secret[..]);
        Secret(secret)
    }

    /// A MAC keyed with this secret, ready for the signed parts.
    pub(crate) fn mac(&self) -> Hmac<Sha256> {
        // HMAC accepts keys of any length, so this cannot fail.
        Hmac::<Sha256>::new_from_slice(&self.0).expect("hmac takes any key")
    }
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of a hex string, if it is one.
pub(crate) fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caller(id: &str) -> CallerId {
        CallerId(id.to_owned())
    }

    #[test]
    fn a_signed_conversation_verifies_for_its_caller_only() {
        let cookies = ConversationCookie::new(*b"0123456789abcdef0123456789abcdef");
        let value = cookies.sign(&caller("alice"), "conv_1").unwrap();
        assert_eq!(
            cookies.verify(&caller("alice"), &value).as_deref(),
            Some("conv_1")
        );
        assert_eq!(
            cookies.verify(&caller("bob"), &value),
            None,
            "another caller"
        );
        let tampered = value.replacen("conv_1", "conv_2", 1);
        assert_eq!(
            cookies.verify(&caller("alice"), &tampered),
            None,
            "another conversation"
        );
        let other = ConversationCookie::new(*b"another secret, another server!!");
        assert_eq!(
            other.verify(&caller("alice"), &value),
            None,
            "another secret"
        );
        for junk in ["", "conv_1", "conv_1.zz", ".", "conv_1.00"] {
            assert_eq!(cookies.verify(&caller("alice"), junk), None, "{junk:?}");
        }
    }

    #[test]
    fn debug_output_never_shows_a_secret() {
        let secret = *b"a secret that must stay hidden!!";
        assert_eq!(
            format!("{:?}", ConversationCookie::new(secret)),
            "ConversationCookie { secret: [REDACTED] }"
        );
        assert_eq!(
            format!("{:?}", crate::DemoCookieAuth::new(secret)),
            "DemoCookieAuth { secret: [REDACTED] }"
        );
    }

    #[test]
    fn the_cookie_is_http_only_strict_and_secure_on_https() {
        let cookies = ConversationCookie::random();
        let plain = cookies.set_cookie(&caller("a"), "conv_1", false).unwrap();
        let plain = plain.to_str().unwrap();
        assert!(
            plain.starts_with("opchat_conv=conv_1.")
                && plain.contains("HttpOnly")
                && plain.contains("SameSite=Strict")
                && !plain.contains("Secure"),
            "{plain}"
        );
        let secure = cookies.set_cookie(&caller("a"), "conv_1", true).unwrap();
        assert!(secure.to_str().unwrap().ends_with("; Secure"));
        assert_eq!(
            cookies.set_cookie(&caller("a"), "conv;1 x", false),
            None,
            "ids a cookie cannot carry are not remembered"
        );
        let mut headers = HeaderMap::new();
        let pair = plain.split(';').next().unwrap();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("x=1; {pair}")).unwrap(),
        );
        assert_eq!(
            cookies.from_headers(&caller("a"), &headers).as_deref(),
            Some("conv_1")
        );
    }

    #[test]
    fn https_is_read_from_the_origin_or_the_proxy() {
        let mut headers = HeaderMap::new();
        assert!(!is_https(&headers));
        headers.insert(
            header::ORIGIN,
            HeaderValue::from_static("https://app.example"),
        );
        assert!(is_https(&headers));
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-proto", HeaderValue::from_static("HTTPS"));
        assert!(is_https(&proxied));
    }
}
