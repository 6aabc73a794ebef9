//! `--debug`: the client's tracing on stderr, one short line per event. An attempt (target
//! `lineworks_partner::attempt`) becomes `list_customers GET attempt 1: 200 in 12 ms`, a retry
//! `list_customers: retry after attempt 1 (503), waiting 180 ms`; any other event of the crate
//! (token requests, rate-limit waits, a failed call) its message and fields. The per-call span
//! is not printed: its attempts have said it all.
//!
//! The crate's events carry no secrets (its own rule); only its targets are shown, never the
//! HTTP stack's, which would show headers.

use std::fmt::Write as _;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// Installs the writers for the rest of the process: the rate-limit waits always
/// (`rate_wait.rs`), every event with `--debug`.
pub fn init(debug: bool) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let only_the_crate = || tracing_subscriber::EnvFilter::new("lineworks_partner=debug");
    tracing_subscriber::registry()
        .with(debug.then(|| Lines.with_filter(only_the_crate())))
        .with(crate::rate_wait::RateWait.with_filter(only_the_crate()))
        .init();
}

struct Lines;

impl<S: Subscriber> Layer<S> for Lines {
    fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        // Fields may quote the server (a failure, a description): one escaped line each.
        let line = fields.line(meta.target(), *meta.level());
        say!("{}", lineworks_partner::terminal::escape(&line));
    }
}

/// The fields of one event: the known ones by name, the rest in order.
#[derive(Default)]
struct Fields {
    message: String,
    operation: Option<String>,
    method: Option<String>,
    attempt: Option<String>,
    status: Option<String>,
    duration_ms: Option<String>,
    delay_ms: Option<String>,
    failure: Option<String>,
    other: Vec<(&'static str, String)>,
}

impl Fields {
    fn line(&self, target: &str, level: Level) -> String {
        let op = self.operation.as_deref().unwrap_or("?");
        let n = self.attempt.as_deref().unwrap_or("?");
        let answer = |status: &Option<String>| status.clone().unwrap_or("no answer".into());
        let mut line = if target == "lineworks_partner::attempt" {
            let method = self.method.as_deref().unwrap_or("?");
            let ms = self.duration_ms.as_deref().unwrap_or("?");
            match &self.failure {
                None => format!(
                    "{op} {method} attempt {n}: {} in {ms} ms",
                    answer(&self.status)
                ),
                Some(why) => format!("{op} {method} attempt {n}: no answer after {ms} ms ({why})"),
            }
        } else if self.message == "retrying" {
            let ms = self.delay_ms.as_deref().unwrap_or("?");
            format!(
                "{op}: retry after attempt {n} ({}), waiting {ms} ms",
                answer(&self.status)
            )
        } else {
            let mut text = self.message.clone();
            for (name, value) in self.named().chain(self.other.iter().map(|(k, v)| (*k, v))) {
                let _ = write!(text, " {name}={value}");
            }
            text
        };
        if level <= Level::WARN {
            line.insert_str(0, &format!("{}: ", level.as_str().to_lowercase()));
        }
        format!("debug: {line}")
    }

    /// The known fields that were set, for an event that is not an attempt or a retry.
    fn named(&self) -> impl Iterator<Item = (&'static str, &String)> {
        [
            ("operation_id", &self.operation),
            ("method", &self.method),
            ("attempt", &self.attempt),
            ("status", &self.status),
            ("duration_ms", &self.duration_ms),
            ("delay_ms", &self.delay_ms),
            ("failure", &self.failure),
        ]
        .into_iter()
        .filter_map(|(name, value)| value.as_ref().map(|v| (name, v)))
    }
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        self.set(field, value.to_owned());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.set(field, format!("{value:?}"));
    }
}

impl Fields {
    fn set(&mut self, field: &Field, value: String) {
        let slot = match field.name() {
            "message" => {
                self.message = value;
                return;
            }
            // The rate limiter names it `operation`.
            "operation_id" | "operation" => &mut self.operation,
            "method" => &mut self.method,
            "attempt" => &mut self.attempt,
            "status" => &mut self.status,
            "duration_ms" => &mut self.duration_ms,
            "delay_ms" => &mut self.delay_ms,
            "failure" => &mut self.failure,
            other => {
                self.other.push((other, value));
                return;
            }
        };
        *slot = Some(value);
    }
}

#[cfg(test)]
mod tests {
    use super::Fields;
    use tracing::Level;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        let mut f = Fields::default();
        for (name, value) in pairs {
            let value = value.to_string();
            match *name {
                "message" => f.message = value,
                "operation_id" => f.operation = Some(value),
                "method" => f.method = Some(value),
                "attempt" => f.attempt = Some(value),
                "status" => f.status = Some(value),
                "duration_ms" => f.duration_ms = Some(value),
                "delay_ms" => f.delay_ms = Some(value),
                "failure" => f.failure = Some(value),
                _ => unreachable!(),
            }
        }
        f
    }

    #[test]
    fn lines_read_at_a_glance() {
        let attempt = [
            ("operation_id", "get_customer"),
            ("method", "GET"),
            ("attempt", "2"),
            ("duration_ms", "12"),
        ];
        let target = "lineworks_partner::attempt";
        let mut ok = fields(&attempt);
        ok.status = Some("200".into());
        assert_eq!(
            ok.line(target, Level::DEBUG),
            "debug: get_customer GET attempt 2: 200 in 12 ms"
        );
        let mut failed = fields(&attempt);
        failed.failure = Some("connection refused".into());
        assert_eq!(
            failed.line(target, Level::DEBUG),
            "debug: get_customer GET attempt 2: no answer after 12 ms (connection refused)"
        );
        let retry = fields(&[
            ("message", "retrying"),
            ("operation_id", "get_customer"),
            ("attempt", "1"),
            ("status", "503"),
            ("delay_ms", "180"),
        ]);
        assert_eq!(
            retry.line("lineworks_partner::hooks", Level::DEBUG),
            "debug: get_customer: retry after attempt 1 (503), waiting 180 ms"
        );
        let other = fields(&[("message", "call failed"), ("failure", "x")]);
        assert_eq!(
            other.line("lineworks_partner::hooks", Level::WARN),
            "debug: warn: call failed failure=x"
        );
    }
}
