//! `mtls server --http`: reads one HTTP request head and answers with a page describing the
//! connection.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::AsyncReadExt;
use tokio::time::timeout;

use super::connection::{Tls, authenticate, close, write};
use crate::common::{Info, io_text};

/// Largest HTTP request head read.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// Reads one HTTP request head and answers with a page describing the connection; every read
/// and write within `idle`. With `ask` (post-handshake authentication), the client's
/// certificate is asked for once the request head has arrived, and the page names the
/// client it then knows.
pub(super) async fn answer(
    tls: &mut Tls<'_>,
    peer: SocketAddr,
    mut info: Info,
    ask: Option<SocketAddr>,
    idle: Duration,
) -> Result<(), String> {
    let mut head = Vec::new();
    let mut buf = vec![0u8; 4096];
    while !ends_head(&head) {
        if head.len() > MAX_REQUEST_HEAD {
            return Err("HTTP request head too long".into());
        }
        match timeout(idle, tls.read(&mut buf)).await {
            // Closed before asking anything: nothing to answer.
            Ok(Ok(0)) => return close(tls, idle).await,
            Ok(Ok(n)) => head.extend_from_slice(buf.get(..n).unwrap_or_default()),
            Err(_) => {
                let _ = close(tls, idle).await;
                return Err("no complete HTTP request arrived".into());
            }
            Ok(Err(e)) => return Err(format!("connection failed: {}", io_text(&e))),
        }
    }
    if let Some(peer) = ask {
        info.peer = authenticate(tls, peer, idle)
            .await?
            .map(|subject| format!("{subject} (asked after the handshake)"));
    }
    let text = String::from_utf8_lossy(&head);
    let request = text.lines().next().unwrap_or_default().trim().to_string();
    let body = page(peer, &info, &request);
    let mut response = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    if !request.starts_with("HEAD ") {
        response.push_str(&body);
    }
    write(tls, response.as_bytes(), idle).await?;
    close(tls, idle).await
}

fn ends_head(head: &[u8]) -> bool {
    head.windows(4).any(|w| w == b"\r\n\r\n") || head.windows(2).any(|w| w == b"\n\n")
}

fn page(peer: SocketAddr, info: &Info, request: &str) -> String {
    let none = "none";
    format!(
        "mtls server: your connection\n\
         \n\
         client address          {peer}\n\
         protocol                {}\n\
         cipher suite            {}\n\
         handshake               {}\n\
         client certificate      {}\n\
         ALPN protocol           {}\n\
         server name (SNI)       {}\n\
         extended master secret  {}\n\
         request                 {request}\n",
        crate::common::version_text(info.version),
        info.suite,
        info.full_or_resumed(),
        info.peer_or(none),
        info.alpn.as_deref().unwrap_or(none),
        info.sni.as_deref().unwrap_or(none),
        if info.ems { "yes" } else { "no" },
    )
}
