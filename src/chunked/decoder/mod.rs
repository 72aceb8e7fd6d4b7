//! The checking side: [`ChunkedDecoder`], a state machine over the bytes of
//! an aws-chunked body that passes on the data of each chunk once its
//! signature is checked.
//!
//! Crate-internal: the [`Verifier`](crate::Verifier) runs it in its body
//! phase. Bounded: it holds at most one chunk ([`MAX_CHUNK_SIZE`]), one
//! line of framing and a few trailer lines, whatever the input.

use std::fmt;

#[cfg(feature = "bytes")]
use bytes::{Buf, Bytes};
use sha2::{Digest, Sha256};

#[cfg(feature = "checksums")]
use super::checksum::RunningChecksum;
use super::encoder::CHUNK_SIGNATURE_EXT;
use super::string_to_sign::ChunkContext;
#[cfg(feature = "checksums")]
use super::ChecksumAlgorithm;
use super::{ChunkedError, MAX_CHUNK_SIZE};
use crate::Error;

mod mode;
#[cfg(test)]
mod tests;
mod trailer;

pub(crate) use mode::{ChecksumCheck, ChunkedMode, ChunkedSummary};

/// Longest chunk-header or trailer line accepted, CRLF included.
const MAX_LINE: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading a chunk-header line.
    Header,
    /// Reading a chunk's data.
    Data { remaining: u64 },
    /// Expecting the CRLF after a chunk's data (`seen` bytes of it so far).
    DataEnd { seen: u8 },
    /// Reading trailer lines (or, for `Signed`, the closing blank line).
    Trailer,
    /// Everything checked.
    Done,
}

/// Decodes and checks an aws-chunked body fed in pieces of any size.
pub(crate) struct ChunkedDecoder {
    context: ChunkContext,
    mode: ChunkedMode,
    declared_length: Option<u64>,
    state: State,
    /// The chain: the seed, then each checked chunk's signature.
    previous: [u8; 32],
    /// The signature the current chunk claims.
    claimed: [u8; 32],
    line: Vec<u8>,
    chunk: Vec<u8>,
    /// The current chunk's data so far, when fed as `Bytes`
    /// ([`feed_bytes`](Self::feed_bytes)): slices of the input, not copies.
    /// At most one of `chunk` and `held` is not empty.
    #[cfg(feature = "bytes")]
    held: Vec<Bytes>,
    hasher: Sha256,
    decoded: u64,
    chunks: u64,
    /// Chunk headers read, the final one included.
    frames: u64,
    /// Bytes of input consumed, for error messages.
    offset: u64,
    trailers: Vec<(String, String)>,
    trailer_signature: Option<[u8; 32]>,
    /// A blank line came right after the final chunk (tolerated once before
    /// the trailers: some clients write one).
    blank_after_final: bool,
    #[cfg(feature = "checksums")]
    checksum: Option<(ChecksumAlgorithm, RunningChecksum)>,
    failed: Option<Error>,
    summary_checksum: ChecksumCheck,
}

impl ChunkedDecoder {
    /// A decoder for a body in `mode`, chained from the seed signature in
    /// `context`, of `decoded_length` bytes of data if the request declared
    /// it (`x-amz-decoded-content-length`).
    pub(crate) fn new(
        context: ChunkContext,
        mode: ChunkedMode,
        decoded_length: Option<u64>,
    ) -> Self {
        #[cfg(feature = "checksums")]
        let checksum = mode
            .declared()
            .iter()
            .find_map(|name| ChecksumAlgorithm::from_header_name(name))
            .map(|a| (a, RunningChecksum::new(a)));
        ChunkedDecoder {
            previous: context.seed(),
            context,
            mode,
            declared_length: decoded_length,
            state: State::Header,
            claimed: [0; 32],
            line: Vec::new(),
            chunk: Vec::new(),
            #[cfg(feature = "bytes")]
            held: Vec::new(),
            hasher: Sha256::new(),
            decoded: 0,
            chunks: 0,
            frames: 0,
            offset: 0,
            trailers: Vec::new(),
            trailer_signature: None,
            blank_after_final: false,
            #[cfg(feature = "checksums")]
            checksum,
            failed: None,
            summary_checksum: ChecksumCheck::Absent,
        }
    }

