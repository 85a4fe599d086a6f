//! A deploy's SIGTERM under load: the real binary, a load balancer's health check and shoppers' requests. The
//! server must say "not ready" at once, serve on while the balancer moves away, finish the request in flight when
//! its listener closes, hand back its jobs and exit cleanly — and not one request may fail.

use crate::helpers::{database_url, TempDir, TEST_DATA_KEYS};
use sqlx::PgPool;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DRAIN_DELAY: Duration = Duration::from_secs(3);

#[sqlx::test(migrations = "../migrations")]
async fn sigterm_under_load_fails_no_request(pool: PgPool) {
    let dir = TempDir(std::env::temp_dir().join(format!("bazaar-drain-{}", uuid::Uuid::new_v4())));
    std::fs::create_dir_all(&dir.0).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let log = dir.0.join("server.log");
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_server"))
        .env("DATABASE_URL", database_url(&pool))
        .env("BAZAAR_RUN_MIGRATIONS", "false")
        .env("BAZAAR_DATA_KEYS", TEST_DATA_KEYS)
        .env("BAZAAR_BIND", format!("127.0.0.1:{port}"))
        .env("BAZAAR_DRAIN_DELAY_SECS", DRAIN_DELAY.as_secs().to_string())
        // One client address makes all the load here: the per-IP limit is not what is tested.
        .env("BAZAAR_RATE_LIMIT_PER_MINUTE", "0")
        .env("BAZAAR_MEDIA_DIR", dir.0.join("media"))
        .env("BAZAAR_MAIL_DIR", dir.0.join("mail"))
        .env("BAZAAR_LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("server starts");
    let pid = server.id();
    let base = format!("http://127.0.0.1:{port}");

    let run = async move {
        let client = || {
            reqwest::Client::builder()
                .timeout(Duration::from_secs(20))
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap()
        };
        let mut up = false;
        for _ in 0..200 {
            if let Ok(r) = client().get(format!("{base}/readyz")).send().await {
                if r.status() == 200 {
                    up = true;
                    break;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(up, "the server became ready");

        // The load balancer: checks /readyz every 100 ms on a connection of its own, and sends no new request
        // once it has answered anything but 200.
        let in_rotation = Arc::new(AtomicBool::new(true));
        let out_of_rotation_at = Arc::new(Mutex::new(None::<Instant>));
        let balancer = tokio::spawn({
            let (in_rotation, at, base) = (
                in_rotation.clone(),
                out_of_rotation_at.clone(),
                base.clone(),
            );
            let client = client();
            async move {
                loop {
                    let ok = matches!(
                        client.get(format!("{base}/readyz")).send().await,
                        Ok(r) if r.status() == 200
                    );
                    if !ok {
                        in_rotation.store(false, Ordering::Release);
                        *at.lock().unwrap() = Some(Instant::now());
                        return;
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        });

        // Shoppers: keep-alive clients asking for pages and a server function for as long as the balancer sends
        // them here.
        let served = Arc::new(AtomicUsize::new(0));
        let served_while_draining = Arc::new(AtomicUsize::new(0));
        let failures = Arc::new(Mutex::new(Vec::<String>::new()));
        let draining = Arc::new(AtomicBool::new(false));
        let mut shoppers = Vec::new();
        for n in 0..4 {
            let (in_rotation, served, while_draining, failures, draining, base) = (
                in_rotation.clone(),
                served.clone(),
                served_while_draining.clone(),
                failures.clone(),
                draining.clone(),
                base.clone(),
            );
            let client = client();
            shoppers.push(tokio::spawn(async move {
                let mut i = 0usize;
                while in_rotation.load(Ordering::Acquire) {
                    let request = match (n + i) % 3 {
                        0 => client.get(format!("{base}/")),
                        1 => client.get(format!("{base}/cart")),
                        _ => client
                            .post(format!("{base}/api/categories"))
                            .header("origin", &base)
                            .header("content-type", "application/x-www-form-urlencoded")
                            .body(""),
                    };
                    match request.send().await {
                        Ok(r) if r.status().is_success() => {
                            served.fetch_add(1, Ordering::Relaxed);
                            if draining.load(Ordering::Acquire) {
                                while_draining.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Ok(r) => {
                            failures
                                .lock()
                                .unwrap()
                                .push(format!("{}: {}", r.url(), r.status()))
                        }
                        Err(e) => failures.lock().unwrap().push(format!("{e:?}")),
                    }
                    i += 1;
                }
            }));
        }
        tokio::time::sleep(Duration::from_millis(800)).await;

        // A request in flight across the listener's close: its body arrives over longer than the drain delay.
        let slow = tokio::spawn({
            let base = base.clone();
            let client = client();
            async move {
                let chunks = futures::stream::unfold(0, |n| async move {
                    match n {
                        0 => Some((Ok::<_, std::io::Error>(b"&".to_vec()), 1)),
                        1 => {
                            tokio::time::sleep(DRAIN_DELAY + Duration::from_millis(1500)).await;
                            Some((Ok(b"&".to_vec()), 2))
                        }
                        _ => None,
                    }
                });
                client
                    .post(format!("{base}/api/categories"))
                    .header("origin", &base)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(reqwest::Body::wrap_stream(chunks))
                    .send()
                    .await
            }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;

        let signalled = Instant::now();
        draining.store(true, Ordering::Release);
        let killed = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .unwrap();
        assert!(killed.success());

        balancer.await.unwrap();
        let noticed = out_of_rotation_at.lock().unwrap().unwrap() - signalled;
        assert!(
            noticed < Duration::from_millis(1500),
            "/readyz said 503 within a health check or two of SIGTERM ({noticed:?})"
        );
        for shopper in shoppers {
            shopper.await.unwrap();
        }
        let slow = slow.await.unwrap();
        let slow_done = signalled.elapsed();
        match slow {
            Ok(r) => assert!(
                r.status().is_success(),
                "the request in flight: {}",
                r.status()
            ),
            Err(e) => panic!("the request in flight failed: {e:?}"),
        }
        assert!(
            slow_done > DRAIN_DELAY,
            "the request in flight outlasted the drain delay ({slow_done:?})"
        );
        let failures = failures.lock().unwrap().clone();
        let served = served.load(Ordering::Relaxed);
        assert!(
            failures.is_empty(),
            "{} of {} requests failed: {failures:#?}",
            failures.len(),
            served + failures.len()
        );
        assert!(served > 50, "under load ({served} requests)");
        assert!(
            served_while_draining.load(Ordering::Relaxed) > 0,
            "requests answered after SIGTERM were served in full"
        );
    };
    let outcome = tokio::spawn(run).await;
    // The process ends by itself: after the delay, the request in flight and the worker's hand-back.
    let mut exit = None;
    for _ in 0..150 {
        if let Some(status) = server.try_wait().unwrap() {
            exit = Some(status);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if exit.is_none() {
        let _ = server.kill();
        let _ = server.wait();
    }
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    if let Err(panic) = outcome {
        eprintln!("server log:\n{log}");
        std::panic::resume_unwind(panic.into_panic());
    }
    let exit = exit.expect("the server exited within 15 s of the request in flight");
    assert!(exit.success(), "exit status {exit}\n{log}");
    assert!(log.contains("drained; bye"), "{log}");
}
