//! Arbitrary requests at every route, through the whole stack the server runs (body reading,
//! error shaping, extractors, JSON and form parsing, paths, query strings, cookies and other
//! headers), in process: none may panic, none may get a 5xx.
//!
//! CI runs a few hundred cases. The long run, as documented in the README:
//!
//!     PROPTEST_CASES=1000000 cargo test --release -p tribune-server --test http_fuzz -- --nocapture

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderName, HeaderValue, Method, Request, StatusCode};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};
use tower::ServiceExt;
use tribune_server::{App, ServerConfig};
use tribune_store::testing::fresh_database;

const ADMIN_PASSWORD: &str = "admin-password-for-fuzzing";

/// Route shapes, with `{}` where an arbitrary segment goes, and the methods they answer.
const ROUTES: [(&str, &[&str]); 18] = [
    ("/", &["GET"]),
    ("/articles/{}", &["GET"]),
    ("/articles/{}/comments", &["POST"]),
    ("/comments/{}", &["GET", "POST"]),
    ("/login", &["GET", "POST"]),
    ("/logout", &["POST"]),
    ("/moderation", &["GET"]),
    ("/moderation/comments/{}/decision", &["POST"]),
    ("/metrics", &["GET"]),
    ("/api/v1/articles", &["GET"]),
    ("/api/v1/articles/{}/comments", &["GET", "POST"]),
    ("/api/v1/articles/{}/comments-open", &["PUT"]),
    ("/api/v1/comments/{}", &["GET", "PUT", "PATCH", "DELETE"]),
    ("/api/v1/comments/{}/body", &["PUT", "PATCH"]),
    ("/api/v1/session", &["POST", "DELETE"]),
    ("/api/v1/moderation/queue", &["GET"]),
    ("/api/v1/moderation/claim", &["POST"]),
    ("/api/v1/moderation/comments/{}/decisions", &["GET"]),
];

const FIELDS: [&str; 20] = [
    "author_name",
    "author_email",
    "body",
    "parent_id",
    "csrf",
    "submission",
    "username",
    "password",
    "decision",
    "category",
    "note",
    "overturn",
    "limit",
    "minutes",
    "open",
    "auto_approve",
    "token",
    "reply_to",
    "decided",
    "id",
];

fn percent_encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (*b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Text with the characters that break things: NUL and other controls, bidi controls, quotes,
/// surrogates' neighbours, long runs, and the plain ones.
fn nasty_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,64}",
        "[\\x00-\\x1f\\x7f\"'<>&%\\\\]{0,16}",
        "[a-z \\u{202a}-\\u{202e}\\u{2066}-\\u{2069}\\u{200f}\\u{fffd}\\u{10ffff}]{0,32}",
        prop::collection::vec(any::<char>(), 0..48).prop_map(|c| c.into_iter().collect()),
        Just("f u c k ".repeat(200)),
        Just("x".repeat(6000)),
        Just("0".repeat(64)),
        Just("-1".to_owned()),
        Just("9223372036854775808".to_owned()),
    ]
}

fn json_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        nasty_text().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(Value::Null),
        Just(json!([1, "two", {"three": 3}])),
        Just(json!({"nested": {"deeper": [null]}})),
    ]
}

#[derive(Debug, Clone)]
enum Payload {
    Nothing,
    Bytes(Vec<u8>),
    Json(Vec<(usize, Value)>),
    Form(Vec<(usize, String)>),
}

/// A submission's or log-in's own fields, so that cases reach past "missing field".
fn plausible(first: usize, second: usize) -> impl Strategy<Value = Vec<(usize, Value)>> {
    (
        nasty_text(),
        nasty_text(),
        prop::collection::vec((0..FIELDS.len(), json_value()), 0..3),
    )
        .prop_map(move |(a, b, mut extra)| {
            extra.push((first, Value::from(a)));
            extra.push((second, Value::from(b)));
            extra
        })
}

fn payload() -> impl Strategy<Value = Payload> {
    prop_oneof![
        Just(Payload::Nothing),
        prop::collection::vec(any::<u8>(), 0..512).prop_map(Payload::Bytes),
        prop::collection::vec((0..FIELDS.len(), json_value()), 0..8).prop_map(Payload::Json),
        // author_name and body; username and password.
        plausible(0, 2).prop_map(Payload::Json),
        plausible(6, 7).prop_map(Payload::Json),
        prop::collection::vec((0..FIELDS.len(), nasty_text()), 0..8).prop_map(Payload::Form),
        (nasty_text(), nasty_text())
            .prop_map(|(name, body)| Payload::Form(vec![(0, name), (2, body)])),
    ]
}

