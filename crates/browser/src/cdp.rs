//! One WebSocket connection to the browser: numbered commands and their answers, in flattened
//! session mode (a page's commands carry its `sessionId`). Events are not needed by the tests
//! (they poll the page), except uncaught script errors, which are kept per session so a test
//! can show them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::{mpsc, oneshot};
use tokio_tungstenite::tungstenite::Message;

use crate::Error;

/// How long one command may take before the test is told so.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(15);

type Answer = Result<Value, String>;
type Pending = Arc<Mutex<HashMap<u64, oneshot::Sender<Answer>>>>;
type Exceptions = Arc<Mutex<HashMap<String, Vec<String>>>>;

pub(crate) struct Connection {
    outgoing: mpsc::UnboundedSender<Message>,
    pending: Pending,
    exceptions: Exceptions,
    next_id: AtomicU64,
}

impl Connection {
    pub(crate) async fn connect(url: &str) -> Result<Connection, Error> {
        let (socket, _) = tokio_tungstenite::connect_async(url).await?;
        let (mut sink, mut stream) = socket.split();
        let (outgoing, mut queue) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            while let Some(message) = queue.recv().await {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
        });
        let pending: Pending = Arc::default();
        let exceptions: Exceptions = Arc::default();
        let (answers, errors) = (pending.clone(), exceptions.clone());
        tokio::spawn(async move {
            while let Some(Ok(message)) = stream.next().await {
                if let Message::Text(text) = message {
                    dispatch(&text, &answers, &errors);
                }
            }
            // The browser went away: every caller still waiting hears so.
            answers.lock().map(|mut map| map.clear()).ok();
        });
        Ok(Connection {
            outgoing,
            pending,
            exceptions,
            next_id: AtomicU64::new(1),
        })
    }

    /// Sends one command (to the browser, or to a page's session) and waits for its result.
    pub(crate) async fn call(
        &self,
        session: Option<&str>,
        method: &str,
        params: Value,
    ) -> Result<Value, Error> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut command = json!({"id": id, "method": method, "params": params});
        if let Some(session) = session {
            command["sessionId"] = json!(session);
        }
        let (tell, answer) = oneshot::channel();
        self.pending
            .lock()
            .map_err(|_| Error::Closed)?
            .insert(id, tell);
        self.outgoing
            .send(Message::text(command.to_string()))
            .map_err(|_| Error::Closed)?;
        match tokio::time::timeout(COMMAND_TIMEOUT, answer).await {
            Err(_) => Err(Error::Timeout {
                what: method.to_string(),
                seconds: COMMAND_TIMEOUT.as_secs_f64(),
            }),
            Ok(Err(_)) => Err(Error::Closed),
            Ok(Ok(Err(message))) => Err(Error::Protocol {
                method: method.to_string(),
                message,
            }),
            Ok(Ok(Ok(result))) => Ok(result),
        }
    }

    pub(crate) fn enable_exceptions(&self, session: &str) {
        if let Ok(mut map) = self.exceptions.lock() {
            map.entry(session.to_string()).or_default();
        }
    }

    pub(crate) fn exceptions(&self, session: &str) -> Vec<String> {
        self.exceptions
            .lock()
            .ok()
            .and_then(|map| map.get(session).cloned())
            .unwrap_or_default()
    }
}

fn dispatch(text: &str, answers: &Pending, exceptions: &Exceptions) {
    let Ok(message) = serde_json::from_str::<Value>(text) else {
        return;
    };
    if let Some(id) = message.get("id").and_then(Value::as_u64) {
        let Some(tell) = answers.lock().ok().and_then(|mut map| map.remove(&id)) else {
            return;
        };
        let answer = match message.get("error") {
            Some(error) => Err(error
                .get("message")
                .and_then(Value::as_str)
                .unwrap_or("unknown error")
                .to_string()),
            None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
        };
        let _ = tell.send(answer);
    } else if message["method"] == "Runtime.exceptionThrown" {
        let session = message["sessionId"].as_str().unwrap_or_default();
        let details = &message["params"]["exceptionDetails"];
        let description = details["exception"]["description"]
            .as_str()
            .or(details["text"].as_str())
            .unwrap_or("uncaught exception");
        if let Ok(mut map) = exceptions.lock()
            && let Some(list) = map.get_mut(session)
        {
            list.push(description.to_string());
        }
    }
}
