//! Static files for the demo page and the built package, with the demo cookie on page loads.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use token_server::{static_router, DemoCookieAuth, COOKIE_NAME};
use tower::ServiceExt;

fn temp_site() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("token-server-static-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("www")).unwrap();
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(
        dir.join("www/index.html"),
        "<!doctype html><title>demo</title>",
    )
    .unwrap();
    std::fs::write(dir.join("pkg/operator_chat.js"), "export default 1;").unwrap();
    dir
}

#[tokio::test]
async fn page_load_serves_www_sets_the_demo_cookie_and_pkg_is_under_pkg() {
    let dir = temp_site();
    let auth = Arc::new(DemoCookieAuth::random());
    let router = static_router(&dir.join("www"), &dir.join("pkg"), Some(auth.clone()));

    let page = router
        .clone()
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    let js = router
        .clone()
        .oneshot(
            Request::get("/pkg/operator_chat.js")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let missing = router
        .oneshot(Request::get("/nope.html").body(Body::empty()).unwrap())
        .await
        .unwrap();

    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        page.headers()[header::X_CONTENT_TYPE_OPTIONS],
        "nosniff",
        "static_headers applied"
    );
    let cookie = page.headers()[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.starts_with(&format!("{COOKIE_NAME}=")), "{cookie}");
    let body = page.into_body().collect().await.unwrap().to_bytes();
    assert!(String::from_utf8_lossy(&body).contains("<title>demo</title>"));
    assert_eq!(js.status(), StatusCode::OK);
    assert!(
        js.headers().get(header::SET_COOKIE).is_none(),
        "cookies only on pages"
    );
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn missing_directories_answer_404_without_failing() {
    let router = static_router(
        "/nonexistent/www".as_ref(),
        "/nonexistent/pkg".as_ref(),
        None,
    );
    let res = router
        .oneshot(Request::get("/").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}
