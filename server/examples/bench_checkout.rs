//! Load driver for `scripts/bench-checkout`: `CONCURRENCY` shoppers, each going through the whole checkout again
//! and again for `SECONDS`: add to cart, address, shipping, review, place order (the manual method), each shopper
//! with a fresh cookie jar per order. Prints one line of key=value pairs.
//!
//!   bench_checkout BASE_URL CONCURRENCY SECONDS SKU[,SKU…]

use std::time::{Duration, Instant};

struct Outcome {
    flow: Duration,
    place: Duration,
}

async fn post(
    client: &reqwest::Client,
    base: &str,
    endpoint: &str,
    form: &[(&str, &str)],
) -> Result<String, String> {
    let response = client
        .post(format!("{base}/api/{endpoint}"))
        .header("accept", "application/json")
        .form(form)
        .send()
        .await
        .map_err(|e| format!("{endpoint}: {e}"))?;
    let status = response.status();
    let body = response
        .text()
        .await
        .map_err(|e| format!("{endpoint}: {e}"))?;
    if status.is_success() {
        Ok(body)
    } else {
        Err(format!("{endpoint}: {status} {body}"))
    }
}

async fn one_order(base: &str, sku: &str) -> Result<Outcome, String> {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .map_err(|e| e.to_string())?;
    let start = Instant::now();
    post(
        &client,
        base,
        "cart/add",
        &[("sku", sku), ("quantity", "1")],
    )
    .await?;
    post(
        &client,
        base,
        "checkout/contact",
        &[
            ("email", "bench@example.com"),
            ("name", "Bench Shopper"),
            ("line1", "1 Rue du Test"),
            ("line2", ""),
            ("city", "Lyon"),
            ("postal_code", "69001"),
            ("country", "FR"),
            ("phone", ""),
        ],
    )
    .await?;
    post(
        &client,
        base,
        "checkout/shipping",
        &[("shipping_method", "standard"), ("discount_code", "")],
    )
    .await?;
    let data: serde_json::Value =
        serde_json::from_str(&post(&client, base, "checkout", &[]).await?)
            .map_err(|e| e.to_string())?;
    let key = data["idempotency_key"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let fingerprint = data["summary"]["fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let placing = Instant::now();
    post(
        &client,
        base,
        "checkout/place",
        &[
            ("idempotency_key", &key),
            ("fingerprint", &fingerprint),
            ("payment_method", "manual"),
        ],
    )
    .await?;
    Ok(Outcome {
        flow: start.elapsed(),
        place: placing.elapsed(),
    })
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 5 {
        eprintln!("usage: bench_checkout BASE_URL CONCURRENCY SECONDS SKU[,SKU...]");
        std::process::exit(2);
    }
    let base = args[1].trim_end_matches('/').to_string();
    let concurrency: usize = args[2].parse().expect("CONCURRENCY is a number");
    let seconds: u64 = args[3].parse().expect("SECONDS is a number");
    let skus: Vec<String> = args[4].split(',').map(str::to_string).collect();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();

    let workers = (0..concurrency).map(|w| {
        let base = base.clone();
        let skus = skus.clone();
        tokio::spawn(async move {
            let mut outcomes = Vec::new();
            let mut errors = Vec::new();
            let mut i = w;
            while Instant::now() < deadline {
                match one_order(&base, &skus[i % skus.len()]).await {
                    Ok(o) => outcomes.push(o),
                    Err(e) => errors.push(e),
                }
                i += concurrency;
            }
            (outcomes, errors)
        })
    });
    let mut outcomes = Vec::new();
    let mut errors = Vec::new();
    for worker in workers {
        let (o, e) = worker.await.expect("worker");
        outcomes.extend(o);
        errors.extend(e);
    }
    let elapsed = started.elapsed().as_secs_f64();
    if let Some(first) = errors.first() {
        eprintln!("{} errors; first: {first}", errors.len());
    }
    let mut flows: Vec<Duration> = outcomes.iter().map(|o| o.flow).collect();
    let mut places: Vec<Duration> = outcomes.iter().map(|o| o.place).collect();
    flows.sort();
    places.sort();
    println!(
        "orders={} errors={} seconds={:.2} orders_per_s={:.1} flow_p50_ms={:.1} flow_p99_ms={:.1} place_p50_ms={:.1} place_p99_ms={:.1}",
        outcomes.len(),
        errors.len(),
        elapsed,
        outcomes.len() as f64 / elapsed,
        percentile(&flows, 0.5),
        percentile(&flows, 0.99),
        percentile(&places, 0.5),
        percentile(&places, 0.99),
    );
}
