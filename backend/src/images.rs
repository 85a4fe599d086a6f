//! Uploaded product photos: decoded (whatever the file's name says, only JPEG, PNG and WebP that decode are
//! taken), turned upright by their EXIF orientation, and re-encoded as JPEG in the widths the shop serves
//! (`srcset`), never wider than the original. Re-encoding drops whatever else the file carried (metadata,
//! trailing bytes). Decoding is bounded, so a small file that claims to be a huge picture is refused, not
//! decoded. CPU-heavy: callers run it on a blocking thread.

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use std::io::Cursor;

/// The widths stored for each image.
pub const WIDTHS: [u32; 3] = [320, 640, 1280];
/// The largest upload taken.
pub const MAX_BYTES: usize = 10 * 1024 * 1024;
/// The largest picture decoded, per side.
pub const MAX_SIDE: u32 = 8000;
const JPEG_QUALITY: u8 = 82;

/// One stored width of an image.
#[derive(Debug, Clone)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub jpeg: Vec<u8>,
}

/// An upload made ready to store.
#[derive(Debug, Clone)]
pub struct Processed {
    /// The largest rendition's size (what `width`/`height` of the `<img>` say).
    pub width: u32,
    pub height: u32,
    /// Narrowest first.
    pub renditions: Vec<Rendition>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImageError {
    #[error("The file is larger than 10 MB.")]
    TooLarge,
    #[error("The file is not a JPEG, PNG or WebP image.")]
    NotAnImage,
    #[error("The picture is larger than {MAX_SIDE} pixels on a side.")]
    TooManyPixels,
    #[error("The picture is smaller than {min} pixels wide.", min = WIDTHS[0])]
    TooSmall,
}

/// Decodes `bytes` and makes the renditions.
pub fn process(bytes: &[u8]) -> Result<Processed, ImageError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImageError::TooLarge);
    }
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|_| ImageError::NotAnImage)?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)
    ) {
        return Err(ImageError::NotAnImage);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels,
        _ => ImageError::NotAnImage,
    })?;
    let orientation = decoder.orientation().ok();
    let mut picture = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => ImageError::TooManyPixels,
        _ => ImageError::NotAnImage,
    })?;
    if let Some(o) = orientation {
        picture.apply_orientation(o);
    }
    if picture.width() < WIDTHS[0] {
        return Err(ImageError::TooSmall);
    }
    // Transparent areas become white: JPEG has no alpha, and product photos sit on white.
    let rgb = if picture.color().has_alpha() {
        let rgba = picture.to_rgba8();
        let mut flat = image::RgbImage::new(rgba.width(), rgba.height());
        for (out, px) in flat.pixels_mut().zip(rgba.pixels()) {
            let a = u16::from(px[3]);
            for c in 0..3 {
                out[c] = ((u16::from(px[c]) * a + 255 * (255 - a)) / 255) as u8;
            }
        }
        DynamicImage::ImageRgb8(flat)
    } else {
        DynamicImage::ImageRgb8(picture.to_rgb8())
    };
    let mut widths: Vec<u32> = WIDTHS
        .iter()
        .copied()
        .filter(|w| *w < rgb.width())
        .collect();
    // The original's own width when it is narrower than the widest rendition.
    if rgb.width() <= WIDTHS[WIDTHS.len() - 1] {
        widths.push(rgb.width());
    } else {
        widths.push(WIDTHS[WIDTHS.len() - 1]);
    }
    widths.dedup();
    let mut renditions = Vec::with_capacity(widths.len());
    for w in widths {
        let h = ((u64::from(rgb.height()) * u64::from(w)) / u64::from(rgb.width())).max(1) as u32;
        let sized = if w == rgb.width() {
            rgb.clone()
        } else {
            rgb.resize_exact(w, h, image::imageops::FilterType::Lanczos3)
        };
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, JPEG_QUALITY)
            .encode_image(&sized)
            .map_err(|_| ImageError::NotAnImage)?;
        renditions.push(Rendition {
            width: w,
            height: h,
            jpeg,
        });
    }
    let largest = renditions.last().ok_or(ImageError::NotAnImage)?;
    Ok(Processed {
        width: largest.width,
        height: largest.height,
        renditions,
    })
}

/// A `srcset` for the renditions' URLs.
pub fn srcset(urls: &[(String, u32)]) -> String {
    urls.iter()
        .map(|(url, w)| format!("{url} {w}w"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, alpha: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let picture = if alpha {
            DynamicImage::ImageRgba8(image::RgbaImage::from_fn(width, height, |x, _| {
                image::Rgba([200, (x % 255) as u8, 40, 0])
            }))
        } else {
            DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
                image::Rgb([(x % 255) as u8, (y % 255) as u8, 90])
            }))
        };
        picture
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn a_large_picture_gets_every_width_and_keeps_its_shape() {
        let p = process(&png(1600, 1200, false)).unwrap();
        let widths: Vec<u32> = p.renditions.iter().map(|r| r.width).collect();
        assert_eq!(widths, vec![320, 640, 1280]);
        assert_eq!((p.width, p.height), (1280, 960));
        assert_eq!(p.renditions[0].height, 240);
        for r in &p.renditions {
            assert_eq!(&r.jpeg[..2], &[0xff, 0xd8], "a JPEG");
        }
    }

    #[test]
    fn a_small_picture_is_never_enlarged() {
        let p = process(&png(500, 500, true)).unwrap();
        let widths: Vec<u32> = p.renditions.iter().map(|r| r.width).collect();
        assert_eq!(widths, vec![320, 500]);
    }

    #[test]
    fn what_is_not_a_picture_is_refused_by_its_bytes() {
        assert_eq!(
            process(b"<svg xmlns='http://www.w3.org/2000/svg'/>").unwrap_err(),
            ImageError::NotAnImage
        );
        assert_eq!(process(b"GIF89a....").unwrap_err(), ImageError::NotAnImage);
        let mut truncated = png(800, 600, false);
        truncated.truncate(200);
        assert_eq!(process(&truncated).unwrap_err(), ImageError::NotAnImage);
        assert_eq!(
            process(&png(100, 100, false)).unwrap_err(),
            ImageError::TooSmall
        );
        assert_eq!(
            process(&vec![0u8; MAX_BYTES + 1]).unwrap_err(),
            ImageError::TooLarge
        );
    }

    #[test]
    fn a_picture_claiming_huge_sides_is_not_decoded() {
        // A PNG header that says 20000 × 20000 pixels, and nothing after it.
        let mut header = png(400, 400, false);
        header[16..20].copy_from_slice(&20_000u32.to_be_bytes());
        header[20..24].copy_from_slice(&20_000u32.to_be_bytes());
        // The header chunk's checksum, made again (CRC-32 of its type and data).
        let mut crc = 0xffff_ffffu32;
        for byte in &header[12..29] {
            crc ^= u32::from(*byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        header[29..33].copy_from_slice(&(!crc).to_be_bytes());
        assert_eq!(process(&header).unwrap_err(), ImageError::TooManyPixels);
    }
}
