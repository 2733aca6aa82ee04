//! The real `traction-screen` binary as a child process: started with `run` against a
//! bootstrap-servers string (or with any command line), its standard error (JSON logs) and
//! output captured to show when a test fails, stopped with SIGTERM (clean shutdown), SIGINT
//! (Ctrl-C) or SIGKILL (crash). A child still running when its handle drops is killed, so a
//! failing test leaves no process behind, and its logs are printed.

use std::io::{BufRead, BufReader, Read};
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use super::PATIENCE;
use super::cluster::HISTORY;

const BINARY: &str = env!("CARGO_BIN_EXE_traction-screen");

/// A free loopback address for the admin server: bound, read and released (the service
/// binds it right after; the kernel does not hand the same ephemeral port out again soon).
pub fn free_admin_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
    listener
        .local_addr()
        .expect("a bound listener has an address")
}

pub struct Service {
    name: String,
    child: Mutex<Child>,
    admin_addr: SocketAddr,
    logs: Arc<Mutex<Vec<String>>>,
    output: Arc<Mutex<Vec<String>>>,
    /// Read standard error and output until the child closes them (at exit).
    readers: Mutex<Vec<JoinHandle<()>>>,
}

/// Collects the lines of `stream` as they come, until it closes.
fn collect_lines(stream: impl Read + Send + 'static) -> (Arc<Mutex<Vec<String>>>, JoinHandle<()>) {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&lines);
    let reader = thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            sink.lock().unwrap_or_else(|e| e.into_inner()).push(line);
        }
    });
    (lines, reader)
}

impl Service {
    /// `traction-screen run` against `brokers` in consumer group `group`, with JSON logs
    /// (unless `extra` has a `--log-format`), a free admin port, short commit intervals and
    /// drain bounds, the history changelog
    /// [`HISTORY`] unless `extra` names one or none, then `extra` flags (later flags win).
    pub fn run(name: &str, brokers: &str, group: &str, extra: &[&str]) -> Self {
        Self::run_with_env(name, brokers, group, extra, &[])
    }

    /// [`run`](Self::run), with environment variables set for the child.
    pub fn run_with_env(
        name: &str,
        brokers: &str,
        group: &str,
        extra: &[&str],
        env: &[(&str, &str)],
    ) -> Self {
        let admin_addr = free_admin_addr();
        let admin = admin_addr.to_string();
        let mut args = vec![
            "run",
            "--brokers",
            brokers,
            "--group-id",
            group,
            "--admin-addr",
            &admin,
            "--commit-interval-ms",
            "200",
            "--drain-timeout",
            "20",
            "--workers",
            "2",
        ];
        if !extra.contains(&"--log-format") {
            args.extend(["--log-format", "json"]);
        }
        let history_set = |flag: &&str| matches!(*flag, "--history-topic" | "--no-history");
        if !extra.iter().any(history_set) {
            args.extend_from_slice(&["--history-topic", HISTORY]);
        }
        args.extend_from_slice(extra);
        Self::spawn_with_env(name, &args, admin_addr, env)
    }

    /// The binary with exactly `args` (e.g. a command line that must be refused).
    pub fn spawn(name: &str, args: &[&str], admin_addr: SocketAddr) -> Self {
        Self::spawn_with_env(name, args, admin_addr, &[])
    }

    /// [`spawn`](Self::spawn), with environment variables set for the child (e.g.
    /// `RUST_LOG`).
    pub fn spawn_with_env(
        name: &str,
        args: &[&str],
        admin_addr: SocketAddr,
        env: &[(&str, &str)],
    ) -> Self {
        let mut command = Command::new(BINARY);
        command
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        // The test's environment must not configure the child behind the flags' back.
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("TRACTION_SCREEN_") || key == "RUST_LOG" {
                command.env_remove(key);
            }
        }
        // To debug a failing test: e.g. TRACTION_IT_CHILD_LOG=debug,librdkafka=debug (with
        // `--kafka-config debug=cgrp` for librdkafka's own debug contexts).
        if let Some(filter) = std::env::var_os("TRACTION_IT_CHILD_LOG") {
            command.env("RUST_LOG", filter);
        }
        command.envs(env.iter().copied());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {BINARY}: {e}"));
        let (logs, log_reader) = collect_lines(child.stderr.take().expect("piped"));
        let (output, output_reader) = collect_lines(child.stdout.take().expect("piped"));
        Self {
            name: name.to_owned(),
            child: Mutex::new(child),
            admin_addr,
            logs,
            output,
            readers: Mutex::new(vec![log_reader, output_reader]),
        }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn admin_addr(&self) -> SocketAddr {
        self.admin_addr
    }

    pub fn pid(&self) -> u32 {
        self.child().id()
    }

    /// What the child wrote to standard error so far, headed by its name.
    pub fn logs(&self) -> String {
        let lines = self.log_lines();
        format!(
            "---- {} standard error ({} lines) ----\n{}",
            self.name,
            lines.len(),
            lines.join("\n")
        )
    }

    pub fn log_lines(&self) -> Vec<String> {
        self.logs.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// What the child wrote to standard output so far.
    pub fn output_lines(&self) -> Vec<String> {
        self.output
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The exit status, if the child has exited.
    pub fn exit_status(&self) -> Option<ExitStatus> {
        self.child().try_wait().ok().flatten()
    }

    /// Asks for a clean shutdown, as Kubernetes does.
    pub fn terminate(&self) {
        self.signal("TERM");
    }

    /// Presses Ctrl-C.
    pub fn interrupt(&self) {
        self.signal("INT");
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.pid().to_string()])
            .status()
            .expect("kill(1) runs");
        assert!(status.success(), "cannot send SIG{name} to {}", self.name);
    }

    /// Kills the child without warning (SIGKILL): a crash.
    pub fn kill(&self) {
        self.child()
            .kill()
            .unwrap_or_else(|e| panic!("cannot kill {}: {e}", self.name));
    }

    /// Waits for the child to exit; fails the test (with its logs) if it does not.
    pub fn wait_exit(&self) -> ExitStatus {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.exit_status() {
                // The child's last words are read once its end of the pipes is closed.
                let readers =
                    std::mem::take(&mut *self.readers.lock().unwrap_or_else(|e| e.into_inner()));
                for reader in readers {
                    let _ = reader.join();
                }
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not exit within {PATIENCE:?}",
                self.name
            );
            thread::sleep(Duration::from_millis(100));
        }
    }

    /// SIGTERM, then asserts a clean exit (status 0).
    pub fn stop(&self) {
        self.terminate();
        let status = self.wait_exit();
        assert_eq!(
            status.code(),
            Some(0),
            "{} did not shut down cleanly",
            self.name
        );
    }

    fn child(&self) -> std::sync::MutexGuard<'_, Child> {
        self.child.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Service {
    /// Kills a child still running; when the test is failing, shows what it logged (every
    /// service of the test, including those that already exited).
    fn drop(&mut self) {
        let child = self.child.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Ok(None) = child.try_wait() {
            let _ = child.kill();
            let _ = child.wait();
        }
        if thread::panicking() {
            eprintln!("{}", self.logs());
        }
    }
}
