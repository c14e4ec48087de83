//! Reading one HTTP/1.1 answer off a connection as its bytes arrive: the status, the headers the
//! generator acts on (`Connection`, `Retry-After`) and the body's framing (Content-Length, chunked,
//! or until the server closes), so that a keep-alive connection is reused only once it is clean.

/// What the generator keeps of one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// The answer carried a `Retry-After` header (a refusal that tells the reader when to return).
    pub retry_after: bool,
    /// The server closes the connection after this answer, so it cannot be reused.
    pub close: bool,
    /// The body, only when the reader was asked to keep it (the metrics page); empty otherwise.
    pub body: Vec<u8>,
}

/// Why bytes could not be read as an HTTP/1.1 answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseError {
    StatusLine,
    Header,
    ContentLength,
    Chunk,
    /// A head or a chunk-size line longer than any sane server sends: not HTTP, or not ending.
    TooLong,
}

/// Heads and chunk-size lines longer than this are refused rather than buffered without end.
const MAX_HEAD: usize = 64 * 1024;
const MAX_LINE: usize = 4 * 1024;

#[derive(Debug, Clone, Copy)]
enum State {
    /// Waiting for the blank line; `scanned` bytes are known not to hold it.
    Head {
        scanned: usize,
    },
    Length(u64),
    ChunkSize,
    ChunkData(u64),
    ChunkEnd,
    Trailer,
    UntilClose,
    Done,
}

/// Reads one answer from the bytes fed to it, consuming (draining) what it has read, so that a
/// connection's buffer never holds more than one read of body.
pub struct ResponseReader {
    state: State,
    keep_body: bool,
    response: Response,
}

impl ResponseReader {
    /// A reader for one answer; `keep_body` keeps its body (otherwise it is only skipped).
    pub fn new(keep_body: bool) -> Self {
        ResponseReader {
            state: State::Head { scanned: 0 },
            keep_body,
            response: Response {
                status: 0,
                retry_after: false,
                close: false,
                body: Vec::new(),
            },
        }
    }

    /// Reads what it can of `buffer`, draining the bytes it consumed: `Ok(Some(_))` once the whole
    /// answer is in (bytes after it stay in `buffer`), `Ok(None)` while more are needed, an error
    /// when the bytes are not an HTTP/1.1 answer.
    pub fn feed(&mut self, buffer: &mut Vec<u8>) -> Result<Option<Response>, ParseError> {
        let mut position = 0;
        let outcome = self.advance(buffer, &mut position);
        buffer.drain(..position);
        outcome
    }

    /// The connection ended: the answer if its end was the close (no length, not chunked).
    pub fn finish_at_close(&mut self) -> Option<Response> {
        match self.state {
            State::UntilClose => {
                self.state = State::Done;
                Some(std::mem::replace(
                    &mut self.response,
                    Self::new(false).response,
                ))
            }
            _ => None,
        }
    }

    fn advance(
        &mut self,
        buffer: &[u8],
        position: &mut usize,
    ) -> Result<Option<Response>, ParseError> {
        loop {
            let rest = &buffer[*position..];
            match self.state {
                State::Head { scanned } => {
                    // The blank line may straddle two reads: look again from just before the end.
                    let from = scanned.saturating_sub(3);
                    let Some(found) = find(&rest[from..], b"\r\n\r\n") else {
                        if rest.len() > MAX_HEAD {
                            return Err(ParseError::TooLong);
                        }
                        self.state = State::Head {
                            scanned: rest.len(),
                        };
                        return Ok(None);
                    };
                    let end = from + found + 4;
                    self.state = self.read_head(&rest[..end])?;
                    *position += end;
                }
                State::Length(remaining) => {
                    let taken = self.take_body(rest, remaining, position);
                    if taken < remaining {
                        self.state = State::Length(remaining - taken);
                        return Ok(None);
                    }
                    self.state = State::Done;
                }
                State::ChunkSize => {
                    let Some(line) = self.line(rest, position)? else {
                        return Ok(None);
                    };
                    self.state = match chunk_size(line)? {
                        0 => State::Trailer,
                        size => State::ChunkData(size),
                    };
                }
                State::ChunkData(remaining) => {
                    let taken = self.take_body(rest, remaining, position);
                    if taken < remaining {
                        self.state = State::ChunkData(remaining - taken);
                        return Ok(None);
                    }
                    self.state = State::ChunkEnd;
                }
                State::ChunkEnd => {
                    if rest.len() < 2 {
                        return Ok(None);
                    }
                    if &rest[..2] != b"\r\n" {
                        return Err(ParseError::Chunk);
                    }
                    *position += 2;
                    self.state = State::ChunkSize;
                }
                State::Trailer => {
                    let Some(line) = self.line(rest, position)? else {
                        return Ok(None);
                    };
                    if line.is_empty() {
                        self.state = State::Done;
                    }
                }
                State::UntilClose => {
                    self.take_body(rest, rest.len() as u64, position);
                    return Ok(None);
                }
                State::Done => {
                    return Ok(Some(std::mem::replace(
                        &mut self.response,
                        Self::new(false).response,
                    )));
                }
            }
        }
    }

