//! The trailer section: `name:value` lines after the final chunk, the
//! trailer signature and the trailing checksum.

use super::super::encoder::TRAILER_SIGNATURE;
use super::super::ChunkedError;
use super::{ChecksumCheck, ChunkedDecoder, ChunkedMode, State};
use crate::Error;

/// Most trailer lines accepted.
const MAX_TRAILERS: usize = 16;

impl ChunkedDecoder {
    /// A trailer line, or the blank line that ends the body.
    pub(super) fn trailer_line(&mut self, line: &[u8]) -> Result<(), Error> {
        if line.is_empty() {
            let first = self.trailers.is_empty() && self.trailer_signature.is_none();
            if first && !self.blank_after_final && self.mode != ChunkedMode::Signed {
                // Tolerated once: `0;chunk-signature=…\r\n\r\n` then trailers.
                self.blank_after_final = true;
                return Ok(());
            }
            return self.end_of_trailers();
        }
        if self.mode == ChunkedMode::Signed {
            return Err(self.malformed(
                "the final chunk is followed by trailers, but x-amz-content-sha256 \
                 announces none",
            ));
        }
        if self.trailer_signature.is_some() {
            return Err(self.malformed("a trailer follows x-amz-trailer-signature"));
        }
        if self.trailers.len() >= MAX_TRAILERS {
            return Err(self.malformed("too many trailers"));
        }
        let colon = line
            .iter()
            .position(|&b| b == b':')
            .ok_or_else(|| self.malformed("a trailer line has no `:`"))?;
        let name = &line[..colon];
        let value = line[colon + 1..].trim_ascii();
        let is_token = |b: &u8| b.is_ascii_alphanumeric() || b"-_.".contains(b);
        if name.is_empty()
            || !name.iter().all(is_token)
            || !value.iter().all(|b| (0x20..0x7f).contains(b))
        {
            return Err(self.malformed("a trailer line is not `name:value` in visible ASCII"));
        }
        let name = String::from_utf8_lossy(name).to_ascii_lowercase();
        let value = String::from_utf8_lossy(value).into_owned();
        if name == TRAILER_SIGNATURE {
            let mut signature = [0u8; 32];
            let lower = value
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
            if !lower || hex::decode_to_slice(&value, &mut signature).is_err() {
                return Err(
                    self.malformed("x-amz-trailer-signature is not 64 lowercase hex digits")
                );
            }
            self.trailer_signature = Some(signature);
        } else {
            if self.trailers.iter().any(|(n, _)| *n == name) {
                return Err(self.malformed("a trailer is repeated"));
            }
            self.trailers.push((name, value));
        }
        Ok(())
    }

    /// Checks the trailers: declared ones present, signature (signed
    /// trailer) and checksum.
    pub(super) fn end_of_trailers(&mut self) -> Result<(), Error> {
        let declared = self.mode.declared().to_vec();
        for (name, _) in &self.trailers {
            if !declared.contains(name) {
                return Err(ChunkedError::UndeclaredTrailer { name: name.clone() }.into());
            }
        }
        for name in &declared {
            if !self.trailers.iter().any(|(n, _)| n == name) {
                return Err(ChunkedError::MissingTrailer { name: name.clone() }.into());
            }
        }
        match (&self.mode, self.trailer_signature) {
            (ChunkedMode::SignedTrailer { .. }, None) => {
                return Err(ChunkedError::MissingTrailer {
                    name: TRAILER_SIGNATURE.into(),
                }
                .into())
            }
            (ChunkedMode::SignedTrailer { .. }, Some(claimed)) => {
                let mut sorted: Vec<&(String, String)> = self.trailers.iter().collect();
                sorted.sort();
                let mut canonical = Vec::new();
                for (name, value) in sorted {
                    canonical.extend_from_slice(name.as_bytes());
                    canonical.push(b':');
                    canonical.extend_from_slice(value.as_bytes());
                    canonical.push(b'\n');
                }
                if !self
                    .context
                    .verify_trailer(&self.previous, &canonical, &claimed)
                {
                    return Err(ChunkedError::TrailerSignatureMismatch.into());
                }
            }
            (ChunkedMode::UnsignedTrailer { .. }, Some(_)) => {
                return Err(
                    self.malformed("an unsigned-payload body carries x-amz-trailer-signature")
                )
            }
            _ => {}
        }
        self.summary_checksum = self.check_checksum()?;
        self.state = State::Done;
        Ok(())
    }

    fn check_checksum(&mut self) -> Result<ChecksumCheck, Error> {
        let signed = self.mode.signs_chunks();
        // The declared checksum, computed over the data.
        #[cfg(feature = "checksums")]
        let computed = self
            .checksum
            .take()
            .map(|(algorithm, running)| (algorithm.header_name(), running.finish()));
        let mut result = ChecksumCheck::Absent;
        for (name, _value) in &self.trailers {
            if !name.starts_with("x-amz-checksum-") {
                continue;
            }
            #[cfg(feature = "checksums")]
            if let Some((computed_name, computed_value)) = &computed {
                if name == computed_name {
                    if _value != computed_value {
                        return Err(ChunkedError::ChecksumMismatch { name: name.clone() }.into());
                    }
                    result = ChecksumCheck::Verified { name: name.clone() };
                    continue;
                }
            }
            if !signed {
                return Err(ChunkedError::UnsupportedChecksum { name: name.clone() }.into());
            }
            if result == ChecksumCheck::Absent {
                result = ChecksumCheck::Unchecked { name: name.clone() };
            }
        }
        if !signed && result == ChecksumCheck::Absent {
            return Err(ChunkedError::MissingTrailer {
                name: "x-amz-checksum-*".into(),
            }
            .into());
        }
        Ok(result)
    }
}
