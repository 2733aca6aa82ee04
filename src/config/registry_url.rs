//! The Schema Registry's URL (`--schema-registry-url`), the one URL type of the service: the
//! setting parses it, the registry client builds its requests from it. `url` does the
//! parsing and the percent-encoding of path segments; this type adds what the registry
//! needs: http or https, a host, no query or fragment, credentials taken out of the
//! user-info part (percent-decoded) for an `Authorization` header.
//!
//! `Debug` and `Display` hide the user-info part, and problems never quote the URL: it may
//! carry a password.

use std::fmt;

use percent_encoding::percent_decode_str;
use url::{Position, Url};

const NOT_HTTP: &str = "not an http:// or https:// URL";
const NO_HOST: &str = "no valid HOST[:PORT] after the scheme";

#[derive(Clone, PartialEq, Eq)]
pub struct RegistryUrl {
    /// Without credentials; its path without a trailing `/` (request paths go after it).
    base: Url,
    credentials: Option<(String, String)>,
}

impl RegistryUrl {
    /// An `http[s]://[user[:password]@]host[:port][/prefix]` URL.
    pub fn parse(text: &str) -> Result<Self, String> {
        if text.contains(|c: char| matches!(c, '?' | '#') || c.is_whitespace()) {
            return Err("a query, a fragment or a space is not allowed".to_owned());
        }
        if let Some((_, after_scheme)) = text.split_once("://")
            && after_scheme
                .find('/')
                .is_some_and(|slash| after_scheme[slash..].contains('@'))
        {
            // An unencoded '/' in a password leaves the rest of it in the path, where every
            // request line would carry (and a proxy might log) it.
            return Err("'@' after the host: percent-encode '/' in credentials".to_owned());
        }
        let mut url = Url::parse(text).map_err(|error| match error {
            url::ParseError::RelativeUrlWithoutBase => NOT_HTTP.to_owned(),
            _ => NO_HOST.to_owned(),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(NOT_HTTP.to_owned());
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(NO_HOST.to_owned());
        }
        let credentials = credentials(&url)?;
        // Cannot fail: the URL has a host.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty();
        }
        Ok(Self {
            base: url,
            credentials,
        })
    }

    /// `host[:port]`: all of the URL that errors and logs show.
    pub fn host(&self) -> &str {
        &self.base[Position::BeforeHost..Position::AfterPort]
    }

    /// The user name and password of the user-info part, percent-decoded.
    pub fn credentials(&self) -> Option<(&str, &str)> {
        self.credentials
            .as_ref()
            .map(|(user, password)| (user.as_str(), password.as_str()))
    }

    /// The URL of a request: the base followed by `segments`, each percent-encoded as one
    /// path segment (a subject may hold any character).
    pub fn request(&self, segments: &[&str]) -> String {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        url.into()
    }

    fn redacted(&self) -> String {
        let base = self.base.as_str().trim_end_matches('/');
        match (&self.credentials, base.split_once("://")) {
            (Some(_), Some((scheme, rest))) => format!("{scheme}://***@{rest}"),
            _ => base.to_owned(),
        }
    }
}

/// `user[:password]` of the user-info part, percent-decoded; `None` without a user-info part.
fn credentials(url: &Url) -> Result<Option<(String, String)>, String> {
    let (user, password) = (url.username(), url.password());
    if user.is_empty() && password.is_none() {
        return Ok(None);
    }
    if user.is_empty() {
        return Err("empty user name in the credentials".to_owned());
    }
    Ok(Some((decode(user)?, decode(password.unwrap_or_default())?)))
}

fn decode(part: &str) -> Result<String, String> {
    let malformed = || "malformed percent-encoding in the credentials".to_owned();
    let well_formed = part.split('%').skip(1).all(|after| {
        after
            .get(..2)
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    if !well_formed {
        return Err(malformed());
    }
    percent_decode_str(part)
        .decode_utf8()
        .map(|text| text.into_owned())
        .map_err(|_| malformed())
}

impl fmt::Debug for RegistryUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegistryUrl({:?})", self.redacted())
    }
}

impl fmt::Display for RegistryUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_urls_are_refused_without_echoing_them() {
        let cases = [
            ("ftp://registry", NOT_HTTP),
            ("registry:8081", NOT_HTTP),
            ("/registry", NOT_HTTP),
            ("http://", NO_HOST),
            ("http://:8081", NO_HOST),
            ("http://registry:port", NO_HOST),
            ("http://u:hunter2@", NO_HOST),
            (
                "http://registry:8081/?token=hunter2",
                "a query, a fragment or a space is not allowed",
            ),
            (
                "http://reg istry",
                "a query, a fragment or a space is not allowed",
            ),
            (
                "http://u:hunt/er2@registry:8081",
                "'@' after the host: percent-encode '/' in credentials",
            ),
            (
                "http://u:hunter2%zz@registry:8081",
                "malformed percent-encoding in the credentials",
            ),
            (
                "http://:hunter2@registry:8081",
                "empty user name in the credentials",
            ),
        ];
        for (url, problem) in cases {
            assert_eq!(RegistryUrl::parse(url), Err(problem.to_owned()), "{url}");
            assert!(!problem.contains("hunt"), "{url}");
        }
    }

    #[test]
    fn credentials_are_decoded_and_taken_out_of_the_base() {
        let url =
            RegistryUrl::parse("HTTPS://u%3Ax:p%2Fw@registry.example:8443/sr/").expect("valid");
        assert_eq!(url.credentials(), Some(("u:x", "p/w")));
        assert_eq!(url.host(), "registry.example:8443");
        assert_eq!(
            url.request(&["schemas", "ids", "7"]),
            "https://registry.example:8443/sr/schemas/ids/7"
        );
    }

    #[test]
    fn requests_go_below_the_base_with_each_segment_encoded_whole() {
        let url = RegistryUrl::parse("http://[::1]:8081").expect("valid");
        assert_eq!(url.host(), "[::1]:8081");
        assert_eq!(
            url.request(&["subjects", "a b/c", "versions"]),
            "http://[::1]:8081/subjects/a%20b%2Fc/versions"
        );
    }

    #[test]
    fn credentials_are_hidden_in_debug_and_display() {
        let url = RegistryUrl::parse("https://user:pw@registry:8081/sr").expect("valid url");
        assert_eq!(url.to_string(), "https://***@registry:8081/sr");
        assert_eq!(
            format!("{url:?}"),
            r#"RegistryUrl("https://***@registry:8081/sr")"#
        );
        assert_eq!(url.credentials(), Some(("user", "pw")));
        let plain = RegistryUrl::parse("http://registry:8081/").expect("valid url");
        assert_eq!(plain.to_string(), "http://registry:8081");
    }
}
