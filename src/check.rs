//! `traction-screen check`: screen encounter files offline, without Kafka (CONTRACT.md §5).
//!
//! Inputs are JSON Lines, a JSON array, or Avro object container files (told apart by
//! their first bytes); `-` or no file reads standard input. Every encounter goes through
//! the same [`Pipeline`] as the service, and against the history of the encounters before
//! it (files in the order given, records in order; `--no-history`: each alone), so the
//! history rules compare a batch's claims with each other. Records that cannot be decoded
//! never enter history. A record that cannot be decoded is reported on
//! standard error with its file and position — `line N` (and `column M` when it is not JSON)
//! in JSON Lines, `record N` in an array or a container file — and checking goes on.
//!
//! Exit status: 0 when every encounter was screened and none FAILed, 1 when at least one
//! FAILed (and all input was readable), 2 on a usage error, an unreadable file, or any
//! record that could not be decoded.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::PathBuf;

use serde_json::value::RawValue;

use traction_screen_core::codec::container::{Codec, ContainerError, OutcomeWriter, Record};
use traction_screen_core::codec::{self, DecodeError, Decoder, Encoder, InputFormat, OutputFormat};
use traction_screen_core::domain::{Encounter, Outcome, Severity, Timestamp, Verdict};
use traction_screen_core::history::{History, Position};
use traction_screen_core::pipeline::{Pipeline, Processed, Screened};
use traction_screen_core::rules::Engine;

/// How outcomes are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// One ScreeningOutcome per line (JSON Lines).
    #[value(alias = "json")]
    Jsonl,
    /// A table for humans, with a summary.
    Table,
    /// An Avro object container file of ScreeningOutcomes (what `report` reads).
    Avro,
}

pub struct CheckOptions {
    pub format: CheckFormat,
    pub rule_pack: Option<PathBuf>,
    pub files: Vec<PathBuf>,
    /// Screen each encounter against the ones before it (`--no-history`: false).
    pub history: bool,
}

/// Exit statuses of `check`.
pub mod exit {
    pub const OK: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const BAD_INPUT: u8 = 2;
}

/// Runs `check`; returns the process exit status.
pub fn run(
    options: &CheckOptions,
    stdin: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let engine = match load_engine(options) {
        Ok(engine) => engine,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return exit::BAD_INPUT;
        }
    };
    let encoder = Encoder::new(OutputFormat::Json, None).expect("JSON output needs no schema id");
    let pipeline = Pipeline::new(Decoder::new(InputFormat::Json), engine, encoder);
    let mut screener = Screener {
        pipeline,
        history: options.history.then(History::new),
        next: 0,
    };
    let mut report = Report::new(options.format, out);
    let mut unreadable = false;
    let stdin_name = [PathBuf::from("-")];
    let files = if options.files.is_empty() {
        &stdin_name[..]
    } else {
        &options.files[..]
    };
    for path in files {
        let name = path.display().to_string();
        let result = if name == "-" {
            check_input(
                "<stdin>",
                BufReader::new(&mut *stdin),
                &mut screener,
                &mut report,
                err,
            )
        } else {
            File::open(path)
                .map_err(|e| format!("{name}: cannot read: {e}"))
                .and_then(|file| {
                    check_input(&name, BufReader::new(file), &mut screener, &mut report, err)
                })
        };
        match result {
            Ok(clean) => unreadable |= !clean,
            Err(message) => {
                let _ = writeln!(err, "error: {message}");
                unreadable = true;
            }
        }
    }
    if let Err(e) = report.finish(unreadable) {
        let _ = writeln!(err, "error: cannot write output: {e}");
        return exit::BAD_INPUT;
    }
    if unreadable {
        exit::BAD_INPUT
    } else if report.verdicts.get(&Verdict::Fail).copied().unwrap_or(0) > 0 {
        exit::FAILED
    } else {
        exit::OK
    }
}

fn load_engine(options: &CheckOptions) -> Result<Engine, String> {
    match &options.rule_pack {
        None => Ok(Engine::built_in()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("--rule-pack {}: cannot read: {e}", path.display()))?;
            Engine::from_pack_text(&text)
                .map_err(|e| format!("--rule-pack {}: {e}", path.display()))
        }
    }
}

/// Screens one input; `Ok(false)` when some record could not be decoded (already reported).
fn check_input(
    name: &str,
    mut reader: impl BufRead,
    screener: &mut Screener,
    report: &mut Report<'_>,
    err: &mut dyn Write,
) -> Result<bool, String> {
    let io_error = |e: io::Error| format!("{name}: cannot read: {e}");
    let head = reader.fill_buf().map_err(io_error)?;
    if head.starts_with(codec::container::MAGIC) {
        return check_container(name, reader, screener, report, err);
    }
    if head.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        let mut text = String::new();
        reader.read_to_string(&mut text).map_err(io_error)?;
        return check_array(name, &text, screener, report, err);
    }
    check_lines(name, reader, screener, report, err)
}

