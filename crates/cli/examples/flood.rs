//! Abuse load for `scripts/load-flood.sh`: a flood of comment submissions and log-ins from many
//! addresses (sent as `X-Forwarded-For` to a server started with
//! `--trusted-proxy 127.0.0.1/32`) while a reader fetches pages at a steady rate.
//!
//!     flood run URL SUBMISSIONS LOGINS ADDRESSES ACKS_FILE [--kill PID --after-acks N]
//!     flood verify ACKS_FILE DATABASE_URL
//!
//! `run` prints the status codes served to each kind of request and the reader's latency
//! (measured from each read's scheduled time), and writes every acknowledged (202) comment to
//! ACKS_FILE, one JSON object a line. With `--kill`, it reads the server's peak memory and kills
//! it with SIGKILL once N comments have been acknowledged, mid-flood. `verify` opens the database and checks that
//! every acknowledged comment is there with its text, and reports the largest stored verdict.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::Mutex;
use tokio::time::Instant;

/// What the flood posts: ordinary comments, abuse built to blow up explanations, and junk.
fn comment_body(n: usize) -> String {
    let repeated =
        |piece: &str, chars: usize| piece.chars().cycle().take(chars).collect::<String>();
    match n % 10 {
        0 => repeated("f u c k ", 4_999),
        1 => repeated("مرحبا بالعالم هذا اختبار ", 2_500) + &repeated("s h i t ", 2_499),
        2 => format!("nul \u{0} byte {n}"),
        3 => repeated("buy cheap pills at cashfast dot com ", 3_000),
        _ => format!("The bridge junction needs a proper crossing before the lanes open ({n})."),
    }
}

#[derive(Default)]
struct Tally {
    submissions: BTreeMap<u16, usize>,
    logins: BTreeMap<u16, usize>,
    reads: BTreeMap<u16, usize>,
    read_latencies: Vec<Duration>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    match args.first().map(String::as_str) {
        Some("run") => runtime.block_on(run(&args[1..])),
        Some("verify") => runtime.block_on(verify(&args[1..])),
        _ => Err("usage: flood run URL SUBMISSIONS LOGINS ADDRESSES ACKS_FILE [--kill PID --after-acks N] | flood verify ACKS_FILE DATABASE_URL".into()),
    }
}

/// The server's peak resident memory so far, from /proc (Linux).
fn peak_rss_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

