//! Compression of pages, for the page cache. A page the cache may keep is rendered uncompressed and compressed
//! here whole, with what a streaming encoder cannot know: its size. Brotli's window and hash tables are then sized
//! to the page (tens of KiB) instead of the 4 MiB window and half-MiB tables a stream gets, allocated and zeroed
//! per response, and the output is one buffer instead of a frame per 4 KiB read. Everything else is compressed as
//! it streams, by the compression layer.
//!
//! How hard to work ([`Effort`]) depends on how often the bytes will be sent: a page just rendered is compressed
//! quickly (brotli 1: a third of the CPU of brotli 4 for pages about 16 % larger), and one the cache serves again
//! is compressed once more, as well as brotli can at a cost worth paying once (brotli 5: 6 % smaller than brotli 4).

use axum::body::Bytes;
use axum::http::{header, HeaderMap};
use std::io::Write;

/// A representation the shop sends: what the page cache files a page under, and what it compresses to.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    /// Its `Accept-Encoding` / `Content-Encoding` token.
    pub fn token(self) -> &'static str {
        match self {
            Encoding::Brotli => "br",
            Encoding::Gzip => "gzip",
            Encoding::Identity => "identity",
        }
    }

    /// The best encoding a request accepts: brotli, else gzip, else none.
    pub fn accepted_by(headers: &HeaderMap) -> Encoding {
        let accepted: Vec<String> = headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .filter(|item| !item.contains("q=0") || item.contains("q=0."))
            .map(|item| {
                item.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .collect();
        if accepted.iter().any(|e| e == "br") {
            Encoding::Brotli
        } else if accepted.iter().any(|e| e == "gzip") {
            Encoding::Gzip
        } else {
            Encoding::Identity
        }
    }
}

/// Whether a response is worth compressing here: text the client has not been sent encoded yet, and not a stream
/// of events (which must reach the client as each one is written).
pub fn compressible(headers: &HeaderMap) -> bool {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    !headers.contains_key(header::CONTENT_ENCODING)
        && !content_type.starts_with("text/event-stream")
        && (content_type.starts_with("text/")
            || content_type.starts_with("application/json")
            || content_type.starts_with("application/xml")
            || content_type.starts_with("application/javascript"))
}

/// How hard to compress, by how often the bytes will be sent.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Effort {
    /// A page just rendered, sent once unless the cache serves it again: brotli 1, gzip 1.
    Quick,
    /// A stream, compressed as it comes: brotli 4, gzip 4, what the compression layer uses for everything else.
    Balanced,
    /// A page the cache serves again: brotli 5, gzip 6 (brotli 6 and up cost several times more for 1 %).
    Best,
}

impl Effort {
    fn brotli_quality(self) -> i32 {
        match self {
            Effort::Quick => 1,
            Effort::Balanced => 4,
            Effort::Best => 5,
        }
    }

    fn gzip_level(self) -> u32 {
        match self {
            Effort::Quick => 1,
            Effort::Balanced => 4,
            Effort::Best => 6,
        }
    }
}

/// Brotli's smallest and largest window (log2 of its bytes), and the one a body of unknown size gets.
const MIN_WINDOW: i32 = 10;
const MAX_WINDOW: i32 = 22;

/// An encoder for one body: fed its bytes in order, it hands back what it has compressed so far.
pub enum Encoder {
    Brotli(Box<brotli::CompressorWriter<Vec<u8>>>),
    Gzip(flate2::write::GzEncoder<Vec<u8>>),
}