fn check_lines(
    name: &str,
    reader: impl BufRead,
    screener: &mut Screener,
    report: &mut Report<'_>,
    err: &mut dyn Write,
) -> Result<bool, String> {
    let mut clean = true;
    for (index, line) in reader.split(b'\n').enumerate() {
        let line = line.map_err(|e| format!("{name}: cannot read: {e}"))?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if let Err(error) = screen_one(&line, screener, report)? {
            clean = false;
            report_line_reject(name, index + 1, &error, err);
        }
    }
    Ok(clean)
}

fn check_array(
    name: &str,
    text: &str,
    screener: &mut Screener,
    report: &mut Report<'_>,
    err: &mut dyn Write,
) -> Result<bool, String> {
    let elements: Vec<&RawValue> = serde_json::from_str(text).map_err(|e| {
        format!(
            "{name}: line {}, column {}: not a JSON array of encounters",
            e.line(),
            e.column()
        )
    })?;
    let mut clean = true;
    for (index, element) in elements.iter().enumerate() {
        if let Err(error) = screen_one(element.get().as_bytes(), screener, report)? {
            clean = false;
            report_reject(&format!("{name}: record {}", index + 1), &error, err);
        }
    }
    Ok(clean)
}

/// Screens the records of a container file as they are read, one block in memory at a
/// time; the file's own problems are reported where they happen, and reading goes on when
/// the format allows.
fn check_container(
    name: &str,
    reader: impl BufRead,
    screener: &mut Screener,
    report: &mut Report<'_>,
    err: &mut dyn Write,
) -> Result<bool, String> {
    let records = codec::container::read_encounters(reader)
        .map_err(|e| format!("{name}: not a readable Avro container file: {e}"))?;
    let mut clean = true;
    for record in records {
        match record {
            Ok(Record {
                event: Ok(event), ..
            }) => {
                let screened = screener.screen(event);
                report
                    .add(&screened.outcome)
                    .map_err(|e| format!("cannot write output: {e}"))?;
            }
            Ok(Record {
                number,
                block,
                event: Err(error),
            }) => {
                clean = false;
                let place = format!("{name}: record {number} (block {block})");
                report_reject(&place, &error, err);
            }
            Err(ContainerError::Io { offset, error }) => {
                return Err(format!("{name}: cannot read at byte {offset}: {error}"));
            }
            Err(error) => {
                clean = false;
                let code = error.code().unwrap_or("avro_decode");
                let _ = writeln!(err, "error: {name}: {error} ({code})");
            }
        }
    }
    Ok(clean)
}

/// Screens one JSON record; `Ok(Err(_))` when it could not be decoded.
fn screen_one(
    bytes: &[u8],
    screener: &mut Screener,
    report: &mut Report<'_>,
) -> Result<Result<(), DecodeError>, String> {
    match screener.process(bytes) {
        Processed::Screened(screened) => report
            .add(&screened.outcome)
            .map(Ok)
            .map_err(|e| format!("cannot write output: {e}")),
        Processed::Rejected(error) => Ok(Err(error)),
        // Only a writer-schema source gives up, and check's pipeline has none.
        Processed::Abandoned => Err("screening was abandoned".to_owned()),
    }
}

/// The pipeline and, unless `--no-history`, the history of the encounters screened so far;
/// an encounter's position is the number screened before it.
struct Screener {
    pipeline: Pipeline,
    history: Option<History>,
    next: Position,
}

impl Screener {
    fn process(&mut self, bytes: &[u8]) -> Processed {
        let (position, now) = (self.next, Timestamp::now());
        let processed = match &mut self.history {
            Some(history) => {
                let pipeline = &self.pipeline;
                pipeline.process_in(bytes, history, position, now, None)
            }
            None => self.pipeline.process(bytes, now, None),
        };
        if let Processed::Screened(_) = processed {
            self.next += 1;
        }
        processed
    }

    fn screen(&mut self, event: Encounter) -> Screened {
        let (position, now) = (self.next, Timestamp::now());
        self.next += 1;
        match &mut self.history {
            Some(history) => self.pipeline.screen_in(event, history, position, now, None),
            None => self.pipeline.screen(event, now, None),
        }
    }
}

fn report_reject(place: &str, error: &DecodeError, err: &mut dyn Write) {
    let _ = writeln!(err, "error: {place}: {} ({})", error, error.code());
}

fn no_container() -> io::Error {
    io::Error::other("cannot start the Avro container file")
}

/// A JSON Lines record that could not be decoded: `line N`, with the column when the line is
/// not JSON (a line is one JSON text, so the error's own line is always 1).
fn report_line_reject(name: &str, line: usize, error: &DecodeError, err: &mut dyn Write) {
    let code = error.code();
    let _ = match error {
        DecodeError::InvalidJson {
            column, problem, ..
        } => writeln!(
            err,
            "error: {name}: line {line}, column {column}: invalid JSON: {problem} ({code})"
        ),
        _ => writeln!(err, "error: {name}: line {line}: {error} ({code})"),
    };
}

