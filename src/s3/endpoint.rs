//! Object and bucket URIs: where an S3 API is served ([`S3Endpoint`]), how
//! buckets are addressed there ([`Addressing`]), and each object key
//! percent-encoded as the AWS SDKs encode it.

use http::uri::{Authority, Scheme, Uri};
use percent_encoding::{percent_encode, AsciiSet};

use crate::canonical::SIGV4_UNRESERVED;
use crate::Error;

/// What an object key is encoded with: every byte outside `A-Z a-z 0-9 - .
/// _ ~` becomes `%XX` (UTF-8 bytes one by one), and `/` is kept, so each
/// segment between slashes is encoded on its own.
///
/// This is the rule of the AWS SDKs: the SDK for Rust formats the `Key`
/// label of S3's `/{Bucket}/{Key+}` with `aws_smithy_http::label::fmt_string`
/// and `EncodingStrategy::Greedy` (a deny-list that, for ASCII, encodes
/// exactly what is not unreserved, `/` aside); botocore quotes it with
/// `safe='/~'`; the SDK for Java v2 with `urlEncodeIgnoreSlashes`.
const KEY_ENCODE_SET: &AsciiSet = &SIGV4_UNRESERVED.remove(b'/');

/// How a bucket appears in an object's URI.
///
/// ```
/// use http_sigv4::{Addressing, S3Endpoint};
/// let aws = S3Endpoint::aws("us-east-2")?;
/// assert_eq!(aws.object_uri("bkt", "k")?, "https://bkt.s3.us-east-2.amazonaws.com/k");
/// let path = aws.addressing(Addressing::Path);
/// assert_eq!(path.object_uri("bkt", "k")?, "https://s3.us-east-2.amazonaws.com/bkt/k");
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Addressing {
    /// The bucket is the first label of the host:
    /// `https://my-bucket.s3.us-east-1.amazonaws.com/key`. What AWS S3
    /// expects (path style is deprecated there), and the default of
    /// [`S3Endpoint::aws`]. A bucket whose name cannot be a host label
    /// (not 3 to 63 lowercase letters, digits and `-`; or with `.` over
    /// HTTPS, where the certificate would not match) falls back to path
    /// style, as the AWS SDKs do; so does an endpoint whose host is an IP
    /// address.
    VirtualHosted,
    /// The bucket is the first path segment:
    /// `http://localhost:9000/my-bucket/key`. What most S3-compatible
    /// servers (MinIO, Ceph, Garage, LocalStack, …) expect, and the default
    /// of [`S3Endpoint::custom`].
    Path,
}

/// Where an S3 API is served, and how buckets are addressed there: builds
/// the `http::Uri` of a bucket or of an object, encoding the key as the AWS
/// SDKs do, ready for [`Signer::s3`](crate::Signer::s3).
///
/// Keys are UTF-8 strings in which anything goes (spaces, `+`, `%`, `?`,
/// `#`, non-ASCII, `//`, `./`, `../`), while `http::Uri` takes none of the
/// unsafe ones raw and other encoders turn `/` into `%2F`. Here each byte
/// outside `A-Z a-z 0-9 - . _ ~` becomes `%XX` and `/` stays, so the URI
/// names the same key on every S3 server, and `.`/`..` segments and
/// repeated slashes are kept as they are (they are parts of the key). This
/// is the rule of the AWS SDKs (the SDK for Rust's `Key` label with
/// `EncodingStrategy::Greedy`, botocore's `quote(key, safe='/~')`).
///
/// ```
/// use http_sigv4::S3Endpoint;
///
/// // AWS: virtual-hosted style.
/// let aws = S3Endpoint::aws("eu-west-1")?;
/// assert_eq!(
///     aws.object_uri("my-bucket", "reports/2024 Q1/ünï+%.csv")?,
///     "https://my-bucket.s3.eu-west-1.amazonaws.com/reports/2024%20Q1/%C3%BCn%C3%AF%2B%25.csv"
/// );
/// assert_eq!(aws.bucket_uri("my-bucket")?, "https://my-bucket.s3.eu-west-1.amazonaws.com/");
///
/// // MinIO on this machine: path style.
/// let minio = S3Endpoint::custom("http://localhost:9000")?;
/// assert_eq!(minio.object_uri("my-bucket", "a//b/./c")?, "http://localhost:9000/my-bucket/a//b/./c");
///
/// // Cloudflare R2.
/// let r2 = S3Endpoint::custom("https://0123456789abcdef.r2.cloudflarestorage.com")?;
/// assert_eq!(
///     r2.object_uri("my-bucket", "k")?,
///     "https://0123456789abcdef.r2.cloudflarestorage.com/my-bucket/k"
/// );
/// # Ok::<(), http_sigv4::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Endpoint {
    scheme: Scheme,
    authority: Authority,
    addressing: Addressing,
}

