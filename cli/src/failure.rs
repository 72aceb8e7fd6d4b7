//! Why `sigv4` stopped, as a message and an exit code; curl's codes where
//! curl has one for the same failure.

use std::fmt;
use std::io;

/// Exit codes (`sigv4 --help` lists them).
pub(crate) mod code {
    /// A scheme other than http or https.
    pub(crate) const UNSUPPORTED_PROTOCOL: u8 = 1;
    /// A usage error (clap's code too), or nothing to sign with: no
    /// credentials, no region, a request the signer refused.
    pub(crate) const SETUP: u8 = 2;
    /// The URL cannot be parsed.
    pub(crate) const URL_MALFORMED: u8 = 3;
    /// The proxy named by the environment is not a valid URL.
    pub(crate) const PROXY: u8 = 5;
    /// DNS found no address.
    pub(crate) const RESOLVE_HOST: u8 = 6;
    /// No connection could be made.
    pub(crate) const CONNECT: u8 = 7;
    /// An HTTP protocol error (an answer that is not valid HTTP, or a
    /// request ureq refuses to send, such as a HEAD with a body).
    pub(crate) const WEIRD_SERVER_REPLY: u8 = 8;
    /// HTTP status 400 or above, with `--fail`.
    pub(crate) const HTTP_RETURNED_ERROR: u8 = 22;
    /// The output could not be written.
    pub(crate) const WRITE_ERROR: u8 = 23;
    /// `--data @FILE` or `@-` could not be read.
    pub(crate) const READ_ERROR: u8 = 26;
    /// A timeout was hit.
    pub(crate) const TIMEOUT: u8 = 28;
    /// The TLS handshake failed.
    pub(crate) const TLS: u8 = 35;
    /// The connection broke while sending or receiving.
    pub(crate) const NETWORK: u8 = 56;
    /// The server's certificate was not accepted.
    pub(crate) const CERTIFICATE: u8 = 60;
}

/// A failure: printed as `sigv4: (CODE) message`, then the process exits
/// with `code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Failure {
    pub(crate) code: u8,
    pub(crate) message: String,
}

impl Failure {
    pub(crate) fn new(code: u8, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
        }
    }

    /// A setup failure (exit code 2).
    pub(crate) fn setup(message: impl Into<String>) -> Self {
        Failure::new(code::SETUP, message)
    }

    /// What went wrong while sending the request to `target` (as `host` or
    /// `host:port`) or reading the answer.
    pub(crate) fn transport(err: ureq::Error, target: &str) -> Self {
        use ureq::Error as E;
        let (code, message) = match &err {
            E::HostNotFound => (
                code::RESOLVE_HOST,
                format!("could not resolve host {target}"),
            ),
            E::Io(io) if is_resolve_error(io) => (
                code::RESOLVE_HOST,
                format!("could not resolve host {target}: {io}"),
            ),
            E::Io(io) if is_connect_error(io) => (
                code::CONNECT,
                format!("could not connect to {target}: {io}"),
            ),
            E::ConnectionFailed | E::ConnectProxyFailed(_) => (
                code::CONNECT,
                format!("could not connect to {target}: {err}"),
            ),
            E::Io(io) if io.kind() == io::ErrorKind::TimedOut => {
                (code::TIMEOUT, format!("{target}: timed out: {io}"))
            }
            E::Timeout(what) => (code::TIMEOUT, format!("{target}: timed out ({what})")),
            E::Rustls(rustls::Error::InvalidCertificate(why)) => (
                code::CERTIFICATE,
                format!("{target}: the server's certificate was not accepted: {why:?}"),
            ),
            E::Rustls(_) | E::Tls(_) | E::TlsRequired | E::Pem(_) => {
                (code::TLS, format!("{target}: TLS failed: {err}"))
            }
            E::BadUri(_) | E::Http(_) => (
                code::URL_MALFORMED,
                format!("the request cannot be sent: {err}"),
            ),
            E::InvalidProxyUrl => (
                code::PROXY,
                "the proxy in HTTPS_PROXY/HTTP_PROXY/ALL_PROXY is not a valid URL".to_owned(),
            ),
            E::Protocol(_) | E::LargeResponseHeader(..) => (
                code::WEIRD_SERVER_REPLY,
                format!("{target}: HTTP protocol error: {err}"),
            ),
            _ => (
                code::NETWORK,
                format!("{target}: the connection failed: {err}"),
            ),
        };
        Failure::new(code, message)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "({}) {}", self.code, self.message)
    }
}

/// The error std returns when `getaddrinfo` fails ("failed to lookup
/// address information: …"); it has no `ErrorKind` of its own.
fn is_resolve_error(err: &io::Error) -> bool {
    err.to_string().contains("lookup address")
}

/// Errors of the connect step: the address answered no, or cannot be
/// reached.
fn is_connect_error(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::HostUnreachable
            | io::ErrorKind::NetworkUnreachable
            | io::ErrorKind::NetworkDown
            | io::ErrorKind::AddrNotAvailable
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(err: ureq::Error) -> u8 {
        Failure::transport(err, "example.com").code
    }

    #[test]
    fn transport_errors_map_to_curls_codes() {
        assert_eq!(code_of(ureq::Error::HostNotFound), 6);
        let lookup =
            io::Error::other("failed to lookup address information: Name or service not known");
        assert_eq!(code_of(ureq::Error::Io(lookup)), 6);
        assert_eq!(
            code_of(ureq::Error::Io(io::ErrorKind::ConnectionRefused.into())),
            7
        );
        assert_eq!(code_of(ureq::Error::ConnectionFailed), 7);
        assert_eq!(code_of(ureq::Error::Timeout(ureq::Timeout::Global)), 28);
        assert_eq!(code_of(ureq::Error::Io(io::ErrorKind::TimedOut.into())), 28);
        assert_eq!(
            code_of(ureq::Error::Rustls(rustls::Error::InvalidCertificate(
                rustls::CertificateError::Expired
            ))),
            60
        );
        assert_eq!(code_of(ureq::Error::Tls("handshake")), 35);
        assert_eq!(code_of(ureq::Error::BadUri("x".into())), 3);
        assert_eq!(code_of(ureq::Error::InvalidProxyUrl), 5);
        assert_eq!(
            code_of(ureq::Error::Io(io::ErrorKind::ConnectionReset.into())),
            56
        );
    }

    #[test]
    fn display_has_the_code_like_curl() {
        let failure = Failure::transport(ureq::Error::HostNotFound, "nowhere.example");
        assert_eq!(
            failure.to_string(),
            "(6) could not resolve host nowhere.example"
        );
    }
}
