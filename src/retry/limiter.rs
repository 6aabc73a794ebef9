//! The optional client-side rate limit: calls per minute per operation, spread over the minute.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// Optional client-side limiter: at most N calls per minute per operation id (LINE WORKS counts
/// per operation; 240/min on paid plans, 60 on Free).
///
/// Two sliding windows: no 60-second span ever holds more than N calls, whichever window the
/// server counts in, and calls are spread over the minute (at most N/60 in any second, or one
/// per 60/N seconds below 60/min) instead of all N at once.
///
/// Why spread: a call's time waiting here counts against its retry budget
/// ([`RetryPolicy::max_elapsed`](crate::RetryPolicy::max_elapsed)). After a burst of N, the
/// next call would wait nearly a minute; if the server's window opened a little later than the
/// client's (the first request paid for a new connection), that call is refused with a 429 and
/// has no budget left to wait out the reset. Spread out, no call waits much longer than the
/// calls queued before it need, and a 429 at the edge of a window is retried.
#[derive(Clone)]
pub struct RateLimit {
    per_minute: u32,
    /// Per operation, the start times of the latest (at most N) calls, oldest first; times in
    /// the future are reservations of callers still waiting.
    slots: Arc<Mutex<HashMap<&'static str, VecDeque<Instant>>>>,
}

const WINDOW: Duration = Duration::from_secs(60);

impl RateLimit {
    /// At most `n` calls per minute for each operation (0 counts as 1).
    pub fn per_minute(n: u32) -> Self {
        Self {
            per_minute: n.max(1),
            slots: Arc::default(),
        }
    }

    /// The configured calls per minute per operation.
    pub fn limit(&self) -> u32 {
        self.per_minute
    }

    /// The short window: at most `burst` calls in any `span`, which is `burst` sixtieths of a
    /// minute's share, so that `N / burst` spans make up exactly one minute.
    fn short_window(&self) -> (usize, Duration) {
        let burst = (self.per_minute / 60).max(1);
        (burst as usize, WINDOW * burst / self.per_minute)
    }

    /// Wait until a call to `operation_id` fits in the limit, and count it. A caller dropped
    /// while waiting gives its reserved slot back.
    pub(crate) async fn acquire(&self, operation_id: &'static str) {
        let slot = {
            let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
            let window = slots.entry(operation_id).or_default();
            let now = Instant::now();
            // Calls that started a minute ago or more no longer count.
            while window.front().is_some_and(|t| *t + WINDOW <= now) {
                window.pop_front();
            }
            let n = self.per_minute as usize;
            let (burst, span) = self.short_window();
            // The deque is sorted; the k-th latest call (or reservation) frees a slot of a
            // window of k calls when that window has passed since it started. Reserving
            // before sleeping queues waiters in order.
            let freed = |k: usize, length: Duration| {
                (window.len() >= k).then(|| window[window.len() - k] + length)
            };
            let slot = [freed(n, WINDOW), freed(burst, span)]
                .into_iter()
                .flatten()
                .fold(now, Instant::max);
            window.push_back(slot);
            slot
        };
        if slot > Instant::now() {
            tracing::debug!(
                operation = operation_id,
                wait_ms = (slot - Instant::now()).as_millis() as u64,
                "client-side rate limit reached; waiting"
            );
            let reservation = Reservation {
                limit: self,
                operation_id,
                slot,
            };
            tokio::time::sleep_until(slot).await;
            std::mem::forget(reservation);
        }
    }
}

/// A slot reserved by a caller still waiting for it; dropping it (the call was cancelled)
/// gives the slot back, so a cancelled call does not delay the ones after it.
struct Reservation<'a> {
    limit: &'a RateLimit,
    operation_id: &'static str,
    slot: Instant,
}

impl Drop for Reservation<'_> {
    fn drop(&mut self) {
        let mut slots = self.limit.slots.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(window) = slots.get_mut(self.operation_id)
            && let Some(i) = window.iter().rposition(|t| *t == self.slot)
        {
            window.remove(i);
        }
    }
}

impl fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimit")
            .field("per_minute", &self.per_minute)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seconds since `start` of `count` calls to one operation made one after another.
    async fn times(limit: &RateLimit, start: Instant, count: usize) -> Vec<u64> {
        let mut seen = Vec::new();
        for _ in 0..count {
            limit.acquire("list_customers").await;
            seen.push(start.elapsed().as_secs());
        }
        seen
    }

    #[tokio::test(start_paused = true)]
    async fn calls_are_spread_over_the_minute() {
        let start = Instant::now();
        // Below 60/min: one call per 60/N s.
        let limit = RateLimit::per_minute(3);
        assert_eq!(times(&limit, start, 4).await, [0, 20, 40, 60]);
        // Other operations are counted separately.
        limit.acquire("get_customer").await;
        assert_eq!(start.elapsed(), Duration::from_secs(60));

        // 240/min: four a second; the 241st call is a minute after the first.
        let start = Instant::now();
        let limit = RateLimit::per_minute(240);
        let seen = times(&limit, start, 241).await;
        assert_eq!(&seen[..9], [0, 0, 0, 0, 1, 1, 1, 1, 2]);
        assert_eq!(seen[239..], [59, 60]);
        // Clones share the windows.
        limit.clone().acquire("list_customers").await;
        assert_eq!(start.elapsed(), Duration::from_secs(60));
    }

    #[tokio::test(start_paused = true)]
    async fn no_minute_ever_holds_more_than_the_limit() {
        // 150/min: two calls per 0.8 s; idle gaps and restarts included.
        let limit = RateLimit::per_minute(150);
        let start = Instant::now();
        let mut seen = Vec::new();
        for round in 0..3 {
            for _ in 0..200 {
                limit.acquire("op").await;
                seen.push(start.elapsed());
            }
            tokio::time::advance(Duration::from_millis(1700 * round)).await;
        }
        for (i, t) in seen.iter().enumerate() {
            let in_minute = seen[i..].iter().take_while(|u| **u < *t + WINDOW).count();
            assert!(
                in_minute <= 150,
                "{in_minute} calls in the minute from {t:?}"
            );
        }
        // And the spreading costs no throughput: 600 calls in four minutes, plus the idle gaps.
        let gaps = Duration::from_millis(1700 * 3);
        assert!(
            start.elapsed() <= WINDOW * 4 + gaps,
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_cancelled_waiter_gives_its_slot_back() {
        let limit = RateLimit::per_minute(1);
        let start = Instant::now();
        limit.acquire("op").await;
        // The second call would wait until 60 s; it is dropped at 1 s (a timeout, a cancelled task).
        let cancelled = tokio::time::timeout(Duration::from_secs(1), limit.acquire("op")).await;
        assert!(cancelled.is_err());
        limit.acquire("op").await;
        assert_eq!(
            start.elapsed(),
            Duration::from_secs(60),
            "the third call takes the slot the cancelled one had reserved, not the one after"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_waiters_are_spread_over_the_window() {
        let limit = RateLimit::per_minute(2);
        let start = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..6 {
            let limit = limit.clone();
            tasks.spawn(async move {
                limit.acquire("op").await;
                start.elapsed()
            });
        }
        let mut times = tasks.join_all().await;
        times.sort();
        let secs: Vec<u64> = times.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [0, 30, 60, 90, 120, 150]);
        assert_eq!(format!("{limit:?}"), "RateLimit { per_minute: 2, .. }");
    }
}
