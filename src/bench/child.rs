//! The service under test: `traction-screen run` as child processes (one or more instances
//! in one consumer group) on a run's topics, and the drain measured on them: from the first
//! outcome acknowledged to the last (as the instances' `/metrics` count them), with the children's CPU time over that period
//! and their peak memory, read from `/proc`.

use std::fs::File;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context as _;

use super::results::Drain;
use super::stats::{finished_events, processing_buckets};
use super::topics::{RunTopics, Target};
use super::usage::Usage;

/// Gives up when no outcome appears for this long.
const STALL: Duration = Duration::from_secs(60);
const POLL: Duration = Duration::from_millis(50);

/// How to start the service.
#[derive(Clone, Debug)]
pub struct Launch {
    pub bin: PathBuf,
    pub instances: usize,
    /// `--kafka-config` properties given to the harness, passed on.
    pub kafka_config: Vec<String>,
    /// More arguments of `run` (tuning).
    pub extra: Vec<String>,
    /// Where the children's logs go.
    pub logs: PathBuf,
}

impl Launch {
    /// Whether the service keeps history: `--no-history` or `--no-history=true` among
    /// [`Launch::extra`] turns it off.
    pub fn keeps_history(&self) -> bool {
        !self
            .extra
            .iter()
            .any(|arg| arg == "--no-history" || arg == "--no-history=true")
    }
}

/// Running service instances; killed when dropped.
pub struct Services {
    children: Vec<Child>,
    admin: Vec<SocketAddr>,
}

impl Services {
    pub fn start(launch: &Launch, target: &Target, topics: &RunTopics) -> anyhow::Result<Self> {
        let mut services = Self {
            children: Vec::new(),
            admin: Vec::new(),
        };
        for instance in 0..launch.instances {
            let admin = free_addr()?;
            let log = launch.logs.join(format!("{}-{instance}.log", topics.input));
            let child = command(launch, target, topics, admin, &log)?
                .spawn()
                .with_context(|| format!("cannot start {}", launch.bin.display()))?;
            services.children.push(child);
            services.admin.push(admin);
        }
        Ok(services)
    }

    pub fn ids(&self) -> Vec<u32> {
        self.children.iter().map(Child::id).collect()
    }

    /// Waits until every instance says it is ready (partitions assigned, broker up).
    pub fn wait_ready(&mut self, timeout: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        for addr in self.admin.clone() {
            let url = format!("http://{addr}/readyz");
            while ureq::get(&url).call().is_err() {
                self.check_alive()?;
                anyhow::ensure!(
                    Instant::now() < deadline,
                    "the service was not ready in time"
                );
                thread::sleep(Duration::from_millis(100));
            }
        }
        Ok(())
    }

    /// Events finished by all instances, from their `/metrics` (the brokers' watermarks
    /// are not reliable: tansu 0.6's are wrong).
    pub fn finished(&self) -> anyhow::Result<u64> {
        let texts = self.metrics()?;
        Ok(texts.iter().map(|text| finished_events(text)).sum())
    }

    /// The instances' consume → acknowledged histogram, summed: cumulative (bound in
    /// seconds, count) buckets.
    pub fn processing_buckets(&self) -> anyhow::Result<Vec<(f64, u64)>> {
        let mut total: Vec<(f64, u64)> = Vec::new();
        for text in self.metrics()? {
            for (i, (le, count)) in processing_buckets(&text).into_iter().enumerate() {
                match total.get_mut(i) {
                    Some(bucket) => bucket.1 += count,
                    None => total.push((le, count)),
                }
            }
        }
        Ok(total)
    }

    /// The text of each instance's `/metrics`.
    fn metrics(&self) -> anyhow::Result<Vec<String>> {
        self.admin
            .iter()
            .map(|addr| {
                ureq::get(&format!("http://{addr}/metrics"))
                    .call()
                    .and_then(|mut response| response.body_mut().read_to_string())
                    .context("cannot read the service's /metrics")
            })
            .collect()
    }

    /// An error when an instance has exited.
    pub fn check_alive(&mut self) -> anyhow::Result<()> {
        for child in &mut self.children {
            if let Some(status) = child.try_wait()? {
                anyhow::bail!("the service exited early ({status}); see its log");
            }
        }
        Ok(())
    }
}

impl Drop for Services {
    fn drop(&mut self) {
        for child in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn command(
    launch: &Launch,
    target: &Target,
    topics: &RunTopics,
    admin: SocketAddr,
    log: &Path,
) -> anyhow::Result<Command> {
    let log = File::create(log).with_context(|| format!("cannot create {}", log.display()))?;
    let mut command = Command::new(&launch.bin);
    command
        .arg("run")
        .args(["--brokers", &target.bootstrap()])
        .args(["--group-id", &format!("{}-service", topics.input)])
        .args(["--input-topic", &topics.input])
        .args(["--output-topic", &topics.outcomes])
        .args(["--dlq-topic", &topics.dead_letters])
        .args(["--admin-addr", &admin.to_string()])
        .args(["--log-format", "json"])
        .args(["--kafka-config", "consumer.session.timeout.ms=6000"]);
    for property in &launch.kafka_config {
        command.args(["--kafka-config", property]);
    }
    let topic_set = launch
        .extra
        .iter()
        .any(|arg| arg.starts_with("--history-topic"));
    if launch.keeps_history() && !topic_set {
        command.args(["--history-topic", &topics.history]);
    }
    command
        .args(&launch.extra)
        .env_remove("TRACTION_SCREEN_CONFIG")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log);
    Ok(command)
}

/// A loopback address with a port free now.
fn free_addr() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("no free loopback port")?;
    Ok(listener.local_addr()?)
}

/// Starts the service on the filled input topic and measures it draining `events`: from
/// the last look at its `/metrics` that saw nothing finished (every `POLL`; before that it
/// joins the group) to the first that saw every event finished.
pub fn drain(
    launch: &Launch,
    target: &Target,
    topics: &RunTopics,
    events: u64,
) -> anyhow::Result<Drain> {
    let mut services = Services::start(launch, target, topics)?;
    let mut before_first = (Instant::now(), Usage::of_children(&services.ids()));
    let mut last_change = (Instant::now(), 0);
    loop {
        services.check_alive()?;
        // Not answering yet (starting) counts as nothing finished.
        let done = services.finished().unwrap_or(0);
        if done == 0 {
            before_first = (Instant::now(), Usage::of_children(&services.ids()));
        }
        if done >= events {
            break;
        }
        if done != last_change.1 {
            last_change = (Instant::now(), done);
        }
        anyhow::ensure!(
            last_change.0.elapsed() < STALL,
            "the service stalled at {done} of {events} outcomes"
        );
        thread::sleep(POLL);
    }
    let (started, usage) = before_first;
    let elapsed = started.elapsed();
    Ok(Drain::measured(events, elapsed, &usage.until_now()))
}

#[cfg(test)]
mod tests {
    use super::Launch;

    fn with(extra: &[&str]) -> Launch {
        Launch {
            bin: "traction-screen".into(),
            instances: 1,
            kafka_config: Vec::new(),
            extra: extra.iter().map(|arg| (*arg).to_owned()).collect(),
            logs: "logs".into(),
        }
    }

    #[test]
    fn the_service_keeps_history_unless_told_not_to() {
        assert!(with(&[]).keeps_history());
        assert!(with(&["--workers=1", "--no-history=false"]).keeps_history());
        assert!(!with(&["--no-history"]).keeps_history());
        assert!(!with(&["--no-history=true"]).keeps_history());
    }
}
