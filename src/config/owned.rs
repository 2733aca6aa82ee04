//! The librdkafka properties the service sets itself and relies on, which `--kafka-config`
//! may not change: those other settings own (`--brokers`, `--group-id`,
//! `--producer-idempotence`), and those whose change would break at-least-once delivery
//! (README, "Properties the service owns"). One table, checked for `run` whatever the
//! source (flag, environment, file) and the `consumer.`/`producer.` prefix.

use std::collections::BTreeMap;

use super::kafka_config::scoped;

/// A librdkafka property the service sets itself and relies on: `--kafka-config` may not
/// set it, whatever its `consumer.`/`producer.` prefix, except to a value `allowed` takes
/// (the service's own value and its synonyms).
pub(super) struct Owned {
    property: &'static str,
    allowed: fn(&str) -> bool,
    /// Why, completing `"<key>" …`; never quotes the user's value.
    why: &'static str,
}

pub(super) type Reserved = &'static [Owned];

const fn owned(property: &'static str, why: &'static str) -> Owned {
    Owned {
        property,
        allowed: |_| false,
        why,
    }
}

fn one_of(value: &str, accepted: &[&str]) -> bool {
    accepted
        .iter()
        .any(|a| a.eq_ignore_ascii_case(value.trim()))
}

const BY_BROKERS: &str = "is set with --brokers";
const AUTO_COMMIT: &str = "is managed by the service: it commits an offset only once the outcome \
is acknowledged; auto-commit would commit offsets of outcomes never written, and a crash would \
lose them";
const ALL_ACKS: &str = "can only be all (or -1): an outcome acknowledged by fewer replicas can \
be lost after its input offset was committed";

/// What `run` owns (README, "Properties the service owns"). Each entry protects the
/// at-least-once guarantee, or belongs to a setting with a flag of its own.
pub(super) const RUN_RESERVED: Reserved = &[
    owned("bootstrap.servers", BY_BROKERS),
    owned("metadata.broker.list", BY_BROKERS),
    owned("group.id", "is set with --group-id"),
    owned("enable.auto.commit", AUTO_COMMIT),
    // The legacy (simple consumer) name of the same switch.
    owned("auto.commit.enable", AUTO_COMMIT),
    owned(
        "enable.auto.offset.store",
        "is managed by the service (an offset is stored only once its outcome is acknowledged)",
    ),
    Owned {
        property: "auto.offset.reset",
        allowed: |value| one_of(value, &["earliest", "smallest", "beginning"]),
        why: "can only be earliest: a partition without a committed offset (a new group, or \
offsets past retention) must start at its first event, or encounters go unscreened; to start \
a new group later in the topic, set its offsets with kafka-consumer-groups --reset-offsets",
    },
    // Both delivery modes read committed input only; exactly-once makes the producer
    // transactional itself, with the id of --transactional-id.
    owned(
        "isolation.level",
        "is managed by the service (read_committed, in both delivery modes)",
    ),
    owned(
        "transactional.id",
        "is set with --transactional-id, and only with --delivery exactly-once",
    ),
    Owned {
        property: "acks",
        allowed: |value| one_of(value, &["all", "-1"]),
        why: ALL_ACKS,
    },
    Owned {
        property: "request.required.acks",
        allowed: |value| one_of(value, &["all", "-1"]),
        why: ALL_ACKS,
    },
    owned(
        "enable.idempotence",
        "is set with --producer-idempotence (for brokers without idempotent producers)",
    ),
    Owned {
        property: "statistics.interval.ms",
        allowed: |value| value.trim().parse::<u64>().is_ok_and(|ms| ms > 0),
        why: "cannot be 0: the consumer-lag gauge and /readyz come from librdkafka's statistics",
    },
];
pub(super) const GENERATE_RESERVED: Reserved = &[
    owned("bootstrap.servers", BY_BROKERS),
    owned("metadata.broker.list", BY_BROKERS),
];

/// The first property of `merged` that `reserved` refuses, as the problem to report.
pub(super) fn refused(merged: &BTreeMap<String, String>, reserved: Reserved) -> Option<String> {
    merged.iter().find_map(|(key, value)| {
        let (_, property) = scoped(key);
        let owner = reserved.iter().find(|owned| owned.property == property)?;
        (!(owner.allowed)(value)).then(|| format!("{key:?} {}", owner.why))
    })
}
