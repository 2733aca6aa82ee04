//! Shutdown: one handle shared by signal handlers, threads and async tasks.
//!
//! `trigger` asks for a clean stop (SIGTERM/SIGINT, end of a demo); `fail` records the
//! first fatal cause and stops too. Threads poll [`Shutdown::is_triggered`]; async code
//! awaits [`Shutdown::wait`]. Tests hand in their own handle, like mini-redis's
//! `run(listener, shutdown)`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use tokio::sync::Notify;

#[derive(Clone, Default)]
pub struct Shutdown {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    triggered: AtomicBool,
    failure: Mutex<Option<String>>,
    notify: Notify,
}

impl Shutdown {
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks for a clean stop.
    pub fn trigger(&self) {
        self.inner.triggered.store(true, Ordering::SeqCst);
        self.inner.notify.notify_waiters();
    }

    /// Stops because of a fatal error; the first cause is kept for the exit message.
    pub fn fail(&self, cause: impl Into<String>) {
        {
            let mut failure = self.inner.failure.lock().unwrap_or_else(|e| e.into_inner());
            if failure.is_none() {
                *failure = Some(cause.into());
            }
        }
        self.trigger();
    }

    pub fn is_triggered(&self) -> bool {
        self.inner.triggered.load(Ordering::SeqCst)
    }

    /// The fatal cause, if the stop was not a clean one.
    pub fn failure(&self) -> Option<String> {
        self.inner
            .failure
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Resolves once a stop was asked for.
    pub async fn wait(&self) {
        loop {
            let notified = self.inner.notify.notified();
            if self.is_triggered() {
                return;
            }
            notified.await;
        }
    }
}

/// Triggers `shutdown` on SIGTERM or SIGINT (Ctrl-C). Installed first thing, and listening
/// for as long as the process runs: a signal that comes while a stop is already under way
/// (a second Ctrl-C, or one during the demo's summary) exits at once, as a crash would —
/// nothing is lost, offsets not yet committed are screened again.
pub async fn on_signals(shutdown: Shutdown) {
    let Some(mut signals) = Signals::install() else {
        tracing::error!("cannot install signal handlers");
        return;
    };
    loop {
        let (name, number) = signals.next().await;
        if shutdown.is_triggered() {
            tracing::warn!("{name} received while stopping: exiting now, without draining");
            std::process::exit(128 + number);
        }
        tracing::info!("{name} received: draining and shutting down");
        shutdown.trigger();
    }
}

/// The stop signals, as a stream.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    #[cfg(unix)]
    fn install() -> Option<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        Some(Self {
            term: signal(SignalKind::terminate()).ok()?,
            int: signal(SignalKind::interrupt()).ok()?,
        })
    }

    #[cfg(not(unix))]
    fn install() -> Option<Self> {
        Some(Self {})
    }

    /// The next signal's name and number.
    async fn next(&mut self) -> (&'static str, i32) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => ("SIGTERM", 15),
                _ = self.int.recv() => ("SIGINT", 2),
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            ("Ctrl-C", 2)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_failure_wins_and_triggers() {
        let shutdown = Shutdown::new();
        assert!(!shutdown.is_triggered());
        shutdown.fail("broker refused authentication");
        shutdown.fail("something later");
        assert!(shutdown.is_triggered());
        assert_eq!(
            shutdown.failure().as_deref(),
            Some("broker refused authentication")
        );
    }

    #[test]
    fn clean_trigger_has_no_failure() {
        let shutdown = Shutdown::new();
        shutdown.trigger();
        assert!(shutdown.is_triggered());
        assert_eq!(shutdown.failure(), None);
    }

    #[tokio::test]
    async fn wait_returns_after_trigger_from_another_thread() {
        let shutdown = Shutdown::new();
        let remote = shutdown.clone();
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(20));
            remote.trigger();
        });
        tokio::time::timeout(std::time::Duration::from_secs(5), shutdown.wait())
            .await
            .expect("wait returns once triggered");
    }
}
