//! The service, assembled from validated settings. `run`, `demo` and the
//! integration tests build it the same way ([`Service::build`]) and hand in their own
//! [`Shutdown`] and admin listener (bound first, by [`bind_admin`]).

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use traction_screen_core::codec::{Decoder, Encoder, OUTCOME_SCHEMA, OutputFormat};
use traction_screen_core::pipeline::Pipeline;
use traction_screen_core::rules::Engine;

use crate::config::{ADMIN_ADDR, ConfigError, RunSettings};
use crate::metrics::Metrics;
use crate::runtime::admin::{self, AdminListener, Health};
use crate::runtime::consumer;
use crate::runtime::history::Histories;
use crate::runtime::registry::{RegistryClient, RegistrySchemas, STARTUP_PATIENCE, value_subject};
use crate::runtime::shared::Shared;
use crate::runtime::shutdown::{self, Shutdown};

pub struct Service {
    settings: Arc<RunSettings>,
    /// Without its writer-schema source: that needs the run's shutdown (see [`Service::run`]).
    pipeline: Pipeline,
    registry: Option<RegistryClient>,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
}

/// Binds the admin address; a failure is a configuration error naming `--admin-addr`.
pub fn bind_admin(addr: SocketAddr) -> Result<AdminListener, ConfigError> {
    AdminListener::bind(addr).map_err(|error| {
        ConfigError::refused(ADMIN_ADDR, format!("cannot listen on {addr}: {error}"))
    })
}

impl Service {
    /// Builds the pipeline (registering the outcome schema when the output is Confluent
    /// framed). Blocking; fails with a one-line cause naming the setting at fault.
    pub fn build(settings: RunSettings) -> anyhow::Result<Self> {
        let registry = settings
            .schema_registry_url
            .as_ref()
            .map(RegistryClient::new);
        let schema_id = match (settings.output_format, &registry) {
            (OutputFormat::AvroConfluent, Some(registry)) => {
                let topic = settings.topics.output.as_str();
                let id = registry
                    .register_value_schema(topic, OUTCOME_SCHEMA, STARTUP_PATIENCE)
                    .with_context(|| {
                        format!(
                            "cannot register the outcome schema as {} (--schema-registry-url)",
                            value_subject(topic)
                        )
                    })?;
                Some(id)
            }
            (OutputFormat::AvroConfluent, None) => {
                anyhow::bail!("--output-format avro-confluent needs --schema-registry-url")
            }
            _ => None,
        };
        let encoder =
            Encoder::new(settings.output_format, schema_id).context("invalid --output-format")?;
        let engine = match &settings.rule_pack {
            Some(file) => Engine::new(file.pack.clone()),
            None => Engine::built_in(),
        };
        let metrics = Arc::new(Metrics::new(engine.rule_pack_version()));
        let pipeline = Pipeline::new(Decoder::new(settings.input_format), engine, encoder);
        Ok(Self {
            settings: Arc::new(settings),
            pipeline,
            registry,
            metrics,
            health: Arc::new(Health::new()),
        })
    }

    pub fn metrics(&self) -> Arc<Metrics> {
        Arc::clone(&self.metrics)
    }

    /// Serves the admin endpoints on `admin` and runs the Kafka loop until `shutdown` (or a
    /// signal, when `with_signals`), then drains and commits. Errs with the fatal cause, if
    /// any; `shutdown` is triggered however it ends, so everything waiting on it stops.
    pub async fn run(
        self,
        admin: AdminListener,
        shutdown: Shutdown,
        with_signals: bool,
    ) -> anyhow::Result<()> {
        if with_signals {
            tokio::spawn(shutdown::on_signals(shutdown.clone()));
        }
        crate::telemetry::log_panics();
        tracing::info!(addr = %admin.local_addr(), "serving /metrics, /healthz and /readyz");
        let admin_task = tokio::spawn(admin::serve(
            admin,
            Arc::clone(&self.metrics),
            Arc::clone(&self.health),
            shutdown.clone(),
        ));
        let histories = Histories::new(&self.settings, self.metrics.registry());
        let shared = Shared::new(
            Arc::clone(&self.metrics),
            Arc::clone(&self.health),
            shutdown.clone(),
            self.settings.topics.input.as_str().to_owned(),
            self.settings.tuning.drain_timeout,
        );
        let shared = Arc::new(shared.with_histories(histories));
        let settings = Arc::clone(&self.settings);
        // Writer schemas come from the registry, asked until it answers or this run stops.
        let pipeline = Arc::new(match self.registry {
            Some(registry) => self
                .pipeline
                .with_schema_source(RegistrySchemas::new(registry, shutdown.clone())),
            None => self.pipeline,
        });
        // The loop blocks (polling, synchronous commits): it gets its own thread.
        let result =
            tokio::task::spawn_blocking(move || consumer::run(&settings, pipeline, shared))
                .await
                .unwrap_or_else(|_| Err(anyhow::anyhow!("the consumer thread panicked")));
        if result.is_err() {
            shutdown.fail("the Kafka loop stopped");
        } else {
            shutdown.trigger();
        }
        match admin_task.await {
            Ok(Err(error)) => tracing::warn!(%error, "admin server stopped with an error"),
            Err(error) => tracing::warn!(%error, "admin server task failed"),
            Ok(Ok(())) => {}
        }
        result
    }
}

/// The async runtime of `run`, `demo` and `generate`: it only serves the admin endpoints and
/// waits for signals (the Kafka loop and the screening have threads of their own), so one
/// worker thread is enough.
pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}
