//! The API key and minted tokens never reach a response body, a header or a log line.
//! (Own test binary: it installs a thread-local log subscriber for the whole test.)

mod common;

use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{header, Request};
use common::*;
use token_server::{secrets, Config, Redactor};

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

fn assert_clean(answer: &Answer, secrets: &[&str], what: &str) {
    for secret in secrets {
        assert!(
            !answer.raw.contains(secret),
            "{what}: secret in body {}",
            answer.raw
        );
        for (name, value) in &answer.headers {
            let value = value.to_str().unwrap_or("");
            assert!(
                !value.contains(secret),
                "{what}: secret in header {name}: {value}"
            );
        }
    }
}

#[tokio::test]
async fn key_and_tokens_never_appear_in_responses_or_captured_logs() {
    let capture = Capture::default();
    let sink = capture.clone();
    let config =
        Config::parse_args_only(["--base-url", "http://127.0.0.1:1", "--api-key", API_KEY])
            .unwrap();
    let redactor = Redactor::new(secrets(&config));
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(redactor.wrap(move || sink.clone()))
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emu = Emulator::start().await;
    let (app, auth) = test_app(&emu.url, API_KEY, generous());
    let mut jar = Jar::signed_in(&auth, "demo_leak");
    let first = post_session(&app, Some(&jar.header()), Some(ALLOWED_ORIGIN)).await;
    jar.absorb(&first.headers);
    let second = jar.mint(&app).await;
    let token = second.body["token"].as_str().unwrap().to_owned();
    let first_token = first.body["token"].as_str().unwrap().to_owned();
    emu.events_status(second.body["events_url"].as_str().unwrap(), &token)
        .await;
    let with_query = Request::get(format!("/pkg/x.js?token={token}"))
        .header(header::HOST, OWN_HOST)
        .header(header::AUTHORIZATION, format!("Bearer {API_KEY}"))
        .body(Body::empty())
        .unwrap();
    send(&app, with_query).await;
    tracing::info!(key = API_KEY, "a careless log line");
    let (bad_app, bad_auth) = test_app(&emu.url, "op_test_other_key_0000", generous());
    let bad = post_session(&bad_app, Some(&cookie_for(&bad_auth, "demo_leak")), None).await;

    assert_clean(&first, &[API_KEY], "first mint");
    assert_clean(&second, &[API_KEY], "second mint");
    assert_clean(&bad, &[API_KEY, "op_test_other_key_0000"], "bad key");
    let logged = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("operator api request"),
        "logs were captured: {logged}"
    );
    assert!(
        logged.contains("a careless log line"),
        "the careless line was written"
    );
    for secret in [API_KEY, token.as_str(), first_token.as_str()] {
        assert!(
            !logged.contains(secret),
            "{secret} leaked into the logs:\n{logged}"
        );
    }
}
