//! The region to sign for: `--region`, else the environment or profile
//! (as the AWS CLI finds it), else the one an AWS host name carries.

use std::fmt;

use http_sigv4::{region_from_env_or_profile, Env, Error};

use crate::failure::Failure;

/// The region, and where it came from (for `-v` and for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Region {
    pub(crate) name: String,
    pub(crate) source: RegionSource,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum RegionSource {
    Flag,
    /// `AWS_REGION` or `AWS_DEFAULT_REGION`.
    Variable(&'static str),
    /// The `region` of this profile.
    Profile(String),
    /// Derived from the host name.
    Host,
    /// [`DEFAULT_REGION`], for a host that is not AWS's.
    Default,
}

/// The region for a host that is not AWS's (an S3-compatible server, a
/// local stand-in) when nothing names one: what such servers expect.
pub(crate) const DEFAULT_REGION: &str = "us-east-1";

impl fmt::Display for RegionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegionSource::Flag => f.write_str("--region"),
            RegionSource::Variable(name) => f.write_str(name),
            RegionSource::Profile(name) => write!(f, "profile `{name}`"),
            RegionSource::Host => f.write_str("the host name"),
            RegionSource::Default => f.write_str("the default for hosts that are not AWS's"),
        }
    }
}

/// The region: `flag`, else `AWS_REGION`, `AWS_DEFAULT_REGION` or the
/// profile's `region` (`profile`, else `AWS_PROFILE`, else `default`), else
/// [`region_from_host`], else, for a host that is not AWS's,
/// [`DEFAULT_REGION`].
pub(crate) fn resolve(
    flag: Option<&str>,
    env: &Env,
    profile: Option<&str>,
    host: &str,
) -> Result<Region, Failure> {
    if let Some(name) = flag {
        return Ok(Region {
            name: name.to_owned(),
            source: RegionSource::Flag,
        });
    }
    match region_from_env_or_profile(env, profile) {
        Ok(name) => {
            let source = ["AWS_REGION", "AWS_DEFAULT_REGION"]
                .into_iter()
                .find(|var| env.get(var).as_deref() == Some(name.as_str()))
                .map(RegionSource::Variable)
                .unwrap_or_else(|| {
                    let profile = profile
                        .map(str::to_owned)
                        .or_else(|| env.get("AWS_PROFILE"))
                        .unwrap_or_else(|| "default".to_owned());
                    RegionSource::Profile(profile)
                });
            Ok(Region { name, source })
        }
        Err(Error::MissingRegion { profile }) => match region_from_host(host) {
            Some(name) => Ok(Region {
                name,
                source: RegionSource::Host,
            }),
            None if !is_aws_host(host) => Ok(Region {
                name: DEFAULT_REGION.to_owned(),
                source: RegionSource::Default,
            }),
            None => Err(Failure::setup(format!(
                "no region: pass --region, set AWS_REGION, or set `region` in profile \
                 `{profile}` of ~/.aws/config (the host `{host}` does not name one)"
            ))),
        },
        Err(e) => Err(Failure::setup(format!("cannot find the region: {e}"))),
    }
}

/// The region an AWS endpoint's host name carries, if it is one:
///
/// - `abc123.execute-api.eu-west-1.amazonaws.com` → `eu-west-1` (and the
///   same for `SERVICE.REGION.amazonaws.com`, `bucket.s3.REGION…`,
///   `…REGION.es.amazonaws.com`, VPC endpoints `….REGION.vpce.amazonaws.com`,
///   China's `….amazonaws.com.cn`, Lambda function URLs `….REGION.on.aws`
///   and dual-stack `….REGION.api.aws`);
/// - S3's older `s3-REGION.amazonaws.com`;
/// - a global endpoint with no region (`sts.amazonaws.com`,
///   `iam.amazonaws.com`, `bucket.s3.amazonaws.com`) → `us-east-1`, where
///   AWS signs them.
///
/// Anything else (another domain, an IP address) → `None`.
pub(crate) fn region_from_host(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let (rest, global) = if let Some(rest) = labels.strip_suffix(&["amazonaws", "com"]) {
        (rest, Some("us-east-1"))
    } else if let Some(rest) = labels.strip_suffix(&["amazonaws", "com", "cn"]) {
        (rest, None)
    } else if let Some(rest) = labels
        .strip_suffix(&["on", "aws"])
        .or_else(|| labels.strip_suffix(&["api", "aws"]))
    {
        (rest, None)
    } else {
        return None;
    };
    // The first label is a name of the caller's (API id, bucket, domain),
    // never the region: `my-east-1.s3.amazonaws.com` is a bucket.
    let region = rest
        .iter()
        .skip(1)
        .rev()
        .chain(rest.first().filter(|first| first.starts_with("s3-")))
        .map(|label| label.strip_prefix("s3-").unwrap_or(label))
        .find(|label| is_region(label));
    match (region, rest.is_empty()) {
        (Some(region), _) => Some(region.to_owned()),
        (None, false) => global.map(str::to_owned),
        (None, true) => None,
    }
}

