//! Hostile answers, property-tested: every operation's success example mutated (fields
//! dropped, nulled, retyped, huge, unknown, buried), random bytes, and hostile error bodies,
//! read by the parsers alone and through the client over loopback. Nothing may panic or hang;
//! each answer is a value or a typed error. Counts are printed for the closing note.

use crate::mutate::{self, Change, quiet};
use crate::operations::call;
use crate::support::{self, TOKEN};
use axum::http::StatusCode;
use lineworks_partner::fuzzing;
use lineworks_partner::{Client, Credentials, Error, RetryPolicy};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Each operation with a JSON success body: id, success status, the spec's example answer
/// and request body.
struct Answered {
    id: &'static str,
    status: u16,
    answer: Value,
    request: Value,
}

fn answered() -> Vec<Answered> {
    fuzzing::operations()
        .filter(|id| !support::is_deprecated(id))
        .map(|id| {
            let op = lineworks_partner::validate::operation(id).unwrap();
            let spec_op = &support::spec()["paths"][op.path][op.method.to_lowercase()];
            let (status, response) = spec_op["responses"]
                .as_object()
                .and_then(|r| r.iter().find(|(s, _)| s.starts_with('2')))
                .unwrap_or_else(|| panic!("{id}: no success response"));
            let answer = support::resolve(response)
                .pointer("/content/application~1json")
                .and_then(support::example)
                .unwrap_or_else(|| panic!("{id}: a JSON success answer without an example"));
            let request = spec_op
                .pointer("/requestBody/content/application~1json")
                .and_then(support::example)
                .unwrap_or(Value::Null);
            Answered {
                id,
                status: status.parse().unwrap_or(200),
                answer,
                request,
            }
        })
        .collect()
}

#[test]
fn every_operation_with_an_answer_body_is_in_the_parser_table() {
    let table: Vec<_> = fuzzing::operations().collect();
    let with_body = lineworks_partner::validate::operations()
        .iter()
        .filter(|op| {
            let spec_op = &support::spec()["paths"][op.path][op.method.to_lowercase()];
            spec_op["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .any(|(s, r)| {
                    s.starts_with('2')
                        && support::resolve(r)
                            .pointer("/content/application~1json")
                            .is_some()
                })
        })
        .count();
    assert_eq!(table.len(), with_body, "{table:?}");
    for a in answered() {
        let body = serde_json::to_vec(&a.answer).unwrap();
        match fuzzing::success_answer(a.id, &body) {
            Some(Ok(())) => {}
            other => panic!("{}: the spec's own example does not parse: {other:?}", a.id),
        }
    }
    println!(
        "parser table: {} operations with a JSON answer",
        table.len()
    );
}

#[test]
fn mutated_examples_parse_or_fail_with_a_serde_error() {
    // Each case applies the same changes to every operation's example.
    let answered = answered();
    let (bodies, parsed) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let mut runner = TestRunner::new(quiet(72));
    runner
        .run(&mutate::changes(), |changes| {
            for a in &answered {
                let body = mutate::to_bytes(&mutate::apply(a.answer.clone(), &changes));
                let answer = fuzzing::success_answer(a.id, &body).expect("in the table");
                bodies.fetch_add(1, Ordering::Relaxed);
                parsed.fetch_add(usize::from(answer.is_ok()), Ordering::Relaxed);
            }
            Ok(())
        })
        .unwrap();
    let (bodies, parsed) = (bodies.into_inner(), parsed.into_inner());
    println!(
        "mutated examples: {bodies} bodies, {parsed} parsed, {} serde errors",
        bodies - parsed
    );
    assert!(
        parsed > 0 && parsed < bodies,
        "the mutations reach both outcomes"
    );
}

#[test]
fn random_bytes_are_never_a_panic() {
    let mut runner = TestRunner::new(quiet(500));
    let bytes = proptest::collection::vec(proptest::num::u8::ANY, 0..512);
    runner
        .run(&bytes, |bytes| {
            for id in fuzzing::operations() {
                let _ = fuzzing::success_answer(id, &bytes);
            }
            let _ = fuzzing::error_answer(&bytes);
            Ok(())
        })
        .unwrap();
    println!("random bodies: 500, each read as every operation's answer and as an error body");
}

