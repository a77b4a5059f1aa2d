//! Screenshots of the real window as the X server shows it: `xwd` (x11-apps) dumps the
//! window named by its title from the Xvfb display, and this turns the dump into a PNG.
//! (WebKitWebDriver's own screenshot waits forever for a composited frame, which a web
//! view painted without GPU compositing never makes.)
//!
//! XWD, as `xwd` writes it: a header of 25 big-endian 32-bit fields (X11's `XWDFileHeader`),
//! the window's name, `ncolors` 12-byte colour entries, then `height` rows of
//! `bytes_per_line` bytes of ZPixmap pixels in the header's byte order, read with its masks.

use std::process::Command;

/// The window titled `title` on `display`, as PNG bytes.
pub fn window_png(display: &str, title: &str) -> Result<Vec<u8>, String> {
    let out = Command::new("xwd")
        .args(["-silent", "-nobdrs", "-display", display, "-name", title])
        .output()
        .map_err(|e| format!("xwd: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "xwd: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    to_png(&out.stdout)
}

fn to_png(xwd: &[u8]) -> Result<Vec<u8>, String> {
    let field = |i: usize| -> Result<u32, String> {
        xwd.get(i * 4..i * 4 + 4)
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
            .ok_or_else(|| "a short XWD header".to_string())
    };
    let (header_size, format) = (field(0)? as usize, field(2)?);
    let (width, height) = (field(4)?, field(5)?);
    let (lsb_first, bits_per_pixel, bytes_per_line) = (field(7)? == 0, field(11)?, field(12)?);
    let masks = [field(14)?, field(15)?, field(16)?];
    let ncolors = field(19)? as usize;
    if format != 2 || !matches!(bits_per_pixel, 24 | 32) {
        return Err(format!(
            "an XWD image of format {format} at {bits_per_pixel} bits per pixel"
        ));
    }
    let data = header_size + ncolors * 12;
    let pixel_bytes = (bits_per_pixel / 8) as usize;
    let mut rgb = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height as usize {
        let row = data + y * bytes_per_line as usize;
        for x in 0..width as usize {
            let at = row + x * pixel_bytes;
            let bytes = xwd.get(at..at + pixel_bytes).ok_or("a short XWD image")?;
            let pixel = bytes.iter().enumerate().fold(0u32, |p, (i, &b)| {
                let shift = if lsb_first { i } else { pixel_bytes - 1 - i } * 8;
                p | u32::from(b) << shift
            });
            for mask in masks {
                rgb.push(((pixel & mask) >> mask.trailing_zeros()) as u8);
            }
        }
    }
    let mut png = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut png, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&rgb).map_err(|e| e.to_string())?;
    }
    Ok(png)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2×1 dump: a red and a blue pixel, 32 bits each, least significant byte first.
    #[test]
    fn an_xwd_dump_becomes_the_same_pixels_in_png() {
        let mut header = [0u32; 25];
        header[0] = 100 + 4; // header and a 4-byte name
        header[2] = 2;
        header[4] = 2;
        header[5] = 1;
        header[7] = 0;
        header[11] = 32;
        header[12] = 8;
        header[14] = 0xff0000;
        header[15] = 0x00ff00;
        header[16] = 0x0000ff;
        let mut xwd: Vec<u8> = header.iter().flat_map(|f| f.to_be_bytes()).collect();
        xwd.extend(b"win\0");
        xwd.extend([0x00, 0x00, 0xff, 0x00, 0xff, 0x00, 0x00, 0x00]);
        let png = to_png(&xwd).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size().unwrap()];
        reader.next_frame(&mut buf).unwrap();
        assert_eq!(&buf[..6], &[0xff, 0, 0, 0, 0, 0xff]);
    }
}
