//! The service, assembled from validated settings. `run`, `demo` and the
//! integration tests build it the same way ([`Service::build`]) and hand in their own
//! [`Shutdown`] and admin listener (bound first, by [`bind_admin`]).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use traction_screen_core::codec::{Decoder, Encoder, InputFormat, OUTCOME_SCHEMA, OutputFormat};
use traction_screen_core::pipeline::Pipeline;
use traction_screen_core::rules::{Engine, RulePack};

use crate::config::{ADMIN_ADDR, ConfigError, RunSettings};
use crate::metrics::Metrics;
use crate::runtime::admin::{self, AdminListener, Health};
use crate::runtime::consumer::{self, LoopConfig};
use crate::runtime::registry::{RegistryClient, RegistrySchemas, STARTUP_PATIENCE, value_subject};
use crate::runtime::shared::Shared;
use crate::runtime::shutdown::{self, Shutdown};

/// Everything the service needs, already validated.
#[derive(Clone, Debug)]
pub struct ServiceSpec {
    pub loop_config: LoopConfig,
    pub input_format: InputFormat,
    pub output_format: OutputFormat,
    pub schema_registry_url: Option<String>,
    pub rule_pack: Option<RulePack>,
}

pub struct Service {
    spec: ServiceSpec,
    /// Without its writer-schema source: that needs the run's shutdown (see [`Service::run`]).
    pipeline: Pipeline,
    registry: Option<RegistryClient>,
    metrics: Arc<Metrics>,
    health: Arc<Health>,
}

impl ServiceSpec {
    pub fn from_settings(settings: RunSettings) -> Self {
        let tuning = settings.tuning;
        let kafka_config = with_idempotence(&settings);
        Self {
            loop_config: LoopConfig {
                brokers: settings.brokers.to_bootstrap_servers(),
                group_id: settings.group_id,
                input_topic: settings.topics.input.as_str().to_owned(),
                output_topic: settings.topics.output.as_str().to_owned(),
                dlq_topic: settings.topics.dlq.as_str().to_owned(),
                alerts_topic: settings.topics.alerts.map(|t| t.as_str().to_owned()),
                kafka_config,
                startup_timeout: settings.startup_timeout,
                max_in_flight: tuning.max_in_flight.get(),
                drain_timeout: tuning.drain_timeout,
                commit_interval: tuning.commit_interval,
                workers: tuning.workers.get(),
            },
            input_format: settings.input_format,
            output_format: settings.output_format,
            schema_registry_url: settings
                .schema_registry_url
                .map(|url| url.as_str().to_owned()),
            rule_pack: settings.rule_pack.map(|file| file.pack),
        }
    }
}

/// The user's librdkafka properties plus the producer's idempotence, which the service owns
/// (`--producer-idempotence`; the property itself is refused in `--kafka-config`).
fn with_idempotence(settings: &RunSettings) -> BTreeMap<String, String> {
    let mut properties = settings.kafka_config.as_map().clone();
    properties.insert(
        "producer.enable.idempotence".to_owned(),
        settings.producer_idempotence.to_string(),
    );
    properties
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
    pub fn build(spec: ServiceSpec) -> anyhow::Result<Self> {
        let registry = spec
            .schema_registry_url
            .as_deref()
            .map(RegistryClient::new)
            .transpose()
            .context("invalid --schema-registry-url")?;
        let schema_id = match (spec.output_format, &registry) {
            (OutputFormat::AvroConfluent, Some(registry)) => {
                let topic = &spec.loop_config.output_topic;
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
            Encoder::new(spec.output_format, schema_id).context("invalid --output-format")?;
        let engine = match spec.rule_pack.clone() {
            Some(pack) => Engine::new(pack),
            None => Engine::built_in(),
        };
        let metrics = Arc::new(Metrics::new(engine.rule_pack_version()));
        let pipeline = Pipeline::new(Decoder::new(spec.input_format), engine, encoder);
        Ok(Self {
            spec,
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
        tracing::info!(addr = %admin.local_addr(), "serving /metrics, /healthz and /readyz");
        let admin_task = tokio::spawn(admin::serve(
            admin,
            Arc::clone(&self.metrics),
            Arc::clone(&self.health),
            shutdown.clone(),
        ));
        let shared = Arc::new(Shared::new(
            Arc::clone(&self.metrics),
            Arc::clone(&self.health),
            shutdown.clone(),
            self.spec.loop_config.input_topic.clone(),
            self.spec.loop_config.drain_timeout,
        ));
        let config = self.spec.loop_config.clone();
        // Writer schemas come from the registry, asked until it answers or this run stops.
        let pipeline = Arc::new(match self.registry {
            Some(registry) => self
                .pipeline
                .with_schema_source(RegistrySchemas::new(registry, shutdown.clone())),
            None => self.pipeline,
        });
        // The loop blocks (polling, synchronous commits): it gets its own thread.
        let result = tokio::task::spawn_blocking(move || consumer::run(&config, pipeline, shared))
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
