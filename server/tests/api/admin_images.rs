//! Product images in the back office: an upload is decoded, stored in the shop's widths and served with
//! `srcset`; what is not a picture (whatever its name says), a picture without alt text, and uploads by anyone
//! but an admin are refused and write nothing; removing an image removes its files. The same against a real
//! S3-compatible server (moto), as several app servers would share images.

use crate::accounts::browser;
use crate::admin::cast;
use crate::checkout::count;
use crate::helpers::{require_s3, spawn_app, spawn_app_with, TestApp};
use image::{DynamicImage, ImageFormat};
use reqwest::multipart::{Form, Part};
use reqwest::StatusCode;
use serde_json::Value;
use sqlx::PgPool;
use std::io::Cursor;

/// A `width` × `height` PNG with a gradient (so it compresses like a photo, not like a flat colour).
fn png(width: u32, height: u32) -> Vec<u8> {
    let picture = DynamicImage::ImageRgb8(image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8])
    }));
    let mut out = Vec::new();
    picture
        .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
        .unwrap();
    out
}

/// Posts the product page's image form (multipart) as `client`, asking for JSON: (status, body).
async fn upload(
    app: &TestApp,
    client: &reqwest::Client,
    product_id: i64,
    alt: &str,
    name: &str,
    bytes: Vec<u8>,
) -> (StatusCode, String) {
    let form = Form::new()
        .text("product_id", product_id.to_string())
        .text("alt", alt.to_string())
        .part(
            "file",
            Part::bytes(bytes)
                .file_name(name.to_string())
                .mime_str("image/png")
                .unwrap(),
        );
    app.post_multipart(client, "admin/product/image", form)
        .await
}

/// Uploads a `width`×`height` PNG with the alt text "Mug": (status, body).
async fn upload_png(
    app: &TestApp,
    client: &reqwest::Client,
    product_id: i64,
    width: u32,
    height: u32,
) -> (StatusCode, String) {
    let bytes = png(width, height);
    upload(app, client, product_id, "Mug", "mug.png", bytes).await
}

