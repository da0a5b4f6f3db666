//! One tab: navigate, evaluate script, type keys, click, wait, take screenshots.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

use crate::cdp::Connection;
use crate::{Error, keys, screenshot_dir};

/// How often `wait_for` and `wait_until` look again.
const POLL: Duration = Duration::from_millis(10);

/// A tab attached over its own DevTools session.
pub struct Page {
    connection: Arc<Connection>,
    session: String,
}

impl Page {
    pub(crate) async fn attach(
        connection: Arc<Connection>,
        session: String,
    ) -> Result<Page, Error> {
        let page = Page {
            connection,
            session,
        };
        page.connection.enable_exceptions(&page.session);
        page.call("Runtime.enable", json!({})).await?;
        page.call("Page.enable", json!({})).await?;
        // Every page acts as the focused one, so keys reach a page in a background tab too.
        page.call(
            "Emulation.setFocusEmulationEnabled",
            json!({"enabled": true}),
        )
        .await?;
        page.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
        )
        .await?;
        Ok(page)
    }

    /// A raw DevTools command in this page's session.
    pub async fn call(&self, method: &str, params: Value) -> Result<Value, Error> {
        self.connection
            .call(Some(&self.session), method, params)
            .await
    }

    /// Opens `url` and waits until its document has loaded.
    pub async fn goto(&self, url: &str) -> Result<(), Error> {
        let answer = self.call("Page.navigate", json!({"url": url})).await?;
        if let Some(error) = answer["errorText"].as_str() {
            return Err(Error::Protocol {
                method: "Page.navigate".into(),
                message: format!("{url}: {error}"),
            });
        }
        self.wait_until(
            "document.readyState === 'complete'",
            Duration::from_secs(10),
        )
        .await
        .map(drop)
    }

    /// Evaluates a script expression (promises awaited) and returns its value as JSON.
    pub async fn eval(&self, expression: &str) -> Result<Value, Error> {
        let answer = self
            .call(
                "Runtime.evaluate",
                json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
            )
            .await?;
        if let Some(details) = answer.get("exceptionDetails") {
            let text = details["exception"]["description"]
                .as_str()
                .or(details["text"].as_str())
                .unwrap_or("exception");
            return Err(Error::Script(format!("{expression}: {text}")));
        }
        Ok(answer["result"]["value"].clone())
    }

    /// Types one key as a user would (`"j"`, `"A"`, `"?"`, `"Enter"`, `"Escape"`): key down,
    /// with the text it inserts, then key up.
    pub async fn press(&self, name: &str) -> Result<(), Error> {
        let key = keys::key(name).ok_or_else(|| Error::Answer(format!("unknown key {name}")))?;
        let mut down = json!({
            "type": if key.text.is_some() { "keyDown" } else { "rawKeyDown" },
            "key": key.key, "code": key.code, "modifiers": key.modifiers,
            "windowsVirtualKeyCode": key.virtual_code, "nativeVirtualKeyCode": key.virtual_code,
        });
        if let Some(text) = &key.text {
            down["text"] = json!(text);
            down["unmodifiedText"] = json!(text);
        }
        self.call("Input.dispatchKeyEvent", down).await?;
        self.call(
            "Input.dispatchKeyEvent",
            json!({
                "type": "keyUp", "key": key.key, "code": key.code, "modifiers": key.modifiers,
                "windowsVirtualKeyCode": key.virtual_code, "nativeVirtualKeyCode": key.virtual_code,
            }),
        )
        .await
        .map(drop)
    }

    /// Inserts text into the focused field, as typing it would.
    pub async fn type_text(&self, text: &str) -> Result<(), Error> {
        self.call("Input.insertText", json!({"text": text}))
            .await
            .map(drop)
    }

    /// Clicks the middle of the first element matching `selector` with the mouse.
    pub async fn click(&self, selector: &str) -> Result<(), Error> {
        let selector_json = json!(selector).to_string();
        let centre = self
            .eval(&format!(
                "(() => {{ const e = document.querySelector({selector_json}); if (!e) return null; \
                 e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); \
                 return [r.left + r.width / 2, r.top + r.height / 2]; }})()"
            ))
            .await?;
        let (Some(x), Some(y)) = (centre[0].as_f64(), centre[1].as_f64()) else {
            return Err(Error::Script(format!("no element matches {selector}")));
        };
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            )
            .await?;
        }
        Ok(())
    }

    /// Waits until an element matches `selector`.
    pub async fn wait_for(&self, selector: &str, timeout: Duration) -> Result<(), Error> {
        let selector_json = json!(selector).to_string();
        self.wait_until(&format!("document.querySelector({selector_json})"), timeout)
            .await
            .map_err(|error| match error {
                Error::Timeout { seconds, .. } => Error::Timeout {
                    what: format!("an element matching {selector}"),
                    seconds,
                },
                other => other,
            })
            .map(drop)
    }

    /// Waits until `expression` is truthy and returns its value (an element comes back as
    /// `{}`); script errors while the page is between documents count as not yet.
    pub async fn wait_until(&self, expression: &str, timeout: Duration) -> Result<Value, Error> {
        let started = Instant::now();
        let probe = format!(
            "(() => {{ const v = ({expression}); return v ? (v instanceof Node ? {{}} : v) : null; }})()"
        );
        loop {
            if let Ok(value) = self.eval(&probe).await
                && !value.is_null()
            {
                return Ok(value);
            }
            if started.elapsed() > timeout {
                return Err(Error::Timeout {
                    what: expression.to_string(),
                    seconds: timeout.as_secs_f64(),
                });
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Saves a PNG of the viewport as `NAME.png` in [`screenshot_dir`] and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf, Error> {
        let answer = self
            .call("Page.captureScreenshot", json!({"format": "png"}))
            .await?;
        let data = answer["data"]
            .as_str()
            .ok_or_else(|| Error::Answer("Page.captureScreenshot".into()))?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|error| Error::Answer(format!("Page.captureScreenshot: {error}")))?;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png)?;
        Ok(path)
    }

    /// Uncaught script errors this page has thrown so far.
    pub fn exceptions(&self) -> Vec<String> {
        self.connection.exceptions(&self.session)
    }
}
