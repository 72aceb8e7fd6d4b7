//! The credential scope's fixed parts: checked and written once, when a
//! [`Signer`](super::Signer) is built.

use std::sync::Arc;

use super::Algorithm;
#[cfg(feature = "sigv4a")]
use crate::sigv4a;
use crate::string_to_sign::write_scope;

/// The credential scope without its date (which it starts with).
pub(super) fn scope_after_date(algorithm: &Algorithm, region: &str, service: &str) -> Arc<str> {
    let mut scope = String::new();
    match algorithm {
        Algorithm::HmacSha256 => write_scope(&mut scope, "", region, service),
        #[cfg(feature = "sigv4a")]
        Algorithm::EcdsaP256(_) => sigv4a::write_scope(&mut scope, "", service),
    }
    Arc::from(scope)
}

/// Which of `region` (or the region set, for SigV4a) and `service` cannot
/// be written into a credential scope, if either.
pub(super) fn invalid_scope_part(
    algorithm: &Algorithm,
    region: &str,
    service: &str,
) -> Option<&'static str> {
    match algorithm {
        Algorithm::HmacSha256 if !is_scope_part(region) => return Some("region"),
        #[cfg(feature = "sigv4a")]
        Algorithm::EcdsaP256(_) if !sigv4a::region_set::is_valid(region) => {
            return Some("region set")
        }
        _ => {}
    }
    match is_scope_part(service) {
        true => None,
        false => Some("service"),
    }
}

/// Whether `s` can be one part of a credential: `/` separates the scope's
/// parts and `,` the Authorization header's components, so neither can be
/// inside one.
pub(super) fn is_scope_part(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_graphic() && b != b'/' && b != b',')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_date_and_the_fixed_part_make_the_suite_scope() {
        // aws-signing-test-suite/v4/get-vanilla: 20150830/us-east-1/service/aws4_request.
        let fixed = scope_after_date(&Algorithm::HmacSha256, "us-east-1", "service");
        assert_eq!(
            format!("20150830{fixed}"),
            "20150830/us-east-1/service/aws4_request"
        );
    }

    #[test]
    fn parts_that_cannot_be_in_a_scope_are_named() {
        let check = |region, service| invalid_scope_part(&Algorithm::HmacSha256, region, service);
        assert_eq!(check("us-east-1", "execute-api"), None);
        assert_eq!(check("us east", "s3"), Some("region"));
        assert_eq!(check("", "s3"), Some("region"));
        assert_eq!(check("us-east-1", "a/b"), Some("service"));
        assert_eq!(check("us-east-1", "a,b"), Some("service"));
    }
}