impl Encoder {
    /// An encoder for `encoding` (none for identity); `size`, when the whole body's is known, fits brotli's window
    /// and tables to it.
    pub fn new(encoding: Encoding, size: Option<usize>, effort: Effort) -> Option<Encoder> {
        match encoding {
            Encoding::Brotli => {
                let quality = effort.brotli_quality();
                // This brotli encoder at quality 5 and up with a window under 4 MiB takes some forty times as long
                // (measured: 7 ms instead of 0.2 for a 32 KB page), so those qualities keep the largest window.
                let fitted = size.filter(|_| quality < 5);
                let params = brotli::enc::BrotliEncoderParams {
                    quality,
                    lgwin: fitted.map_or(MAX_WINDOW, window_for),
                    size_hint: fitted.unwrap_or(0),
                    ..Default::default()
                };
                let capacity = size.map_or(4096, |s| s / 4 + 64);
                Some(Encoder::Brotli(Box::new(
                    brotli::CompressorWriter::with_params(
                        Vec::with_capacity(capacity),
                        4096,
                        &params,
                    ),
                )))
            }
            Encoding::Gzip => Some(Encoder::Gzip(flate2::write::GzEncoder::new(
                Vec::with_capacity(size.map_or(4096, |s| s / 3 + 64)),
                flate2::Compression::new(effort.gzip_level()),
            ))),
            Encoding::Identity => None,
        }
    }

    /// Compresses `data`; returns the output ready so far (possibly none: the encoders buffer).
    pub fn push(&mut self, data: &[u8]) -> Bytes {
        // Writing to a Vec cannot fail.
        match self {
            Encoder::Brotli(w) => {
                let _ = w.write_all(data);
                Bytes::from(std::mem::take(w.get_mut()))
            }
            Encoder::Gzip(w) => {
                let _ = w.write_all(data);
                Bytes::from(std::mem::take(w.get_mut()))
            }
        }
    }

    /// The rest of the output, with the end of the stream.
    pub fn finish(self) -> Bytes {
        match self {
            Encoder::Brotli(w) => Bytes::from(w.into_inner()),
            Encoder::Gzip(w) => Bytes::from(w.finish().unwrap_or_default()),
        }
    }

    /// `data` as the whole body, compressed into one buffer.
    fn all(self, data: &[u8]) -> Bytes {
        // Writing to a Vec cannot fail.
        match self {
            Encoder::Brotli(mut w) => {
                let _ = w.write_all(data);
                Bytes::from(w.into_inner())
            }
            Encoder::Gzip(mut w) => {
                let _ = w.write_all(data);
                Bytes::from(w.finish().unwrap_or_default())
            }
        }
    }
}

/// `body` compressed whole as `encoding`.
pub fn whole(encoding: Encoding, body: &[u8], effort: Effort) -> Bytes {
    match Encoder::new(encoding, Some(body.len()), effort) {
        Some(encoder) => encoder.all(body),
        None => Bytes::copy_from_slice(body),
    }
}

