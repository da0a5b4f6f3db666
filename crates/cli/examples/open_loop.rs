//! Open-loop load for `scripts/load-open.sh`: comment submissions at a fixed rate, each sent at
//! its scheduled time whether or not earlier ones have been answered, and timed from that
//! scheduled time (so a server that stalls is charged for the requests that queue behind the
//! stall, not only for the ones in flight).
//!
//! `cargo run --release -p tribune --example open_loop -- RATE SECONDS URL`

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;
use tokio::time::Instant;

const SAMPLES: [&str; 6] = [
    "Protected lanes along the river would help the school run a lot.",
    "The council should publish the costs before the public meetings.",
    "Delivery bays in the market matter to small shops; keep them open early.",
    "I cycle this route daily and the junction by the bridge is the worst part.",
    "ڕێگای پاسکیل بۆ قوتابخانەکان زۆر گرنگە، سوپاس بۆ ئەم هەواڵە.",
    "Bisiklet yolları güzel ama köprüdeki kavşak hâlâ tehlikeli.",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [rate, seconds, url] = args.as_slice() else {
        return Err("usage: open_loop RATE SECONDS URL".into());
    };
    let rate: f64 = rate.parse()?;
    let seconds: f64 = seconds.parse()?;
    if rate <= 0.0 || seconds <= 0.0 {
        return Err("the rate and the duration must be positive".into());
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    runtime.block_on(run(rate, seconds, url.clone()))
}

async fn run(rate: f64, seconds: f64, url: String) -> Result<(), Box<dyn std::error::Error>> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(30))
        .build()?;
    let target = format!("{url}/api/v1/articles/cycle-lanes/comments");
    let run_id = std::process::id();
    let total = (rate * seconds).round() as usize;
    let interval = Duration::from_secs_f64(1.0 / rate);
    let start = Instant::now() + Duration::from_millis(100);
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..total {
        let scheduled = start + interval.mul_f64(n as f64);
        tokio::time::sleep_until(scheduled).await;
        let request = client
            .post(&target)
            .header("idempotency-key", format!("open-{run_id}-{n}"))
            .json(&json!({
                "author_name": format!("Reader {}", n % 997),
                "body": format!("{} ({n})", SAMPLES[n % SAMPLES.len()]),
            }));
        tasks.spawn(async move {
            let status = match request.send().await {
                Ok(response) => {
                    let status = response.status().as_u16();
                    let _ = response.bytes().await;
                    status
                }
                Err(_) => 0,
            };
            (status, scheduled.elapsed())
        });
    }
    let sent_for = start.elapsed();
    let mut latencies = Vec::with_capacity(total);
    let mut statuses: BTreeMap<u16, usize> = BTreeMap::new();
    while let Some(done) = tasks.join_next().await {
        let (status, latency) = done?;
        *statuses.entry(status).or_default() += 1;
        latencies.push(latency);
    }
    latencies.sort();
    let at = |p: f64| {
        let index = ((latencies.len() as f64 - 1.0) * p).round() as usize;
        latencies
            .get(index)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "open loop: rate={rate}/s duration={seconds}s sent={total} in {:.1}s statuses={statuses:?} \
         p50={:.2}ms p90={:.2}ms p99={:.2}ms p99.9={:.2}ms max={:.2}ms (from each request's scheduled time)",
        sent_for.as_secs_f64(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(0.999),
        latencies
            .last()
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0),
    );
    Ok(())
}
