//! Routes beside the API: the autologin landing pages, the OpenAPI document and the docs.

use std::sync::{Arc, LazyLock};

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use utoipa_swagger_ui::SwaggerUi;

use crate::domain::Sandbox;

/// The OpenAPI document, embedded at build time.
pub const OPENAPI_YAML: &str = include_str!("../../../../openapi/jobbers-one.yaml");

/// The document as JSON, converted once from [`OPENAPI_YAML`].
static OPENAPI_JSON: LazyLock<serde_json::Value> = LazyLock::new(|| {
    // A unit test parses the embedded document, so the fallback is never served.
    jobbers_one_spec::Document::parse(OPENAPI_YAML)
        .map(|document| document.value().clone())
        .unwrap_or(serde_json::Value::Null)
});

/// The document that the interactive docs show: [`OPENAPI_JSON`] with this sandbox listed
/// first in `servers`, so that "Try it out" calls the sandbox and not production.
static DOCS_OPENAPI_JSON: LazyLock<serde_json::Value> = LazyLock::new(|| {
    let mut document = OPENAPI_JSON.clone();
    let sandbox = serde_json::json!({
        "url": "/",
        "description": "This sandbox, the server that serves these docs.",
    });
    if let Some(servers) = document
        .get_mut("servers")
        .and_then(serde_json::Value::as_array_mut)
    {
        servers.insert(0, sandbox);
    }
    document
});

/// Builds the router of the pages.
pub(super) fn router(sandbox: Arc<Sandbox>) -> axum::Router {
    let docs = SwaggerUi::new("/docs")
        .external_url_unchecked("/docs/openapi.json", DOCS_OPENAPI_JSON.clone());
    axum::Router::new()
        .route("/", get(landing_page))
        .route("/openapi.yaml", get(openapi_yaml))
        .route("/openapi.json", get(openapi_json))
        .route("/oneappweb", get(redeem_login_token))
        .route("/oneappweb/", get(redeem_login_token))
        .route("/oneappweb/client", get(client_page))
        .with_state(sandbox)
        .merge(docs)
}

async fn openapi_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json;charset=utf-8")],
        OPENAPI_JSON.to_string(),
    )
        .into_response()
}

async fn openapi_yaml() -> Response {
    (
        [(header::CONTENT_TYPE, "application/yaml;charset=utf-8")],
        OPENAPI_YAML,
    )
        .into_response()
}

/// Spends the autologin token of the query and redirects (`302`) to the client's page when it
/// is good, or to the public landing page when it is used, expired or unknown.
async fn redeem_login_token(
    State(sandbox): State<Arc<Sandbox>>,
    RawQuery(query): RawQuery,
) -> Response {
    let token = query_value(query.as_deref(), "token");
    let client = token.and_then(|token| sandbox.redeem_login_token(token));
    let location = match &client {
        Some(client) => {
            tracing::info!(client_id = client.client_id, "autologin token redeemed");
            format!("/oneappweb/client?client_id={}", client.client_id)
        }
        None => {
            tracing::info!("autologin token rejected: used, expired or unknown");
            "/".to_owned()
        }
    };
    (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
}

/// Renders the client landing page that a good autologin token redirects to.
async fn client_page(RawQuery(query): RawQuery) -> Html<String> {
    let client_id =
        query_value(query.as_deref(), "client_id").and_then(|value| value.parse::<i64>().ok());
    let who = client_id.map_or_else(|| "a client".to_owned(), |id| format!("client {id}"));
    Html(format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Jobbers client page</title></head>\
         <body><h1>Jobbers client page</h1>\
         <p>The sandbox logged in {who}.</p></body></html>\n"
    ))
}

/// Returns the raw value of `name` in a query string. Values are not percent-decoded, because
/// the tokens and ids read here are made of hex digits and digits.
fn query_value<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        (key == name).then_some(value)
    })
}

/// Renders the public landing page, where a bad autologin token redirects to.
async fn landing_page() -> Html<&'static str> {
    Html(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Jobbers One sandbox</title></head>\
         <body><h1>Jobbers One sandbox</h1>\
         <p>This is the public landing page. \
         Read the API in the <a href=\"/docs/\">interactive docs</a> \
         or download <a href=\"/openapi.yaml\">openapi.yaml</a>.</p></body></html>\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_document_converts_to_json() {
        assert_eq!(OPENAPI_JSON["openapi"], "3.0.3");
        assert!(OPENAPI_JSON["paths"]["/oneapi/v0/clients"].is_object());
    }

    #[test]
    fn docs_document_lists_sandbox_first() {
        assert_eq!(DOCS_OPENAPI_JSON["servers"][0]["url"], "/");
        assert_eq!(
            DOCS_OPENAPI_JSON["servers"][1]["url"],
            OPENAPI_JSON["servers"][0]["url"]
        );
        assert_eq!(
            DOCS_OPENAPI_JSON["servers"].as_array().map(Vec::len),
            OPENAPI_JSON["servers"]
                .as_array()
                .map(|servers| servers.len() + 1)
        );
    }
}