/// Prints outcomes as they come and keeps the counts for the summary.
struct Report<'w> {
    /// The output was closed by its reader.
    closed: bool,
    format: CheckFormat,
    out: &'w mut dyn Write,
    verdicts: BTreeMap<Verdict, usize>,
    rules: BTreeMap<(String, Severity), usize>,
    /// For `--format avro`: the container file, its finished blocks passed on to `out`.
    avro: Option<OutcomeWriter<Vec<u8>>>,
}

impl<'w> Report<'w> {
    fn new(format: CheckFormat, out: &'w mut dyn Write) -> Self {
        Self {
            closed: false,
            format,
            out,
            verdicts: BTreeMap::new(),
            rules: BTreeMap::new(),
            avro: (format == CheckFormat::Avro)
                .then(|| OutcomeWriter::new(Vec::new(), Codec::Deflate).ok())
                .flatten(),
        }
    }

    fn add(&mut self, outcome: &Outcome) -> io::Result<()> {
        *self.verdicts.entry(outcome.verdict).or_default() += 1;
        for finding in &outcome.findings {
            *self
                .rules
                .entry((finding.rule_id.to_string(), finding.severity))
                .or_default() += 1;
        }
        if self.closed {
            return Ok(());
        }
        let written = match self.format {
            CheckFormat::Jsonl => writeln!(self.out, "{}", codec::json::outcome_to_json(outcome)),
            CheckFormat::Table => self.table_row(outcome),
            CheckFormat::Avro => self.avro_record(outcome),
        };
        self.unless_closed(written)
    }

    /// A reader that went away (`check … | head`) is not an error: stop writing quietly.
    fn unless_closed(&mut self, written: io::Result<()>) -> io::Result<()> {
        match written {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }

    fn table_row(&mut self, outcome: &Outcome) -> io::Result<()> {
        if self.verdicts.values().sum::<usize>() == 1 {
            writeln!(
                self.out,
                "{:<38} {:<20} {:<7} {:>4}  FINDINGS",
                "EVENT", "CLAIM", "VERDICT", "RISK"
            )?;
        }
        writeln!(
            self.out,
            "{:<38} {:<20} {:<7} {:>4}  {}",
            outcome.event_id,
            outcome.claim_id,
            outcome.verdict.as_str(),
            outcome.risk_score,
            outcome.findings.len()
        )?;
        for finding in &outcome.findings {
            let line = finding
                .line_number
                .map_or_else(|| "event".to_owned(), |n| format!("line {n}"));
            writeln!(
                self.out,
                "    {} {:<7} {:<8} {}",
                finding.rule_id,
                finding.severity.as_str(),
                line,
                finding.message
            )?;
        }
        Ok(())
    }

    fn avro_record(&mut self, outcome: &Outcome) -> io::Result<()> {
        let file = self.avro.as_mut().ok_or_else(no_container)?;
        file.write(outcome).map_err(io::Error::other)?;
        self.out.write_all(file.get_mut())?;
        file.get_mut().clear();
        Ok(())
    }

    /// Ends the output: the table's summary, unless nothing was screened because the input
    /// could not be read (`unreadable`): an all-zero summary would only hide the errors.
    fn finish(&mut self, unreadable: bool) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        let screened = self.verdicts.values().sum::<usize>();
        let mut written = Ok(());
        if self.format == CheckFormat::Table && (screened > 0 || !unreadable) {
            written = self.summary();
        }
        if self.format == CheckFormat::Avro {
            let file = self.avro.take().ok_or_else(no_container)?;
            let rest = file.finish().map_err(io::Error::other)?;
            written = self.out.write_all(&rest);
        }
        let flushed = written.and_then(|()| self.out.flush());
        self.unless_closed(flushed)
    }

    fn summary(&mut self) -> io::Result<()> {
        let total: usize = self.verdicts.values().sum();
        let counts: Vec<String> = Verdict::ALL
            .iter()
            .map(|v| {
                format!(
                    "{} {}",
                    v.as_str(),
                    self.verdicts.get(v).copied().unwrap_or(0)
                )
            })
            .collect();
        writeln!(
            self.out,
            "\n{total} encounters screened: {}",
            counts.join(", ")
        )?;
        if self.rules.is_empty() {
            return writeln!(self.out, "No rule fired.");
        }
        writeln!(self.out, "Findings by rule:")?;
        for ((rule_id, severity), count) in &self.rules {
            let title = traction_screen_core::rules::catalogue::title(rule_id);
            writeln!(
                self.out,
                "  {rule_id} {:<7} {count:>6}  {title}",
                severity.as_str()
            )?;
        }
        Ok(())
    }
}