/// A server that answers every request with whatever status and body the test put in `next`.
pub(crate) async fn scripted() -> (String, Arc<Mutex<(u16, Vec<u8>)>>) {
    let next = Arc::new(Mutex::new((200, Vec::new())));
    let shared = next.clone();
    let app = axum::Router::new().fallback(move || {
        let shared = shared.clone();
        async move {
            let (status, body) = shared.lock().unwrap().clone();
            (
                StatusCode::from_u16(status).unwrap(),
                [("content-type", "application/json")],
                body,
            )
        }
    });
    (support::serve(app).await, next)
}

fn client(url: &str) -> Client {
    Client::builder()
        .base_url(format!("{url}/v1.0"))
        .credentials(Credentials::access_token(TOKEN))
        .retry_policy(RetryPolicy::disabled())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// `n` change lists, the same on every run (proptest's deterministic RNG).
fn sample_changes(n: usize) -> Vec<Vec<(usize, Change)>> {
    let mut runner = TestRunner::deterministic();
    let strategy = mutate::changes();
    (0..n)
        .map(|_| strategy.new_tree(&mut runner).unwrap().current())
        .collect()
}

#[tokio::test]
async fn mutated_answers_through_the_client_are_values_or_typed_errors() {
    let (url, next) = scripted().await;
    let client = client(&url);
    let samples = sample_changes(10);
    let (mut ok, mut typed) = (0, 0);
    for a in answered() {
        for (i, changes) in std::iter::once(&Vec::new()).chain(&samples).enumerate() {
            let body = mutate::to_bytes(&mutate::apply(a.answer.clone(), changes));
            *next.lock().unwrap() = (a.status, body);
            let answer =
                tokio::time::timeout(Duration::from_secs(20), call(&client, a.id, &a.request))
                    .await
                    .unwrap_or_else(|_| panic!("{}: hung on mutation {changes:?}", a.id));
            match answer {
                Ok(_) => ok += 1,
                Err(Error::UnexpectedResponse { status, detail, .. }) if i > 0 => {
                    assert_eq!(status.as_u16(), a.status);
                    assert!(
                        detail.contains("does not match the spec"),
                        "{}: {detail}",
                        a.id
                    );
                    assert!(detail.len() < 4_096, "{}: the excerpt is bounded", a.id);
                    typed += 1;
                }
                Err(e) => panic!("{} (mutation {i}): {e}", a.id),
            }
        }
    }
    println!(
        "through the client: {} answers, {ok} parsed, {typed} typed errors",
        ok + typed
    );
    assert!(ok > 0 && typed > 0);
}

#[tokio::test]
async fn hostile_error_bodies_are_typed_errors_that_name_the_call() {
    let (url, next) = scripted().await;
    let client = client(&url);
    let example = serde_json::json!({"code": "NOT_FOUND", "description": "Customer not found."});
    let statuses = [400u16, 401, 403, 404, 409, 429, 500, 503, 418];
    let mut seen = 0;
    for (n, changes) in std::iter::once(Vec::new())
        .chain(sample_changes(120))
        .enumerate()
    {
        let status = statuses[n % statuses.len()];
        let body = mutate::to_bytes(&mutate::apply(example.clone(), &changes));
        *next.lock().unwrap() = (status, body);
        let answer = tokio::time::timeout(
            Duration::from_secs(20),
            client.get_customer().domain_id(10000001).send(),
        )
        .await
        .unwrap_or_else(|_| panic!("hung on {status} {changes:?}"));
        let e = answer.expect_err("an error status is an error");
        assert_eq!(e.status().map(|s| s.as_u16()), Some(status), "{e}");
        let text = e.to_string();
        assert!(text.contains("get_customer"), "{text}");
        // Bodies are read up to 64 KiB, and excerpts are shorter still.
        assert!(text.len() < 70_000, "{} bytes", text.len());
        assert!(
            matches!(
                e,
                Error::Api(_)
                    | Error::RateLimited { .. }
                    | Error::Unauthorized { .. }
                    | Error::UnexpectedResponse { .. }
            ),
            "{e:?}"
        );
        seen += 1;
    }
    println!("hostile error bodies through the client: {seen}, every one typed");
}