/// Whether `host` is in one of AWS's domains (`amazonaws.com`,
/// `amazonaws.com.cn`, `on.aws`, `api.aws`), where a wrong region is
/// certain to be refused, so none is guessed.
fn is_aws_host(host: &str) -> bool {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    ["amazonaws.com", "amazonaws.com.cn", "on.aws", "api.aws"]
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")))
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-northwest-1`,
/// `us-iso-east-1`, `ap-southeast-5`: letters, a compass direction, a number.
fn is_region(label: &str) -> bool {
    const DIRECTIONS: [&str; 9] = [
        "east",
        "west",
        "north",
        "south",
        "central",
        "northeast",
        "northwest",
        "southeast",
        "southwest",
    ];
    let parts: Vec<&str> = label.split('-').collect();
    let [prefix @ .., direction, number] = parts.as_slice() else {
        return false;
    };
    !prefix.is_empty()
        && prefix
            .iter()
            .all(|p| (2..=5).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()))
        && DIRECTIONS.contains(direction)
        && (1..=2).contains(&number.len())
        && number.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_from_aws_host_names() {
        for (host, region) in [
            ("abc123.execute-api.eu-west-1.amazonaws.com", "eu-west-1"),
            ("ABC123.Execute-Api.EU-WEST-1.AmazonAWS.com.", "eu-west-1"),
            ("sts.ap-southeast-2.amazonaws.com", "ap-southeast-2"),
            ("sts-fips.us-east-2.amazonaws.com", "us-east-2"),
            ("my-bucket.s3.us-west-2.amazonaws.com", "us-west-2"),
            ("s3.dualstack.eu-north-1.amazonaws.com", "eu-north-1"),
            ("my-bucket.s3-eu-west-1.amazonaws.com", "eu-west-1"),
            ("s3-eu-west-1.amazonaws.com", "eu-west-1"),
            (
                "search-logs-abc.eu-central-1.es.amazonaws.com",
                "eu-central-1",
            ),
            (
                "vpce-0a1b-c2d3.execute-api.ca-central-1.vpce.amazonaws.com",
                "ca-central-1",
            ),
            ("abc.execute-api.cn-north-1.amazonaws.com.cn", "cn-north-1"),
            ("sts.us-gov-west-1.amazonaws.com", "us-gov-west-1"),
            ("xyz.lambda-url.us-east-2.on.aws", "us-east-2"),
            ("sqs.eu-south-2.api.aws", "eu-south-2"),
            // Global endpoints are signed for us-east-1.
            ("sts.amazonaws.com", "us-east-1"),
            ("iam.amazonaws.com", "us-east-1"),
            ("my-bucket.s3.amazonaws.com", "us-east-1"),
            // A bucket named like a region is not one.
            ("my-east-1.s3.amazonaws.com", "us-east-1"),
            ("eu-west-1.s3.eu-west-3.amazonaws.com", "eu-west-3"),
        ] {
            assert_eq!(region_from_host(host).as_deref(), Some(region), "{host}");
        }
    }

    #[test]
    fn no_region_elsewhere() {
        for host in [
            "127.0.0.1",
            "localhost",
            "api.example.com",
            "eu-west-1.example.com",
            "amazonaws.com",
            "amazonaws.com.cn",
            "xyz.lambda-url.on.aws",
            "abc.execute-api.amazonaws.com.cn",
            "amazonaws.com.example.org",
            "",
        ] {
            assert_eq!(region_from_host(host), None, "{host}");
        }
    }

    #[test]
    fn region_shapes() {
        for ok in [
            "us-east-1",
            "us-gov-west-1",
            "us-isob-east-1",
            "ap-southeast-5",
            "il-central-1",
        ] {
            assert!(is_region(ok), "{ok}");
        }
        for bad in [
            "us-east",
            "east-1",
            "my-bucket-1",
            "s3-external-1",
            "us-east-100",
            "US-EAST-1",
            "vpce-1",
        ] {
            assert!(!is_region(bad), "{bad}");
        }
    }

    fn env(vars: &[(&str, &str)]) -> Env {
        // No HOME: no profile files are read.
        Env::from_vars(vars.iter().copied())
    }

    #[test]
    fn flag_then_environment_then_host() {
        let host = "abc.execute-api.eu-west-1.amazonaws.com";
        let vars = env(&[("AWS_REGION", "us-east-2")]);
        assert_eq!(
            resolve(Some("ap-south-1"), &vars, None, host).unwrap(),
            Region {
                name: "ap-south-1".into(),
                source: RegionSource::Flag
            }
        );
        assert_eq!(
            resolve(None, &vars, None, host).unwrap(),
            Region {
                name: "us-east-2".into(),
                source: RegionSource::Variable("AWS_REGION")
            }
        );
        let default_region = env(&[("AWS_DEFAULT_REGION", "sa-east-1")]);
        assert_eq!(
            resolve(None, &default_region, None, host).unwrap().source,
            RegionSource::Variable("AWS_DEFAULT_REGION")
        );
        assert_eq!(
            resolve(None, &env(&[]), None, host).unwrap(),
            Region {
                name: "eu-west-1".into(),
                source: RegionSource::Host
            }
        );
    }

    #[test]
    fn profile_region_and_its_source() {
        let home = tempfile::tempdir().unwrap();
        std::fs::create_dir(home.path().join(".aws")).unwrap();
        std::fs::write(
            home.path().join(".aws/config"),
            "[profile dev]\nregion = eu-central-1\n",
        )
        .unwrap();
        let vars = Env::from_vars([("HOME", home.path().to_str().unwrap())]);
        let region = resolve(None, &vars, Some("dev"), "127.0.0.1").unwrap();
        assert_eq!(region.name, "eu-central-1");
        assert_eq!(region.source, RegionSource::Profile("dev".into()));
        assert_eq!(region.source.to_string(), "profile `dev`");
    }

    #[test]
    fn hosts_that_are_not_aws_default_to_us_east_1() {
        for host in [
            "127.0.0.1",
            "[::1]",
            "localhost",
            "minio.example.com",
            "s3.example.org",
        ] {
            assert_eq!(
                resolve(None, &env(&[]), None, host).unwrap(),
                Region {
                    name: "us-east-1".into(),
                    source: RegionSource::Default
                },
                "{host}"
            );
        }
        // A region that is named wins over the default.
        assert_eq!(
            resolve(
                None,
                &env(&[("AWS_REGION", "eu-west-3")]),
                None,
                "127.0.0.1"
            )
            .unwrap()
            .name,
            "eu-west-3"
        );
        assert_eq!(
            resolve(Some("auto"), &env(&[]), None, "r2.example.com")
                .unwrap()
                .name,
            "auto"
        );
    }

    #[test]
    fn aws_hosts_without_a_region_say_what_to_do() {
        let host = "abc.execute-api.amazonaws.com.cn";
        let failure = resolve(None, &env(&[]), None, host).unwrap_err();
        assert_eq!(failure.code, 2);
        for part in ["--region", "AWS_REGION", "`default`", host] {
            assert!(
                failure.message.contains(part),
                "{part}: {}",
                failure.message
            );
        }
    }
}
