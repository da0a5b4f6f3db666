//! The listening side: connections with deadlines, and the layers every request passes
//! through before it reaches a route.
//!
//! Outermost first: a request id (kept from the client or made up) and the request log,
//! security and cache headers, the request's language (`language.rs`), the error shape of its side of the site, the whole body read within the request timeout (a
//! slow sender holds a connection, never a request slot), the concurrency limit past which
//! requests are shed with 503 and `Retry-After` at once, and the handler timeout. Headers must
//! arrive within the header timeout, which also closes idle keep-alive connections.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::error_handling::HandleErrorLayer;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::util::BoxCloneService;
use tower::{BoxError, ServiceBuilder, ServiceExt};
use tower_http::ServiceBuilderExt;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::{App, ServerError};

/// The largest request body read (comments are capped in characters well below it).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Serves Tribune on `listener` until the process is stopped (Ctrl-C).
pub async fn serve(listener: TcpListener, app: Arc<App>) -> Result<(), ServerError> {
    serve_until(listener, app, async {
        // If the signal handler cannot be installed, serve until killed instead.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    })
    .await
}

/// Serves Tribune on `listener` until `stop` completes, then lets open requests finish (for
/// at most the request timeout).
pub async fn serve_until(
    listener: TcpListener,
    app: Arc<App>,
    stop: impl Future<Output = ()> + Send,
) -> Result<(), ServerError> {
    crate::metrics::install();
    let http = service(app.clone());
    let sweeper = tokio::spawn(sweep_forever(app.clone()));
    let encoder = crate::encoder_jobs::EncoderWorker::spawn(app.clone());
    if encoder.is_none() {
        tracing::info!(
            why = %app.stage_absent,
            "the encoder stage is absent: the fast stages alone decide"
        );
    }
    let max_connections = app.config.max_connections.max(1);
    let slots = Arc::new(Semaphore::new(max_connections));
    let graceful = GracefulShutdown::new();
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(app.config.header_timeout);
    builder
        .http2()
        .timer(TokioTimer::new())
        .keep_alive_interval(app.config.header_timeout)
        .keep_alive_timeout(app.config.header_timeout)
        .max_concurrent_streams(64);
    tokio::pin!(stop);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, most likely: wait for connections to close.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = stream.set_nodelay(true);
        crate::metrics::connections(max_connections - slots.available_permits());
        let per_connection =
            http.clone()
                .map_request(move |request: Request<hyper::body::Incoming>| {
                    let mut request = request.map(Body::new);
                    request.extensions_mut().insert(ConnectInfo(peer));
                    request
                });
        let connection = builder
            .serve_connection(
                TokioIo::new(stream),
                TowerToHyperService::new(per_connection),
            )
            .into_owned();
        let connection = graceful.watch(connection);
        let open = slots.clone();
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(slot);
            crate::metrics::connections(max_connections - open.available_permits());
        });
    }
    sweeper.abort();
    if let Some(encoder) = encoder {
        encoder.stop(app.config.request_timeout).await;
    }
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(app.config.request_timeout) => {
            tracing::warn!("open connections did not finish in time; closing them");
        }
    }
    Ok(())
}

/// Serves only `GET /metrics`, without authentication, for a Prometheus on a private network
/// (`--metrics-listen`). Runs until `stop` completes.
pub async fn serve_metrics(
    listener: TcpListener,
    app: Arc<App>,
    stop: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    crate::metrics::install();
    let router = Router::new()
        .route("/metrics", axum::routing::get(open_metrics))
        .with_state(app);
    axum::serve(listener, router)
        .with_graceful_shutdown(stop)
        .await?;
    Ok(())
}

async fn open_metrics(State(app): State<Arc<App>>) -> Response {
    metrics_response(&app).await
}

/// `/metrics` in Prometheus' text exposition format.
pub(crate) async fn metrics_response(app: &App) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        crate::metrics::render(app).await,
    )
        .into_response()
}

/// Every request's way in: the router wrapped in the layers described above. A request must
/// carry the peer's `ConnectInfo<SocketAddr>` extension (the accept loop inserts it).
pub fn service(app: Arc<App>) -> BoxCloneService<Request, Response, Infallible> {
    let request_timeout = app.config.request_timeout;
    let max_requests = app.config.max_concurrent_requests.max(1);
    let router = crate::router(app.clone());
    ServiceBuilder::new()
        .layer(BoxCloneService::layer())
        .map_response(|response: Response<_>| response.map(Body::new))
        .set_x_request_id(tower_http::request_id::MakeRequestUuid)
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    let peer = request
                        .extensions()
                        .get::<ConnectInfo<SocketAddr>>()
                        .map(|ConnectInfo(addr)| addr.ip().to_string())
                        .unwrap_or_default();
                    // The path only: a query string may carry a token.
                    tracing::info_span!(
                        "request",
                        id = %id,
                        peer = %peer,
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_request(())
                .on_response(
                    DefaultOnResponse::new()
                        .level(Level::INFO)
                        .latency_unit(tower_http::LatencyUnit::Micros),
                ),
        )
        .propagate_x_request_id()
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'",
            ),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        // Pages carry CSRF tokens and API answers status and session tokens: no cache keeps
        // them (the stylesheet and script say otherwise for themselves).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            crate::language::negotiate,
        ))
        .layer(middleware::from_fn(crate::error::consistent_errors))
        .layer(middleware::from_fn_with_state(request_timeout, read_body))
        .layer(HandleErrorLayer::new(|_: BoxError| async {
            crate::error::overloaded()
        }))
        .load_shed()
        .concurrency_limit(max_requests)
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            request_timeout,
        ))
        .service(router)
}

/// Reads the whole body, at most [`MAX_BODY_BYTES`], within `deadline`: a client that sends
/// slowly is answered 408 and costs no request slot meanwhile.
async fn read_body(State(deadline): State<Duration>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let too_large = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > MAX_BODY_BYTES as u64);
    if too_large {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is larger than 64 KiB",
        );
    }
    let limited = http_body_util::Limited::new(body, MAX_BODY_BYTES);
    match tokio::time::timeout(deadline, http_body_util::BodyExt::collect(limited)).await {
        Err(_) => plain(
            StatusCode::REQUEST_TIMEOUT,
            "the request body did not arrive in time",
        ),
        Ok(Err(error)) if error.is::<http_body_util::LengthLimitError>() => plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            "the request body is larger than 64 KiB",
        ),
        Ok(Err(_)) => plain(
            StatusCode::BAD_REQUEST,
            "the request body could not be read",
        ),
        Ok(Ok(collected)) => {
            next.run(Request::from_parts(parts, Body::from(collected.to_bytes())))
                .await
        }
    }
}

fn plain(status: StatusCode, message: &'static str) -> Response {
    (status, message).into_response()
}

/// Sweeps expired rows every minute and drains the metrics' buffers every few seconds.
async fn sweep_forever(app: Arc<App>) {
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    let mut n: u64 = 0;
    loop {
        tick.tick().await;
        crate::metrics::upkeep();
        if n.is_multiple_of(12)
            && let Err(error) = app.store.sweep().await
        {
            tracing::warn!(%error, "sweeping expired rows failed");
        }
        n += 1;
    }
}
