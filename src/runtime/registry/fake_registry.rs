//! A scripted fake Schema Registry for the client's tests: a loopback HTTP server answering
//! each request with the next (status, body) of its script, and recording what it was sent.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use super::{REGISTRY_CONTENT_TYPE, RegistryClient};
use crate::config::RegistryUrl;

/// A client for a URL the test knows is valid.
pub(super) fn client_for(url: &str) -> RegistryClient {
    RegistryClient::new(&RegistryUrl::parse(url).expect("a valid registry URL"))
}

const FAST: Duration = Duration::from_millis(5);

/// One request as the fake registry saw it; header names lower-cased.
#[derive(Debug, Clone)]
pub(super) struct Seen {
    pub(super) method: String,
    pub(super) path: String,
    headers: Vec<(String, String)>,
    pub(super) body: String,
}

impl Seen {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }
}

/// A fake registry on 127.0.0.1 answering with a script of (status, body); the last
/// answer repeats. Each connection serves one request and is closed.
pub(super) struct FakeRegistry {
    pub(super) addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeRegistry {
    pub(super) fn start(script: &[(u16, &str)]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("bound address");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script: Vec<(u16, String)> = script
            .iter()
            .map(|(status, body)| (*status, (*body).to_owned()))
            .collect();
        let recorded = Arc::clone(&seen);
        thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                let Some(request) = read_request(&stream) else {
                    continue;
                };
                let answered = {
                    let mut seen = recorded.lock().expect("requests lock");
                    seen.push(request);
                    seen.len()
                };
                let (status, body) = &script[(answered - 1).min(script.len() - 1)];
                let _ = write_response(stream, *status, body);
            }
        });
        Self { addr, seen }
    }

    pub(super) fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub(super) fn host(&self) -> String {
        self.addr.to_string()
    }

    pub(super) fn client(&self) -> RegistryClient {
        client_for(&self.url()).with_backoff(FAST, FAST)
    }

    pub(super) fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("requests lock").clone()
    }
}

fn read_request(stream: &TcpStream) -> Option<Seen> {
    stream.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
    }
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let body = String::from_utf8(body).ok()?;
    Some(Seen {
        method,
        path,
        headers,
        body,
    })
}

fn write_response(mut stream: TcpStream, status: u16, body: &str) -> std::io::Result<()> {
    write!(
        stream,
        "HTTP/1.1 {status} Scripted\r\nContent-Type: {REGISTRY_CONTENT_TYPE}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
}
