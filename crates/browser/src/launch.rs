//! Finding and starting Chromium, and the browser-level commands (isolated contexts).

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::cdp::Connection;
use crate::{Error, Page};

/// How long Chromium may take to print its DevTools address.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// The browser to drive: `TRIBUNE_CHROMIUM`, else `chromium` (Debian's package) on the `PATH`.
/// `None` with the reason printed when there is none; under `CI=true` that is a failure, since
/// the test command installs it.
pub fn find_chromium(test: &str) -> Option<PathBuf> {
    let found = match std::env::var_os("TRIBUNE_CHROMIUM") {
        Some(path) => Some(PathBuf::from(path)).filter(|path| path.is_file()),
        None => ["chromium", "chromium-browser"].iter().find_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
                .map(|dir| dir.join(name))
                .find(|path| path.is_file())
        }),
    };
    if found.is_none() {
        tribune_test_support::skip(&format!(
            "{test}: chromium is not installed (apt-get install chromium, or set TRIBUNE_CHROMIUM)"
        ));
    }
    found
}

/// Where screenshots go: `TRIBUNE_SCREENSHOT_DIR`, else `browser-screenshots` in the cargo
/// target folder.
pub fn screenshot_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("TRIBUNE_SCREENSHOT_DIR") {
        return PathBuf::from(dir);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("browser-screenshots")
}

/// A running headless Chromium with its own throwaway profile; killed when dropped.
pub struct Browser {
    connection: Arc<Connection>,
    _child: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Finds and starts Chromium for a test; `None` (reason printed) when it is not installed.
    /// Panics when it is installed but does not start: that is a broken set-up.
    pub async fn launch_for_test(test: &str) -> Option<Browser> {
        let path = find_chromium(test)?;
        match Browser::launch(&path).await {
            Ok(browser) => Some(browser),
            Err(error) => panic!("{test}: {error}"),
        }
    }

    /// Starts `chromium` headless on a free DevTools port and connects to it.
    pub async fn launch(chromium: &Path) -> Result<Browser, Error> {
        let profile = tempfile::Builder::new()
            .prefix("tribune-chromium.")
            .tempdir()?;
        let mut child = Command::new(chromium)
            .arg("--headless=new")
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", profile.path().display()))
            // Tests run as root in containers, where Chromium's sandbox cannot start.
            .args(["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
            .args([
                "--no-first-run",
                "--no-default-browser-check",
                "--mute-audio",
            ])
            .args(["--disable-extensions", "--disable-background-networking"])
            .args(["--disable-sync", "--disable-component-update"])
            .args(["--window-size=1280,900", "about:blank"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|error| Error::Launch(format!("{}: {error}", chromium.display())))?;
        let stderr = child
            .stderr
            .take()
            .ok_or_else(|| Error::Launch("no stderr".into()))?;
        let mut lines = BufReader::new(stderr).lines();
        let mut seen = Vec::new();
        let url = tokio::time::timeout(START_TIMEOUT, async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.strip_prefix("DevTools listening on ") {
                    return Ok(url.trim().to_string());
                }
                seen.push(line);
            }
            Err(Error::Launch(format!(
                "it exited before listening: {}",
                seen.join(" | ")
            )))
        })
        .await
        .map_err(|_| Error::Timeout {
            what: "chromium's DevTools address".into(),
            seconds: START_TIMEOUT.as_secs_f64(),
        })??;
        // Keep reading its log so a full pipe never blocks the browser.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let connection = Arc::new(Connection::connect(&url).await?);
        Ok(Browser {
            connection,
            _child: child,
            _profile: profile,
        })
    }

    /// A new tab in a context of its own (cookies and storage apart from every other page's),
    /// 1280×900, attached and ready for commands.
    pub async fn new_page(&self) -> Result<Page, Error> {
        let context = self
            .connection
            .call(None, "Target.createBrowserContext", json!({}))
            .await?;
        let context = string_field(&context, "browserContextId", "Target.createBrowserContext")?;
        let target = self
            .connection
            .call(
                None,
                "Target.createTarget",
                json!({"url": "about:blank", "browserContextId": context}),
            )
            .await?;
        let target = string_field(&target, "targetId", "Target.createTarget")?;
        let session = self
            .connection
            .call(
                None,
                "Target.attachToTarget",
                json!({"targetId": target, "flatten": true}),
            )
            .await?;
        let session = string_field(&session, "sessionId", "Target.attachToTarget")?;
        Page::attach(self.connection.clone(), session).await
    }
}

pub(crate) fn string_field(value: &Value, field: &str, method: &str) -> Result<String, Error> {
    value[field]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| Error::Answer(method.to_string()))
}
