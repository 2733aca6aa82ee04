//! Admin HTTP server: `/metrics` (Prometheus text), `/healthz` (process up), `/readyz`
//! (partitions assigned, none restoring its history, and a broker reachable).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};

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
    /// Partitions whose history is being restored.
    restoring: AtomicIsize,
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

    /// Marks the brokers unreachable; whether they were reachable until now.
    pub fn broker_went_down(&self) -> bool {
        self.broker_up.swap(false, Ordering::Relaxed)
    }

    /// `delta` more (or fewer) partitions are restoring their history.
    pub fn restoring(&self, delta: isize) {
        self.restoring.fetch_add(delta, Ordering::Relaxed);
    }

    pub fn restoring_partitions(&self) -> isize {
        self.restoring.load(Ordering::Relaxed)
    }

    pub fn is_ready(&self) -> bool {
        self.assigned_partitions() > 0
            && self.broker_up.load(Ordering::Relaxed)
            && self.restoring_partitions() == 0
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

/// The admin server's socket. `run` and `demo` bind it before anything else starts, so a
/// taken port stops them at once.
#[derive(Debug)]
pub struct AdminListener(std::net::TcpListener);

impl AdminListener {
    pub fn bind(addr: SocketAddr) -> std::io::Result<Self> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        Ok(Self(listener))
    }

    /// The address actually bound (port 0 asks the system for a free one).
    pub fn local_addr(&self) -> SocketAddr {
        self.0
            .local_addr()
            .expect("a bound TCP listener has a local address")
    }
}

/// Serves until `shutdown` is triggered. Call it inside the tokio runtime.
pub async fn serve(
    listener: AdminListener,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
    shutdown: Shutdown,
) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::from_std(listener.0)?;
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
        "assigned_partitions {}\nbroker_reachable {}\nrestoring_partitions {}\n",
        health.assigned_partitions(),
        health.broker_up.load(Ordering::Relaxed),
        health.restoring_partitions()
    );
    let status = if health.is_ready() {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partition_restoring_its_history_keeps_the_service_unready_until_done() {
        let health = Health::new();
        health.set_assigned_partitions(2);
        health.set_broker_up(true);
        assert!(health.is_ready());
        health.restoring(2);
        assert!(!health.is_ready());
        health.restoring(-1);
        assert!(!health.is_ready(), "one partition is still restoring");
        health.restoring(-1);
        assert!(health.is_ready());
    }
}
