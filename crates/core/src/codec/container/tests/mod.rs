//! The container reader and writer on files built here byte by byte: every block of every
//! codec, Python's deflate blocks, headers that are not ours. `damage` breaks files in each
//! way they break, and checks what it costs and where it is reported.

mod damage;

use super::*;
use crate::codec::avro::write_datum;
use crate::testing::clean_encounter;

const SYNC: [u8; 16] = *b"sync-marker-0123";

/// `n` distinct clean encounters.
fn events(n: usize) -> Vec<Encounter> {
    (0..n)
        .map(|i| {
            let mut event = clean_encounter();
            event.event_id = format!("evt-{i:04}");
            event
        })
        .collect()
}

fn datums(events: &[Encounter]) -> Vec<u8> {
    let mut out = Vec::new();
    for event in events {
        write_datum(
            event,
            &super::super::avro::ENCOUNTER,
            "EncounterEvent",
            &mut out,
        )
        .expect("encodes");
    }
    out
}

fn long(n: i64, out: &mut Vec<u8>) {
    let mut z = ((n << 1) ^ (n >> 63)) as u64;
    while z >= 0x80 {
        out.push((z as u8) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

fn bytes(b: &[u8], out: &mut Vec<u8>) {
    long(b.len() as i64, out);
    out.extend_from_slice(b);
}

/// A header with our schema, `codec` and [`SYNC`].
fn header(codec: &str) -> Vec<u8> {
    let mut out = MAGIC.to_vec();
    long(2, &mut out);
    bytes(b"avro.schema", &mut out);
    bytes(crate::codec::ENCOUNTER_SCHEMA.as_bytes(), &mut out);
    bytes(b"avro.codec", &mut out);
    bytes(codec.as_bytes(), &mut out);
    long(0, &mut out);
    out.extend(SYNC);
    out
}

/// One block: `count`, the size of `data`, `data`, [`SYNC`].
fn block(count: i64, data: &[u8], out: &mut Vec<u8>) {
    long(count, out);
    bytes(data, out);
    out.extend(SYNC);
}

/// A null-codec file of blocks of the given events.
fn null_file(blocks: &[&[Encounter]]) -> Vec<u8> {
    let mut out = header("null");
    for events in blocks {
        block(events.len() as i64, &datums(events), &mut out);
    }
    out
}

fn read_all(bytes: &[u8]) -> Vec<Result<Record, ContainerError>> {
    read_encounters(bytes).expect("header").collect()
}

/// The event ids read, in order, and the errors in between as `!`.
fn ids(items: &[Result<Record, ContainerError>]) -> Vec<String> {
    items
        .iter()
        .map(|item| match item {
            Ok(Record { event: Ok(e), .. }) => e.event_id.clone(),
            _ => "!".to_owned(),
        })
        .collect()
}

#[test]
fn every_block_of_a_multi_block_file_reads_in_every_codec() {
    let events = events(60);
    for codec in Codec::ALL {
        let mut file = ContainerWriter::with_block_bytes(Vec::new(), codec, 1_000).expect("header");
        for event in &events {
            file.write(event).expect("writes");
        }
        let bytes = file.finish().expect("finishes");
        let read = read_all(&bytes);
        let blocks = read
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|r| r.block)
            .max();
        assert!(blocks >= Some(10), "{codec:?}: {blocks:?} blocks");
        let read: Vec<_> = read
            .into_iter()
            .map(|r| r.expect("a record").event)
            .collect();
        let expected: Vec<_> = events.iter().cloned().map(Ok).collect();
        assert_eq!(read, expected, "{codec:?}");
    }
}

#[test]
fn deflate_blocks_with_bytes_after_their_compressed_data_read_as_python_writes_them() {
    // fastavro and avro write `zlib.compress(data)[2:-1]`: raw deflate, then 3 bytes of
    // zlib's Adler-32. serde_avro_fast 2.1.2's reader stopped there after the first block.
    let (first, second) = (events(3), events(5));
    let mut file = header("deflate");
    for events in [&first[..], &second[..]] {
        let mut data = miniz_oxide::deflate::compress_to_vec(&datums(events), 6);
        data.extend([0x3a, 0x91, 0x07]);
        block(events.len() as i64, &data, &mut file);
    }
    let read = read_all(&file);
    assert_eq!(
        ids(&read),
        [
            "evt-0000", "evt-0001", "evt-0002", "evt-0000", "evt-0001", "evt-0002", "evt-0003",
            "evt-0004"
        ]
    );
    let numbers: Vec<_> = read
        .iter()
        .map(|r| r.as_ref().map(|r| (r.block, r.number)).ok())
        .collect();
    assert_eq!(numbers[2..4], [Some((1, 3)), Some((2, 4))]);
}

#[test]
fn an_invalid_record_is_reported_and_the_next_one_still_reads() {
    let mut blank = clean_encounter();
    blank.claim_id = " ".into();
    let bytes =
        write_encounters(&[blank, clean_encounter()], Vec::new(), Codec::Deflate).expect("writes");
    let read: Vec<_> = read_all(&bytes)
        .into_iter()
        .map(|r| r.expect("a record").event)
        .collect();
    assert_eq!(
        read,
        [
            Err(DecodeError::invalid_field("claim_id", "required and blank")),
            Ok(clean_encounter())
        ]
    );
}

#[test]
fn json_and_unknown_codecs_are_not_readable_container_files() {
    let error = |bytes: &[u8]| read_encounters(bytes).err();
    assert_eq!(error(b"{}"), Some(ContainerError::NotAContainer));
    assert_eq!(error(b"{}").and_then(|e| e.code()), Some("bad_magic_byte"));
    assert_eq!(
        error(&header("lz4")).map(|e| e.to_string()),
        Some("unreadable header: its avro.codec is none of the specification's codecs (null, deflate, snappy, zstandard, bzip2, xz)".to_owned())
    );
    let cut = header("null");
    assert_eq!(
        error(&cut[..cut.len() - 3]).map(|e| e.to_string()),
        Some(format!(
            "unreadable header: the file ends at byte {}",
            cut.len() - 3
        ))
    );
}

#[test]
fn a_header_over_its_size_limit_is_refused_before_it_is_read() {
    let mut file = MAGIC.to_vec();
    long(1, &mut file);
    bytes(b"avro.schema", &mut file);
    long(2 << 20, &mut file); // and no schema follows
    assert_eq!(
        read_encounters(&file[..]).err().map(|e| e.to_string()),
        Some("unreadable header: its metadata is over the header size limit (1 MiB)".to_owned())
    );
}