#[derive(Debug, Clone)]
struct Case {
    method: Method,
    route: usize,
    segment: Vec<u8>,
    query: Vec<(usize, Vec<u8>)>,
    payload: Payload,
    content_type: Option<&'static str>,
    headers: Vec<(usize, Vec<u8>)>,
    as_admin: bool,
    with_csrf: bool,
    /// Which of 16 client addresses sends it: each has its own rate limits, so some
    /// submissions and log-ins get through to the engine and the store.
    peer: u8,
}

const HEADERS: [&str; 8] = [
    "cookie",
    "authorization",
    "x-forwarded-for",
    "idempotency-key",
    "x-csrf-token",
    "content-type",
    "content-length",
    "x-request-id",
];

/// Mostly a method the route answers, sometimes any.
fn route_and_method() -> impl Strategy<Value = (usize, Method)> {
    (0..ROUTES.len()).prop_flat_map(|route| {
        let allowed = ROUTES[route].1;
        let any_method = prop_oneof![
            Just(Method::GET),
            Just(Method::POST),
            Just(Method::PUT),
            Just(Method::PATCH),
            Just(Method::DELETE),
            Just(Method::HEAD),
            Just(Method::OPTIONS),
        ];
        let answered = (0..allowed.len())
            .prop_map(move |i| Method::from_bytes(allowed[i].as_bytes()).unwrap_or(Method::GET));
        (Just(route), prop_oneof![4 => answered, 1 => any_method])
    })
}

fn any_case() -> impl Strategy<Value = Case> {
    let segment = prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..24),
        2 => Just(b"cycle-lanes".to_vec()),
        1 => Just(b"erbil-library".to_vec()),
        1 => (1u8..40).prop_map(|n| n.to_string().into_bytes()),
    ];
    // Mostly the type that matches the payload (set below), sometimes a wrong one.
    let content_type = prop_oneof![
        6 => Just(None),
        1 => Just(Some("application/json")),
        1 => Just(Some("application/x-www-form-urlencoded")),
        1 => Just(Some("text/plain")),
        1 => Just(Some("application/json; charset=utf-16")),
    ];
    (
        route_and_method(),
        segment,
        prop::collection::vec(
            (0..FIELDS.len(), prop::collection::vec(any::<u8>(), 0..16)),
            0..4,
        ),
        payload(),
        content_type,
        prop::collection::vec(
            (0..HEADERS.len(), prop::collection::vec(any::<u8>(), 0..48)),
            0..4,
        ),
        any::<bool>(),
        any::<bool>(),
        0u8..16,
    )
        .prop_map(
            |(
                (route, method),
                segment,
                query,
                payload,
                content_type,
                headers,
                as_admin,
                with_csrf,
                peer,
            )| {
                Case {
                    method,
                    route,
                    segment,
                    query,
                    payload,
                    content_type,
                    headers,
                    as_admin,
                    with_csrf,
                    peer,
                }
            },
        )
}

/// A submission with odd text in the fields that matter, by the API or the form.
fn submission_case() -> impl Strategy<Value = Case> {
    (
        prop_oneof![
            plausible(0, 2).prop_map(|fields| (10, Payload::Json(fields))),
            (nasty_text(), nasty_text())
                .prop_map(|(name, body)| (2, Payload::Form(vec![(0, name), (2, body)]))),
        ],
        prop::collection::vec(
            (0..HEADERS.len(), prop::collection::vec(any::<u8>(), 0..48)),
            0..2,
        ),
        0u8..16,
    )
        .prop_map(|((route, payload), headers, peer)| Case {
            method: Method::POST,
            route,
            segment: b"cycle-lanes".to_vec(),
            query: Vec::new(),
            payload,
            content_type: None,
            headers,
            as_admin: false,
            with_csrf: true,
            peer,
        })
}

fn case() -> impl Strategy<Value = Case> {
    prop_oneof![4 => any_case(), 1 => submission_case()]
}

/// What the fuzzer holds between cases: a server and credentials that reach deep routes.
struct Target {
    service: tower::util::BoxCloneService<
        Request<Body>,
        axum::response::Response,
        std::convert::Infallible,
    >,
    admin: Mutex<String>,
    csrf: String,
}

