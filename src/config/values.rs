//! The validated value types of settings ("parse, don't validate"): each `parse` is the only
//! way in, so a value of these types is known to be valid. Problems never quote a value that
//! may hold credentials.

use std::fmt;
use std::net::Ipv6Addr;
use std::num::NonZeroU16;
use std::path::{Path, PathBuf};

use traction_screen_core::rules::RulePack;

/// Kafka bootstrap servers: at least one `HOST:PORT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Brokers(Vec<String>);

impl Brokers {
    pub fn parse(text: &str) -> Result<Self, String> {
        let items = split_list(text)?;
        match items.iter().find(|item| !is_host_port(item)) {
            Some(bad) => Err(format!("{bad:?} is not HOST:PORT")),
            None => Ok(Self(items.into_iter().map(str::to_owned).collect())),
        }
    }

    /// The list as librdkafka's `bootstrap.servers` takes it.
    pub fn to_bootstrap_servers(&self) -> String {
        self.0.join(",")
    }
}

/// A valid Kafka topic name: 1-249 characters from `A-Z a-z 0-9 . _ -`, not `.` or `..`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TopicName(String);

impl TopicName {
    const MAX_LEN: usize = 249;

    pub fn parse(text: &str) -> Result<Self, String> {
        let valid_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-');
        if text.is_empty() {
            Err(format!("{text:?} is empty"))
        } else if text.len() > Self::MAX_LEN {
            Err(format!(
                "a {}-character topic name is longer than Kafka's limit of {}",
                text.chars().count(),
                Self::MAX_LEN
            ))
        } else if !text.chars().all(valid_char) {
            Err(format!(
                "{text:?} has characters other than A-Z a-z 0-9 . _ -"
            ))
        } else if text == "." || text == ".." {
            Err(format!("{text:?} is not a topic name Kafka accepts"))
        } else {
            Ok(Self(text.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TopicName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A rule pack loaded and validated from `--rule-pack`.
#[derive(Clone)]
pub struct RulePackFile {
    pub path: PathBuf,
    pub pack: RulePack,
}

impl RulePackFile {
    pub(super) fn load(path: &Path) -> Result<Self, String> {
        let name = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {name}: {e}"))?;
        let pack = RulePack::parse(&text)
            .map_err(|e| format!("{name}: {}", without_source_excerpt(&e.to_string())))?;
        Ok(Self {
            path: path.to_owned(),
            pack,
        })
    }
}

impl fmt::Debug for RulePackFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RulePackFile")
            .field("path", &self.path)
            .field("version", &self.pack.version)
            .finish_non_exhaustive()
    }
}

// ---- small parsers -------------------------------------------------------------------

/// The trimmed items of a comma-separated list: at least one, none empty.
fn split_list(text: &str) -> Result<Vec<&str>, String> {
    if text.trim().is_empty() {
        return Err(format!("{text:?} is empty"));
    }
    let items: Vec<&str> = text.split(',').map(str::trim).collect();
    if items.iter().any(|item| item.is_empty()) {
        return Err(format!("{text:?} has an empty entry"));
    }
    Ok(items)
}

fn is_host_port(item: &str) -> bool {
    item.rsplit_once(':')
        .is_some_and(|(host, port)| is_host(host) && is_port(port))
}

/// A DNS name, an IPv4 address or a bracketed IPv6 address.
fn is_host(host: &str) -> bool {
    match host
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    {
        Some(ipv6) => ipv6.parse::<Ipv6Addr>().is_ok(),
        None => {
            !host.is_empty()
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        }
    }
}

fn is_port(port: &str) -> bool {
    // `parse` alone would accept a leading `+`.
    port.bytes().all(|b| b.is_ascii_digit()) && port.parse::<NonZeroU16>().is_ok()
}

/// toml's error `Display` quotes the offending source under a `|` gutter; keep the location
/// and message lines only, so the error stays on one line.
fn without_source_excerpt(message: &str) -> String {
    let is_excerpt = |line: &str| {
        line.trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start()
            .starts_with('|')
    };
    let lines: Vec<&str> = message
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !is_excerpt(line))
        .collect();
    lines.join(": ")
}