impl S3Endpoint {
    /// AWS S3 in `region` (`https://s3.REGION.amazonaws.com`, or
    /// `amazonaws.com.cn` for the `cn-` regions), virtual-hosted style.
    ///
    /// Fails with [`Error::InvalidScope`] when `region` is not made of
    /// lowercase letters, digits and `-`.
    ///
    /// ```
    /// use http_sigv4::S3Endpoint;
    /// let s3 = S3Endpoint::aws("cn-north-1")?;
    /// assert_eq!(s3.object_uri("bkt", "k")?, "https://bkt.s3.cn-north-1.amazonaws.com.cn/k");
    /// assert!(S3Endpoint::aws("us east 1").is_err());
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn aws(region: &str) -> Result<Self, Error> {
        let valid = !region.is_empty()
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err(Error::InvalidScope { field: "region" });
        }
        let domain = match region.starts_with("cn-") {
            true => "amazonaws.com.cn",
            false => "amazonaws.com",
        };
        let authority = Authority::try_from(format!("s3.{region}.{domain}"))
            .map_err(|_| Error::InvalidScope { field: "region" })?;
        Ok(S3Endpoint {
            scheme: Scheme::HTTPS,
            authority,
            addressing: Addressing::VirtualHosted,
        })
    }

    /// An S3-compatible server at `endpoint`, an `http` or `https` URL with
    /// a host, an optional port and no path (`http://localhost:9000`,
    /// `https://ACCOUNT_ID.r2.cloudflarestorage.com`,
    /// `https://s3.eu-central-003.backblazeb2.com`), path style: switch
    /// with [`addressing`](Self::addressing) for servers that take
    /// virtual-hosted requests.
    ///
    /// Fails with [`Error::InvalidEndpoint`] otherwise.
    ///
    /// ```
    /// use http_sigv4::{Error, S3Endpoint};
    /// let local = S3Endpoint::custom("http://127.0.0.1:9000/")?;
    /// assert_eq!(local.object_uri("b", "k")?, "http://127.0.0.1:9000/b/k");
    /// assert!(matches!(S3Endpoint::custom("localhost:9000"), Err(Error::InvalidEndpoint { .. })));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn custom(endpoint: &str) -> Result<Self, Error> {
        let invalid = |problem| Error::InvalidEndpoint { problem };
        let uri = Uri::try_from(endpoint).map_err(|_| invalid("it is not a URL"))?;
        let scheme = match uri.scheme() {
            Some(s) if *s == Scheme::HTTP || *s == Scheme::HTTPS => s.clone(),
            _ => return Err(invalid("it must start with `http://` or `https://`")),
        };
        let authority = uri.authority().ok_or(invalid("it has no host"))?.clone();
        if authority.as_str().contains('@') {
            return Err(invalid("it must not hold a user name or password"));
        }
        if authority.host().is_empty() {
            return Err(invalid("it has no host"));
        }
        if !matches!(uri.path(), "" | "/") || uri.query().is_some() {
            return Err(invalid(
                "it must have no path or query: give the bucket and key to `object_uri`",
            ));
        }
        Ok(S3Endpoint {
            scheme,
            authority,
            addressing: Addressing::Path,
        })
    }

    /// How buckets are addressed (see [`Addressing`]).
    ///
    /// ```
    /// use http_sigv4::{Addressing, S3Endpoint};
    /// let r2 = S3Endpoint::custom("https://acct.r2.cloudflarestorage.com")?
    ///     .addressing(Addressing::VirtualHosted);
    /// assert_eq!(r2.object_uri("bkt", "k")?, "https://bkt.acct.r2.cloudflarestorage.com/k");
    /// // A bucket with dots stays in the path over HTTPS.
    /// assert_eq!(r2.object_uri("b.example", "k")?, "https://acct.r2.cloudflarestorage.com/b.example/k");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn addressing(mut self, addressing: Addressing) -> Self {
        self.addressing = addressing;
        self
    }

    /// The URI of the object `key` in `bucket`, each key segment
    /// percent-encoded (see [`S3Endpoint`]).
    ///
    /// Fails with [`Error::InvalidBucketName`] for an empty bucket name or
    /// one holding `/`, and [`Error::EmptyObjectKey`] for an empty key.
    ///
    /// ```
    /// use http_sigv4::{Error, S3Endpoint};
    /// let s3 = S3Endpoint::aws("us-east-1")?;
    /// assert_eq!(
    ///     s3.object_uri("bkt", "dot/./seg/../x y.txt")?,
    ///     "https://bkt.s3.us-east-1.amazonaws.com/dot/./seg/../x%20y.txt"
    /// );
    /// assert_eq!(s3.object_uri("bkt", ""), Err(Error::EmptyObjectKey));
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn object_uri(&self, bucket: &str, key: &str) -> Result<Uri, Error> {
        if key.is_empty() {
            return Err(Error::EmptyObjectKey);
        }
        self.uri(bucket, key)
    }

    /// The URI of `bucket` itself (ending in `/`), for bucket operations
    /// such as `ListObjectsV2` (append the query: `?list-type=2&prefix=…`,
    /// each value percent-encoded).
    ///
    /// ```
    /// use http_sigv4::S3Endpoint;
    /// let minio = S3Endpoint::custom("http://localhost:9000")?;
    /// let list: http::Uri = format!("{}?list-type=2", minio.bucket_uri("b")?).parse().unwrap();
    /// assert_eq!(list, "http://localhost:9000/b/?list-type=2");
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn bucket_uri(&self, bucket: &str) -> Result<Uri, Error> {
        self.uri(bucket, "")
    }

    fn uri(&self, bucket: &str, key: &str) -> Result<Uri, Error> {
        let invalid = |problem| Error::InvalidBucketName {
            bucket: bucket.to_owned(),
            problem,
        };
        if bucket.is_empty() {
            return Err(invalid("it is empty"));
        }
        if bucket.contains('/') {
            return Err(invalid("it holds a `/`"));
        }
        let mut uri = String::with_capacity(16 + bucket.len() + 3 * key.len() + 64);
        uri.push_str(self.scheme.as_str());
        uri.push_str("://");
        match self.virtual_hosted(bucket) {
            true => {
                uri.push_str(bucket);
                uri.push('.');
                uri.push_str(self.authority.as_str());
                uri.push('/');
            }
            false => {
                uri.push_str(self.authority.as_str());
                uri.push('/');
                uri.extend(percent_encode(bucket.as_bytes(), SIGV4_UNRESERVED));
                uri.push('/');
            }
        }
        uri.extend(percent_encode(key.as_bytes(), KEY_ENCODE_SET));
        Uri::try_from(uri).map_err(|_| Error::InvalidUri)
    }

    /// Whether `bucket` goes into the host: virtual-hosted style was asked
    /// for, the host is a name (not an IP address), and the bucket can be
    /// a host label (the AWS SDKs' `isVirtualHostableS3Bucket`).
    fn virtual_hosted(&self, bucket: &str) -> bool {
        let host = self.authority.host();
        let ip_host = host.starts_with('[') || host.parse::<std::net::Ipv4Addr>().is_ok();
        self.addressing == Addressing::VirtualHosted
            && !ip_host
            && is_host_label_bucket(bucket, self.scheme == Scheme::HTTP)
    }
}