fn request_of(case: &Case, target: &Target) -> Option<Request<Body>> {
    let path = ROUTES[case.route]
        .0
        .replace("{}", &percent_encode(&case.segment));
    let query: Vec<String> = case
        .query
        .iter()
        .map(|(field, value)| format!("{}={}", FIELDS[*field], percent_encode(value)))
        .collect();
    let uri = if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    };
    let mut builder = Request::builder().method(case.method.clone()).uri(uri);
    let matching = match case.payload {
        Payload::Json(_) => Some("application/json"),
        Payload::Form(_) => Some("application/x-www-form-urlencoded"),
        Payload::Nothing | Payload::Bytes(_) => None,
    };
    if let Some(content_type) = case.content_type.or(matching) {
        builder = builder.header("content-type", content_type);
    }
    let body = match &case.payload {
        Payload::Nothing => Vec::new(),
        Payload::Bytes(bytes) => bytes.clone(),
        Payload::Json(fields) => {
            let object: serde_json::Map<String, Value> = fields
                .iter()
                .map(|(field, value)| (FIELDS[*field].to_owned(), value.clone()))
                .collect();
            serde_json::to_vec(&object).ok()?
        }
        Payload::Form(fields) => {
            let mut fields: Vec<(String, String)> = fields
                .iter()
                .map(|(field, value)| (FIELDS[*field].to_owned(), value.clone()))
                .collect();
            if case.with_csrf {
                fields.push(("csrf".to_owned(), target.csrf.clone()));
            }
            fields
                .iter()
                .map(|(k, v)| format!("{k}={}", percent_encode(v.as_bytes())))
                .collect::<Vec<_>>()
                .join("&")
                .into_bytes()
        }
    };
    let mut request = builder.body(Body::from(body)).ok()?;
    for (header, value) in &case.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(HEADERS[*header].as_bytes()),
            HeaderValue::from_bytes(value),
        ) {
            request.headers_mut().append(name, value);
        }
    }
    if case.as_admin {
        let token = target.admin.lock().map(|t| t.clone()).unwrap_or_default();
        if let Ok(value) = HeaderValue::from_str(&format!("Bearer {token}")) {
            request.headers_mut().insert("authorization", value);
        }
    }
    if case.with_csrf
        && let Ok(value) = HeaderValue::from_str(&format!("tribune_csrf={}", target.csrf))
    {
        request.headers_mut().append("cookie", value);
    }
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((
            [192, 0, 2, case.peer],
            40000,
        ))));
    Some(request)
}

async fn admin_token(service: &Target) -> String {
    let mut request = Request::post("/api/v1/session")
        .header("content-type", "application/json")
        .body(Body::from(
            json!({ "username": "admin", "password": ADMIN_PASSWORD }).to_string(),
        ))
        .expect("request");
    // An address of its own each time, so no log-in limit stands in the way.
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let address = std::net::Ipv4Addr::from(0x0a00_0000 | (n & 0x00ff_ffff));
    request
        .extensions_mut()
        .insert(ConnectInfo(SocketAddr::from((address, 40000))));
    let response = service
        .service
        .clone()
        .oneshot(request)
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .expect("body");
    let body: Value = serde_json::from_slice(&bytes).expect("JSON");
    body["token"].as_str().expect("token").to_owned()
}

#[test]
fn no_request_panics_the_server_or_gets_a_5xx() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let (target, _database) = runtime.block_on(async {
        let database = fresh_database().await.expect("database");
        let store = tribune_store::Store::connect(&database.url)
            .await
            .expect("store");
        tribune_server::demo::seed_if_empty(&store, Some(ADMIN_PASSWORD))
            .await
            .expect("seed");
        let app = App::new(store, ServerConfig::default(), None).expect("app");
        let mut target = Target {
            service: tribune_server::service(Arc::new(app)),
            admin: Mutex::new(String::new()),
            csrf: "c".repeat(64),
        };
        target.admin = Mutex::new(admin_token(&target).await);
        (target, database)
    });
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let ran = std::sync::atomic::AtomicU64::new(0);
    let statuses = Mutex::new(std::collections::BTreeMap::<u16, u64>::new());
    let result = runner.run(&case(), |case| {
        let Some(request) = request_of(&case, &target) else {
            return Ok(());
        };
        let logs_out = case.method == Method::DELETE && ROUTES[case.route].0 == "/api/v1/session";
        let status = runtime.block_on(async {
            let response = target
                .service
                .clone()
                .oneshot(request)
                .await
                .expect("infallible");
            let status = response.status();
            // Read the whole answer too: a body that fails midway is a failure.
            axum::body::to_bytes(response.into_body(), 64 << 20)
                .await
                .map(|_| status)
        });
        let status = status.map_err(|e| TestCaseError::fail(format!("answer body failed: {e}")))?;
        if logs_out && status == StatusCode::NO_CONTENT {
            // The case ended the admin session the others use: open another.
            let token = runtime.block_on(admin_token(&target));
            if let Ok(mut admin) = target.admin.lock() {
                *admin = token;
            }
        }
        ran.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if let Ok(mut statuses) = statuses.lock() {
            *statuses.entry(status.as_u16()).or_default() += 1;
        }
        prop_assert!(
            !status.is_server_error(),
            "{} answered {status} for {case:?}",
            ROUTES[case.route].0
        );
        Ok(())
    });
    eprintln!(
        "http_fuzz: {} requests, result {:?}, statuses {:?}",
        ran.load(std::sync::atomic::Ordering::Relaxed),
        result.as_ref().map(|_| "0 panics, 0 5xx"),
        statuses.lock().map(|s| s.clone()).unwrap_or_default()
    );
    if let Err(failure) = result {
        panic!("{failure}");
    }
}
