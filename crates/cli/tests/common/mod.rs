//! What the CLI's tests share: the encoder's model folder, and `tribune serve` nodes started
//! from the built binary on free loopback ports.
// Each test binary uses a different subset of these helpers.
#![allow(dead_code)]

use std::ffi::OsStr;
use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};

pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";

/// The model folder `TRIBUNE_ENCODER_MODEL` names (`scripts/test.sh` sets it); without one
/// the caller skips, saying why, which under `CI=true` is a failure.
#[cfg(feature = "encoder")]
pub fn model_dir() -> Option<std::path::PathBuf> {
    match std::env::var_os("TRIBUNE_ENCODER_MODEL").map(std::path::PathBuf::from) {
        Some(dir) if dir.join(tribune_encoder::MODEL_FILE).is_file() => Some(dir),
        named => {
            tribune_test_support::skip(&format!(
                "TRIBUNE_ENCODER_MODEL ({named:?}) names no model folder: run scripts/fetch-encoder.sh DIR"
            ));
            None
        }
    }
}

/// A running `tribune serve`; killed when dropped.
pub struct Node {
    child: Child,
    pub base: String,
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Node {
    /// SIGKILL, as a crash would end it, and waits until it is gone.
    pub fn kill_9(mut self) {
        self.child.kill().expect("SIGKILL");
        self.child.wait().expect("reaped");
    }

    /// `tribune serve --database DATABASE --listen 127.0.0.1:PORT ARGS…` on a free port, with
    /// the tests' admin password, once it answers.
    pub async fn start<I, S>(database: &str, args: I, client: &Client) -> Node
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_tribune"))
            .args(["serve", "--database", database])
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(args)
            .env("TRIBUNE_ADMIN_PASSWORD", ADMIN_PASSWORD)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start tribune serve");
        let node = Node {
            child,
            base: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        loop {
            let response = client
                .get(format!("{}/api/v1/articles", node.base))
                .send()
                .await;
            if response.is_ok_and(|r| r.status() == StatusCode::OK) {
                return node;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the node on port {port} did not start"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}