async fn run(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let [url, submissions, logins, addresses, acks_file, rest @ ..] = args else {
        return Err("usage: flood run URL SUBMISSIONS LOGINS ADDRESSES ACKS_FILE [--kill PID --after-acks N]".into());
    };
    let (submissions, logins, addresses): (usize, usize, usize) =
        (submissions.parse()?, logins.parse()?, addresses.parse()?);
    let kill = match rest {
        [flag, pid, after, acks] if flag == "--kill" && after == "--after-acks" => {
            Some((pid.parse::<u32>()?, acks.parse::<usize>()?))
        }
        [] => None,
        _ => return Err("expected --kill PID --after-acks N".into()),
    };
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .timeout(Duration::from_secs(30))
        .build()?;
    let tally = Arc::new(Mutex::new(Tally::default()));
    let acks = Arc::new(Mutex::new(std::io::BufWriter::new(std::fs::File::create(
        acks_file,
    )?)));
    let next = Arc::new(AtomicUsize::new(0));
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let flooding = Arc::new(AtomicBool::new(true));
    let started = Instant::now();
    let total = submissions + logins;

    // The reader: 20 page reads a second, open loop, for as long as the flood lasts.
    let reader = {
        let (client, url, tally, flooding) =
            (client.clone(), url.clone(), tally.clone(), flooding.clone());
        tokio::spawn(async move {
            let mut reads = tokio::task::JoinSet::new();
            let mut n = 0u32;
            while flooding.load(Ordering::SeqCst) {
                let scheduled = started + Duration::from_millis(50) * n;
                tokio::time::sleep_until(scheduled).await;
                let path = if n.is_multiple_of(2) {
                    "/articles/cycle-lanes"
                } else {
                    "/api/v1/articles/cycle-lanes/comments"
                };
                let request = client.get(format!("{url}{path}"));
                let tally = tally.clone();
                reads.spawn(async move {
                    let status = match request.send().await {
                        Ok(r) => {
                            let status = r.status().as_u16();
                            let _ = r.bytes().await;
                            status
                        }
                        Err(_) => 0,
                    };
                    let mut tally = tally.lock().await;
                    *tally.reads.entry(status).or_default() += 1;
                    tally.read_latencies.push(scheduled.elapsed());
                });
                n += 1;
            }
            while reads.join_next().await.is_some() {}
        })
    };

    // The killer: peak memory, then SIGKILL, mid-flood.
    let killed = kill.map(|(pid, after)| {
        let acknowledged = acknowledged.clone();
        tokio::spawn(async move {
            while acknowledged.load(Ordering::SeqCst) < after {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            let at = started.elapsed();
            let peak = peak_rss_kib(pid);
            let status = std::process::Command::new("kill")
                .args(["-9", &pid.to_string()])
                .status();
            (peak, status.is_ok_and(|s| s.success()), at)
        })
    });

    // The flood: 64 connections as fast as the server answers.
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..64 {
        let (client, url, tally, acks, next, acknowledged) = (
            client.clone(),
            url.clone(),
            tally.clone(),
            acks.clone(),
            next.clone(),
            acknowledged.clone(),
        );
        workers.spawn(async move {
            loop {
                let n = next.fetch_add(1, Ordering::SeqCst);
                if n >= total {
                    break;
                }
                let client_number = n % addresses.max(1);
                let address = format!("10.0.{}.{}", client_number / 256, client_number % 256);
                // Log-ins are spread through the flood: every (total / logins)-th request.
                let is_login = logins > 0 && n % (total / logins).max(1) == 0;
                if is_login {
                    let username = if n.is_multiple_of(2) {
                        "admin".to_owned()
                    } else {
                        format!("guess{n}")
                    };
                    let status = client
                        .post(format!("{url}/api/v1/session"))
                        .header("x-forwarded-for", &address)
                        .json(&json!({ "username": username, "password": format!("wrong-{n}") }))
                        .send()
                        .await
                        .map_or(0, |r| r.status().as_u16());
                    *tally.lock().await.logins.entry(status).or_default() += 1;
                    continue;
                }
                let key = format!("flood-{}-{n}", std::process::id());
                let author = format!("Flooder {}", n % addresses);
                let body = comment_body(n);
                let response = client
                    .post(format!("{url}/api/v1/articles/cycle-lanes/comments"))
                    .header("x-forwarded-for", &address)
                    .header("idempotency-key", &key)
                    .json(&json!({ "author_name": author, "body": body }))
                    .send()
                    .await;
                let (status, answer) = match response {
                    Ok(r) => {
                        let status = r.status().as_u16();
                        (status, r.json::<Value>().await.unwrap_or(Value::Null))
                    }
                    Err(_) => (0, Value::Null),
                };
                if status == 202
                    && let Some(id) = answer["id"].as_i64()
                {
                    let line = json!({ "id": id, "author": author, "body": body, "key": key });
                    let mut acks = acks.lock().await;
                    let _ = writeln!(acks, "{line}");
                    acknowledged.fetch_add(1, Ordering::SeqCst);
                }
                *tally.lock().await.submissions.entry(status).or_default() += 1;
            }
        });
    }
    while workers.join_next().await.is_some() {}
    let flood_time = started.elapsed();
    flooding.store(false, Ordering::SeqCst);
    reader.await?;
    acks.lock().await.flush()?;
    let mut tally = tally.lock().await;
    tally.read_latencies.sort();
    let reads = &tally.read_latencies;
    let at = |p: f64| {
        let index = ((reads.len() as f64 - 1.0) * p).round() as usize;
        reads
            .get(index)
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    let acknowledged = tally.submissions.get(&202).copied().unwrap_or(0);
    println!(
        "flood: {submissions} submissions and {logins} log-ins from {addresses} addresses in {:.1}s",
        flood_time.as_secs_f64()
    );
    println!("  submissions: {:?} (0 = no answer)", tally.submissions);
    println!("  log-ins:     {:?}", tally.logins);
    println!(
        "  reader: {} reads {:?}, p50={:.1}ms p99={:.1}ms max={:.1}ms (from each read's scheduled time)",
        reads.len(),
        tally.reads,
        at(0.5),
        at(0.99),
        reads.last().map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    );
    println!("  acknowledged comments: {acknowledged}");
    if let Some(killed) = killed {
        let (peak, done, at) = killed.await?;
        println!(
            "  kill -9 after {} acknowledgements, {:.2}s in: {}; server peak RSS before it {} MiB",
            kill.map_or(0, |(_, n)| n),
            at.as_secs_f64(),
            if done { "done" } else { "FAILED" },
            peak.map_or("unknown".to_owned(), |k| format!(
                "{:.0}",
                k as f64 / 1024.0
            ))
        );
    }
    Ok(())
}

async fn verify(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let [acks_file, database] = args else {
        return Err("usage: flood verify ACKS_FILE DATABASE_URL".into());
    };
    let store = tribune_store::Store::connect(database).await?;
    let file = std::io::BufReader::new(std::fs::File::open(acks_file)?);
    let (mut acknowledged, mut present) = (0, 0);
    for line in file.lines() {
        let ack: Value = serde_json::from_str(&line?)?;
        acknowledged += 1;
        let id = ack["id"]
            .as_i64()
            .ok_or("an acknowledgement without an id")?;
        match store.comment(id).await? {
            Some(c)
                if Some(c.body.as_str()) == ack["body"].as_str()
                    && Some(c.author_name.as_str()) == ack["author"].as_str() =>
            {
                present += 1
            }
            Some(_) => eprintln!("comment {id} differs from what was acknowledged"),
            None => eprintln!("comment {id} was acknowledged but is missing"),
        }
    }
    let counts = store.table_counts().await?;
    let stored = counts
        .iter()
        .find(|(t, _)| *t == "comments")
        .map_or(0, |(_, n)| *n);
    println!(
        "verify: {present} of {acknowledged} acknowledged comments present with their text; {stored} comments stored in all; largest stored verdict {} bytes",
        store.largest_verdict_bytes().await?
    );
    if present != acknowledged {
        return Err("acknowledged comments are missing".into());
    }
    Ok(())
}
