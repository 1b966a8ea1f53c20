//! The demo's [`Authorize`]: an HMAC-SHA256-signed session cookie, `opchat_demo=<caller>.<mac>`.
//!
//! `GET /demo/login` (or the first page load from the dev server) hands it out. Replace this
//! module with your own session check in a real app.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use futures_util::future::BoxFuture;
use hmac::{Hmac, Mac};
use rand::Rng;
use serde::Deserialize;
use sha2::Sha256;
use std::sync::Arc;

use crate::authorize::{Authorize, CallerId, Refused};
use crate::conversation_cookie::{cookie, hex, unhex, Secret};

/// The cookie's name.
pub const COOKIE_NAME: &str = "opchat_demo";

/// Signs and verifies demo session cookies with a server secret.
#[derive(Clone, Debug)]
pub struct DemoCookieAuth {
    secret: Secret,
}

impl DemoCookieAuth {
    /// Uses the given secret (at least 16 bytes is sensible).
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        DemoCookieAuth {
            secret: Secret(secret.into()),
        }
    }

    /// A fresh random secret: cookies are valid until the server restarts.
    pub fn random() -> Self {
        DemoCookieAuth {
            secret: Secret::random(),
        }
    }

    fn mac(&self, caller: &str) -> Hmac<Sha256> {
        let mut mac = self.secret.mac();
        mac.update(caller.as_bytes());
        mac
    }

    /// A signed cookie value for `caller`.
    pub fn sign(&self, caller: &str) -> String {
        format!(
            "{caller}.{}",
            hex(&self.mac(caller).finalize().into_bytes())
        )
    }

    /// The caller of a signed value, if the signature holds (checked in constant time).
    pub fn verify(&self, value: &str) -> Option<CallerId> {
        let (caller, sig) = value.rsplit_once('.')?;
        let sig = unhex(sig)?;
        self.mac(caller).verify_slice(&sig).ok()?;
        Some(CallerId(caller.to_owned()))
    }

    /// The verified caller from the request's `Cookie` headers.
    pub fn from_headers(&self, headers: &HeaderMap) -> Result<CallerId, Refused> {
        let value = cookie(headers, COOKIE_NAME).ok_or_else(|| {
            Refused::Unauthenticated(format!(
                "no {COOKIE_NAME} cookie; call GET /demo/login first"
            ))
        })?;
        self.verify(value).ok_or_else(|| {
            Refused::Unauthenticated(format!("the {COOKIE_NAME} cookie is not valid"))
        })
    }

    /// A new caller id and its `Set-Cookie` header value (HttpOnly, SameSite=Lax, one day).
    pub fn issue(&self) -> (CallerId, HeaderValue) {
        let caller = format!("demo_{:016x}", rand::rng().random::<u64>());
        let cookie = format!(
            "{COOKIE_NAME}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=86400",
            self.sign(&caller)
        );
        // Hex, ASCII letters and `=; ` only: always a valid header value.
        let value = HeaderValue::from_str(&cookie).expect("cookie is ASCII");
        (CallerId(caller), value)
    }
}

impl Authorize for DemoCookieAuth {
    fn caller<'a>(&'a self, headers: &'a HeaderMap) -> BoxFuture<'a, Result<CallerId, Refused>> {
        Box::pin(std::future::ready(self.from_headers(headers)))
    }
}

/// `GET /demo/login` query: `?fresh=1` forces a new identity (a new conversation).
#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    fresh: Option<String>,
}

/// `GET /demo/login`: keeps a valid cookie or sets a new one; answers `{"caller_id": …}`.
pub async fn demo_login(
    State(auth): State<Arc<DemoCookieAuth>>,
    Query(query): Query<LoginQuery>,
    headers: HeaderMap,
) -> Response {
    let fresh = query.fresh.is_some_and(|v| v != "0" && v != "false");
    if let (false, Ok(caller)) = (fresh, auth.from_headers(&headers)) {
        return no_store(Json(serde_json::json!({ "caller_id": caller.0 })).into_response());
    }
    let (caller, set_cookie) = auth.issue();
    let mut response = Json(serde_json::json!({ "caller_id": caller.0 })).into_response();
    response
        .headers_mut()
        .insert(header::SET_COOKIE, set_cookie);
    no_store(response)
}

fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers_with(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
        h
    }

    #[test]
    fn signed_cookie_round_trips_to_its_caller() {
        let auth = DemoCookieAuth::new(*b"0123456789abcdef0123456789abcdef");
        let value = auth.sign("demo_alice");
        let headers = headers_with(&format!("theme=dark; {COOKIE_NAME}={value}"));
        assert_eq!(
            auth.from_headers(&headers),
            Ok(CallerId("demo_alice".into()))
        );
    }

    #[test]
    fn forged_or_foreign_cookies_are_refused() {
        let auth = DemoCookieAuth::new(*b"0123456789abcdef0123456789abcdef");
        let other = DemoCookieAuth::new(*b"another secret, another server!!");
        let signed = auth.sign("demo_alice");
        let tampered = signed.replacen("alice", "mallory", 1);
        for bad in [
            tampered,
            other.sign("demo_alice"),
            "demo_x.zz".into(),
            "nodot".into(),
        ] {
            let headers = headers_with(&format!("{COOKIE_NAME}={bad}"));
            assert!(auth.from_headers(&headers).is_err(), "{bad} was accepted");
        }
        assert!(
            auth.from_headers(&HeaderMap::new()).is_err(),
            "no cookie was accepted"
        );
    }

    #[test]
    fn issued_cookie_verifies_and_is_http_only() {
        let auth = DemoCookieAuth::random();
        let (caller, set_cookie) = auth.issue();
        let text = set_cookie.to_str().unwrap();
        assert!(
            text.contains("HttpOnly") && text.contains("SameSite=Lax"),
            "{text}"
        );
        let pair = text.split(';').next().unwrap();
        assert_eq!(auth.from_headers(&headers_with(pair)), Ok(caller));
    }
}