/// Whether `bucket` can be the first label(s) of a host name: 3 to 63
/// lowercase letters, digits, `-` (and `.` between labels when `dots`),
/// each label starting and ending with a letter or digit, and not an IPv4
/// address.
fn is_host_label_bucket(bucket: &str, dots: bool) -> bool {
    let label_ok = |label: &str| {
        let bytes = label.as_bytes();
        !bytes.is_empty()
            && bytes
                .iter()
                .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && bytes[0] != b'-'
            && bytes[bytes.len() - 1] != b'-'
    };
    (3..=63).contains(&bucket.len())
        && (dots || !bucket.contains('.'))
        && bucket.split('.').all(label_ok)
        && bucket.parse::<std::net::Ipv4Addr>().is_err()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_incompatible_buckets_fall_back_to_path_style() {
        let aws = S3Endpoint::aws("us-east-1").unwrap();
        for (bucket, uri) in [
            (
                "ok-bucket",
                "https://ok-bucket.s3.us-east-1.amazonaws.com/k",
            ),
            (
                "with.dots",
                "https://s3.us-east-1.amazonaws.com/with.dots/k",
            ),
            (
                "Upper_Case",
                "https://s3.us-east-1.amazonaws.com/Upper_Case/k",
            ),
            ("ab", "https://s3.us-east-1.amazonaws.com/ab/k"),
            ("-dash", "https://s3.us-east-1.amazonaws.com/-dash/k"),
            (
                "192.168.1.1",
                "https://s3.us-east-1.amazonaws.com/192.168.1.1/k",
            ),
        ] {
            assert_eq!(aws.object_uri(bucket, "k").unwrap(), uri, "{bucket}");
        }
        // Over plain HTTP, dots are fine in the host.
        let http = S3Endpoint::custom("http://s3.local")
            .unwrap()
            .addressing(Addressing::VirtualHosted);
        assert_eq!(
            http.object_uri("with.dots", "k").unwrap(),
            "http://with.dots.s3.local/k"
        );
    }

    #[test]
    fn ip_hosts_are_always_path_style() {
        for endpoint in ["http://127.0.0.1:9000", "http://[::1]:9000"] {
            let e = S3Endpoint::custom(endpoint)
                .unwrap()
                .addressing(Addressing::VirtualHosted);
            assert_eq!(
                e.object_uri("bucket", "k").unwrap().to_string(),
                format!("{endpoint}/bucket/k")
            );
        }
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        let aws = S3Endpoint::aws("us-east-1").unwrap();
        assert_eq!(aws.object_uri("b", ""), Err(Error::EmptyObjectKey));
        for bucket in ["", "a/b"] {
            assert!(
                matches!(
                    aws.object_uri(bucket, "k"),
                    Err(Error::InvalidBucketName { .. })
                ),
                "{bucket:?}"
            );
        }
        for endpoint in [
            "",
            "localhost:9000",
            "ftp://h",
            "http://user:pw@h",
            "http://h/prefix",
            "http://h/?a=1",
            "/relative",
        ] {
            assert!(
                matches!(
                    S3Endpoint::custom(endpoint),
                    Err(Error::InvalidEndpoint { .. })
                ),
                "{endpoint:?}"
            );
        }
        for region in ["", "US-EAST-1", "us east", "us-east-1/x"] {
            assert_eq!(
                S3Endpoint::aws(region),
                Err(Error::InvalidScope { field: "region" }),
                "{region:?}"
            );
        }
    }

    #[test]
    fn every_byte_outside_unreserved_is_encoded_and_slash_kept() {
        let aws = S3Endpoint::aws("us-east-1").unwrap();
        let all: String = (1u8..=127).map(char::from).collect();
        let uri = aws.object_uri("bucket", &all).unwrap();
        let path = uri.path();
        let mut expected = String::from("/");
        for b in 1u8..=127 {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                    expected.push(char::from(b))
                }
                _ => expected.push_str(&format!("%{b:02X}")),
            }
        }
        assert_eq!(path, expected);
    }
}
