//! Loopback servers that answer with hand-written bytes: a length they never send, a body
//! that breaks off or stalls, a body without end. Every one stops on its own (a cap, or the
//! client hanging up), so no test can run away.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads one request (head, and a body of its `content-length`); `None` if it never came.
pub async fn read_request(socket: &mut TcpStream) -> Option<()> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let end = loop {
        if let Some(i) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 || data.len() > 1 << 20 {
            return None;
        }
        data.extend_from_slice(&buf[..n]);
    };
    let head = String::from_utf8_lossy(&data[..end]);
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0)
        .min(1 << 20);
    let mut body = data[end..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut buf).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Some(())
}

/// Serves every connection with `answer(socket, n)` after reading its first request (`n`
/// counts requests from 0).
pub async fn raw<F, Fut>(answer: F) -> String
where
    F: Fn(TcpStream, u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let count = Arc::new(AtomicU64::new(0));
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (answer, count) = (answer.clone(), count.clone());
            tokio::spawn(async move {
                if read_request(&mut socket).await.is_some() {
                    let n = count.fetch_add(1, Ordering::SeqCst);
                    answer(socket, n).await;
                }
            });
        }
    });
    url
}

/// Writes `bytes`, ignoring a client that has gone.
pub async fn send(socket: &mut TcpStream, bytes: &[u8]) {
    let _ = socket.write_all(bytes).await;
    let _ = socket.flush().await;
}

/// 64 KiB of spaces: JSON whitespace, so a body of nothing but these is "empty" to a lenient
/// reader that reads it whole.
pub static SPACES: [u8; 64 * 1024] = [b' '; 64 * 1024];

/// A 200 whose body never ends (until the client hangs up, or after `cap` bytes, a bound for
/// the test's sake); how many bytes went out is counted in the returned counter.
pub async fn endless(cap: u64) -> (String, Arc<AtomicU64>) {
    let written = Arc::new(AtomicU64::new(0));
    let counter = written.clone();
    let url = raw(move |mut socket, _| {
        let counter = counter.clone();
        async move {
            send(
                &mut socket,
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n",
            )
            .await;
            let mut sent = 0u64;
            while sent < cap {
                if socket.write_all(&SPACES).await.is_err() {
                    break;
                }
                sent += SPACES.len() as u64;
                counter.fetch_add(SPACES.len() as u64, Ordering::Relaxed);
            }
        }
    })
    .await;
    (url, written)
}
