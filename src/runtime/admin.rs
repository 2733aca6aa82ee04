//! Admin HTTP server: `/metrics` (Prometheus text), `/healthz` (process up), `/readyz`
//! (partitions assigned and a broker reachable).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;

use super::shutdown::Shutdown;
use crate::metrics::Metrics;

/// What `/readyz` reports, updated by the Kafka callbacks.
#[derive(Debug, Default)]
pub struct Health {
    assigned_partitions: AtomicUsize,
    broker_up: AtomicBool,
}

impl Health {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn set_assigned_partitions(&self, count: usize) {
        self.assigned_partitions.store(count, Ordering::Relaxed);
    }

    pub fn assigned_partitions(&self) -> usize {
        self.assigned_partitions.load(Ordering::Relaxed)
    }

    pub fn set_broker_up(&self, up: bool) {
        self.broker_up.store(up, Ordering::Relaxed);
    }

    pub fn is_ready(&self) -> bool {
        self.assigned_partitions() > 0 && self.broker_up.load(Ordering::Relaxed)
    }
}

#[derive(Clone)]
struct AdminState {
    metrics: Arc<Metrics>,
    health: Arc<Health>,
}

pub fn router(metrics: Arc<Metrics>, health: Arc<Health>) -> Router {
    Router::new()
        .route("/metrics", get(metrics_text))
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readiness))
        .with_state(AdminState { metrics, health })
}

/// Binds the admin address (a bind failure is a startup error naming the address).
pub async fn bind(addr: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| anyhow::anyhow!("invalid --admin-addr: cannot listen on {addr}: {e}"))
}

/// Serves until `shutdown` is triggered.
pub async fn serve(
    listener: tokio::net::TcpListener,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    shutdown: Shutdown,
) -> std::io::Result<()> {
    axum::serve(listener, router(metrics, health))
        .with_graceful_shutdown(async move { shutdown.wait().await })
        .await
}

async fn metrics_text(State(state): State<AdminState>) -> impl IntoResponse {
    state.metrics.set_ready(state.health.is_ready());
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
}

async fn readiness(State(state): State<AdminState>) -> impl IntoResponse {
    let health = &state.health;
    let body = format!(
        "assigned_partitions {}\nbroker_reachable {}\n",
        health.assigned_partitions(),
        health.broker_up.load(Ordering::Relaxed)
    );
    let status = if health.is_ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, body)
}

/// The socket address a listener is bound to (for tests binding port 0).
pub fn local_addr(listener: &tokio::net::TcpListener) -> Option<SocketAddr> {
    listener.local_addr().ok()
}
