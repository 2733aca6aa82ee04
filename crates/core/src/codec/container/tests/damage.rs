//! Damaged files: each costs only what is damaged, and is reported once, saying where.

use super::*;

#[test]
fn a_corrupt_block_costs_its_records_only_and_is_reported_once() {
    let events = events(9);
    let mut file = header("deflate");
    let mut offsets = Vec::new();
    for chunk in events.chunks(3) {
        offsets.push(file.len() as u64);
        block(
            3,
            &miniz_oxide::deflate::compress_to_vec(&datums(chunk), 6),
            &mut file,
        );
    }
    // Garble the second block's compressed data (just after its two varints).
    let start = offsets[1] as usize + 3;
    file[start..start + 8].copy_from_slice(b"\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8");
    let read = read_all(&file);
    assert_eq!(
        ids(&read),
        [
            "evt-0000", "evt-0001", "evt-0002", "!", "evt-0006", "evt-0007", "evt-0008"
        ]
    );
    assert_eq!(
        read[3],
        Err(ContainerError::Block {
            block: 2,
            offset: offsets[1],
            records: Some(3),
            problem: "its deflate data is corrupt or cut short".into(),
            resumed_at: Some(offsets[2]),
        })
    );
    assert_eq!(read[4].as_ref().map(|r| (r.block, r.number)), Ok((3, 7)));
}

#[test]
fn a_block_whose_size_field_overshoots_resumes_at_its_own_sync_marker() {
    let events = events(4);
    let (first, second) = (datums(&events[..2]), datums(&events[2..]));
    let mut file = header("null");
    // The first block's size says 40 bytes more than its data: its "sync marker" is read
    // from the middle of the second block.
    long(2, &mut file);
    long(first.len() as i64 + 40, &mut file);
    file.extend(&first);
    file.extend(SYNC);
    let resumed = file.len() as u64;
    block(2, &second, &mut file);
    let read = read_all(&file);
    assert_eq!(ids(&read), ["!", "evt-0002", "evt-0003"]);
    assert!(
        matches!(&read[0], Err(ContainerError::Block { block: 1, records: Some(2), resumed_at: Some(at), problem, .. })
            if *at == resumed && problem == "the sync marker after its data is not the file's"),
        "{:?}",
        read[0]
    );
}

#[test]
fn a_block_declaring_more_than_the_limits_is_refused_before_it_is_read() {
    let events = events(2);
    let mut file = header("null");
    long(1, &mut file);
    long(i64::MAX, &mut file);
    file.extend(b"data of a block too large to believe");
    file.extend(SYNC);
    let after_first = file.len() as u64;
    long(i64::from(u32::MAX), &mut file);
    long(10, &mut file);
    file.extend(b"0123456789");
    file.extend(SYNC);
    let after_second = file.len() as u64;
    block(2, &datums(&events), &mut file);
    let read = read_all(&file);
    assert_eq!(ids(&read), ["!", "!", "evt-0000", "evt-0001"]);
    let problems: Vec<_> = read[..2]
        .iter()
        .map(|r| match r {
            Err(ContainerError::Block {
                problem,
                resumed_at,
                ..
            }) => (problem.clone(), *resumed_at),
            other => panic!("expected a block error, got {other:?}"),
        })
        .collect();
    assert_eq!(
        problems,
        [
            (
                format!(
                    "its byte size {} is negative or over the limit of {}",
                    i64::MAX,
                    crate::codec::limits::MAX_BLOCK_BYTES
                ),
                Some(after_first)
            ),
            (
                format!(
                    "its record count {} is negative or over the limit of {}",
                    u32::MAX,
                    crate::codec::limits::MAX_BLOCK_RECORDS
                ),
                Some(after_second)
            ),
        ]
    );
}

#[test]
fn a_record_that_does_not_decode_costs_the_rest_of_its_block_only() {
    let events = events(5);
    let mut file = header("null");
    let mut data = datums(&events[..1]);
    data.extend([0x80; 12]); // a varint that never ends
    data.extend(datums(&events[1..2]));
    let offset = file.len() as u64;
    block(3, &data, &mut file);
    block(3, &datums(&events[2..]), &mut file);
    let read = read_all(&file);
    assert_eq!(
        ids(&read),
        ["evt-0000", "!", "evt-0002", "evt-0003", "evt-0004"]
    );
    match &read[1] {
        Err(ContainerError::Record {
            block: 1,
            offset: at,
            records: 3,
            index: 2,
            number: 2,
            error,
        }) => {
            assert_eq!((*at, error.code()), (offset, "avro_decode"));
        }
        other => panic!("expected a record error, got {other:?}"),
    }
    assert_eq!(read[2].as_ref().map(|r| r.number), Ok(4));
}

#[test]
fn a_truncated_file_reports_where_it_ends_after_the_records_before() {
    let events = events(4);
    let file = null_file(&[&events[..2], &events[2..]]);
    let cut = file.len() - 30;
    let read = read_all(&file[..cut]);
    assert_eq!(ids(&read), ["evt-0000", "evt-0001", "!"]);
    match &read[2] {
        Err(ContainerError::Truncated {
            block: 2,
            records: Some(2),
            end,
            missing,
            ..
        }) => {
            assert_eq!((*end, *missing), (cut as u64, "the end of its data"));
        }
        other => panic!("expected a truncation, got {other:?}"),
    }
}

#[test]
fn bytes_after_the_last_record_of_a_block_are_reported() {
    let events = events(3);
    let mut file = header("null");
    block(1, &datums(&events[..2]), &mut file);
    block(1, &datums(&events[2..]), &mut file);
    let read = read_all(&file);
    assert_eq!(ids(&read), ["evt-0000", "!", "evt-0002"]);
    assert!(
        matches!(
            read[1],
            Err(ContainerError::Leftover {
                block: 1,
                records: 1,
                ..
            })
        ),
        "{:?}",
        read[1]
    );
}
