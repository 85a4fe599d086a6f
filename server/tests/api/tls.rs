//! The server terminating TLS itself: the real binary, given a certificate and key, answers HTTPS (with HSTS and
//! secure defaults) and nothing in clear on that port.

use crate::helpers::{database_url, TempDir, TEST_DATA_KEYS};
use sqlx::PgPool;
use std::time::Duration;

#[sqlx::test(migrations = "../migrations")]
async fn the_server_serves_https_when_given_a_certificate(pool: PgPool) {
    let dir = TempDir(std::env::temp_dir().join(format!("bazaar-tls-{}", uuid::Uuid::new_v4())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".into(), "127.0.0.1".into()]).unwrap();
    let cert_pem = certified.cert.pem();
    let (cert, key) = (dir.0.join("cert.pem"), dir.0.join("key.pem"));
    std::fs::write(&cert, &cert_pem).unwrap();
    std::fs::write(&key, certified.signing_key.serialize_pem()).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();

    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", database_url(&pool))
        .env("BAZAAR_RUN_MIGRATIONS", "false")
        .env("BAZAAR_DATA_KEYS", TEST_DATA_KEYS)
        .env("BAZAAR_BIND", format!("127.0.0.1:{port}"))
        .env("BAZAAR_TLS_CERT", &cert)
        .env("BAZAAR_TLS_KEY", &key)
        .env("BAZAAR_MEDIA_DIR", dir.0.join("media"))
        .env("BAZAAR_MAIL_DIR", dir.0.join("mail"))
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("server starts");

    let client = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(cert_pem.as_bytes()).unwrap())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let base = format!("https://localhost:{port}");
    let mut ready = None;
    for _ in 0..100 {
        match client.get(format!("{base}/readyz")).send().await {
            Ok(r) => {
                ready = Some(r.status());
                break;
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    let result = async move {
        assert_eq!(ready, Some(reqwest::StatusCode::OK), "HTTPS /readyz");
        let home = client.get(format!("{base}/")).send().await.unwrap();
        assert_eq!(home.status(), 200);
        let hsts = home.headers()["strict-transport-security"]
            .to_str()
            .unwrap();
        assert!(hsts.contains("max-age=63072000"), "{hsts}");
        // Plain HTTP on the TLS port gets no page.
        let plain = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
            .get(format!("http://127.0.0.1:{port}/readyz"))
            .send()
            .await;
        assert!(
            plain.map(|r| !r.status().is_success()).unwrap_or(true),
            "HTTP answered on the HTTPS port"
        );
    };
    // Stop the server whatever the assertions say.
    let outcome = tokio::spawn(result).await;
    let _ = server.kill();
    let _ = server.wait();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic.into_panic());
    }
}
