//! The content host's routes: `files/download` (the argument in `Dropbox-API-Arg` or the
//! `arg` URL parameter, the metadata back in `Dropbox-API-Result`, `Range` answered with
//! 206 and `Content-Range` or 416), `files/download_zip` and `files/get_thumbnail_v2`.
//!
//! Choices where Dropbox's documentation is silent:
//! - one range only (`bytes=a-b`, `bytes=a-`, `bytes=-n`); a list of ranges is unsatisfiable;
//! - the request log's detail of a download is its `Range` header (`range=bytes=…`), so
//!   tests can see what a resume asked for;
//! - `download_zip` answers a stored (uncompressed) archive of every file below the folder,
//!   paths relative to the folder's parent (`Folder/a.txt`), no `Range`; a folder of more
//!   than 256 MiB is `too_large`;
//! - thumbnails are made from the file's bytes with the `image` crate: an image it cannot
//!   decode is `unsupported_image`, a name without an image extension
//!   `unsupported_extension`; `bestfit` and `fitone_bestfit` keep the aspect, `strict`
//!   crops to the size.

use std::io::Write;

use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{json, Value};

use crate::api::{bearer, check_list_path, lookup_error, req_str, Args, Handled};
use crate::files::Content;
use crate::state::App;
use crate::wire;

/// Dropbox's thumbnail sizes.
const SIZES: &[(&str, u32, u32)] = &[
    ("w32h32", 32, 32),
    ("w64h64", 64, 64),
    ("w128h128", 128, 128),
    ("w256h256", 256, 256),
    ("w480h320", 480, 320),
    ("w640h480", 640, 480),
    ("w960h640", 960, 640),
    ("w1024h768", 1024, 768),
    ("w2048h1536", 2048, 1536),
];
const IMAGE_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "tiff", "tif", "gif", "webp", "ppm", "bmp", "heic",
];
const MAX_ZIP: u64 = 256 << 20;

/// The argument of a content route: `Dropbox-API-Arg`, else the `arg` URL parameter.
pub(crate) fn content_arg(
    route: &str,
    query: Option<&str>,
    headers: &HeaderMap,
) -> Result<Args, Response> {
    let undecodable = || {
        wire::bad_input(
            route,
            "HTTP header \"Dropbox-API-Arg\": could not decode input as JSON",
        )
    };
    let from_query = query.and_then(|q| {
        url::form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "arg")
            .map(|(_, v)| v.into_owned())
    });
    let text = match headers.get("Dropbox-API-Arg") {
        Some(v) => v.to_str().map(str::to_string).map_err(|_| undecodable())?,
        None => from_query.ok_or_else(|| {
            wire::bad_input(
                route,
                "Must provide HTTP header \"Dropbox-API-Arg\" or URL parameter \"arg\".",
            )
        })?,
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(undecodable()),
    }
}

/// A file's metadata and content by path (`rev:` names one revision, current or not), or
/// the route's lookup error.
fn file_at(app: &App, grant: u64, path: &str) -> Result<(Value, Content), Response> {
    let s = app.lock();
    let tree = &s.trees[s.account_of(grant)];
    if let Some(rev) = path.strip_prefix("rev:") {
        let found = tree
            .revision(rev)
            .ok_or_else(|| wire::path_error("not_found"))?;
        let mut meta = crate::files::file_metadata(&found.path_display, &found.file);
        meta.as_object_mut().expect("object").remove(".tag");
        return Ok((meta, found.file.content));
    }
    let key = tree.resolve(path).map_err(lookup_error)?;
    let node = tree.get(&key).expect("resolved");
    let Some(file) = &node.file else {
        return Err(wire::path_error("not_file"));
    };
    Ok((
        tree.metadata(&key, false).expect("resolved"),
        file.content.clone(),
    ))
}

fn with_result(mut r: Response, result: &Value) -> Response {
    r.headers_mut().insert(
        "Dropbox-API-Result",
        HeaderValue::from_str(&wire::header_safe_json(result)).expect("header-safe"),
    );
    r
}

