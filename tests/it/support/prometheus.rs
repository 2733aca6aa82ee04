//! A real Prometheus server (Debian's `prometheus` package) as a child process: it scrapes one service every second, evaluates the project's alert rules
//! (`deploy/prometheus/alerts.yml`) every second, and answers instant queries over its HTTP
//! API. Its storage lives in a temporary directory; it is killed when the handle drops.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;
use tempfile::TempDir;

use super::child::free_admin_addr;

/// One sample of an instant vector: its labels and value.
pub type Sample = (BTreeMap<String, String>, f64);

pub struct Prometheus {
    child: Child,
    addr: SocketAddr,
    _dir: TempDir,
}

impl Prometheus {
    /// Starts the Prometheus `binary` on a free loopback port, scraping `target` as job
    /// `traction-screen`.
    pub fn scraping(binary: &str, target: SocketAddr) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy/prometheus/alerts.yml");
        let config = dir.path().join("prometheus.yml");
        std::fs::write(
            &config,
            format!(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n\
                 rule_files:\n  - {rules}\n\
                 scrape_configs:\n  - job_name: traction-screen\n    \
                 static_configs:\n      - targets: [\"{target}\"]\n",
                rules = rules.display()
            ),
        )
        .expect("the configuration is written");
        let addr = free_admin_addr();
        let child = Command::new(binary)
            .arg(format!("--config.file={}", config.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.path().join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .arg("--log.level=warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {binary}: {e}"));
        Self {
            child,
            addr,
            _dir: dir,
        }
    }

    /// The samples of an instant query; an error says why there are none (not up yet, a
    /// query error).
    pub fn query(&self, expr: &str) -> Result<Vec<Sample>, String> {
        let url = format!("http://{}/api/v1/query", self.addr);
        let body = ureq::get(&url)
            .query("query", expr)
            .call()
            .and_then(|mut response| response.body_mut().read_to_string())
            .map_err(|e| format!("{expr}: {e}"))?;
        let answer: Value = serde_json::from_str(&body).map_err(|e| format!("{expr}: {e}"))?;
        let result = answer["data"]["result"]
            .as_array()
            .ok_or_else(|| format!("{expr}: no vector in {body}"))?;
        result.iter().map(sample).collect()
    }

    /// An instant query's samples keyed by the value of `label`.
    pub fn by_label(&self, expr: &str, label: &str) -> Result<BTreeMap<String, f64>, String> {
        Ok(self
            .query(expr)?
            .into_iter()
            .map(|(labels, value)| (labels.get(label).cloned().unwrap_or_default(), value))
            .collect())
    }
}

/// `{"metric": {...}, "value": [time, "1"]}` as labels and value.
fn sample(item: &Value) -> Result<Sample, String> {
    let labels = item["metric"]
        .as_object()
        .ok_or_else(|| format!("no labels in {item}"))?
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    let value = item["value"][1]
        .as_str()
        .and_then(|text| text.parse().ok())
        .ok_or_else(|| format!("no value in {item}"))?;
    Ok((labels, value))
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
