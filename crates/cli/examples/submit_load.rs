//! Load generator for `scripts/bench-nodes.sh`: posts comments to one or more Tribune nodes
//! (round-robin, as a load balancer would) and prints throughput and latency.
//!
//! `cargo run --release -p tribune --example submit_load -- REQUESTS CONCURRENCY URL...`

use std::time::{Duration, Instant};

use serde_json::json;

const SAMPLES: [&str; 4] = [
    "Protected lanes along the river would help the school run a lot.",
    "The council should publish the costs before the public meetings.",
    "Delivery bays in the market matter to small shops; keep them open early.",
    "I cycle this route daily and the junction by the bridge is the worst part.",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [requests, concurrency, urls @ ..] = args.as_slice() else {
        return Err("usage: submit_load REQUESTS CONCURRENCY URL...".into());
    };
    let requests: usize = requests.parse()?;
    let concurrency: usize = concurrency.parse()?;
    if urls.is_empty() || concurrency == 0 {
        return Err("give at least one node URL and a concurrency of at least 1".into());
    }
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(run(requests, concurrency, urls.to_vec()))
}

async fn run(
    requests: usize,
    concurrency: usize,
    urls: Vec<String>,
) -> Result<(), Box<dyn std::error::Error>> {
    let client = reqwest::Client::new();
    let run_id = std::process::id();
    let started = Instant::now();
    let mut workers = Vec::new();
    for worker in 0..concurrency {
        let client = client.clone();
        let urls = urls.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut failures = 0usize;
            let mut n = worker;
            while n < requests {
                let url = format!("{}/api/v1/articles/cycle-lanes/comments", urls[n % urls.len()]);
                let body = json!({ "author_name": format!("Reader {n}"), "body": SAMPLES[n % SAMPLES.len()] });
                let sent = Instant::now();
                let response = client
                    .post(url)
                    .header("idempotency-key", format!("bench-{run_id}-{n}"))
                    .json(&body)
                    .send()
                    .await;
                match response {
                    Ok(r) if r.status().as_u16() == 202 => latencies.push(sent.elapsed()),
                    _ => failures += 1,
                }
                n += concurrency;
            }
            (latencies, failures)
        }));
    }
    let mut latencies: Vec<Duration> = Vec::new();
    let mut failures = 0;
    for worker in workers {
        let (mut l, f) = worker.await?;
        latencies.append(&mut l);
        failures += f;
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let percentile = |p: f64| {
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies
            .get(index)
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(f64::NAN)
    };
    println!(
        "nodes={} requests={requests} concurrency={concurrency} accepted={} failed={failures} \
         elapsed={:.2}s throughput={:.0}/s p50={:.1}ms p99={:.1}ms",
        urls.len(),
        latencies.len(),
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(0.5),
        percentile(0.99)
    );
    Ok(())
}
