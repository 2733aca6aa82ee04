#!/usr/bin/env python3
"""Write tests/fixtures/container/*.avro: container files from writers other than ours.

The source is tests/fixtures/container/encounters.jsonl (committed; made by our generator):

    traction-screen generate --count 300 --seed 12 --output tests/fixtures/container/encounters.jsonl

Each event is written, in the same order, with schemas/encounter_event.avsc by two Python
writers, in every codec of the Avro specification each writer has:

    fastavro-<codec>.avro   fastavro: null, deflate, snappy, zstandard, bzip2, xz;
                            blocks of about 4 KiB (sync_interval)
    apache-<codec>.avro     the Apache `avro` package: the same but xz, which it lacks;
                            a block every 20 records

so every file has many blocks. tests/it/container.rs reads each one and compares it record
for record with the JSON Lines source; CI needs no Python because the files are committed.

    pip install 'fastavro[snappy,zstandard]' 'avro[snappy,zstandard]'
    python3 scripts/gen_container_fixtures.py
"""

import datetime
import json
from pathlib import Path

import avro.datafile
import avro.io
import avro.schema
import fastavro

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "container"
SCHEMA_TEXT = (ROOT / "schemas" / "encounter_event.avsc").read_text()
CODECS = ["null", "deflate", "snappy", "zstandard", "bzip2", "xz"]
APACHE_CODECS = [codec for codec in CODECS if codec != "xz"]
FASTAVRO_SYNC_INTERVAL = 4096
APACHE_RECORDS_PER_BLOCK = 20
# Fixed so that regenerating an unchanged source gives the same fastavro files.
SYNC_MARKER = bytes(range(0xA0, 0xB0))


def to_avro(schema, value, named):
    """The Avro datum of a CONTRACT-shaped JSON value: dates and instants as Python objects,
    absent fields as their schema defaults, union branches as the value's own shape."""
    if isinstance(schema, str):
        if schema in named:
            return to_avro(named[schema], value, named)
        return value
    if isinstance(schema, list):
        if value is None:
            return None
        branch = next(s for s in schema if s != "null")
        return to_avro(branch, value, named)
    kind = schema["type"]
    if "name" in schema:
        named[schema["name"]] = schema
    logical = schema.get("logicalType")
    if logical == "date":
        return datetime.date.fromisoformat(value)
    if logical == "timestamp-millis":
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if kind == "record":
        return {
            field["name"]: to_avro(
                field["type"], value.get(field["name"], field.get("default")), named
            )
            for field in schema["fields"]
        }
    if kind == "array":
        return [to_avro(schema["items"], item, named) for item in value]
    if isinstance(kind, (dict, list)):
        return to_avro(kind, value, named)
    return value


def write_fastavro(path, schema, records, codec):
    with path.open("wb") as out:
        fastavro.writer(
            out,
            fastavro.parse_schema(schema),
            records,
            codec=codec,
            sync_interval=FASTAVRO_SYNC_INTERVAL,
            sync_marker=SYNC_MARKER,
        )


def write_apache(path, records, codec):
    schema = avro.schema.parse(SCHEMA_TEXT)
    with path.open("wb") as out:
        writer = avro.datafile.DataFileWriter(out, avro.io.DatumWriter(), schema, codec=codec)
        for index, record in enumerate(records, 1):
            writer.append(record)
            if index % APACHE_RECORDS_PER_BLOCK == 0:
                writer.sync()
        writer.flush()


def main():
    schema = json.loads(SCHEMA_TEXT)
    lines = (OUT / "encounters.jsonl").read_text().splitlines()
    records = [to_avro(schema, json.loads(line), {}) for line in lines if line.strip()]
    written = []
    for codec in CODECS:
        written.append(OUT / f"fastavro-{codec}.avro")
        write_fastavro(written[-1], schema, records, codec)
    for codec in APACHE_CODECS:
        written.append(OUT / f"apache-{codec}.avro")
        write_apache(written[-1], records, codec)
    for path in written:
        with path.open("rb") as f:
            blocks = sum(1 for _ in fastavro.block_reader(f))
        print(f"{path.relative_to(ROOT)}: {len(records)} records, {blocks} blocks, "
              f"{path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
