//! The registry as the pipeline's [`SchemaSource`]: the writer schema of a Confluent schema
//! id, asked until the registry answers (a registry outage is never a reason to dead-letter
//! a message) or the service stops (then the message is abandoned, its offset never
//! committed, and whoever owns its partition next screens it).

use traction_screen_core::pipeline::{Lookup, SchemaSource};

use super::{RegistryClient, RegistryError};
use crate::runtime::shutdown::Shutdown;

/// Writer schemas from the registry, retried with backoff until an answer or shutdown.
pub struct RegistrySchemas {
    client: RegistryClient,
    shutdown: Shutdown,
}

impl RegistrySchemas {
    pub fn new(client: RegistryClient, shutdown: Shutdown) -> Self {
        Self { client, shutdown }
    }
}

impl SchemaSource for RegistrySchemas {
    fn writer_schema(&self, id: u32) -> Lookup {
        let give_up = || self.shutdown.is_triggered();
        match self.client.writer_schema_with_retry(id, &give_up) {
            Ok(schema) => Lookup::Found(schema),
            Err(RegistryError::GaveUp) => Lookup::GaveUp,
            Err(error) => {
                tracing::warn!(schema_id = id, %error, "writer schema unavailable");
                Lookup::Missing
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::fake_registry::FakeRegistry;
    use super::*;

    fn schemas(registry: &FakeRegistry, shutdown: &Shutdown) -> RegistrySchemas {
        RegistrySchemas::new(registry.client(), shutdown.clone())
    }

    #[test]
    fn a_schema_the_registry_has_is_found_after_transient_failures() {
        let answer = serde_json::json!({ "schema": "{\"type\": \"string\"}" }).to_string();
        let registry = FakeRegistry::start(&[(503, ""), (200, &answer)]);
        let lookup = schemas(&registry, &Shutdown::new()).writer_schema(7);
        assert_eq!(lookup, Lookup::Found("{\"type\": \"string\"}".to_owned()));
        assert_eq!(registry.seen().len(), 2);
    }

    #[test]
    fn an_id_the_registry_does_not_know_is_missing() {
        let not_found = r#"{"error_code":40403,"message":"Schema 7 not found"}"#;
        let registry = FakeRegistry::start(&[(404, not_found)]);
        let lookup = schemas(&registry, &Shutdown::new()).writer_schema(7);
        assert_eq!(lookup, Lookup::Missing);
    }

    #[test]
    fn a_stopping_service_gives_up_on_a_registry_that_does_not_answer() {
        let registry = FakeRegistry::start(&[(503, "")]);
        let shutdown = Shutdown::new();
        shutdown.trigger();
        let lookup = schemas(&registry, &shutdown).writer_schema(7);
        assert_eq!(lookup, Lookup::GaveUp);
    }
}