/// `files/download`, `Range` honoured.
pub async fn download(
    State(app): State<App>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Handled {
    const ROUTE: &str = "files/download";
    let grant = bearer(&app, &headers, ROUTE, Some("files.content.read"))?;
    let args = content_arg(ROUTE, query.as_deref(), &headers)?;
    let path = req_str(ROUTE, &args, "path")?;
    if !path.starts_with("rev:") {
        check_list_path(ROUTE, path)?;
    }
    let (meta, content) = file_at(&app, grant, path)?;
    let total = content.len();
    let asked = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, start, end) = match asked {
        Some(range) => match parse_range(range, total) {
            Some((a, b)) => (StatusCode::PARTIAL_CONTENT, a, b),
            None => {
                let mut r = wire::respond(StatusCode::RANGE_NOT_SATISFIABLE, wire::TEXT, "");
                r.headers_mut().insert(
                    header::CONTENT_RANGE,
                    HeaderValue::from_str(&format!("bytes */{total}")).expect("ascii"),
                );
                return Err(r);
            }
        },
        None => (StatusCode::OK, 0, total),
    };
    let body = match content {
        Content::Bytes(b) => Body::from(Bytes::copy_from_slice(&b[start as usize..end as usize])),
        Content::Zeros(_) => zeros_body(end - start),
    };
    let mut r = with_result(
        wire::respond(status, "application/octet-stream", body),
        &meta,
    );
    let h = r.headers_mut();
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(end - start));
    h.insert(
        header::ETAG,
        HeaderValue::from_str(&format!("W/\"{}\"", meta["rev"].as_str().unwrap_or("")))
            .expect("ascii"),
    );
    if status == StatusCode::PARTIAL_CONTENT {
        h.insert(
            header::CONTENT_RANGE,
            HeaderValue::from_str(&format!("bytes {start}-{}/{total}", end - 1)).expect("ascii"),
        );
    }
    if let Some(range) = asked {
        r.extensions_mut()
            .insert(crate::LogDetail(format!("range={range}")));
    }
    Ok(r)
}

/// `files/download_zip`: every file below the folder in one stored archive.
pub async fn download_zip(
    State(app): State<App>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Handled {
    const ROUTE: &str = "files/download_zip";
    let grant = bearer(&app, &headers, ROUTE, Some("files.content.read"))?;
    let args = content_arg(ROUTE, query.as_deref(), &headers)?;
    let path = req_str(ROUTE, &args, "path")?;
    check_list_path(ROUTE, path)?;
    let (meta, files) = {
        let s = app.lock();
        let tree = &s.trees[s.account_of(grant)];
        let key = tree.resolve(path).map_err(lookup_error)?;
        if !tree.get(&key).expect("resolved").is_folder() {
            return Err(wire::path_error("not_folder"));
        }
        let parent = key.rfind('/').map_or(0, |i| i + 1);
        let mut files = Vec::new();
        let mut size = 0;
        for (_, node) in tree.below(&key) {
            if let Some(file) = &node.file {
                size += file.content.len();
                files.push((
                    node.path_display[parent..].to_string(),
                    file.content.clone(),
                ));
            }
        }
        if size > MAX_ZIP {
            return Err(wire::route_error("too_large"));
        }
        (tree.metadata(&key, true).expect("resolved"), files)
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, content) in files {
        zip.start_file(name, stored).expect("in memory");
        match content {
            Content::Bytes(b) => zip.write_all(&b),
            Content::Zeros(n) => zip.write_all(&vec![0; n as usize]),
        }
        .expect("in memory");
    }
    let bytes = zip.finish().expect("in memory").into_inner();
    let mut r = with_result(
        wire::respond(StatusCode::OK, "application/zip", bytes.clone()),
        &json!({"metadata": meta}),
    );
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    Ok(r)
}

/// A union member given as `"tag"` or `{".tag": "tag"}`.
fn tag<'a>(args: &'a Args, field: &str) -> Option<&'a str> {
    match args.get(field)? {
        Value::String(s) => Some(s),
        v => v.get(".tag")?.as_str(),
    }
}

