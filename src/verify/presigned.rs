//! A presigned URL's query, read in one pass: the `X-Amz-*` parameters
//! that carry the signature, and the canonical form of the parameters it
//! covers (all but `X-Amz-Signature`, and `X-Amz-Security-Token` when the
//! client adds it after signing).
//!
//! Parameters that arrive in canonical form (SigV4 clients encode them so:
//! unreserved bytes as they are, everything else `%XX` with uppercase hex)
//! are not decoded and encoded again; the canonical query is a list of
//! ranges into the request's own query, and a buffer holds only the
//! parameters that needed re-encoding.

use std::borrow::Cow;
use std::ops::Range;

use crate::canonical::query::{decode_component, push_encoded_byte, EncodedPair};
use crate::canonical::Query;
use crate::error::Malformed;
#[cfg(feature = "sigv4a")]
use crate::signer::X_AMZ_REGION_SET_PARAM;

/// The `X-Amz-*` parameters a presigned URL carries, in the order of
/// [`Params`]' slots.
pub(super) const NAMES: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
];

/// The slot in [`NAMES`] of `X-Amz-{suffix}`.
fn slot_of(suffix: &str) -> Option<usize> {
    let slot = match suffix {
        "Algorithm" => 0,
        "Credential" => 1,
        "Date" => 2,
        "Expires" => 3,
        "SignedHeaders" => 4,
        "Signature" => SIGNATURE,
        "Security-Token" => TOKEN,
        _ => return None,
    };
    Some(slot)
}

/// The slot of `X-Amz-Security-Token` in [`NAMES`].
const TOKEN: usize = 6;
/// The slot of `X-Amz-Signature` in [`NAMES`].
const SIGNATURE: usize = 5;

/// The `X-Amz-*` values of a presigned query, percent-decoded (borrowed
/// from the query unless they had escapes), each at its slot in [`NAMES`].
pub(super) struct Params<'q> {
    pub(super) values: [Option<Cow<'q, str>>; 7],
    /// SigV4a's `X-Amz-Region-Set`, raw, each time it appears; in a SigV4
    /// URL it is an ordinary parameter.
    #[cfg(feature = "sigv4a")]
    pub(super) region_sets: Vec<&'q str>,
}

/// The canonical query of the signed parameters.
#[derive(Debug)]
pub(crate) struct SignedQuery {
    /// The encoded parameters, sorted: ranges into the request's query, or
    /// into `encoded` when one needed re-encoding.
    pairs: Vec<EncodedPair>,
    /// `None` when every signed parameter arrived in canonical form; else
    /// the request's query followed by the re-encoded names and values
    /// (so ranges into the query hold in it too).
    encoded: Option<String>,
}

impl SignedQuery {
    /// The canonical query, for the canonical request; `query` is the
    /// request's query this was read from.
    pub(crate) fn as_query<'a>(&'a self, query: &'a str) -> Query<'a> {
        Query::Merged {
            scratch: self.encoded.as_deref().unwrap_or(query),
            pairs: &self.pairs,
            own: &[],
        }
    }

    /// The canonical query as text.
    #[cfg(test)]
    pub(crate) fn to_canonical(&self, query: &str) -> String {
        let mut out = String::new();
        let text = self.encoded.as_deref().unwrap_or(query);
        crate::canonical::query::write_merged(&mut out, text, &self.pairs, &[]);
        out
    }
}

