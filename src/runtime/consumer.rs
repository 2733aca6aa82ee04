//! The service loop: consume → screen → publish → commit, at least once.
//!
//! Guarantee: an input offset is committed only after the outcome (or dead letter) of it
//! and of every earlier offset of its partition was acknowledged by the broker. A crash can
//! re-publish outcomes (same `event_id`), never lose one.
//!
//! Threads: one consumer thread runs this loop: it polls Kafka (which also runs the
//! rebalance callbacks and the blocking commits) and hands each message to a screening
//! worker (`worker`); the producer's own thread runs delivery reports. A partition always
//! goes to the same worker, so order inside a partition is kept while partitions run in
//! parallel. Memory is bounded by `max_in_flight`: past it, the consumer stops taking
//! messages until acknowledgements catch up — it waits for them (up to `PAUSE_AFTER`; what
//! librdkafka prefetches meanwhile is bounded by its `queued.max.messages.kbytes`), then
//! pauses its partitions; should pausing fail, the admission gate holds a polled message
//! until the count is below the bound again, and the workers' queues are bounded too.

use std::sync::Arc;
use std::sync::mpsc::SyncSender;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::message::{BorrowedMessage, Message};
use rdkafka::producer::Producer;
use tracing::{info, warn};
use traction_screen_core::pipeline::Pipeline;

use super::delivery::{ProducerCtx, ServiceProducer};
use super::kafka::{ConsumerCtx, commit_sync, offsets_list, service_client_config};
use super::ledger::Partition;
use super::records::Consumed;
use super::shared::Shared;
use super::startup;
use super::transaction::Transactions;
use super::worker::{self, Job};
use crate::config::{Role, RunSettings};

type Consumer_ = BaseConsumer<ConsumerCtx>;

/// Runs the loop until `shared.shutdown` is triggered, then drains, commits and leaves the
/// group. Blocking: call it from a dedicated thread. Errs with the fatal cause, if any.
pub fn run(
    settings: &RunSettings,
    pipeline: Arc<Pipeline>,
    shared: Arc<Shared>,
) -> anyhow::Result<()> {
    let producer: ServiceProducer = service_client_config(settings, Role::Producer)
        .create_with_context(ProducerCtx::new(Arc::clone(&shared)))
        .context("cannot create the Kafka producer (check --kafka-config)")?;
    let consumer: Consumer_ = service_client_config(settings, Role::Consumer)
        .create_with_context(ConsumerCtx {
            shared: Arc::clone(&shared),
        })
        .context("cannot create the Kafka consumer (check --kafka-config)")?;
    if !startup::check_topics(consumer.client(), producer.client(), settings, &shared)? {
        return Ok(());
    }
    let input = settings.topics.input.as_str();
    consumer
        .subscribe(&[input])
        .with_context(|| format!("cannot subscribe to {input}"))?;
    let workers = settings.tuning.workers.get();
    info!(topic = %input, group = %settings.group_id, workers, "consuming");
    let capacity = worker::queue_capacity(settings.tuning.max_in_flight.get(), workers);

    let producer = Arc::new(producer);
    let _ = producer.context().producer.set(Arc::downgrade(&producer));
    if settings.transactional_id.is_some() {
        let transactions = Transactions::start(&producer).map_err(anyhow::Error::msg)?;
        let _ = shared.transactions.set(transactions);
    }
    let topics = settings.topics.clone();
    let (lanes, handles) =
        worker::start((workers, capacity), &pipeline, &producer, &shared, topics);
    consume(&consumer, &lanes, &shared, settings);
    finish(&consumer, &shared, settings);
    drop(lanes);
    for handle in handles {
        let _ = handle.join();
    }
    if let Err(error) = producer.flush(Duration::from_secs(10)) {
        warn!(%error, "producer flush at shutdown did not complete");
    }
    drop(consumer);
    match shared.shutdown.failure() {
        Some(cause) => bail!(cause),
        None => Ok(()),
    }
}

/// How long the consumer waits at the in-flight bound for acknowledgements before it pauses
/// (the wait serves no librdkafka callbacks; the pause does, while it polls).
const PAUSE_AFTER: Duration = Duration::from_millis(500);

/// The consumer thread's loop: poll, dispatch, wait at the in-flight bound and pause if
/// acknowledgements do not catch up, commit.
fn consume(
    consumer: &Consumer_,
    lanes: &[SyncSender<Job>],
    shared: &Arc<Shared>,
    settings: &RunSettings,
) {
    let max_in_flight = settings.tuning.max_in_flight.get();
    let mut paused = false;
    let mut last_commit = Instant::now();
    let resume_at = max_in_flight * 3 / 4;
    while !shared.shutdown.is_triggered() {
        let in_flight = shared.ledger.in_flight();
        shared.metrics.set_in_flight(in_flight);
        if in_flight >= max_in_flight && !paused {
            // Acknowledgements usually catch up within milliseconds: wait for them before
            // pausing. A pause drops what librdkafka fetched ahead, and after a resume it
            // fetches again only when its broker thread next wakes up, up to 1 s later
            // (BENCHMARKS.md, "Why the service drains below the pipe").
            let deadline = Instant::now() + PAUSE_AFTER;
            if shared.ledger.wait_below(resume_at + 1, deadline) <= resume_at {
                continue;
            }
        }
        if in_flight >= max_in_flight {
            // Pausing again while paused also covers partitions assigned since.
            let newly = !paused;
            paused = set_paused(consumer, true) || paused;
            if newly && paused {
                info!(in_flight, "in-flight bound reached: consumption paused");
            }
        } else if paused && in_flight <= resume_at && set_paused(consumer, false) {
            paused = false;
            info!(in_flight, "acknowledgements caught up: consumption resumed");
        }
        match consumer.poll(Duration::from_millis(100)) {
            Some(Ok(message)) if admitted(shared, max_in_flight) => {
                dispatch(&message, lanes, shared)
            }
            Some(Ok(_)) => {}
            Some(Err(error)) => warn!(%error, "consumer error; retrying"),
            None => {}
        }
        if last_commit.elapsed() >= settings.tuning.commit_interval {
            commit_progress(consumer, shared);
            last_commit = Instant::now();
        }
    }
}

