//! Drives Debian's headless Chromium over the DevTools protocol (CDP), for browser tests of
//! Tribune's pages against a real server.
//!
//! It uses the `chromium` already installed on the machine (`scripts/test.sh` installs it with
//! `apt-get` when missing); it never downloads a browser. It is test support, not a product
//! crate: nothing in the server depends on it.
//!
//! ```no_run
//! # async fn demo() -> Result<(), tribune_browser::Error> {
//! let Some(browser) = tribune_browser::Browser::launch_for_test("demo").await else {
//!     return Ok(()); // chromium is missing: the reason is printed (a failure under CI=true)
//! };
//! let page = browser.new_page().await?; // an isolated context: its own cookies
//! page.goto("http://127.0.0.1:8080/login").await?;
//! page.wait_for("form", std::time::Duration::from_secs(5)).await?;
//! page.press("j").await?;
//! let title = page.eval("document.title").await?;
//! page.screenshot("login").await?; // target/browser-screenshots/login.png
//! # let _ = title; Ok(()) }
//! ```

mod cdp;
mod error;
mod keys;
mod launch;
mod page;

pub use error::Error;
pub use launch::{Browser, find_chromium, screenshot_dir};
pub use page::Page;
