//! The harness against a page of its own making: keys reach the page, clicks land, script
//! values come back, screenshots are PNG files.

use std::time::Duration;

use tribune_browser::Browser;

const PAGE: &str = "data:text/html,<title>harness</title><button id=b onclick=\"document.body.dataset.clicked='yes'\">click</button><script>window.keys=[];addEventListener('keydown',e=>keys.push(e.key))</script>";

#[tokio::test]
async fn keys_clicks_scripts_and_screenshots_reach_a_real_page() {
    let Some(browser) = Browser::launch_for_test("harness").await else {
        return;
    };
    let page = browser.new_page().await.expect("page");
    page.goto(PAGE).await.expect("goto");
    assert_eq!(page.eval("document.title").await.expect("eval"), "harness");
    for key in ["j", "A", "?", "1", "/", "Escape"] {
        page.press(key).await.expect("press");
    }
    assert_eq!(
        page.eval("keys.join(' ')").await.expect("keys"),
        "j A ? 1 / Escape"
    );
    page.click("#b").await.expect("click");
    page.wait_for("body[data-clicked=yes]", Duration::from_secs(2))
        .await
        .expect("the click landed");
    assert!(
        page.eval("nosuchname").await.is_err(),
        "a script error is an error"
    );
    let path = page.screenshot("harness").await.expect("screenshot");
    let bytes = std::fs::read(path).expect("read the screenshot");
    assert!(bytes.starts_with(b"\x89PNG"), "a PNG file");
    assert!(page.exceptions().is_empty());
}

/// A one-route HTTP server: sets a cookie and shows the cookies the request carried.
async fn cookie_server() -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut request = vec![0; 4096];
            let read = socket.read(&mut request).await.unwrap_or(0);
            let request = String::from_utf8_lossy(&request[..read]).to_string();
            let cookie = request
                .lines()
                .find_map(|line| line.strip_prefix("Cookie: "))
                .unwrap_or("none")
                .to_string();
            let body = format!("<title>{cookie}</title>");
            let answer = format!(
                "HTTP/1.1 200 OK\r\nSet-Cookie: seen=1\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(answer.as_bytes()).await;
        }
    });
    format!("http://{addr}/")
}

#[tokio::test]
async fn two_pages_keep_their_cookies_apart() {
    let Some(browser) = Browser::launch_for_test("harness").await else {
        return;
    };
    let url = cookie_server().await;
    let first = browser.new_page().await.expect("page");
    first.goto(&url).await.expect("goto");
    first.goto(&url).await.expect("goto again");
    assert_eq!(first.eval("document.title").await.expect("title"), "seen=1");
    let second = browser.new_page().await.expect("page");
    second.goto(&url).await.expect("goto");
    assert_eq!(
        second.eval("document.title").await.expect("title"),
        "none",
        "the second page has its own cookie jar"
    );
}
