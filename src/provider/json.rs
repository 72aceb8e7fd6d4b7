//! Just enough JSON (RFC 8259) to read what a `credential_process` prints:
//! one object whose members are strings, numbers, booleans or `null`.
//! Arrays are checked and skipped; nested objects are checked and located
//! (for answers such as IAM Identity Center's). Strings are kept in
//! [`Zeroizing`] buffers since they hold secrets.

use std::collections::HashMap;

use zeroize::Zeroizing;

/// A member's value, as far as credentials care.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Value {
    String(Zeroizing<String>),
    /// The number as written (`1`, `1.0`, `-2e3`).
    Number(String),
    Bool(bool),
    Null,
    /// An array.
    Nested,
    /// An object: where it lies in the text (parse it with
    /// [`parse_object`] on that slice).
    Object(std::ops::Range<usize>),
}

/// Why the text is not a JSON object. Never holds any of the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Invalid {
    /// Byte offset of the problem.
    pub(crate) at: usize,
}

/// Nested values deeper than this are rejected rather than recursed into.
const MAX_DEPTH: usize = 64;

/// Parses `text` as one JSON object (surrounding whitespace allowed). A
/// member given twice keeps its last value.
pub(crate) fn parse_object(text: &[u8]) -> Result<HashMap<String, Value>, Invalid> {
    let mut p = Parser { text, pos: 0 };
    p.skip_ws();
    p.expect(b'{')?;
    let mut members = HashMap::new();
    p.skip_ws();
    if !p.eat(b'}') {
        loop {
            p.skip_ws();
            let name = p.string()?;
            p.skip_ws();
            p.expect(b':')?;
            p.skip_ws();
            let value = p.value(1)?;
            members.insert(name.to_string(), value);
            p.skip_ws();
            if p.eat(b'}') {
                break;
            }
            p.expect(b',')?;
        }
    }
    p.skip_ws();
    match p.pos == text.len() {
        true => Ok(members),
        false => Err(p.invalid()),
    }
}

