//! Static files for the demo page and the npm package, with the demo cookie on page loads.

use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use token_server::{static_router, DemoCookieAuth, StaticDirs, COOKIE_NAME};
use tower::ServiceExt;

/// A scratch site under the temp dir, unique per test (tests of one binary run in parallel).
fn temp_site(name: &str) -> StaticDirs {
    let dir =
        std::env::temp_dir().join(format!("token-server-static-{}-{name}", std::process::id()));
    let dirs = StaticDirs {
        www: dir.join("www"),
        pkg: dir.join("pkg"),
    };
    for d in [&dirs.www, &dirs.pkg] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(
        dirs.www.join("index.html"),
        "<!doctype html><title>demo</title>",
    )
    .unwrap();
    std::fs::write(dirs.pkg.join("operator_chat.js"), "export default 1;").unwrap();
    // A wasm module's magic number and version: enough for the MIME type.
    std::fs::write(dirs.pkg.join("operator_chat_bg.wasm"), b"\0asm\x01\0\0\0").unwrap();
    dirs
}

async fn get(router: &Router, path: &str) -> axum::response::Response {
    router
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap()
}

async fn text(response: axum::response::Response) -> String {
    let body = response.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8_lossy(&body).into_owned()
}

#[tokio::test]
async fn page_load_serves_www_sets_the_demo_cookie_and_pkg_is_under_pkg() {
    let dirs = temp_site("www");
    let auth = Arc::new(DemoCookieAuth::random());
    let router = static_router(&dirs, Some(auth.clone()));

    let page = get(&router, "/").await;
    let js = get(&router, "/pkg/operator_chat.js").await;
    let missing = get(&router, "/nope.html").await;

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
    assert!(text(page).await.contains("<title>demo</title>"));
    assert_eq!(js.status(), StatusCode::OK);
    assert!(
        js.headers().get(header::SET_COOKIE).is_none(),
        "cookies only on pages"
    );
    assert_eq!(text(js).await, "export default 1;", "the npm package");
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_package_has_the_static_headers_and_the_wasm_type_and_pkg_leptos_is_gone() {
    let dirs = temp_site("pkg");
    let router = static_router(&dirs, Some(Arc::new(DemoCookieAuth::random())));

    let js = get(&router, "/pkg/operator_chat.js").await;
    let wasm = get(&router, "/pkg/operator_chat_bg.wasm").await;
    let absent = get(&router, "/pkg/nope.js").await;
    let old_build = get(&router, "/pkg-leptos/operator_chat.js").await;

    assert_eq!(js.status(), StatusCode::OK);
    let js_type = js.headers()[header::CONTENT_TYPE].to_str().unwrap();
    assert!(js_type.starts_with("text/javascript"), "{js_type}");
    assert_eq!(js.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(js.headers()[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(js.headers()[header::CACHE_CONTROL], "no-cache");
    assert!(
        js.headers().get(header::SET_COOKIE).is_none(),
        "cookies only on pages"
    );
    assert_eq!(text(js).await, "export default 1;");
    assert_eq!(wasm.status(), StatusCode::OK);
    assert_eq!(wasm.headers()[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(wasm.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(absent.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        old_build.status(),
        StatusCode::NOT_FOUND,
        "one build, under /pkg only"
    );
}

#[tokio::test]
async fn missing_directories_answer_404_without_failing() {
    let nowhere = Path::new("/nonexistent");
    let router = static_router(
        &StaticDirs {
            www: nowhere.join("www"),
            pkg: nowhere.join("pkg"),
        },
        None,
    );
    for path in ["/", "/pkg/operator_chat.js", "/pkg/operator_chat_bg.wasm"] {
        assert_eq!(
            get(&router, path).await.status(),
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
}
