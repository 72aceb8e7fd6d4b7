//! The region set: `X-Amz-Region-Set`, the comma-separated regions a SigV4a
//! signature is valid in (`us-east-1,us-west-2`), where `*` stands for any
//! run of characters (`*` for every region, `us-*` for the US ones).

/// Whether `set` can be sent: one or more comma-separated entries, each
/// non-empty and made of ASCII letters, digits, `-` and `*` (spaces around an
/// entry are allowed).
pub(crate) fn is_valid(set: &str) -> bool {
    set.split(',').all(|entry| {
        let entry = entry.trim_matches(' ');
        !entry.is_empty()
            && entry
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*')
    })
}

/// Whether `region` is in `set`: equal to one of its entries, where a `*` in
/// an entry matches any run of characters.
pub(crate) fn contains(set: &str, region: &str) -> bool {
    set.split(',')
        .any(|entry| glob_matches(entry.trim_matches(' ').as_bytes(), region.as_bytes()))
}

/// `*`-only glob matching, iterative with backtracking to the last `*`.
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity() {
        for ok in ["us-east-1", "*", "us-east-1,us-west-2", "us-*", "a, b"] {
            assert!(is_valid(ok), "{ok}");
        }
        for bad in ["", ",", "us-east-1,", "us east 1", "us/east", "ü", "a,,b"] {
            assert!(!is_valid(bad), "{bad}");
        }
    }

    #[test]
    fn membership_and_wildcards() {
        assert!(contains("us-east-1", "us-east-1"));
        assert!(!contains("us-east-1", "us-east-2"));
        assert!(contains("eu-west-1,us-east-1", "us-east-1"));
        assert!(contains("eu-west-1, us-east-1", "us-east-1"));
        assert!(contains("*", "ap-southeast-2"));
        assert!(contains("us-*", "us-west-2"));
        assert!(!contains("us-*", "eu-west-1"));
        assert!(contains("*-west-*", "eu-west-3"));
        assert!(contains("us-*-1", "us-gov-east-1"));
        assert!(!contains("us-*-1", "us-east-2"));
        assert!(!contains("us-east-1", "us-east-10"));
        assert!(!contains("us-east-1", ""));
        assert!(contains("**", "x"));
    }
}