/// The admission gate: waits while `max_in_flight` messages are in flight, which happens
/// only when pausing did not take effect (the poll returned a message anyway). False when a
/// stop came meanwhile: the message is dropped untracked, so no commit passes it.
fn admitted(shared: &Shared, max_in_flight: usize) -> bool {
    loop {
        let wake = Instant::now() + Duration::from_millis(100);
        if shared.ledger.wait_below(max_in_flight, wake) < max_in_flight {
            return true;
        }
        if shared.shutdown.is_triggered() {
            return false;
        }
    }
}

/// Hands the message to its partition's worker, blocking while that worker's queue is full.
fn dispatch(message: &BorrowedMessage<'_>, lanes: &[SyncSender<Job>], shared: &Arc<Shared>) {
    let partition = Partition::new(message.topic(), message.partition());
    shared.metrics.event_consumed();
    let claim = shared.ledger.consume(partition.clone(), message.offset());
    let job = Job {
        message: Consumed {
            partition,
            offset: message.offset(),
            key: message.key().map(<[u8]>::to_vec),
            payload: message.payload().map(<[u8]>::to_vec),
            headers: message.headers().map(|h| h.detach()),
        },
        consumed_at: Instant::now(),
        claim,
    };
    let lane = message.partition().unsigned_abs() as usize % lanes.len();
    if lanes[lane].send(job).is_err() {
        shared
            .shutdown
            .fail("a screening worker stopped unexpectedly");
    }
}

/// Pauses or resumes every assigned partition; returns whether it took effect.
fn set_paused(consumer: &Consumer_, pause: bool) -> bool {
    let Ok(assignment) = consumer.assignment() else {
        return false;
    };
    let result = if pause {
        consumer.pause(&assignment)
    } else {
        consumer.resume(&assignment)
    };
    match result {
        Ok(()) => true,
        Err(error) => {
            warn!(%error, "cannot change pause state");
            false
        }
    }
}

/// Commits the positions that are ahead of their last confirmed commit, asynchronously (the
/// consumer thread must keep polling); the commit callback confirms them.
/// Exactly-once: ends the open transaction instead (`transaction`).
fn commit_progress(consumer: &Consumer_, shared: &Shared) {
    if let Some(transactions) = shared.transactions.get() {
        if let Err(cause) = transactions.commit(consumer, &shared.ledger) {
            shared.shutdown.fail(cause);
        }
        return;
    }
    let commits = shared.ledger.commits_due();
    if commits.is_empty() {
        return;
    }
    let list = offsets_list(&commits);
    if let Err(error) = consumer.commit(&list, CommitMode::Async) {
        warn!(%error, "cannot queue an offset commit; the next one retries");
    }
}

/// How often a drain stops waiting on the ledger to serve librdkafka's callbacks (commit
/// results, rebalances, statistics) on the consumer thread.
const SERVE_CALLBACKS_EVERY: Duration = Duration::from_millis(20);

/// Shutdown: stop fetching, drain within the bound, commit, leave the group.
fn finish(consumer: &Consumer_, shared: &Shared, settings: &RunSettings) {
    set_paused(consumer, true);
    let deadline = Instant::now() + settings.tuning.drain_timeout;
    // Each acknowledgement wakes the wait; between waits, callbacks are served. A message
    // fetched before the pause is dropped untracked, so no commit passes it and the next
    // owner screens it.
    let drained = || {
        let wake = (Instant::now() + SERVE_CALLBACKS_EVERY).min(deadline);
        shared.ledger.wait_drained(None, wake)
    };
    let mut left = drained();
    while left > 0 && Instant::now() < deadline {
        let _ = consumer.poll(Duration::ZERO);
        left = drained();
    }
    if left > 0 {
        warn!(
            in_flight = left,
            "drain timed out; those offsets stay uncommitted"
        );
    }
    let positions = shared.ledger.positions();
    match shared.transactions.get() {
        // A failed service commits nothing more: its transaction is aborted by the next
        // instance with its transactional id.
        Some(_) if shared.shutdown.failure().is_some() => {}
        Some(transactions) => {
            if let Err(cause) = transactions.commit(consumer, &shared.ledger) {
                shared.shutdown.fail(cause);
            }
        }
        None => commit_sync(consumer, &offsets_list(&positions)),
    }
    info!(
        partitions = positions.len(),
        "offsets committed; leaving the group"
    );
    consumer.unsubscribe();
}
