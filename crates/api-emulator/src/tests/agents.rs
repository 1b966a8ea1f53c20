use axum::http::{Method, StatusCode};
use serde_json::json;

use super::support::*;
use crate::SEEDED_AGENT_ID;

fn new_agent() -> serde_json::Value {
    json!({"name": "Support", "description": "Answers questions", "config": {"runtime": {"model": "openai/gpt-4o"}}})
}

#[tokio::test]
async fn the_seeded_agent_is_released_and_listed() {
    let app = app();
    let r = send(
        &app,
        api(
            Method::GET,
            &format!("/conversational_agents/{SEEDED_AGENT_ID}"),
            None,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body["version_id"], format!("{SEEDED_AGENT_ID}@v0"));
    assert_eq!(r.body["is_released"], true);
    let r = send(&app, api(Method::GET, "/conversational_agents", None)).await;
    assert_eq!(r.body["data"][0]["id"], SEEDED_AGENT_ID);
    assert!(r.body["cursor"].is_null());
}

#[tokio::test]
async fn an_agent_goes_from_draft_to_release_to_a_new_draft() {
    let app = app();
    let r = send(
        &app,
        api(Method::POST, "/conversational_agents", Some(new_agent())),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let id = r.body["id"].as_str().expect("id").to_string();
    assert_eq!(r.body["version_id"], format!("{id}@v0"));

    // An unreleased agent cannot take conversations by its bare id, but its version can.
    let conv = json!({"agent_id": id, "channel": {"type": "chat_realtime"}});
    let r = send(
        &app,
        api(Method::POST, "/conversations", Some(conv.clone())),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "unreleased: {}", r.text);
    let pinned = json!({"agent_id": format!("{id}@v0"), "channel": {"type": "chat_realtime"}});
    let r = send(&app, api(Method::POST, "/conversations", Some(pinned))).await;
    assert_eq!(r.status, StatusCode::OK, "pinned version: {}", r.text);

    // Updating a draft edits it in place.
    let r = send(
        &app,
        api(
            Method::PUT,
            &format!("/conversational_agents/{id}"),
            Some(json!({"name": "Support v0b"})),
        ),
    )
    .await;
    assert_eq!(r.body["version_id"], format!("{id}@v0"));

    let r = send(
        &app,
        api(
            Method::POST,
            &format!("/conversational_agents/{id}@v0/release"),
            None,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["version_id"], format!("{id}@v0"));
    let r = send(&app, api(Method::POST, "/conversations", Some(conv))).await;
    assert_eq!(r.status, StatusCode::OK, "released: {}", r.text);
    let conv_id = r.body["id"].as_str().expect("id");
    let r = send(
        &app,
        api(Method::GET, &format!("/conversations/{conv_id}"), None),
    )
    .await;
    assert_eq!(
        r.body["agent_id"],
        format!("{id}@v0"),
        "conversations carry the version id"
    );

    // Updating a released version creates a new draft.
    let r = send(
        &app,
        api(
            Method::PUT,
            &format!("/conversational_agents/{id}"),
            Some(json!({"description": "New"})),
        ),
    )
    .await;
    assert_eq!(r.body["version_id"], format!("{id}@v1"));
    let r = send(
        &app,
        api(Method::GET, &format!("/conversational_agents/{id}"), None),
    )
    .await;
    assert_eq!(
        (r.body["is_released"].clone(), r.body["name"].clone()),
        (json!(false), json!("Support v0b"))
    );
    assert_eq!(r.body["description"], "New");
    let r = send(
        &app,
        api(
            Method::GET,
            &format!("/conversational_agents/{id}@v0"),
            None,
        ),
    )
    .await;
    assert_eq!(r.body["description"], "Answers questions", "v0 unchanged");

    let r = send(
        &app,
        api(
            Method::GET,
            &format!("/conversational_agents/{id}/versions"),
            None,
        ),
    )
    .await;
    let versions: Vec<_> = r.body["data"]
        .as_array()
        .expect("data")
        .iter()
        .map(|v| v["version_id"].clone())
        .collect();
    assert_eq!(
        versions,
        vec![json!(format!("{id}@v1")), json!(format!("{id}@v0"))]
    );
}

#[tokio::test]
async fn agent_create_validates_required_fields() {
    let app = app();
    for (field, body) in [
        ("name", json!({"description": "d", "config": {}})),
        ("description", json!({"name": "n", "config": {}})),
        (
            "config",
            json!({"name": "n", "description": "d", "config": "x"}),
        ),
    ] {
        let r = send(
            &app,
            api(Method::POST, "/conversational_agents", Some(body)),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{field}");
        assert_eq!(error_code(&r), "invalid_request");
        assert_eq!(r.body["data"]["field"], field);
    }
}

#[tokio::test]
async fn deleting_an_agent_is_204_then_404() {
    let app = app();
    let r = send(
        &app,
        api(Method::POST, "/conversational_agents", Some(new_agent())),
    )
    .await;
    let id = r.body["id"].as_str().expect("id").to_string();
    let r = send(
        &app,
        api(
            Method::DELETE,
            &format!("/conversational_agents/{id}@v0"),
            None,
        ),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "a version id cannot be deleted"
    );
    let r = send(
        &app,
        api(
            Method::DELETE,
            &format!("/conversational_agents/{id}"),
            None,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(r.text.is_empty());
    for method in [Method::DELETE, Method::GET] {
        let r = send(
            &app,
            api(method, &format!("/conversational_agents/{id}"), None),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    let r = send(
        &app,
        api(Method::POST, "/conversational_agents/ca_nope/release", None),
    )
    .await;
    assert_eq!(error_code(&r), "not_found");
}