    /// Feeds the next bytes of the body; appends to `out` the data of every
    /// chunk completed and checked (for `STREAMING-UNSIGNED-PAYLOAD-TRAILER`,
    /// which has no chunk signatures, data is passed on as it arrives and
    /// only the checksum at the end vouches for it). After an error every
    /// call returns that error.
    pub(crate) fn feed(&mut self, mut input: &[u8], out: &mut Vec<u8>) -> Result<(), Error> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        while !input.is_empty() {
            match self.step(input, out) {
                Ok(used) => {
                    input = &input[used..];
                    self.offset += used as u64;
                }
                Err(error) => {
                    self.failed = Some(error.clone());
                    return Err(error);
                }
            }
        }
        Ok(())
    }

    /// [`feed`](Self::feed) without copying: `out` receives the data of
    /// each checked chunk as slices of the input buffers. The data of a
    /// chunk not yet complete is held as such slices, so the memory held is
    /// that of the input buffers it spans.
    #[cfg(feature = "bytes")]
    pub(crate) fn feed_bytes(
        &mut self,
        mut input: Bytes,
        out: &mut Vec<Bytes>,
    ) -> Result<(), Error> {
        if let Some(error) = &self.failed {
            return Err(error.clone());
        }
        while !input.is_empty() {
            match self.step_bytes(&input, out) {
                Ok(used) => {
                    input.advance(used);
                    self.offset += used as u64;
                }
                Err(error) => {
                    self.failed = Some(error.clone());
                    self.held.clear();
                    return Err(error);
                }
            }
        }
        Ok(())
    }

    /// [`step`](Self::step) for [`feed_bytes`](Self::feed_bytes).
    #[cfg(feature = "bytes")]
    fn step_bytes(&mut self, input: &Bytes, out: &mut Vec<Bytes>) -> Result<usize, Error> {
        let State::Data { remaining } = self.state else {
            // Framing and trailers: no data for `out` (the final chunk is
            // empty).
            let mut none = Vec::new();
            return self.step(input, &mut none);
        };
        if !self.chunk.is_empty() {
            // A chunk begun by `feed` goes on where it began.
            let mut copied = Vec::new();
            let used = self.step(input, &mut copied)?;
            if !copied.is_empty() {
                out.push(Bytes::from(copied));
            }
            return Ok(used);
        }
        let n = usize::try_from(remaining)
            .unwrap_or(usize::MAX)
            .min(input.len());
        let data = input.slice(..n);
        let remaining = remaining - n as u64;
        if self.mode.signs_chunks() {
            self.hasher.update(&data);
            self.held.push(data);
            if remaining == 0 {
                self.check_signature()?;
                for piece in std::mem::take(&mut self.held) {
                    self.account(&piece);
                    out.push(piece);
                }
            }
        } else {
            self.account(&data);
            out.push(data);
        }
        self.state = match remaining {
            0 => State::DataEnd { seen: 0 },
            _ => State::Data { remaining },
        };
        Ok(n)
    }

    /// Ends the body: fails if it stopped before the end of the final chunk
    /// (and trailer), or its length differs from the declared one.
    pub(crate) fn finish(mut self) -> Result<ChunkedSummary, Error> {
        if let Some(error) = self.failed.take() {
            return Err(error);
        }
        if self.state == State::Trailer
            && self.blank_after_final
            && self.trailers.is_empty()
            && self.line.is_empty()
        {
            // `0;chunk-signature=…\r\n\r\n` with no trailer at all.
            self.end_of_trailers()?;
        }
        if self.state != State::Done {
            return Err(ChunkedError::Truncated {
                offset: self.offset,
            }
            .into());
        }
        Ok(ChunkedSummary {
            decoded_length: self.decoded,
            chunks: self.chunks,
            trailers: std::mem::take(&mut self.trailers),
            checksum: std::mem::replace(&mut self.summary_checksum, ChecksumCheck::Absent),
        })
    }

    /// Consumes a prefix of `input`; returns its length (at least 1).
    fn step(&mut self, input: &[u8], out: &mut Vec<u8>) -> Result<usize, Error> {
        match self.state {
            State::Header | State::Trailer => {
                let (used, complete) = self.take_line(input)?;
                if complete {
                    let line = std::mem::take(&mut self.line);
                    let text = &line[..line.len() - 2];
                    let result = match self.state {
                        State::Header => self.chunk_header(text),
                        _ => self.trailer_line(text),
                    };
                    self.line = line;
                    self.line.clear();
                    result?;
                }
                Ok(used)
            }
            State::Data { remaining } => {
                let n = usize::try_from(remaining)
                    .unwrap_or(usize::MAX)
                    .min(input.len());
                let data = &input[..n];
                let remaining = remaining - n as u64;
                if !self.mode.signs_chunks() {
                    self.release(data, out);
                } else if remaining == 0 && self.nothing_held() {
                    // The whole chunk is in this input: checked where it
                    // is, then passed on, never buffered.
                    self.hasher.update(data);
                    self.check_signature()?;
                    self.release(data, out);
                } else {
                    self.hasher.update(data);
                    self.hold(data);
                    if remaining == 0 {
                        self.check_chunk(out)?;
                    }
                }
                if remaining == 0 {
                    self.state = State::DataEnd { seen: 0 };
                } else {
                    self.state = State::Data { remaining };
                }
                Ok(n)
            }
            State::DataEnd { seen } => {
                let expected = b"\r\n"[usize::from(seen)];
                if input[0] != expected {
                    return Err(self.malformed("a chunk's data is not followed by CRLF"));
                }
                self.state = match seen {
                    0 => State::DataEnd { seen: 1 },
                    _ => State::Header,
                };
                Ok(1)
            }
            State::Done => Err(ChunkedError::TrailingData {
                offset: self.offset,
            }
            .into()),
        }
    }

    /// Appends bytes to the current line, up to and including LF. Returns
    /// the bytes used and whether the line is complete (ending in CRLF).
    fn take_line(&mut self, input: &[u8]) -> Result<(usize, bool), Error> {
        let room = MAX_LINE - self.line.len();
        let (used, complete) = match input.iter().position(|&b| b == b'\n') {
            Some(i) if i < room => (i + 1, true),
            _ if input.len() < room => (input.len(), false),
            _ => return Err(self.malformed("a chunk-header or trailer line is too long")),
        };
        self.line.extend_from_slice(&input[..used]);
        if complete && !self.line.ends_with(b"\r\n") {
            return Err(self.malformed("a line ends in LF without CR"));
        }
        Ok((used, complete))
    }

    /// `<hex size>[;chunk-signature=<64 hex>]`.
    fn chunk_header(&mut self, line: &[u8]) -> Result<(), Error> {
        let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
        if digits == 0 || digits > 16 {
            return Err(self.malformed("a chunk size is not 1 to 16 hex digits"));
        }
        let size_text = std::str::from_utf8(&line[..digits]).unwrap_or("");
        let size = u64::from_str_radix(size_text, 16)
            .map_err(|_| self.malformed("a chunk size is not 1 to 16 hex digits"))?;
        let extension = &line[digits..];
        if self.mode.signs_chunks() {
            let signature = extension
                .strip_prefix(CHUNK_SIGNATURE_EXT.as_bytes())
                .filter(|s| {
                    s.len() == 64 && s.iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
                })
                .ok_or_else(|| {
                    self.malformed(
                        "a chunk header lacks `;chunk-signature=` and 64 lowercase hex digits",
                    )
                })?;
            hex::decode_to_slice(signature, &mut self.claimed)
                .map_err(|_| self.malformed("a chunk signature is not hex"))?;
        } else if !extension.is_empty() {
            return Err(
                self.malformed("a chunk header of an unsigned-payload body carries an extension")
            );
        }
        if size > MAX_CHUNK_SIZE as u64 {
            return Err(ChunkedError::ChunkTooLarge {
                size,
                max: MAX_CHUNK_SIZE as u64,
            }
            .into());
        }
        let total = self.decoded.saturating_add(size);
        if let Some(declared) = self.declared_length {
            if total > declared {
                return Err(ChunkedError::DecodedLengthMismatch {
                    declared,
                    actual: total,
                }
                .into());
            }
        }
        self.frames += 1;
        if size > 0 {
            self.chunks += 1;
            self.chunk.clear();
            self.hasher = Sha256::new();
            self.state = State::Data { remaining: size };
            return Ok(());
        }
        // The final chunk.
        if self.mode.signs_chunks() {
            self.hasher = Sha256::new();
            self.chunk.clear();
            let mut out = Vec::new();
            self.check_chunk(&mut out)?;
        }
        if let Some(declared) = self.declared_length {
            if self.decoded != declared {
                return Err(ChunkedError::DecodedLengthMismatch {
                    declared,
                    actual: self.decoded,
                }
                .into());
            }
        }
        self.state = State::Trailer;
        Ok(())
    }

    /// Whether none of the current chunk's data is held.
    fn nothing_held(&self) -> bool {
        #[cfg(feature = "bytes")]
        if !self.held.is_empty() {
            return false;
        }
        self.chunk.is_empty()
    }

    /// Keeps `data` of the current chunk until the chunk is checked.
    fn hold(&mut self, data: &[u8]) {
        // A chunk begun by `feed_bytes` goes on where it began.
        #[cfg(feature = "bytes")]
        if !self.held.is_empty() {
            self.held.push(Bytes::copy_from_slice(data));
            return;
        }
        self.chunk.extend_from_slice(data);
    }

    /// Checks the buffered chunk's signature, then passes its data on.
    fn check_chunk(&mut self, out: &mut Vec<u8>) -> Result<(), Error> {
        self.check_signature()?;
        #[cfg(feature = "bytes")]
        for piece in std::mem::take(&mut self.held) {
            self.release(&piece, out);
        }
        if out.is_empty() {
            // Handed over rather than copied: `out` takes the chunk's
            // buffer, and the decoder `out`'s (empty) one.
            std::mem::swap(out, &mut self.chunk);
            self.account(out);
        } else {
            let chunk = std::mem::take(&mut self.chunk);
            self.release(&chunk, out);
            self.chunk = chunk;
        }
        self.chunk.clear();
        Ok(())
    }

    /// Checks the claimed signature of the chunk hashed so far.
    fn check_signature(&mut self) -> Result<(), Error> {
        let hash: [u8; 32] = std::mem::take(&mut self.hasher).finalize().into();
        if !self
            .context
            .verify_chunk(&self.previous, &hash, &self.claimed)
        {
            return Err(ChunkedError::ChunkSignatureMismatch { chunk: self.frames }.into());
        }
        self.previous = self.claimed;
        Ok(())
    }

    /// Passes checked data on.
    fn release(&mut self, data: &[u8], out: &mut Vec<u8>) {
        if data.is_empty() {
            return;
        }
        self.account(data);
        out.extend_from_slice(data);
    }

    /// Counts `data` as passed on (length, running checksum).
    fn account(&mut self, data: &[u8]) {
        #[cfg(feature = "checksums")]
        if let Some((_, running)) = &mut self.checksum {
            running.update(data);
        }
        self.decoded += data.len() as u64;
    }

    fn malformed(&self, problem: &'static str) -> Error {
        ChunkedError::MalformedFrame {
            offset: self.offset,
            problem,
        }
        .into()
    }
}

impl fmt::Debug for ChunkedDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkedDecoder")
            .field("mode", &self.mode)
            .field("state", &self.state)
            .field("decoded", &self.decoded)
            .finish_non_exhaustive()
    }
}
