//! A real Tribune server on a free loopback port, with a fresh database, for one test.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

pub mod console;

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use tribune_server::{App, ServerConfig};
use tribune_store::Store;
use tribune_store::testing::{TestDatabase, fresh_database};

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

pub struct TestServer {
    pub base: String,
    pub client: Client,
    pub store: Store,
    pub app: Arc<App>,
    // Held so the database lives as long as the server.
    _database: TestDatabase,
}

impl TestServer {
    pub async fn start() -> TestServer {
        TestServer::with_config(ServerConfig {
            comments_per_minute: 1000,
            logins_per_minute: 1000,
            ..ServerConfig::default()
        })
        .await
    }

    pub async fn with_config(config: ServerConfig) -> TestServer {
        TestServer::with_stage(config, Err("this test runs without the stage".into())).await
    }

    /// A server with (or, for `Err`, without) an encoder stage.
    pub async fn with_stage(
        config: ServerConfig,
        stage: Result<Arc<dyn tribune_server::SecondReading>, String>,
    ) -> TestServer {
        // Server-side errors show in a failing test's output.
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter("warn")
            .try_init();
        // SQLite, or PostgreSQL when the test run sets TRIBUNE_TEST_POSTGRES.
        let database = fresh_database().await.expect("test database");
        let store = Store::connect(&database.url).await.expect("open store");
        tribune_server::demo::seed_if_empty(&store, Some(ADMIN_PASSWORD))
            .await
            .expect("seed");
        let app = Arc::new(
            App::new(store.clone(), config, None)
                .expect("app")
                .with_encoder_stage(stage),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr: SocketAddr = listener.local_addr().expect("addr");
        tokio::spawn(tribune_server::serve(listener, app.clone()));
        let client = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        TestServer {
            base: format!("http://{addr}"),
            client,
            store,
            app,
            _database: database,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_json(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        let mut request = self.client.get(self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("GET");
        let status = response.status();
        (status, response.json().await.expect("JSON body"))
    }

    pub async fn post_json(
        &self,
        path: &str,
        body: &Value,
        token: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.post(self.url(path)).json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("POST");
        let status = response.status();
        (status, response.json().await.expect("JSON body"))
    }

    /// Logs in over the API and returns the bearer token.
    pub async fn login(&self, username: &str, password: &str) -> String {
        let (status, body) = self
            .post_json(
                "/api/v1/session",
                &json!({ "username": username, "password": password }),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "login failed: {body}");
        body["token"].as_str().expect("token").to_owned()
    }

    /// Posts a comment through the API and returns the response body.
    pub async fn comment(&self, slug: &str, body: &str) -> Value {
        let (status, response) = self
            .post_json(
                &format!("/api/v1/articles/{slug}/comments"),
                &json!({ "author_name": "Reader", "body": body }),
                None,
            )
            .await;
        assert_eq!(status, StatusCode::ACCEPTED, "{response}");
        response
    }
}

impl TestServer {
    /// A visitor's CSRF cookie (`name=value`) and the matching form field, from a page.
    pub async fn form_token(&self, path: &str) -> (String, String) {
        let page = self.get(path).await;
        let cookie = cookie_set(&page, "tribune_csrf").expect("csrf cookie");
        (cookie, csrf_field(&page.text().await.expect("html")))
    }

    /// Posts a form with a `Cookie` header.
    /// A page's HTML as a browser holding `cookie` gets it.
    pub async fn page_with_cookie(&self, path: &str, cookie: &str) -> String {
        self.client
            .get(self.url(path))
            .header("cookie", cookie)
            .send()
            .await
            .expect("GET")
            .text()
            .await
            .expect("html")
    }

    pub async fn post_form(&self, path: &str, cookie: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(path))
            .header("cookie", cookie)
            .form(fields)
            .send()
            .await
            .expect("POST")
    }

    /// Logs in through the log-in form, as a browser does; returns the session cookie.
    pub async fn form_login(&self, username: &str, password: &str) -> String {
        let (cookie, csrf) = self.form_token("/login").await;
        let response = self
            .post_form(
                "/login",
                &cookie,
                &[
                    ("csrf", csrf.as_str()),
                    ("username", username),
                    ("password", password),
                ],
            )
            .await;
        cookie_set(&response, "tribune_session").expect("session cookie")
    }

    /// Creates moderator accounts and logs each in; returns their bearer tokens.
    pub async fn moderators(&self, names: &[&str]) -> Vec<String> {
        let mut tokens = Vec::new();
        for name in names {
            tribune_server::create_user(
                &self.store,
                name,
                tribune_store::Role::Moderator,
                "moderator-password",
            )
            .await
            .expect("moderator");
            tokens.push(self.login(name, "moderator-password").await);
        }
        tokens
    }
}

/// The `name=value` of a cookie a response sets.
pub fn cookie_set(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// The value of a page's `name="csrf"` hidden field.
pub fn csrf_field(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("the page has a CSRF field") + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The `{error: {code}}` of an error response.
pub fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("<no error code>")
}
