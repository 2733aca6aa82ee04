//! Helpers for the tests that run the real `traction-screen` binary against a Kafka
//! cluster: the cluster itself ([`cluster`], librdkafka's in-process mock), the test's own
//! Kafka clients ([`kafka`]: produce, read topics, committed offsets), the service as a
//! child process ([`child`]), its admin endpoints ([`http`]), the events fed to it with
//! what the pure pipeline says about them ([`events`]), the check of what it published
//! against them ([`outcomes`]), and a Prometheus server scraping it ([`prometheus`]).
//!
//! Everything but [`cluster`] takes a bootstrap-servers string, so a test against another
//! broker (tansu, a user's Kafka) reuses the rest unchanged.

// Each helper is used by some tier; a tier that skips one must not warn about it.
#![allow(dead_code)]

pub mod child;
pub mod cluster;
pub mod events;
pub mod http;
pub mod kafka;
pub mod outcomes;
pub mod prometheus;

use std::thread;
use std::time::{Duration, Instant};

use self::child::Service;

/// How long any one wait may take before a test gives up. Generous: the machine has two
/// cores shared by tests running in parallel, and the mock's consumer groups wait 3 s
/// before their first rebalance.
pub const PATIENCE: Duration = Duration::from_secs(90);

/// Polls `check` until it returns `Ok`, and returns that value. `check` says what is still
/// missing; after [`PATIENCE`] the test fails with that (and the services' logs, printed
/// when their handles drop). A service that exits while we wait fails the test at once:
/// nothing will change any more.
pub fn wait_until<T>(
    what: &str,
    services: &[&Service],
    mut check: impl FnMut() -> Result<T, String>,
) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let missing = match check() {
            Ok(value) => return value,
            Err(missing) => missing,
        };
        for service in services {
            if let Some(status) = service.exit_status() {
                panic!(
                    "{} exited ({status}) while waiting for {what}; still missing: {missing}",
                    service.name()
                );
            }
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {PATIENCE:?} waiting for {what}; still missing: {missing}"
        );
        thread::sleep(Duration::from_millis(200));
    }
}