async fn a_product(app: &TestApp) -> (i64, String) {
    sqlx::query_as(
        "select product_id, slug from product where published order by product_id limit 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// The image rows of a product, newest last: (id, url, srcset, storage keys).
async fn images(app: &TestApp, product_id: i64) -> Vec<(i64, String, Option<String>, Vec<String>)> {
    sqlx::query_as(
        "select product_image_id, url, srcset, storage_keys from product_image
         where product_id = $1 order by position, product_image_id",
    )
    .bind(product_id)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

/// Every file under the media folder's `products/<id>` (uploads only; the demo's images live elsewhere).
fn stored_files(app: &TestApp, product_id: i64) -> Vec<String> {
    let dir = app.media_dir().join(format!("products/{product_id}"));
    let mut out: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

/// The URLs of a `srcset`, with their widths.
fn candidates(srcset: &str) -> Vec<(String, u32)> {
    srcset
        .split(", ")
        .map(|c| {
            let (url, w) = c.rsplit_once(' ').unwrap();
            (url.to_string(), w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

/// Fetches `url` (the shop's own path or a full URL) and decodes it: (content type, width, height).
async fn fetch_picture(app: &TestApp, url: &str) -> (String, u32, u32) {
    let full = if url.starts_with('/') {
        app.url(url)
    } else {
        url.to_string()
    };
    let r = browser().get(&full).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK, "{full}");
    let kind = r.headers()["content-type"].to_str().unwrap().to_string();
    let bytes = r.bytes().await.unwrap();
    let picture = image::load_from_memory_with_format(&bytes, ImageFormat::Jpeg).unwrap();
    (kind, picture.width(), picture.height())
}

#[sqlx::test(migrations = "../migrations")]
async fn an_upload_is_stored_in_every_width_and_served_with_srcset(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (product_id, slug) = a_product(&app).await;
    let before = images(&app, product_id).await.len();

    // A PNG named like anything: the shop goes by its bytes.
    let (status, body) = upload(
        &app,
        &cast.admin,
        product_id,
        "  Mug, side view ",
        "photo.bin",
        png(1600, 1200),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = serde_json::from_str(&body).unwrap();

    let rows = images(&app, product_id).await;
    assert_eq!(rows.len(), before + 1);
    let (row_id, url, srcset, keys) = rows.last().unwrap().clone();
    assert_eq!(row_id, id);
    let srcset = srcset.expect("an upload has a srcset");
    let widths: Vec<u32> = candidates(&srcset).iter().map(|c| c.1).collect();
    assert_eq!(widths, vec![320, 640, 1280]);
    assert_eq!(keys.len(), 3);
    assert_eq!(stored_files(&app, product_id).len(), 3);
    let (alt, width, height): (String, i32, i32) =
        sqlx::query_as("select alt, width, height from product_image where product_image_id = $1")
            .bind(id)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!((alt.as_str(), width, height), ("Mug, side view", 1280, 960));
    // Each width is a JPEG of that size, served by the app, cached as an immutable file.
    for (candidate, w) in candidates(&srcset) {
        assert_eq!(
            fetch_picture(&app, &candidate).await,
            ("image/jpeg".into(), w, w * 3 / 4)
        );
    }
    assert!(url.ends_with("-640.jpg"), "{url}");
    let r = browser().get(app.url(&url)).send().await.unwrap();
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("public, max-age="));

    // The shop's product page offers every width with the sizes it draws them at.
    let page = app.get(&format!("/p/{slug}")).await.text().await.unwrap();
    assert!(page.contains(&format!("srcset=\"{srcset}\"")), "{page}");
    assert!(page.contains("sizes=\"(min-width: 768px) 50vw, 100vw\""));
    // The admin's product page lists it with its alt text.
    let editor = crate::admin::ok(
        &app,
        &cast.admin,
        "admin/product",
        &[("product_id", &product_id.to_string())],
    )
    .await;
    let listed = editor["product"]["images"].as_array().unwrap();
    assert_eq!(listed.last().unwrap()["alt"], "Mug, side view");
    let audit = count(
        &app,
        "select count(*) from audit_log where action = 'image.add'",
    )
    .await;
    assert_eq!(audit, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn what_is_not_a_picture_or_lacks_alt_text_or_comes_from_staff_is_refused_and_writes_nothing(
    pool: PgPool,
) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (product_id, _) = a_product(&app).await;
    let before = images(&app, product_id).await;
    let mut truncated = png(800, 600);
    truncated.truncate(300);
    let refusals: Vec<(&str, Vec<u8>, &str, &str)> = vec![
        (
            "Mug",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec(),
            "file",
            "not a JPEG, PNG or WebP",
        ),
        (
            "Mug",
            b"MZ\x90\x00 an executable".to_vec(),
            "file",
            "not a JPEG, PNG or WebP",
        ),
        ("Mug", truncated, "file", "not a JPEG, PNG or WebP"),
        ("Mug", png(200, 200), "file", "smaller than 320 pixels"),
        ("Mug", Vec::new(), "file", "Choose an image file"),
        ("   ", png(800, 600), "alt", "fill in"),
    ];
    // (Over 10 MB is refused while reading, before decoding: a unit test in backend's images.rs, as a server
    // that answers before reading a whole body may reset the connection under the client's feet.)
    for (alt, bytes, field, message) in refusals {
        let (status, body) = upload(&app, &cast.admin, product_id, alt, "mug.png", bytes).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{field}: {body}");
        let error: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(error["Invalid"]["field"], field, "{body}");
        assert!(body.contains(message), "{body}");
    }
    let (status, body) = upload_png(&app, &cast.staff, product_id, 800, 600).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let (status, _) = upload_png(&app, &browser(), product_id, 800, 600).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = upload_png(&app, &cast.admin, i64::MAX, 800, 600).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(images(&app, product_id).await, before);
    assert!(stored_files(&app, product_id).is_empty());
    assert_eq!(count(&app, "select count(*) from audit_log").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn removing_an_image_removes_its_files_and_a_plain_form_returns_to_the_product(pool: PgPool) {
    let app = spawn_app(pool).await;
    let cast = cast(&app).await;
    let (product_id, _) = a_product(&app).await;
    let (status, body) = upload_png(&app, &cast.admin, product_id, 700, 700).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let id: i64 = serde_json::from_str(&body).unwrap();
    let (_, url, srcset, _) = images(&app, product_id).await.pop().unwrap();
    // Narrower than 1280: stored at 320, 640 and its own 700, never enlarged.
    let widths: Vec<u32> = candidates(srcset.as_deref().unwrap())
        .iter()
        .map(|c| c.1)
        .collect();
    assert_eq!(widths, vec![320, 640, 700]);
    assert_eq!(stored_files(&app, product_id).len(), 3);

    // The page's removal button: a plain form post, answered with a redirect back to the product's images.
    let r = cast
        .admin
        .post(app.url("/api/admin/product/image/remove"))
        .header("accept", "text/html")
        .form(&[
            ("product_id", product_id.to_string()),
            ("image_id", id.to_string()),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success() || r.status().is_redirection(),
        "{}",
        r.status()
    );
    assert!(images(&app, product_id).await.iter().all(|i| i.0 != id));
    assert!(stored_files(&app, product_id).is_empty());
    assert_eq!(
        browser().get(app.url(&url)).send().await.unwrap().status(),
        StatusCode::NOT_FOUND
    );
    // Removing it again, or another product's image through this product, is not found.
    let (status, _) = crate::accounts::post(
        &app,
        &cast.admin,
        "admin/product/image/remove",
        &[
            ("product_id", &product_id.to_string()),
            ("image_id", &id.to_string()),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let audit = count(
        &app,
        "select count(*) from audit_log where action like 'image.%'",
    )
    .await;
    assert_eq!(audit, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn images_go_to_an_s3_compatible_bucket_that_every_app_server_shares(pool: PgPool) {
    let s3 = require_s3();
    let bucket = format!("bazaar-{}", uuid::Uuid::new_v4().simple());
    let made = browser()
        .put(format!("{s3}/{bucket}"))
        .send()
        .await
        .unwrap();
    assert!(
        made.status().is_success(),
        "creating the bucket: {}",
        made.status()
    );
    // Anyone may read its objects (the policy the README gives operators; or a CDN in front).
    let policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::{bucket}/*"),
        }],
    });
    let set = browser()
        .put(format!("{s3}/{bucket}?policy"))
        .json(&policy)
        .send()
        .await
        .unwrap();
    assert!(
        set.status().is_success(),
        "the bucket's policy: {}",
        set.status()
    );
    let app = spawn_app_with(
        pool,
        &[
            ("BAZAAR_S3_BUCKET", &bucket),
            ("BAZAAR_S3_ENDPOINT", &s3),
            ("BAZAAR_S3_ACCESS_KEY_ID", "test"),
            ("BAZAAR_S3_SECRET_ACCESS_KEY", "test"),
        ],
    )
    .await;
    let cast = cast(&app).await;
    let (product_id, slug) = a_product(&app).await;
    let (status, body) = upload_png(&app, &cast.admin, product_id, 1400, 700).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, url, srcset, keys) = images(&app, product_id).await.pop().unwrap();
    // Nothing in the local folder: the files are in the bucket, at the bucket's URL.
    assert!(stored_files(&app, product_id).is_empty());
    assert!(
        url.starts_with(&format!("{s3}/{bucket}/products/{product_id}/")),
        "{url}"
    );
    for (candidate, w) in candidates(srcset.as_deref().unwrap()) {
        assert_eq!(
            fetch_picture(&app, &candidate).await,
            ("image/jpeg".into(), w, w / 2)
        );
    }
    let r = browser().get(&url).send().await.unwrap();
    assert_eq!(
        r.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    // Pages allow images from the bucket's origin, and only as images.
    let page = app.get(&format!("/p/{slug}")).await;
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        csp.contains(&format!("img-src 'self' data: {s3};")),
        "{csp}"
    );
    assert!(page.text().await.unwrap().contains(&url));

    let id = images(&app, product_id).await.pop().unwrap().0;
    crate::admin::ok(
        &app,
        &cast.admin,
        "admin/product/image/remove",
        &[
            ("product_id", &product_id.to_string()),
            ("image_id", &id.to_string()),
        ],
    )
    .await;
    for key in keys {
        let gone = browser()
            .get(format!("{s3}/{bucket}/{key}"))
            .send()
            .await
            .unwrap();
        assert_eq!(gone.status(), StatusCode::NOT_FOUND, "{key}");
    }
}
