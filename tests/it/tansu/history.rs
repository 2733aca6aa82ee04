//! History on a real broker: the service creates its changelog topic through the admin
//! API, and a cross-claim stream screened by a service SIGKILLed mid-stream and restarted
//! gets for every event, duplicates included, the outcome an uninterrupted `check` gives.

use std::thread;
use std::time::Duration;

use super::{PRODUCER, broker, committed_reached, create_topics, messages, names, service};
use crate::history::{assert_like_check, restored_records};
use crate::support::events;
use crate::support::kafka::{Offsets, TopicReader, produce};
use crate::support::outcomes::{Duplicates, Ledger, decode_all};
use crate::support::wait_until;

/// The service's `session.timeout.ms` in this tier (6 s), and a second of margin.
const SESSION_EXPIRY: Duration = Duration::from_secs(7);

#[test]
#[ignore = "needs a tansu broker: run by scripts/tansu-tier.sh"]
fn a_sigkill_mid_stream_and_a_restart_give_every_outcome_as_check_does_on_a_real_broker() {
    let brokers = broker();
    let names = names("history");
    create_topics(
        &brokers,
        &[(&names.input, 3), (&names.output, 3), (&names.dlq, 1)],
    );
    let inputs = events::cross_claims(15, 900);
    let feeder = {
        let (brokers, topic, messages) = (brokers.clone(), names.input.clone(), messages(&inputs));
        thread::spawn(move || produce(&brokers, &topic, &messages, Some(200), PRODUCER))
    };
    let mut reader = TopicReader::new(&brokers, &names.output, &[]);
    let first = service("tansu-first", &brokers, &names, &[]);
    wait_until("400 outcomes", &[&first], || {
        let seen = decode_all(reader.poll()).len();
        if seen >= 400 {
            Ok(())
        } else {
            Err(format!("{seen} outcomes"))
        }
    });
    first.kill();
    assert_eq!(first.wait_exit().code(), None, "killed by a signal");
    let placed = feeder.join().expect("every input produced");
    let committed = Offsets::new(&brokers, &names.group).committed(&names.input);
    assert!(
        committed.values().flatten().sum::<i64>() < inputs.len() as i64,
        "the kill came mid-stream: {committed:?}"
    );

    // The killed member stays in the group until its session (6 s) expires; tansu 0.6 then
    // never rebalances a member that joined meanwhile with nothing assigned (seen: "partitions
    // assigned 0" for 90 s), which Apache Kafka does. Join once the session has expired.
    thread::sleep(SESSION_EXPIRY);
    let second = service("tansu-second", &brokers, &names, &[]);
    let ledger = Ledger::new(&names.input, &inputs, &placed);
    let published = wait_until("an outcome for every event", &[&second], || {
        let published = decode_all(reader.poll());
        ledger.all_screened(&published).map(|()| published.to_vec())
    });
    wait_until(
        "committed offsets at the end of the input",
        &[&second],
        || committed_reached(&brokers, &names, &placed),
    );
    let restored = restored_records(&second);
    second.stop();
    assert!(restored > 0.0, "the restart restored history");
    ledger.check(&published, Duplicates::Allowed);
    assert_like_check(&published, &inputs);
}
