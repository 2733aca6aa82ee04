//! Why a registry call failed, split into permanent and transient: the contract with callers.

/// Why a registry call failed. `Display` names the registry host, never credentials or any
/// text from the registry's answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    /// The registry has no schema with this id (HTTP 404, error code 40403). Permanent.
    #[error("schema id {id} not found in the schema registry at {host}")]
    NotFound { host: String, id: u32 },
    /// A 4xx answer other than schema-not-found (bad auth, incompatible or invalid schema,
    /// wrong path). Permanent: retrying cannot change the answer.
    #[error(
        "schema registry at {host} rejected the request with HTTP {status}{}",
        code_suffix(code)
    )]
    Rejected {
        host: String,
        status: u16,
        /// The registry's numeric `error_code`, when its answer carried one.
        code: Option<u32>,
    },
    /// No usable answer (connect failure, timeout, 5xx, 408, 429, unreadable body): worth
    /// retrying. The text says what failed and names the host.
    #[error("{0}")]
    Transient(String),
    /// The caller's `give_up` returned true while waiting to retry (shutdown).
    #[error("gave up waiting for the schema registry (shutting down)")]
    GaveUp,
}

impl RegistryError {
    /// Whether a retry may succeed; the `*_with_retry` methods retry exactly these.
    pub fn is_transient(&self) -> bool {
        matches!(self, RegistryError::Transient(_))
    }
}

pub(super) fn code_suffix(code: &Option<u32>) -> String {
    code.map_or_else(String::new, |code| format!(" (error code {code})"))
}
