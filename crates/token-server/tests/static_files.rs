//! Static files for the demo page and the npm package, with the demo cookie on page loads.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use token_server::{
    static_router, ClientKey, DemoCookieAuth, Limiter, PageLogin, RateLimit, StaticDirs,
    COOKIE_NAME,
};
use tower::ServiceExt;

/// Page loads hand out demo identities without a limit (the unit tests of the page itself).
fn unlimited(auth: Arc<DemoCookieAuth>) -> Option<PageLogin> {
    Some(PageLogin {
        auth,
        addresses: None,
    })
}

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
    let router = static_router(&dirs, unlimited(auth.clone()));

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
    let router = static_router(&dirs, unlimited(Arc::new(DemoCookieAuth::random())));

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

#[tokio::test]
async fn directory_redirects_stay_on_this_host_and_keep_the_pkg_prefix() {
    let dirs = temp_site("redirects");
    for dir in [dirs.www.join("css"), dirs.pkg.join("snippets")] {
        std::fs::create_dir_all(dir).unwrap();
    }
    let router = static_router(&dirs, None);

    for (path, expected) in [
        ("/css", "/css/"),
        ("//css", "/css/"),
        ("/pkg/snippets", "/pkg/snippets/"),
        ("/pkg/snippets?v=2", "/pkg/snippets/?v=2"),
    ] {
        let answer = get(&router, path).await;
        assert_eq!(
            answer.status(),
            StatusCode::TEMPORARY_REDIRECT,
            "{path} is a directory"
        );
        assert_eq!(
            answer.headers()[header::LOCATION],
            expected,
            "{path}: a path on this host (`//css/` would send the browser to http://css/)"
        );
    }
}

/// `GET path` from the client address `addr`, as the dev server's connection loop sends it.
async fn get_from(router: &Router, path: &str, addr: &str) -> axum::response::Response {
    let addr: SocketAddr = addr.parse().unwrap();
    let mut request = Request::get(path).body(Body::empty()).unwrap();
    request.extensions_mut().insert(ConnectInfo(addr));
    router.clone().oneshot(request).await.unwrap()
}

#[tokio::test]
async fn page_loads_hand_out_identities_only_within_the_address_limit() {
    let dirs = temp_site("identities");
    let limit = RateLimit {
        burst: 2,
        per_minute: 1,
    };
    let addresses = Arc::new(Limiter::<ClientKey>::new(limit));
    let login = PageLogin {
        auth: Arc::new(DemoCookieAuth::random()),
        addresses: Some(addresses),
    };
    let router = static_router(&dirs, Some(login));

    let mut cookies = Vec::new();
    for _ in 0..4 {
        let page = get_from(&router, "/", "203.0.113.7:1000").await;
        assert_eq!(
            page.status(),
            StatusCode::OK,
            "the page itself is always served"
        );
        cookies.push(page.headers().contains_key(header::SET_COOKIE));
    }
    let elsewhere = get_from(&router, "/", "198.51.100.7:1000").await;

    assert_eq!(
        cookies,
        [true, true, false, false],
        "new identities within the address burst only"
    );
    assert!(
        elsewhere.headers().contains_key(header::SET_COOKIE),
        "another address has its own bucket"
    );
}
