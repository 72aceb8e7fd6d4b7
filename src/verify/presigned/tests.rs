//! The presigned query reader against the generic canonicalization and
//! decoding rules.

use super::*;
use crate::canonical::query::write_canonical_query;

/// The canonical query `read` gives for `query` (which must hold an
/// `X-Amz-Algorithm`), and the one the generic canonicalization gives
/// for the same parameters.
fn both(query: &str, token_signed: bool) -> (String, String) {
    let (_, signed) = read(query, token_signed).unwrap().unwrap();
    let ours = signed.to_canonical(query);
    let kept: Vec<&str> = query
        .split('&')
        .filter(|p| {
            let name = p.split_once('=').map_or(*p, |(n, _)| n);
            name != "X-Amz-Signature" && (token_signed || name != "X-Amz-Security-Token")
        })
        .collect();
    let mut generic = String::new();
    write_canonical_query(&mut generic, &kept.join("&"));
    (ours, generic)
}

#[test]
fn the_canonical_query_is_the_generic_ones() {
    let queries = [
        // aws-signing-test-suite/v4/get-vanilla/query-signed-request.txt
        "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Expires=3600&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d",
        // Escapes to redo: lowercase hex, `+`, raw reserved bytes, an
        // escaped unreserved byte, a lone `%`, UTF-8.
        "b=a+b&X-Amz-Algorithm=x&a=%7e%2f&c=*!'()&d=100%&e=%zz&f=%4&g=é&h=%41",
        // Empty pieces, names without values, `=` in values, empty names.
        "&&X-Amz-Algorithm=x&&k=a=b&=x&n&m=&",
        // Duplicates sort by value; the token kept or dropped.
        "X-Amz-Algorithm=x&a=2&a=1&a=1&X-Amz-Security-Token=t%2Bo&X-Amz-Signature=s",
    ];
    for query in queries {
        for token_signed in [true, false] {
            let (ours, generic) = both(query, token_signed);
            assert_eq!(ours, generic, "{query}");
        }
    }
}

#[test]
fn canonical_components_agree_with_the_generic_encoder() {
    // Every byte, and every escape, alone and between letters.
    let mut components: Vec<String> = (0..=255u8)
        .filter_map(|b| String::from_utf8(vec![b]).ok())
        .collect();
    for b in 0..=255u8 {
        components.push(format!("%{b:02X}"));
        components.push(format!("%{b:02x}"));
    }
    for c in components {
        let raw = format!("a{c}z");
        let mut generic = String::new();
        write_canonical_query(&mut generic, &format!("k={raw}"));
        if raw.contains(['&', '=']) {
            continue;
        }
        let query = format!("k={raw}");
        let piece = pieces(&query).next().unwrap();
        assert_eq!(piece.value(&query), raw);
        assert_eq!(piece.value_form != Form::Other, generic == query, "{raw:?}");
        assert_eq!(
            piece.value_form == Form::Plain,
            !raw.contains(['%', '+']) && generic == query,
            "{raw:?}"
        );
        // The same component as a name.
        let query = format!("{raw}=v");
        let piece = pieces(&query).next().unwrap();
        assert_eq!(piece.name(&query), raw);
        assert_eq!(
            piece.name_form != Form::Other,
            generic == format!("k={raw}"),
            "{raw:?}"
        );
    }
}

#[test]
fn decoding_agrees_with_the_generic_decoder() {
    let values = [
        "AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request",
        "plain",
        "a+b%2bc%2Bd",
        "100%&%zz&%4&%e2%82%ac%E2%82%AC",
        "%",
        "%%41",
        "%FF",
        "é%20é",
    ];
    for value in values {
        let generic = decode_component(value);
        match decode_text(value) {
            Ok(text) => assert_eq!(text.as_bytes(), generic, "{value}"),
            Err(bytes) => {
                assert_eq!(bytes, generic, "{value}");
                assert!(String::from_utf8(generic).is_err());
            }
        }
    }
}

#[test]
fn pieces_split_on_ampersands_and_the_first_equals() {
    let query = "&a=1=2&&b&=c&";
    let got: Vec<_> = pieces(query)
        .map(|p| (p.name(query), p.value(query), p.value.start))
        .collect();
    assert_eq!(got, [("a", "1=2", 3), ("b", "", 9), ("", "c", 11)]);
    assert_eq!(pieces("").count(), 0);
}

proptest::proptest! {
    /// Any query made of parameter names and values from a small
    /// alphabet (escapes, `+`, `=`, `&`, non-ASCII, the `X-Amz-*`
    /// names): the canonical query is the generic one of the signed
    /// parameters, and each `X-Amz-*` value is its percent-decoding.
    #[test]
    fn reading_agrees_with_the_generic_rules(
        pieces in proptest::collection::vec(
            (
                proptest::sample::select(vec![
                    "X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature",
                    "X-Amz-Security-Token", "a", "B", "%41", "%2f", "+", "", "é",
                ]),
                "[a-zA-Z0-9%+=/é~ *._-]{0,8}",
            ),
            0..8,
        ),
        token_signed in proptest::bool::ANY,
    ) {
        let mut query = String::from("X-Amz-Algorithm=x");
        for (name, value) in &pieces {
            query.push('&');
            query.push_str(name);
            query.push('=');
            query.push_str(value);
        }
        match read(&query, token_signed) {
            Ok(Some((params, _))) => {
                let (ours, generic) = both(&query, token_signed);
                proptest::prop_assert_eq!(ours, generic);
                for (i, name) in NAMES.iter().enumerate() {
                    let Some(value) = &params.values[i] else { continue };
                    let raw = query
                        .split('&')
                        .filter_map(|p| p.split_once('=').or(Some((p, ""))))
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v)
                        .unwrap_or_default();
                    let decoded = decode_component(raw);
                    let expected = String::from_utf8_lossy(&decoded);
                    proptest::prop_assert_eq!(value.as_ref(), expected.as_ref());
                }
            }
            // Only for a repeated `X-Amz-*` parameter, or one (the token
            // aside) that is not UTF-8 once decoded.
            Err(_) => {
                let names: Vec<&str> = std::iter::once("X-Amz-Algorithm")
                    .chain(pieces.iter().map(|(n, _)| *n))
                    .collect();
                let repeated = NAMES
                    .iter()
                    .any(|n| names.iter().filter(|m| *m == n).count() > 1);
                let not_text = pieces.iter().any(|(n, v)| {
                    NAMES[..TOKEN].contains(n) && String::from_utf8(decode_component(v)).is_err()
                });
                proptest::prop_assert!(repeated || not_text, "{query}");
            }
            Ok(None) => proptest::prop_assert!(false, "the algorithm is there"),
        }
    }
}

#[test]
fn slots_follow_the_names() {
    for (i, name) in NAMES.iter().enumerate() {
        assert_eq!(slot_of(&name["X-Amz-".len()..]), Some(i), "{name}");
    }
    assert_eq!(slot_of("Signature2"), None);
}

#[test]
fn no_algorithm_is_no_presigned_url() {
    assert!(read("a=1&X-Amz-Date=%FF", true).unwrap().is_none());
    assert!(read("", true).unwrap().is_none());
    assert_eq!(
        read("X-Amz-Date=%FF&X-Amz-Algorithm=x", true).err(),
        Some(Malformed::InvalidDate)
    );
}