    /// Skips (or keeps) up to `wanted` bytes of body; returns how many it took.
    fn take_body(&mut self, rest: &[u8], wanted: u64, position: &mut usize) -> u64 {
        let taken = rest
            .len()
            .min(usize::try_from(wanted).unwrap_or(usize::MAX));
        if self.keep_body {
            self.response.body.extend_from_slice(&rest[..taken]);
        }
        *position += taken;
        taken as u64
    }

    /// One CRLF-ended line of the chunked framing, without its CRLF, once it is all in.
    fn line<'a>(
        &self,
        rest: &'a [u8],
        position: &mut usize,
    ) -> Result<Option<&'a [u8]>, ParseError> {
        match find(rest, b"\r\n") {
            Some(end) => {
                *position += end + 2;
                Ok(Some(&rest[..end]))
            }
            None if rest.len() > MAX_LINE => Err(ParseError::TooLong),
            None => Ok(None),
        }
    }

    /// Reads the status line and headers; returns how the body is framed.
    fn read_head(&mut self, head: &[u8]) -> Result<State, ParseError> {
        let mut lines = head[..head.len() - 4].split(|&byte| byte == b'\n');
        let status_line = lines.next().ok_or(ParseError::StatusLine)?;
        let status_line = status_line.strip_suffix(b"\r").unwrap_or(status_line);
        let mut parts = status_line.splitn(3, |&byte| byte == b' ');
        let version = parts.next().ok_or(ParseError::StatusLine)?;
        if !version.starts_with(b"HTTP/1.") {
            return Err(ParseError::StatusLine);
        }
        let status = parts
            .next()
            .filter(|code| code.len() == 3 && code.iter().all(u8::is_ascii_digit))
            .and_then(|code| std::str::from_utf8(code).ok()?.parse::<u16>().ok())
            .ok_or(ParseError::StatusLine)?;
        // HTTP/1.0 closes after each answer unless it says otherwise; 1.1 keeps the connection.
        let mut close = version == b"HTTP/1.0";
        let mut length = None;
        let mut chunked = false;
        let mut retry_after = false;
        for line in lines {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            let colon = line
                .iter()
                .position(|&byte| byte == b':')
                .ok_or(ParseError::Header)?;
            let name = &line[..colon];
            let value = line[colon + 1..].trim_ascii();
            if name.eq_ignore_ascii_case(b"content-length") {
                let text = std::str::from_utf8(value).map_err(|_| ParseError::ContentLength)?;
                length = Some(text.parse::<u64>().map_err(|_| ParseError::ContentLength)?);
            } else if name.eq_ignore_ascii_case(b"transfer-encoding") {
                chunked = value
                    .rsplit(|&byte| byte == b',')
                    .next()
                    .is_some_and(|last| last.trim_ascii().eq_ignore_ascii_case(b"chunked"));
            } else if name.eq_ignore_ascii_case(b"connection") {
                for token in value.split(|&byte| byte == b',') {
                    let token = token.trim_ascii();
                    if token.eq_ignore_ascii_case(b"close") {
                        close = true;
                    } else if token.eq_ignore_ascii_case(b"keep-alive") {
                        close = false;
                    }
                }
            } else if name.eq_ignore_ascii_case(b"retry-after") {
                retry_after = true;
            }
        }
        // An interim answer (100 Continue) is followed by the real one.
        if (100..200).contains(&status) {
            return Ok(State::Head { scanned: 0 });
        }
        self.response.status = status;
        self.response.retry_after = retry_after;
        self.response.close = close;
        Ok(if status == 204 || status == 304 {
            State::Done
        } else if chunked {
            State::ChunkSize
        } else if let Some(length) = length {
            State::Length(length)
        } else {
            // Neither length nor chunks: the body ends where the server closes the connection.
            self.response.close = true;
            State::UntilClose
        })
    }
}