struct Parser<'a> {
    text: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn invalid(&self) -> Invalid {
        Invalid { at: self.pos }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        let found = self.peek() == Some(b);
        if found {
            self.pos += 1;
        }
        found
    }

    fn expect(&mut self, b: u8) -> Result<(), Invalid> {
        match self.eat(b) {
            true => Ok(()),
            false => Err(self.invalid()),
        }
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn literal(&mut self, word: &[u8]) -> Result<(), Invalid> {
        match self.text.get(self.pos..self.pos + word.len()) {
            Some(found) if found == word => {
                self.pos += word.len();
                Ok(())
            }
            _ => Err(self.invalid()),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, Invalid> {
        if depth > MAX_DEPTH {
            return Err(self.invalid());
        }
        match self.peek() {
            Some(b'"') => Ok(Value::String(self.string()?)),
            Some(b't') => self.literal(b"true").map(|()| Value::Bool(true)),
            Some(b'f') => self.literal(b"false").map(|()| Value::Bool(false)),
            Some(b'n') => self.literal(b"null").map(|()| Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                self.pos += 1;
                self.skip_ws();
                if !self.eat(b']') {
                    loop {
                        self.skip_ws();
                        self.value(depth + 1)?;
                        self.skip_ws();
                        if self.eat(b']') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Ok(Value::Nested)
            }
            Some(b'{') => {
                let start = self.pos;
                self.pos += 1;
                self.skip_ws();
                if !self.eat(b'}') {
                    loop {
                        self.skip_ws();
                        self.string()?;
                        self.skip_ws();
                        self.expect(b':')?;
                        self.skip_ws();
                        self.value(depth + 1)?;
                        self.skip_ws();
                        if self.eat(b'}') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Ok(Value::Object(start..self.pos))
            }
            _ => Err(self.invalid()),
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    fn number(&mut self) -> Result<Value, Invalid> {
        let start = self.pos;
        self.eat(b'-');
        if !self.eat(b'0') {
            if !matches!(self.peek(), Some(b'1'..=b'9')) {
                return Err(self.invalid());
            }
            self.digits();
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.invalid());
        }
        if self.eat(b'e') || self.eat(b'E') {
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return Err(self.invalid());
            }
        }
        // Only ASCII was consumed.
        let written = String::from_utf8_lossy(&self.text[start..self.pos]).into_owned();
        Ok(Value::Number(written))
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn string(&mut self) -> Result<Zeroizing<String>, Invalid> {
        self.expect(b'"')?;
        // Room for the whole string up front: growing the buffer would
        // leave copies of a secret's first bytes in freed memory.
        let mut bytes = Zeroizing::new(Vec::with_capacity(self.raw_string_len()));
        loop {
            let b = self.peek().ok_or(self.invalid())?;
            match b {
                b'"' => {
                    self.pos += 1;
                    break;
                }
                b'\\' => {
                    self.pos += 1;
                    let escaped = self.peek().ok_or(self.invalid())?;
                    self.pos += 1;
                    let c = match escaped {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => self.unicode_escape()?,
                        _ => return Err(self.invalid()),
                    };
                    let mut buf = [0u8; 4];
                    bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0x00..=0x1f => return Err(self.invalid()),
                _ => {
                    bytes.push(b);
                    self.pos += 1;
                }
            }
        }
        // Moved, not copied, into the string; zeroed if it is not UTF-8.
        match String::from_utf8(std::mem::take(&mut *bytes)) {
            Ok(text) => Ok(Zeroizing::new(text)),
            Err(e) => {
                drop(Zeroizing::new(e.into_bytes()));
                Err(self.invalid())
            }
        }
    }

    /// How many bytes of the text the string starting here (after its
    /// opening quote) spans, its escapes undecoded: at least what it
    /// decodes to.
    fn raw_string_len(&self) -> usize {
        let rest = &self.text[self.pos..];
        let mut i = 0;
        while i < rest.len() {
            match rest[i] {
                b'"' => return i,
                b'\\' => i += 2,
                _ => i += 1,
            }
        }
        rest.len()
    }

    /// After `\u`: four hex digits, or a surrogate pair of two escapes.
    fn unicode_escape(&mut self) -> Result<char, Invalid> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                self.literal(b"\\u")?;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.invalid());
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.invalid()),
            _ => first,
        };
        char::from_u32(code).ok_or(self.invalid())
    }

    fn hex4(&mut self) -> Result<u32, Invalid> {
        let digits = self
            .text
            .get(self.pos..self.pos + 4)
            .ok_or(self.invalid())?;
        let mut value = 0;
        for &d in digits {
            let v = (d as char).to_digit(16).ok_or(self.invalid())?;
            value = value * 16 + v;
        }
        self.pos += 4;
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(s: &str) -> Value {
        Value::String(Zeroizing::new(s.to_owned()))
    }

    #[test]
    fn a_string_is_decoded_into_one_buffer_sized_up_front() {
        // Raw, the value spans 26 bytes; decoded, 22. A buffer grown as
        // bytes arrive would end with another capacity (32), and would
        // have left copies of the first bytes in freed memory.
        let m = parse_object(br#"{"k": "wJalrXUtnFEMI\u00e9K7MDENG"}"#).unwrap();
        let Value::String(s) = &m["k"] else {
            panic!("{m:?}")
        };
        assert_eq!(s.as_str(), "wJalrXUtnFEMI\u{e9}K7MDENG");
        assert_eq!(s.capacity(), 26);
    }

    #[test]
    fn reads_a_credential_process_document() {
        let doc = br#"{
            "Version": 1,
            "AccessKeyId": "ASIAEXAMPLE",
            "SecretAccessKey": "wJalr\/K7MDENG+bPxRfi",
            "SessionToken": "tok\u00e9n\ud83d\ude00",
            "Expiration": "2030-01-01T00:00:00Z",
            "Extra": {"nested": [1, 2.5e-3, true, false, null, {"a": []}]}
        }"#;
        let m = parse_object(doc).unwrap();
        assert_eq!(m["Version"], Value::Number("1".into()));
        assert_eq!(m["AccessKeyId"], string("ASIAEXAMPLE"));
        assert_eq!(m["SecretAccessKey"], string("wJalr/K7MDENG+bPxRfi"));
        assert_eq!(m["SessionToken"], string("tokén😀"));
        let Value::Object(span) = &m["Extra"] else {
            panic!("{:?}", m["Extra"])
        };
        assert_eq!(
            parse_object(&doc[span.clone()]).unwrap()["nested"],
            Value::Nested
        );
        assert_eq!(m.len(), 6);
    }

    #[test]
    fn empty_object_and_scalars() {
        assert!(parse_object(b" {} \n").unwrap().is_empty());
        let m = parse_object(br#"{"a":true,"b":false,"c":null,"d":-0.5E+2,"e":"\"\\\b\f\n\r\t"}"#)
            .unwrap();
        assert_eq!(m["a"], Value::Bool(true));
        assert_eq!(m["b"], Value::Bool(false));
        assert_eq!(m["c"], Value::Null);
        assert_eq!(m["d"], Value::Number("-0.5E+2".into()));
        assert_eq!(m["e"], string("\"\\\u{8}\u{c}\n\r\t"));
    }

    #[test]
    fn rejects_what_is_not_one_object() {
        for bad in [
            &b""[..],
            b"[]",
            b"\"s\"",
            b"{",
            b"{\"a\"}",
            b"{\"a\":}",
            b"{\"a\":1,}",
            b"{\"a\":1} {}",
            b"{\"a\":01}",
            b"{\"a\":1.}",
            b"{\"a\":1e}",
            b"{\"a\":-}",
            b"{\"a\":tru}",
            b"{\"a\":\"\\x\"}",
            b"{\"a\":\"\\u12\"}",
            b"{\"a\":\"\\ud800\"}",
            b"{\"a\":\"\\udc00\"}",
            b"{\"a\":\"line\nbreak\"}",
            b"{\"a\":\"\xff\"}",
            b"{a:1}",
            b"{\"a\":[1 2]}",
        ] {
            assert!(
                parse_object(bad).is_err(),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let mut doc = b"{\"a\":".to_vec();
        doc.extend(std::iter::repeat_n(b'[', 100_000));
        assert!(parse_object(&doc).is_err());
    }

    #[test]
    fn error_offset_points_at_the_problem() {
        assert_eq!(parse_object(b"{\"a\": x}"), Err(Invalid { at: 6 }));
    }

    #[test]
    fn no_prefix_panics() {
        let doc = br#"{"Version": 1, "K": "v\u00e9\ud83d\ude00", "N": [-1.5e3, {"x": null}]}"#;
        for end in 0..=doc.len() {
            let _ = parse_object(&doc[..end]);
        }
    }
}
