//! A small SSE client over reqwest: frames with `id:`, `data:` and comments.

use std::pin::Pin;

use futures_util::{Stream, StreamExt};
use serde_json::Value;

use crate::support::{Chat, WAIT};

/// One SSE frame (or comment block).
#[derive(Debug, Default, Clone)]
pub struct Frame {
    pub id: Option<String>,
    pub data: Option<String>,
    pub comment: Option<String>,
}

impl Frame {
    pub fn json(&self) -> Value {
        serde_json::from_str(self.data.as_deref().expect("data")).expect("JSON data")
    }
}

type ByteStream = Pin<Box<dyn Stream<Item = reqwest::Result<axum::body::Bytes>> + Send>>;

pub struct Sse {
    stream: ByteStream,
    buf: String,
}

impl Sse {
    pub async fn open(url: &str, last_event_id: Option<&str>) -> Result<Sse, reqwest::Response> {
        let mut req = reqwest::Client::new()
            .get(url)
            .header("Accept", "text/event-stream");
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id);
        }
        let response = req.send().await.expect("send");
        if !response.status().is_success() {
            return Err(response);
        }
        Ok(Sse {
            stream: Box::pin(response.bytes_stream()),
            buf: String::new(),
        })
    }

    /// A stream of `chat` with its own token, past its first event (`conversation.setup`).
    pub async fn open_past_setup(chat: &Chat) -> Sse {
        let mut sse = Sse::open(&sse_url(chat, &chat.token, None), None)
            .await
            .expect("sse");
        sse.next_event().await.expect("setup");
        sse
    }

    /// The next frame; `None` when the server ended the body.
    pub async fn next_frame(&mut self) -> Option<Frame> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut frame = Frame::default();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        frame.id = Some(v.trim_start().to_string());
                    } else if let Some(v) = line.strip_prefix("data:") {
                        frame.data = Some(v.trim_start().to_string());
                    } else if let Some(v) = line.strip_prefix(':') {
                        frame.comment = Some(v.trim().to_string());
                    }
                }
                return Some(frame);
            }
            let chunk = tokio::time::timeout(WAIT, self.stream.next())
                .await
                .expect("SSE frame within the wait")?;
            self.buf.push_str(&String::from_utf8_lossy(&chunk.ok()?));
        }
    }

    /// The next frame with data (skips keep-alive comments).
    pub async fn next_event(&mut self) -> Option<Frame> {
        loop {
            let f = self.next_frame().await?;
            if f.data.is_some() {
                return Some(f);
            }
        }
    }

    /// Every data frame until the server ends the body.
    pub async fn drain(&mut self) -> Vec<Frame> {
        let mut out = Vec::new();
        while let Some(f) = self.next_event().await {
            out.push(f);
        }
        out
    }
}

pub fn sse_url(chat: &Chat, token: &str, after: Option<&str>) -> String {
    match after {
        Some(a) => format!("{}?token={token}&after={a}", chat.events_url),
        None => format!("{}?token={token}", chat.events_url),
    }
}
