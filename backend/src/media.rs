//! Where product images are kept: behind one small type, the local media folder (served by the app at
//! `/media/…`) or an S3-compatible bucket (so several app servers share images; served from the bucket's public
//! URL or a CDN in front of it). Both are `object_store` stores; the rest of the shop only puts, deletes and
//! asks for a key's URL.

use object_store::path::Path;
use object_store::{Attribute, Attributes, ObjectStore, ObjectStoreExt, PutOptions, PutPayload};
use std::sync::Arc;

/// An S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct S3Settings {
    pub bucket: String,
    /// The API's origin for stores other than AWS (MinIO, Ceph, moto): `http://127.0.0.1:9000`.
    pub endpoint: Option<String>,
    pub region: String,
    pub access_key_id: String,
    pub secret_access_key: String,
}

#[derive(Clone)]
pub struct MediaStore {
    store: Arc<dyn ObjectStore>,
    /// What a key's URL starts with: `/media` for the local folder, the bucket's public URL for S3.
    public_base: String,
    /// Whether objects carry their own content type and caching (a bucket serves them as stored; the app's
    /// `/media` route sets both itself, and a local folder cannot keep them).
    with_attributes: bool,
}

impl std::fmt::Debug for MediaStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaStore")
            .field("store", &self.store.to_string())
            .field("public_base", &self.public_base)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("media store: {0}")]
pub struct MediaError(String);

impl MediaStore {
    /// The local media folder (created when missing), served at `/media`.
    pub fn local(dir: &std::path::Path) -> Result<Self, MediaError> {
        std::fs::create_dir_all(dir).map_err(|e| MediaError(format!("{}: {e}", dir.display())))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| MediaError(e.to_string()))?;
        Ok(MediaStore {
            store: Arc::new(store),
            public_base: "/media".into(),
            with_attributes: false,
        })
    }

    /// An S3-compatible bucket whose objects are public at `public_base` (`https://cdn.example.com`,
    /// `http://127.0.0.1:9000/bucket`).
    pub fn s3(settings: &S3Settings, public_base: &str) -> Result<Self, MediaError> {
        // The HTTP client object_store builds takes TLS from the process-wide rustls provider (ring, the one
        // the rest of the server uses). Installing it twice is harmless: the first one stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&settings.bucket)
            .with_region(&settings.region)
            .with_access_key_id(&settings.access_key_id)
            .with_secret_access_key(&settings.secret_access_key);
        if let Some(endpoint) = &settings.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let store = builder.build().map_err(|e| MediaError(e.to_string()))?;
        Ok(MediaStore {
            store: Arc::new(store),
            public_base: public_base.trim_end_matches('/').to_string(),
            with_attributes: true,
        })
    }

    /// Stores `bytes` of `content_type` under `key` (`products/12/ab12-640.jpg`). Keys are never reused, so a
    /// bucket serves them as immutable for a year (browsers and CDNs keep them).
    pub async fn put(
        &self,
        key: &str,
        content_type: &str,
        bytes: Vec<u8>,
    ) -> Result<(), MediaError> {
        let mut options = PutOptions::default();
        if self.with_attributes {
            options.attributes = Attributes::from_iter([
                (Attribute::ContentType, content_type.to_string()),
                (
                    Attribute::CacheControl,
                    "public, max-age=31536000, immutable".to_string(),
                ),
            ]);
        }
        self.store
            .put_opts(&Path::from(key), PutPayload::from(bytes), options)
            .await
            .map(|_| ())
            .map_err(|e| MediaError(e.to_string()))
    }

    /// Removes `key`; a key that is not there is no error.
    pub async fn delete(&self, key: &str) -> Result<(), MediaError> {
        match self.store.delete(&Path::from(key)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(MediaError(e.to_string())),
        }
    }

    /// Where browsers fetch `key`.
    pub fn url(&self, key: &str) -> String {
        format!("{}/{key}", self.public_base)
    }

    /// The origin images are served from when it is not the shop's own (for the page's `img-src`).
    pub fn foreign_origin(&self) -> Option<String> {
        let rest = self.public_base.split_once("://")?;
        let host = rest.1.split('/').next()?;
        Some(format!("{}://{host}", rest.0))
    }
}
