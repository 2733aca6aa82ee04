//! Settings from the environment, through the real binary: clap reads the `TRACTION_SCREEN_*`
//! variables of the process it runs in, so these tests set them on a child process (the unit
//! tests in `cli` and `config` cover the rest of resolution in-process).

use std::path::Path;
use std::process::Command;

/// Runs the binary with exactly `vars` of the `TRACTION_SCREEN_*` variables; returns its exit
/// status and standard error.
fn traction_screen(vars: &[(&str, &str)], args: &[&str]) -> (i32, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_traction-screen"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("TRACTION_SCREEN_") {
            command.env_remove(name);
        }
    }
    let output = command
        .envs(vars.iter().copied())
        .args(args)
        .output()
        .expect("the binary starts");
    let status = output.status.code().expect("an exit status");
    (status, String::from_utf8_lossy(&output.stderr).into_owned())
}

fn lines(path: &Path) -> usize {
    std::fs::read_to_string(path)
        .expect("the file was written")
        .lines()
        .count()
}

#[test]
fn a_variable_sets_its_setting_and_the_flag_beats_it() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("batch.jsonl");
    let output = path.display().to_string();
    let count = [("TRACTION_SCREEN_COUNT", "3")];
    let (status, err) = traction_screen(&count, &["generate", "--output", &output]);
    assert_eq!((status, lines(&path)), (0, 3), "{err}");
    let args = ["generate", "--output", &output, "--count", "2"];
    let (status, err) = traction_screen(&count, &args);
    assert_eq!((status, lines(&path)), (0, 2), "{err}");
}

#[test]
fn an_invalid_variable_exits_2_naming_the_flag_and_the_variable() {
    let vars = [("TRACTION_SCREEN_DRAIN_TIMEOUT", "30s")];
    let (status, err) = traction_screen(&vars, &["run", "--brokers", "k:9092"]);
    assert_eq!(
        (status, err.as_str()),
        (
            2,
            "error: invalid --drain-timeout (TRACTION_SCREEN_DRAIN_TIMEOUT): \"30s\" is not a whole number\n"
        )
    );
}

#[test]
fn the_environment_beats_the_config_file_whose_path_a_variable_gives() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let file = dir.path().join("config.toml");
    std::fs::write(
        &file,
        "brokers = 'k:9092'\ngroup_id = ' '\nadmin_addr = 'nowhere'\n",
    )
    .expect("writable");
    let file = file.display().to_string();
    // The file's blank group id is hidden by the variable's; its admin address is not.
    let vars = [
        ("TRACTION_SCREEN_CONFIG", file.as_str()),
        ("TRACTION_SCREEN_GROUP_ID", "from-env"),
    ];
    let (status, err) = traction_screen(&vars, &["run"]);
    assert_eq!(
        (status, err),
        (
            2,
            format!(
                "error: invalid --admin-addr (TRACTION_SCREEN_ADMIN_ADDR, admin_addr in {file}): \
                 \"nowhere\" is not IP:PORT\n"
            )
        )
    );
    let vars = [
        ("TRACTION_SCREEN_CONFIG", file.as_str()),
        ("TRACTION_SCREEN_GROUP_ID", " "),
        ("TRACTION_SCREEN_ADMIN_ADDR", "127.0.0.1:0"),
    ];
    let (status, err) = traction_screen(&vars, &["run"]);
    assert_eq!(
        (status, err),
        (
            2,
            format!(
                "error: invalid --group-id (TRACTION_SCREEN_GROUP_ID, group_id in {file}): \" \" is empty\n"
            )
        )
    );
}

#[test]
fn the_kafka_config_variable_is_read_with_the_flags() {
    let vars = [("TRACTION_SCREEN_KAFKA_CONFIG", "linger.ms=5,,x")];
    let args = [
        "run",
        "--brokers",
        "k:9092",
        "--kafka-config",
        "client.id=a",
    ];
    let (status, err) = traction_screen(&vars, &args);
    assert_eq!(
        (status, err.as_str()),
        (
            2,
            "error: invalid --kafka-config (TRACTION_SCREEN_KAFKA_CONFIG): \
             TRACTION_SCREEN_KAFKA_CONFIG item 3 is not KEY=VALUE\n"
        )
    );
}

#[test]
fn the_output_variable_writes_a_file_and_the_kafka_variables_are_ignored() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("env.jsonl");
    let output = path.display().to_string();
    let vars = [
        ("TRACTION_SCREEN_OUTPUT", output.as_str()),
        ("TRACTION_SCREEN_BROKERS", "not a broker list"),
        ("TRACTION_SCREEN_RATE", "1"),
    ];
    let (status, err) = traction_screen(&vars, &["generate", "--count", "3"]);
    assert_eq!((status, lines(&path)), (0, 3), "{err}");
}

/// The codec named in a container file's header.
fn codec_of(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("the file was written");
    let key = b"avro.codec";
    let at = bytes
        .windows(key.len())
        .position(|window| window == key)
        .expect("a codec in the header")
        + key.len();
    // An Avro string: its zig-zag length, then the bytes.
    let len = usize::from(bytes[at] / 2);
    String::from_utf8_lossy(&bytes[at + 1..at + 1 + len]).into_owned()
}

#[test]
fn the_codec_flag_beats_its_variable_which_beats_the_default() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("batch.avro");
    let output = path.display().to_string();
    let generate = |vars: &[(&str, &str)], extra: &[&str]| {
        let args = [&["generate", "--count", "2", "--output", &output], extra].concat();
        let (status, err) = traction_screen(vars, &args);
        assert_eq!(status, 0, "{err}");
        codec_of(&path)
    };
    let snappy = [("TRACTION_SCREEN_CODEC", "snappy")];
    assert_eq!(generate(&[], &[]), "deflate");
    assert_eq!(generate(&snappy, &[]), "snappy");
    assert_eq!(generate(&snappy, &["--codec", "xz"]), "xz");
}

#[test]
fn the_codec_variable_is_ignored_without_output() {
    let vars = [("TRACTION_SCREEN_CODEC", "snappy")];
    let (status, err) = traction_screen(&vars, &["generate", "--count", "1"]);
    assert_eq!(
        (status, err.as_str()),
        (
            2,
            "error: missing --brokers (TRACTION_SCREEN_BROKERS): it is required\n"
        )
    );
}

#[test]
fn a_demo_flag_beats_its_invalid_variable() {
    let vars = [
        ("TRACTION_SCREEN_PARTITIONS", "70000"),
        ("TRACTION_SCREEN_WORKERS", "0"),
    ];
    // Partitions resolve before workers: the error about workers shows the flag's valid
    // partitions were taken over the variable's.
    let (status, err) = traction_screen(&vars, &["demo", "--partitions", "2"]);
    assert_eq!(
        (status, err.as_str()),
        (
            2,
            "error: invalid --workers (TRACTION_SCREEN_WORKERS): must be at least 1\n"
        )
    );
    let (status, err) = traction_screen(&vars, &["demo"]);
    assert_eq!(
        (status, err.as_str()),
        (
            2,
            "error: invalid --partitions (TRACTION_SCREEN_PARTITIONS): 70000 is more than 65535\n"
        )
    );
}
