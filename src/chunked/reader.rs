//! [`ChunkedReader`]: a blocking `std::io::Read` that frames another reader
//! into signed chunks.

use std::fmt;
use std::io::{self, Read};

use super::{ChunkSigner, ChunkedError};
use crate::Error;

/// A `std::io::Read` that yields the aws-chunked framing of the data read
/// from `R`: each chunk of [`ChunkedUpload::get_chunk_size`](crate::ChunkedUpload::get_chunk_size)
/// bytes signed as it is read, then the final chunk (and trailer). Memory
/// stays at about twice the chunk size, whatever the length of the data.
///
/// Made by [`ChunkSigner::into_reader`]. If `R` yields more or fewer bytes
/// than the upload's declared length, reading fails with an
/// `io::Error` of kind `InvalidData` (or `UnexpectedEof`) wrapping an
/// [`Error::Chunked`](crate::Error::Chunked).
///
/// ```
/// use std::io::Read;
/// use std::time::SystemTime;
/// use http_sigv4::{ChunkedUpload, Credentials, Signer};
///
/// let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
/// let data = vec![7u8; 100_000]; // e.g. a std::fs::File
/// let upload = ChunkedUpload::new(Some(data.len() as u64));
/// let mut req = http::Request::put("https://bucket.s3.amazonaws.com/key").body(()).unwrap();
/// let chunks = signer.sign_chunked_at(&mut req, &upload, SystemTime::now())?;
///
/// let mut body = Vec::new(); // in real life: streamed to the connection
/// chunks.into_reader(&data[..]).read_to_end(&mut body).unwrap();
/// assert_eq!(req.headers()["content-length"], body.len().to_string().as_str());
/// # Ok::<(), http_sigv4::Error>(())
/// ```
pub struct ChunkedReader<R> {
    inner: R,
    signer: ChunkSigner,
    data: Vec<u8>,
    out: Vec<u8>,
    pos: usize,
    done: bool,
}

impl<R: Read> ChunkedReader<R> {
    pub(crate) fn new(inner: R, signer: ChunkSigner) -> Self {
        let size = signer.upload().get_chunk_size();
        ChunkedReader {
            inner,
            signer,
            data: Vec::with_capacity(size),
            out: Vec::with_capacity(size + 128),
            pos: 0,
            done: false,
        }
    }

    /// The reader being framed.
    ///
    /// ```
    /// # use std::time::SystemTime;
    /// # use http_sigv4::{ChunkedUpload, Credentials, Signer};
    /// # let signer = Signer::new(Credentials::new("AKID", "SECRET", None::<String>), "us-east-1", "s3");
    /// # let mut req = http::Request::put("https://b.s3.amazonaws.com/k").body(()).unwrap();
    /// let chunks = signer.sign_chunked_at(&mut req, &ChunkedUpload::new(Some(3)), SystemTime::now())?;
    /// let reader = chunks.into_reader(&b"abc"[..]);
    /// assert_eq!(reader.get_ref(), &&b"abc"[..]);
    /// # Ok::<(), http_sigv4::Error>(())
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Fills `self.out` with the next frame(s).
    fn refill(&mut self) -> io::Result<()> {
        self.out.clear();
        self.pos = 0;
        let size = self.signer.upload().get_chunk_size();
        self.data.clear();
        let mut eof = false;
        while self.data.len() < size {
            let start = self.data.len();
            self.data.resize(size, 0);
            match self.inner.read(&mut self.data[start..]) {
                Ok(0) => {
                    self.data.truncate(start);
                    eof = true;
                    break;
                }
                Ok(n) => self.data.truncate(start + n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => self.data.truncate(start),
                Err(e) => {
                    self.data.truncate(start);
                    return Err(e);
                }
            }
        }
        let total = self.signer.written() + self.data.len() as u64;
        if let Some(declared) = self.signer.upload().decoded_length() {
            if total > declared {
                return Err(length_error(declared, total, io::ErrorKind::InvalidData));
            }
            if eof && total < declared {
                return Err(length_error(declared, total, io::ErrorKind::UnexpectedEof));
            }
        }
        self.signer.write_chunk(&self.data, &mut self.out);
        if eof {
            self.signer.write_final(&mut self.out);
            self.done = true;
        }
        Ok(())
    }
}

fn length_error(declared: u64, actual: u64, kind: io::ErrorKind) -> io::Error {
    io::Error::new(
        kind,
        Error::Chunked(ChunkedError::DecodedLengthMismatch { declared, actual }),
    )
}

impl<R: Read> Read for ChunkedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.pos == self.out.len() {
            if self.done {
                return Ok(0);
            }
            self.refill()?;
        }
        let n = buf.len().min(self.out.len() - self.pos);
        buf[..n].copy_from_slice(&self.out[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

impl<R> fmt::Debug for ChunkedReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkedReader")
            .field("signer", &self.signer)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::time::SystemTime;

    use crate::{ChunkedUpload, Credentials, Signer};

    #[test]
    fn memory_stays_at_one_chunk_whatever_the_length() {
        let signer = Signer::new(
            Credentials::new("AKID", "SECRET", None::<String>),
            "us-east-1",
            "s3",
        );
        let length = 20 * 1024 * 1024;
        let upload = ChunkedUpload::new(Some(length));
        let mut req = http::Request::put("https://b.s3.amazonaws.com/k")
            .body(())
            .unwrap();
        let chunks = signer
            .sign_chunked_at(&mut req, &upload, SystemTime::UNIX_EPOCH)
            .unwrap();
        let mut reader = chunks.into_reader(std::io::repeat(3).take(length));
        let copied = std::io::copy(&mut reader, &mut std::io::sink()).unwrap();
        assert_eq!(Some(copied), upload.framed_length());
        assert!(
            reader.data.capacity() <= 65_536,
            "{}",
            reader.data.capacity()
        );
        assert!(
            reader.out.capacity() <= 65_536 + 256,
            "{}",
            reader.out.capacity()
        );
    }
}