/// Reads the presigned `query`: its `X-Amz-*` values, and the canonical
/// query of the parameters the signature covers (`X-Amz-Security-Token`
/// among them when `token_signed`). `Ok(None)` when there is no
/// `X-Amz-Algorithm` (not a presigned URL).
pub(super) fn read(
    query: &str,
    token_signed: bool,
) -> Result<Option<(Params<'_>, SignedQuery)>, Malformed> {
    let mut params = Params {
        values: Default::default(),
        #[cfg(feature = "sigv4a")]
        region_sets: Vec::new(),
    };
    let mut signed = SignedQuery {
        pairs: Vec::with_capacity(8),
        encoded: None,
    };
    for piece in pieces(query) {
        let (name, value) = (piece.name(query), piece.value(query));
        #[cfg(feature = "sigv4a")]
        if name == X_AMZ_REGION_SET_PARAM {
            params.region_sets.push(value);
        }
        let slot = name.strip_prefix("X-Amz-").and_then(slot_of);
        if let Some(i) = slot {
            if let Err(e) = params.set(i, value, piece.value_form) {
                // Only a presigned URL has defects to report.
                return match has_param(query, NAMES[0]) {
                    true => Err(e),
                    false => Ok(None),
                };
            }
        }
        let unsigned = slot == Some(SIGNATURE) || (!token_signed && slot == Some(TOKEN));
        if !unsigned {
            let name_at = match piece.name_form {
                Form::Other => signed.encode(query, piece.name),
                _ => piece.name,
            };
            let value_at = match piece.value_form {
                Form::Other => signed.encode(query, piece.value),
                _ => piece.value,
            };
            signed.pairs.push((name_at, value_at));
        }
    }
    if params.values[0].is_none() {
        return Ok(None);
    }
    let text = signed.encoded.as_deref().unwrap_or(query).as_bytes();
    let at = |range: &Range<usize>| text.get(range.clone()).unwrap_or_default();
    signed
        .pairs
        .sort_unstable_by(|(a_name, a_value), (b_name, b_value)| {
            at(a_name)
                .cmp(at(b_name))
                .then_with(|| at(a_value).cmp(at(b_value)))
        });
    Ok(Some((params, signed)))
}

/// One `name=value` piece of a query: where its name and value are, and
/// whether each is in canonical form.
struct Piece {
    name: Range<usize>,
    /// Empty, after the name, when the piece has no `=`.
    value: Range<usize>,
    name_form: Form,
    value_form: Form,
}

impl Piece {
    fn name<'q>(&self, query: &'q str) -> &'q str {
        // `&`, `=` and `%XX` are ASCII: ranges end on character boundaries.
        query.get(self.name.clone()).unwrap_or_default()
    }

    fn value<'q>(&self, query: &'q str) -> &'q str {
        query.get(self.value.clone()).unwrap_or_default()
    }
}

/// How far a query component is from its canonical form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Form {
    /// Unreserved bytes only: canonical, and decodes to itself.
    Plain,
    /// Unreserved bytes and `%XX` escapes (uppercase hex) of bytes that are
    /// not unreserved: canonical.
    Escaped,
    /// Anything else (`+`, a raw reserved or non-ASCII byte, lowercase hex,
    /// an escaped unreserved byte, a `%` not followed by two hex digits):
    /// decoding and encoding it again changes it.
    Other,
}

/// The non-empty `&`-separated pieces of `query`, split at their first
/// `=`. One pass over the bytes, which also tells each component's form.
fn pieces(query: &str) -> impl Iterator<Item = Piece> + '_ {
    let bytes = query.as_bytes();
    let mut start = 0;
    std::iter::from_fn(move || loop {
        if start >= bytes.len() {
            return None;
        }
        let mut forms = [Form::Plain; 2];
        // 0 in the name, 1 in the value.
        let mut part = 0;
        let mut eq = None;
        let mut i = start;
        while let Some(&byte) = bytes.get(i) {
            if UNRESERVED[usize::from(byte)] {
                i += 1;
                continue;
            }
            match byte {
                b'&' => break,
                b'=' if eq.is_none() => {
                    eq = Some(i);
                    part = 1;
                }
                b'%' => match bytes.get(i + 1..i + 3).and_then(canonical_escape) {
                    Some(()) => {
                        forms[part] = forms[part].max(Form::Escaped);
                        i += 3;
                        continue;
                    }
                    None => forms[part] = Form::Other,
                },
                _ => forms[part] = Form::Other,
            }
            i += 1;
        }
        let piece = match eq {
            Some(eq) => Piece {
                name: start..eq,
                value: eq + 1..i,
                name_form: forms[0],
                value_form: forms[1],
            },
            None => Piece {
                name: start..i,
                value: i..i,
                name_form: forms[0],
                value_form: Form::Plain,
            },
        };
        let empty = i == start;
        start = i + 1;
        if !empty {
            return Some(piece);
        }
    })
}

/// `Some` when `hex` (the two bytes after a `%`) is an escape in canonical
/// form: two uppercase hex digits of a byte that is not unreserved.
fn canonical_escape(hex: &[u8]) -> Option<()> {
    let &[hi, lo] = hex else { return None };
    let byte = upper_hex(hi)? << 4 | upper_hex(lo)?;
    (!UNRESERVED[usize::from(byte)]).then_some(())
}

