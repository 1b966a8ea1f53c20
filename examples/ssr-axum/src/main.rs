//! The SSR app's server: leptos_axum renders the page with the chat's launcher in it, serves the
//! hydrate wasm from `<site root>/pkg`, and the token server's mint answers
//! `POST /operator/session` in the same axum app (the API key stays here).
//!
//! Environment: `OPERATOR_API_KEY` (required), `OPERATOR_BASE_URL` (default Operator's API),
//! `OPERATOR_SESSION_BASE_URL` (default Operator's session host), `OPERATOR_AGENT_ID`
//! (required), `SITE_ROOT` (where `pkg/` is; default `target/site`), `PORT` (default 3000; 0
//! picks a free one). Listens on 127.0.0.1 only: the demo sign-in (`GET /demo/login`) stands in
//! for the app's own sessions and must not be exposed.

use std::error::Error;
use std::sync::Arc;

use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{
    generate_route_list, site_pkg_dir_service, site_pkg_dir_service_route_path, LeptosRoutes,
};
use ssr_axum::{shell, App};
use token_server::{
    demo_login, mint, serve, shutdown_signal, ConnectionLimits, DemoCookieAuth, MintState, Upstream,
};

/// A required environment variable, or an error naming it.
fn required(name: &str) -> Result<String, Box<dyn Error>> {
    std::env::var(name).map_err(|_| format!("{name} is not set").into())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let base_url =
        std::env::var("OPERATOR_BASE_URL").unwrap_or_else(|_| "https://api.operator.xyz".into());
    let mut upstream = Upstream::new(&base_url, &required("OPERATOR_API_KEY")?)?;
    if let Ok(session_base_url) = std::env::var("OPERATOR_SESSION_BASE_URL") {
        upstream = upstream.with_session_base_url(&session_base_url);
    }
    // Replace the demo sign-in with your app's own `Authorize` implementation.
    let auth = Arc::new(DemoCookieAuth::random());
    let mint_state = Arc::new(MintState::new(
        auth.clone(),
        upstream,
        required("OPERATOR_AGENT_ID")?,
    ));

    let options = LeptosOptions::builder()
        .output_name("ssr_axum")
        .site_root(std::env::var("SITE_ROOT").unwrap_or_else(|_| "target/site".into()))
        .site_pkg_dir("pkg")
        .build();
    let routes = generate_route_list(App);
    let app = Router::new()
        .leptos_routes(&options, routes, {
            let options = options.clone();
            move || shell(options.clone())
        })
        .route_service(
            &site_pkg_dir_service_route_path(&options),
            site_pkg_dir_service(&options),
        )
        .route("/operator/session", post(mint).with_state(mint_state))
        .route("/demo/login", get(demo_login).with_state(auth))
        .with_state(options);

    let port = std::env::var("PORT").map_or(Ok(3000), |p| p.parse::<u16>())?;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("ssr-axum listening on http://{}", listener.local_addr()?);
    // The token server's connection loop (a header-read timeout, an idle timeout, a cap on open
    // connections), not `axum::serve`, which never times out a client that sends nothing.
    serve(
        listener,
        app,
        ConnectionLimits::default(),
        shutdown_signal(),
    )
    .await;
    Ok(())
}
