//! The registry URL taken apart: the base requests use and the host errors show, with the
//! credentials separated out into an `Authorization` header value. Problems never quote the
//! URL, which may carry a password.

use std::sync::Arc;

use base64::prelude::{BASE64_STANDARD, Engine as _};
use ureq::http::Uri;

use super::RegistryError;

/// A registry URL taken apart: credentials separated from the part requests and errors use.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Endpoint {
    pub(super) base: String,
    pub(super) host: String,
    pub(super) credentials: Option<(String, String)>,
}

impl Endpoint {
    /// Reasons never quote the URL, which may carry a password.
    pub(super) fn parse(url: &str) -> Result<Self, RegistryError> {
        let invalid = |why: &str| RegistryError::InvalidUrl(why.to_owned());
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| invalid("expected http[s]://host[:port][/path]"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(invalid("the scheme must be http or https"));
        }
        if rest.contains(['?', '#']) {
            return Err(invalid("a query or fragment is not allowed"));
        }
        let (authority, path) = rest
            .find('/')
            .map_or((rest, ""), |slash| rest.split_at(slash));
        if path.contains('@') {
            // An unencoded '/' in a password splits the userinfo off into the path, where it
            // would be sent (and perhaps logged) as part of every request line.
            return Err(invalid(
                "'@' after the host: percent-encode '/' in credentials",
            ));
        }
        let (userinfo, host) = match authority.rsplit_once('@') {
            Some((userinfo, host)) => (Some(userinfo), host),
            None => (None, authority),
        };
        if host.is_empty() {
            return Err(invalid("no host"));
        }
        let base = format!("{scheme}://{host}{}", path.trim_end_matches('/'));
        let uri: Uri = base.parse().map_err(|_| invalid("not a valid URL"))?;
        if uri.host().is_none_or(str::is_empty) {
            return Err(invalid("no host"));
        }
        let credentials = userinfo.map(parse_userinfo).transpose()?;
        Ok(Self {
            base,
            host: host.to_owned(),
            credentials,
        })
    }
}

/// `user[:password]`, percent-decoded.
fn parse_userinfo(userinfo: &str) -> Result<(String, String), RegistryError> {
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let decode = |part: &str| {
        percent_decode(part).ok_or_else(|| {
            RegistryError::InvalidUrl("malformed percent-encoding in the credentials".to_owned())
        })
    };
    let user = decode(user)?;
    if user.is_empty() {
        return Err(RegistryError::InvalidUrl(
            "empty user name in the credentials".to_owned(),
        ));
    }
    Ok((user, decode(password)?))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = tail
                .get(..2)
                .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))?;
            let hex = std::str::from_utf8(hex).ok()?;
            decoded.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            decoded.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(decoded).ok()
}

/// Encodes a path segment: everything but RFC 3986 unreserved characters. Kafka topic names
/// need none of it, but a subject naming strategy may produce other characters.
pub(super) fn percent_encode(segment: &str) -> String {
    let mut encoded = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

pub(super) fn basic_authorization(user: &str, password: &str) -> Arc<str> {
    let credentials = BASE64_STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {credentials}").into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::registry::RegistryClient;

    #[test]
    fn invalid_urls_are_rejected_without_echoing_them() {
        let cases = [
            ("registry:8081", "expected http[s]://host[:port][/path]"),
            ("ftp://registry:8081", "the scheme must be http or https"),
            (
                "http://registry:8081/?token=hunter2",
                "a query or fragment is not allowed",
            ),
            ("http://u:hunter2@", "no host"),
            (
                "http://u:hunt/er2@registry:8081",
                "'@' after the host: percent-encode '/' in credentials",
            ),
            ("http://registry :8081", "not a valid URL"),
            (
                "http://u:hunter2%zz@registry:8081",
                "malformed percent-encoding in the credentials",
            ),
            (
                "http://:hunter2@registry:8081",
                "empty user name in the credentials",
            ),
        ];
        for (url, reason) in cases {
            let error = RegistryClient::new(url).expect_err(url);
            assert_eq!(error, RegistryError::InvalidUrl(reason.to_owned()), "{url}");
            assert!(!error.to_string().contains("hunt"), "{url}");
        }
    }

    #[test]
    fn https_urls_and_upper_case_schemes_are_accepted() {
        let endpoint =
            Endpoint::parse("HTTPS://u%3Ax:p%2Fw@registry.example:8443/sr").expect("valid");

        assert_eq!(
            endpoint,
            Endpoint {
                base: "https://registry.example:8443/sr".to_owned(),
                host: "registry.example:8443".to_owned(),
                credentials: Some(("u:x".to_owned(), "p/w".to_owned())),
            }
        );
    }
}