/// `files/get_thumbnail_v2` for a `path` resource.
pub async fn get_thumbnail_v2(
    State(app): State<App>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
) -> Handled {
    const ROUTE: &str = "files/get_thumbnail_v2";
    let grant = bearer(&app, &headers, ROUTE, Some("files.content.read"))?;
    let args = content_arg(ROUTE, query.as_deref(), &headers)?;
    let bad = |m: &str| wire::bad_input(ROUTE, m);
    let resource = match args.get("resource") {
        Some(Value::Object(r)) if r.get(".tag").and_then(Value::as_str) == Some("path") => r,
        _ => return Err(bad("request body: resource: expected a path resource")),
    };
    let path = req_str(ROUTE, resource, "path")?;
    check_list_path(ROUTE, path)?;
    let format = tag(&args, "format").unwrap_or("jpeg");
    let size = tag(&args, "size").unwrap_or("w64h64");
    let mode = tag(&args, "mode").unwrap_or("strict");
    let Some(&(_, w, h)) = SIZES.iter().find(|s| s.0 == size) else {
        return Err(bad(&format!("request body: size: unknown tag '{size}'")));
    };
    if !["strict", "bestfit", "fitone_bestfit"].contains(&mode) {
        return Err(bad(&format!("request body: mode: unknown tag '{mode}'")));
    }
    let (kind, mime) = match format {
        "jpeg" => (image::ImageFormat::Jpeg, "image/jpeg"),
        "png" => (image::ImageFormat::Png, "image/png"),
        other => return Err(bad(&format!("request body: format: unknown tag '{other}'"))),
    };
    let (meta, content) = file_at(&app, grant, path)?;
    let name = meta["name"].as_str().unwrap_or_default().to_lowercase();
    let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or_default();
    if !IMAGE_EXTENSIONS.contains(&ext) {
        return Err(wire::route_error("unsupported_extension"));
    }
    let Content::Bytes(bytes) = content else {
        return Err(wire::route_error("unsupported_image"));
    };
    let Ok(picture) = image::load_from_memory(&bytes) else {
        return Err(wire::route_error("unsupported_image"));
    };
    let small = match mode {
        "strict" => picture.resize_to_fill(w, h, image::imageops::FilterType::Triangle),
        _ => picture.thumbnail(w, h),
    };
    let mut out = std::io::Cursor::new(Vec::new());
    // JPEG has no alpha channel.
    image::DynamicImage::ImageRgb8(small.to_rgb8())
        .write_to(&mut out, kind)
        .expect("in memory");
    let out = out.into_inner();
    let mut r = with_result(
        wire::respond(StatusCode::OK, mime, out.clone()),
        &json!({"file_metadata": meta}),
    );
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HeaderValue::from(out.len()));
    Ok(r)
}

/// A `width`×`height` PNG of a colour gradient: the seeded pictures.
pub fn gradient_png(width: u32, height: u32) -> Vec<u8> {
    let picture = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([
            (255 * x / width.max(1)) as u8,
            (255 * y / height.max(1)) as u8,
            160,
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    picture
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("in memory");
    out.into_inner()
}

/// A body of `n` zero bytes, streamed in chunks so a large file costs no memory.
fn zeros_body(n: u64) -> Body {
    const CHUNK: u64 = 64 * 1024;
    let chunks = (0..n.div_ceil(CHUNK)).map(move |i| {
        let len = CHUNK.min(n - i * CHUNK) as usize;
        Ok::<_, std::io::Error>(Bytes::from(vec![0u8; len]))
    });
    Body::from_stream(futures_util::stream::iter(chunks))
}

/// `bytes=a-b`, `bytes=a-`, `bytes=-n` → a half-open range within `total`.
pub fn parse_range(header: &str, total: u64) -> Option<(u64, u64)> {
    let spec = header.trim().strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().ok()?;
        (total.saturating_sub(n), total)
    } else {
        let start: u64 = a.parse().ok()?;
        let end = if b.is_empty() {
            total
        } else {
            b.parse::<u64>().ok()?.saturating_add(1).min(total)
        };
        (start, end)
    };
    (start < end && start < total).then_some((start, end))
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-4", 10), Some((0, 5)));
        assert_eq!(parse_range("bytes=5-", 10), Some((5, 10)));
        assert_eq!(parse_range("bytes=-3", 10), Some((7, 10)));
        assert_eq!(parse_range("bytes=8-100", 10), Some((8, 10)));
        assert_eq!(parse_range("bytes=10-", 10), None);
        assert_eq!(parse_range("bytes=x-1", 10), None);
        assert_eq!(parse_range("items=0-1", 10), None);
        assert_eq!(parse_range("bytes=0-1,4-5", 10), None);
    }
}