impl<'q> Params<'q> {
    /// Stores the value of `NAMES[i]`, decoded.
    fn set(&mut self, i: usize, raw: &'q str, form: Form) -> Result<(), Malformed> {
        let decoded = match form {
            // No `%` and no `+`: nothing to decode.
            Form::Plain => Ok(Cow::Borrowed(raw)),
            Form::Escaped | Form::Other => decode_text(raw),
        };
        let decoded = match decoded {
            Ok(decoded) => decoded,
            // No credentials hold such a token: the token check rejects
            // it (`SessionTokenMismatch`).
            Err(bytes) if i == TOKEN => Cow::Owned(String::from_utf8_lossy(&bytes).into_owned()),
            Err(_) => return Err(not_utf8(NAMES[i])),
        };
        if self.values[i].replace(decoded).is_some() {
            return Err(Malformed::Repeated { name: NAMES[i] });
        }
        Ok(())
    }
}

impl SignedQuery {
    /// The range of the canonical form of the name or value at `raw` in
    /// `query`, which is not canonical: its re-encoding, appended to
    /// `encoded`.
    fn encode(&mut self, query: &str, raw: Range<usize>) -> Range<usize> {
        let encoded = self.encoded.get_or_insert_with(|| {
            let mut encoded = String::with_capacity(2 * query.len());
            encoded.push_str(query);
            encoded
        });
        let start = encoded.len();
        for byte in decode_component(query.get(raw).unwrap_or_default()) {
            push_encoded_byte(encoded, byte);
        }
        start..encoded.len()
    }
}

/// The value of an uppercase hex digit.
fn upper_hex(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// `UNRESERVED[b]`: whether SigV4 leaves byte `b` unencoded (`A-Z a-z 0-9
/// - . _ ~`).
static UNRESERVED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~');
        b += 1;
    }
    table
};

/// A presigned parameter's value, percent-decoded (`+` as a space):
/// borrowed when there is nothing to decode; `Err` with the bytes when
/// they are not UTF-8.
pub(super) fn decode_text(raw: &str) -> Result<Cow<'_, str>, Vec<u8>> {
    let bytes = raw.as_bytes();
    let is_special = |b: &u8| *b == b'%' || *b == b'+';
    let Some(first) = bytes.iter().position(is_special) else {
        return Ok(Cow::Borrowed(raw));
    };
    // As `decode_component`, with runs of plain bytes copied whole.
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..first]);
    let mut i = first;
    while let Some(&byte) = bytes.get(i) {
        let escaped = match bytes.get(i..i + 3) {
            Some(&[b'%', hi, lo]) => any_hex(hi).zip(any_hex(lo)),
            _ => None,
        };
        match (escaped, byte) {
            (Some((hi, lo)), _) => {
                out.push(hi << 4 | lo);
                i += 3;
            }
            (None, b'+') => {
                out.push(b' ');
                i += 1;
            }
            (None, b'%') => {
                out.push(b'%');
                i += 1;
            }
            (None, _) => {
                let run = bytes[i..]
                    .iter()
                    .position(is_special)
                    .unwrap_or(bytes.len() - i);
                out.extend_from_slice(&bytes[i..i + run]);
                i += run;
            }
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|e| e.into_bytes())
}

/// The value of a hex digit of either case.
fn any_hex(digit: u8) -> Option<u8> {
    upper_hex(digit.to_ascii_uppercase())
}

/// The error for a presigned parameter whose decoded value is not UTF-8.
fn not_utf8(param: &str) -> Malformed {
    match param {
        "X-Amz-Algorithm" => Malformed::UnknownAlgorithm,
        "X-Amz-Date" => Malformed::InvalidDate,
        "X-Amz-Expires" => Malformed::InvalidExpires,
        "X-Amz-SignedHeaders" => Malformed::InvalidSignedHeaders,
        "X-Amz-Signature" => Malformed::InvalidSignature,
        _ => Malformed::InvalidCredential,
    }
}

fn has_param(query: &str, name: &str) -> bool {
    query
        .split('&')
        .any(|piece| piece.split_once('=').map_or(piece, |(n, _)| n) == name)
}

#[cfg(test)]
mod tests;
