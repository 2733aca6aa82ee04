//! A test-only rule that panics, to prove that a panic while screening one message is
//! contained (the message is dead-lettered as `internal_error`, the partition moves on).
//!
//! It exists only in debug builds (`cfg(debug_assertions)`: the integration tests run the
//! debug binary); release builds, which production runs, compile [`check`] to nothing. Even
//! in a debug build it does nothing unless the variable [`VARIABLE`] names a claim id: the
//! screening of that claim then panics, with a message that quotes the claim id (as a careless
//! `expect` might), so the tests also prove that the panic's message is not logged.

use traction_screen_core::pipeline::Processed;

/// The claim id whose screening panics (debug builds only).
pub const VARIABLE: &str = "TRACTION_IT_PANIC_ON_CLAIM";

/// Panics when `processed` is an outcome for the claim [`VARIABLE`] names.
#[cfg(debug_assertions)]
pub fn check(processed: &Processed) {
    use std::sync::OnceLock;
    static CLAIM: OnceLock<Option<String>> = OnceLock::new();
    let claim = CLAIM.get_or_init(|| std::env::var(VARIABLE).ok());
    if let (Some(claim), Processed::Screened(screened)) = (claim, processed)
        && screened.outcome.claim_id == *claim
    {
        panic!("panic probe: a rule failed on claim {claim}");
    }
}

#[cfg(not(debug_assertions))]
pub fn check(_processed: &Processed) {}