/// The size of a chunk from its size line (hex, possibly followed by `;extensions`).
fn chunk_size(line: &[u8]) -> Result<u64, ParseError> {
    let digits = line
        .split(|&byte| byte == b';')
        .next()
        .unwrap_or(line)
        .trim_ascii();
    let text = std::str::from_utf8(digits).map_err(|_| ParseError::Chunk)?;
    u64::from_str_radix(text, 16).map_err(|_| ParseError::Chunk)
}

pub(crate) fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `bytes` in pieces of `piece` bytes, as reads would deliver them.
    fn read_in_pieces(bytes: &[u8], piece: usize, keep_body: bool) -> (Option<Response>, Vec<u8>) {
        let mut reader = ResponseReader::new(keep_body);
        let mut buffer = Vec::new();
        for part in bytes.chunks(piece) {
            buffer.extend_from_slice(part);
            if let Some(response) = reader.feed(&mut buffer).expect("a valid answer") {
                return (Some(response), buffer);
            }
        }
        (None, buffer)
    }

    #[test]
    fn content_length_body_is_read_to_its_end_and_the_connection_stays_open() {
        let answer =
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: text/html\r\n\r\nhello";

        let (response, left) = read_in_pieces(answer, answer.len(), true);

        let response = response.expect("complete");
        assert_eq!(response.status, 200);
        assert_eq!(response.body, b"hello");
        assert!(!response.close);
        assert!(left.is_empty());
    }

    #[test]
    fn answer_is_incomplete_until_the_last_byte_of_its_length() {
        let answer = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhell";

        let (response, _) = read_in_pieces(answer, answer.len(), false);

        assert_eq!(response, None);
    }

    #[test]
    fn chunked_body_ends_at_the_terminating_chunk_and_not_before() {
        let answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
                       5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n";

        let (partial, _) = read_in_pieces(&answer[..answer.len() - 2], answer.len(), false);
        let (response, left) = read_in_pieces(answer, answer.len(), true);

        assert_eq!(partial, None);
        let response = response.expect("complete");
        assert_eq!(response.body, b"hello, world");
        assert!(left.is_empty());
    }

    #[test]
    fn chunked_trailer_lines_are_skipped() {
        let answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Trailer: 1\r\n\r\n";

        let (response, _) = read_in_pieces(answer, 3, true);

        assert_eq!(response.expect("complete").body, b"ok");
    }

    #[test]
    fn refusal_with_retry_after_and_connection_close_is_recognised() {
        let answer = b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 5\r\nConnection: close\r\ncontent-length: 4\r\n\r\nbusy";

        let (response, _) = read_in_pieces(answer, answer.len(), false);

        let response = response.expect("complete");
        assert_eq!(response.status, 503);
        assert!(response.retry_after);
        assert!(response.close);
    }

    #[test]
    fn answer_split_across_reads_at_every_byte_is_read_whole() {
        let answer = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n\
                       HTTP/1.1 204 No Content\r\n\r\n";

        let (response, left) = read_in_pieces(answer, 1, true);

        // Fed a byte at a time, the answer completes as its last byte arrives: nothing after it
        // has been fed yet, and nothing of it is left in the buffer.
        assert_eq!(response.expect("complete").body, b"abc");
        assert!(left.is_empty());
    }

    #[test]
    fn bytes_after_an_answer_stay_for_the_next_one() {
        let answers =
            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 204 No Content\r\n\r\n";
        let mut buffer = answers.to_vec();

        let first = ResponseReader::new(false).feed(&mut buffer).expect("valid");
        let second = ResponseReader::new(false).feed(&mut buffer).expect("valid");

        assert_eq!(first.map(|response| response.status), Some(200));
        assert_eq!(second.map(|response| response.status), Some(204));
        assert!(buffer.is_empty());
    }

    #[test]
    fn answer_without_length_ends_at_close_and_closes() {
        let mut reader = ResponseReader::new(true);
        let mut buffer = b"HTTP/1.0 200 OK\r\n\r\nall of it".to_vec();

        let before_close = reader.feed(&mut buffer).expect("valid");
        let at_close = reader.finish_at_close().expect("complete at close");

        assert_eq!(before_close, None);
        assert_eq!(at_close.body, b"all of it");
        assert!(at_close.close);
    }

    #[test]
    fn interim_continue_is_skipped_for_the_real_answer() {
        let answer =
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n";

        let (response, _) = read_in_pieces(answer, 5, false);

        assert_eq!(response.expect("complete").status, 201);
    }

    #[test]
    fn bytes_that_are_not_http_are_refused() {
        let mut buffer = b"SSH-2.0-OpenSSH\r\n\r\n".to_vec();

        let outcome = ResponseReader::new(false).feed(&mut buffer);

        assert_eq!(outcome, Err(ParseError::StatusLine));
    }
}