/// The smallest brotli window that holds the whole body (so every earlier byte can be referred to), within
/// brotli's limits.
fn window_for(len: usize) -> i32 {
    // Brotli's window is 2^lgwin - 16 bytes.
    len.saturating_add(16)
        .checked_next_power_of_two()
        .map_or(MAX_WINDOW, |size| size.trailing_zeros() as i32)
        .clamp(MIN_WINDOW, MAX_WINDOW)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use std::io::Read;

    fn page() -> Vec<u8> {
        const WORDS: [&str; 12] = [
            "wool", "linen", "coat", "scarf", "field", "anorak", "merino", "oak", "canvas", "tote",
            "navy", "rust",
        ];
        let mut page = String::from("<!DOCTYPE html><html><body><ul>");
        let mut seed = 7u64;
        for i in 0..600 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let (a, b) = (
                WORDS[(seed >> 33) as usize % 12],
                WORDS[(seed >> 45) as usize % 12],
            );
            page.push_str(&format!(
                "<li class=\"card\"><a href=\"/p/{a}-{b}-{i}\">{a} {b} {i}</a> €{}.{:02}</li>",
                seed % 300,
                seed % 100
            ));
        }
        page.push_str("</ul></body></html>");
        page.into_bytes()
    }

    fn unbrotli(packed: &[u8]) -> Vec<u8> {
        let mut unpacked = Vec::new();
        brotli::Decompressor::new(packed, 4096)
            .read_to_end(&mut unpacked)
            .unwrap();
        unpacked
    }

    fn ungzip(packed: &[u8]) -> Vec<u8> {
        let mut unpacked = Vec::new();
        flate2::read::GzDecoder::new(packed)
            .read_to_end(&mut unpacked)
            .unwrap();
        unpacked
    }

    #[test]
    fn a_whole_page_round_trips_smaller() {
        let page = page();
        let br = whole(Encoding::Brotli, &page, Effort::Quick);
        let gz = whole(Encoding::Gzip, &page, Effort::Quick);
        assert!(
            br.len() * 4 < page.len(),
            "br {} of {}",
            br.len(),
            page.len()
        );
        assert!(
            gz.len() * 4 < page.len(),
            "gzip {} of {}",
            gz.len(),
            page.len()
        );
        assert_eq!(unbrotli(&br), page);
        assert_eq!(ungzip(&gz), page);
        assert_eq!(whole(Encoding::Identity, &page, Effort::Best), page);
    }

    #[test]
    fn a_stream_in_pieces_round_trips() {
        let page = page();
        for encoding in [Encoding::Brotli, Encoding::Gzip] {
            let mut encoder = Encoder::new(encoding, None, Effort::Balanced).unwrap();
            let mut out = Vec::new();
            for piece in page.chunks(1000) {
                out.extend_from_slice(&encoder.push(piece));
            }
            out.extend_from_slice(&encoder.finish());
            let unpacked = match encoding {
                Encoding::Brotli => unbrotli(&out),
                _ => ungzip(&out),
            };
            assert_eq!(unpacked, page, "{encoding:?}");
        }
    }

    #[test]
    fn empty_and_tiny_bodies_round_trip() {
        for body in [&b""[..], b"x", b"<p>hi</p>"] {
            for effort in [Effort::Quick, Effort::Balanced, Effort::Best] {
                assert_eq!(unbrotli(&whole(Encoding::Brotli, body, effort)), body);
                assert_eq!(ungzip(&whole(Encoding::Gzip, body, effort)), body);
            }
        }
    }

    #[test]
    fn the_best_effort_is_smaller_and_round_trips() {
        let page = page();
        for (encoding, unpack) in [
            (Encoding::Brotli, unbrotli as fn(&[u8]) -> Vec<u8>),
            (Encoding::Gzip, ungzip),
        ] {
            let quick = whole(encoding, &page, Effort::Quick);
            let best = whole(encoding, &page, Effort::Best);
            assert!(
                best.len() < quick.len(),
                "{encoding:?}: best {} quick {}",
                best.len(),
                quick.len()
            );
            assert_eq!(unpack(&best), page);
            assert_eq!(unpack(&quick), page);
        }
    }

    #[test]
    fn the_window_fits_the_body() {
        assert_eq!(window_for(0), MIN_WINDOW);
        assert_eq!(window_for(32 * 1024), 16);
        assert_eq!(window_for(32 * 1024 - 16), 15);
        assert_eq!(window_for(64 * 1024 * 1024), MAX_WINDOW);
        assert_eq!(window_for(usize::MAX), MAX_WINDOW);
    }

    #[test]
    fn picks_the_best_accepted_encoding() {
        let with = |value: &'static str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            Encoding::accepted_by(&headers)
        };
        assert_eq!(with("gzip, deflate, br"), Encoding::Brotli);
        assert_eq!(with("gzip"), Encoding::Gzip);
        assert_eq!(with("br;q=0, gzip"), Encoding::Gzip);
        assert_eq!(with("br;q=0.5"), Encoding::Brotli);
        assert_eq!(with("deflate"), Encoding::Identity);
        assert_eq!(Encoding::accepted_by(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn only_text_not_yet_encoded_and_not_a_stream_is_compressed() {
        let of = |pairs: &[(header::HeaderName, &'static str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.insert(name.clone(), HeaderValue::from_static(value));
            }
            compressible(&headers)
        };
        assert!(of(&[(header::CONTENT_TYPE, "text/html; charset=utf-8")]));
        assert!(of(&[(header::CONTENT_TYPE, "application/json")]));
        assert!(!of(&[(header::CONTENT_TYPE, "image/webp")]));
        assert!(!of(&[(header::CONTENT_TYPE, "text/event-stream")]));
        assert!(!of(&[
            (header::CONTENT_TYPE, "text/html"),
            (header::CONTENT_ENCODING, "br")
        ]));
        assert!(!of(&[]));
    }
}
