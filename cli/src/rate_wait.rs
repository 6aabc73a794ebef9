//! A 429 whose reset the client waits for is said on stderr: on the progress line when one
//! is drawn (`3/20 customers, rate limited; waiting 42 s, 2/s`), else as a line of its own
//! (`rate limited; waiting 42 s`), so a pause of a minute never looks like a hang.
//!
//! It listens to the crate's `retrying` event (status and delay, no secrets).

use indicatif::ProgressBar;
use std::sync::Mutex;
use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// The progress line being drawn, if any (`run::progress` registers it).
static BAR: Mutex<Option<ProgressBar>> = Mutex::new(None);

/// Shows the waits on `bar` from now on (a clone: it is the same line).
pub fn show_on(bar: &ProgressBar) {
    if let Ok(mut slot) = BAR.lock() {
        *slot = Some(bar.clone());
    }
}

pub struct RateWait;

#[derive(Default)]
struct Retry {
    retrying: bool,
    status: Option<u64>,
    delay_ms: Option<u64>,
}

impl Visit for Retry {
    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "status" => self.status = Some(value),
            "delay_ms" => self.delay_ms = Some(value),
            _ => {}
        }
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        if let Ok(v) = u64::try_from(value) {
            self.record_u64(field, v);
        }
    }

    fn record_str(&mut self, _: &Field, _: &str) {}

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.retrying = format!("{value:?}") == "retrying";
        }
    }
}

/// `rate limited; waiting 42 s` (whole seconds, rounded up).
pub fn text(delay_ms: u64) -> String {
    format!("rate limited; waiting {} s", delay_ms.div_ceil(1000))
}

impl<S: Subscriber> Layer<S> for RateWait {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        // Cheap for every other event of the crate: only a retry carries a delay.
        if event.metadata().fields().field("delay_ms").is_none() {
            return;
        }
        let mut retry = Retry::default();
        event.record(&mut retry);
        let (true, Some(429), Some(ms)) = (retry.retrying, retry.status, retry.delay_ms) else {
            return;
        };
        let line = text(ms);
        let bar = BAR.lock().ok().and_then(|b| b.clone());
        match bar {
            Some(bar) if !bar.is_hidden() && !bar.is_finished() => bar.set_message(line),
            _ => say!("{line}"),
        }
    }
}
