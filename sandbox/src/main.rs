//! `lineworks-partner-sandbox`: serves the in-memory Partner API over HTTP.

use clap::Parser;
use clap::builder::TypedValueParser as _;
use lineworks_partner_sandbox::{Sandbox, Seed};
use std::net::SocketAddr;
use std::process::ExitCode;

/// A local, in-memory imitation of the LINE WORKS Partner API.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to listen on. An address other than loopback (e.g. 0.0.0.0) needs --token, or
    /// --insecure-open.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// JSON file with customers, subscriptions and options to start with.
    #[arg(long, value_name = "FILE")]
    seed: Option<std::path::PathBuf>,
    /// Start with the built-in demo data (ignored with --seed).
    #[arg(long)]
    demo: bool,
    /// Accept only this bearer token (default: any non-empty token).
    #[arg(long)]
    token: Option<String>,
    /// How a call with an expired token is answered (`POST /sandbox/tokens/expire` expires
    /// the issued ones): 401, or 403 as LINE WORKS also does; both with `UNAUTHORIZED`.
    #[arg(long, value_name = "STATUS", default_value_t = 401, value_parser = clap::builder::PossibleValuesParser::new(["401", "403"]).map(|s| s.parse::<u16>().unwrap_or(401)))]
    expired_token_status: u16,
    /// Accept any bearer token even on an address other machines can reach (--listen other
    /// than loopback without --token). Test handles such as /sandbox/reset are then open to
    /// anyone who can connect.
    #[arg(long)]
    insecure_open: bool,
    /// Per-operation rate limit, e.g. `240/min` (or just `240`).
    #[arg(long, value_name = "N/min", value_parser = parse_rate)]
    rate_limit: Option<u32>,
    /// Share of calls (0.0-1.0) answered with 503.
    #[arg(long, default_value_t = 0.0)]
    fail_rate: f64,
    /// Delay added to every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency: u64,
    /// Pin the calendar to this day (YYYY-MM-DD) instead of today's UTC date. Move it forward
    /// with `POST /sandbox/clock {"today": "YYYY-MM-DD"}`.
    #[arg(long, value_name = "DATE")]
    today: Option<chrono::NaiveDate>,
    /// Refuse body fields the spec does not declare (default: ignore them, with a
    /// `Sandbox-Warning` header and a line on stderr).
    #[arg(long)]
    strict: bool,
    /// Add made-up fields (`sandboxTestField…`) to answers wherever the reference pages are cut
    /// off inside an object, to test that a client keeps fields the spec cannot name.
    #[arg(long)]
    test_fields: bool,
    /// Length of a trial in days (an assumption: the docs give none).
    #[arg(long, default_value_t = 30)]
    trial_days: u32,
    /// Length of a trial's grace period in days (an assumption: the docs give none).
    #[arg(long, default_value_t = 30)]
    grace_days: u32,
    /// Keep the state in FILE: read at start if it exists (then --seed, --demo and --today
    /// are ignored), written atomically after every change.
    #[arg(long, value_name = "FILE")]
    state: Option<std::path::PathBuf>,
}

fn parse_rate(text: &str) -> Result<u32, String> {
    let n = text.strip_suffix("/min").unwrap_or(text);
    match n.trim().parse::<u32>() {
        Ok(n) if n > 0 => Ok(n),
        _ => Err(format!("{text:?} is not a rate such as 240/min")),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let mut builder = Sandbox::builder()
        .listen(args.listen)
        .fail_rate(args.fail_rate)
        .latency(args.latency)
        .strict(args.strict)
        .expired_token_status(args.expired_token_status)
        .test_fields(args.test_fields)
        .trial_days(args.trial_days, args.grace_days)
        .insecure_open(args.insecure_open)
        .log_warnings(true);
    match (&args.seed, args.demo) {
        (Some(path), _) => match Seed::from_file(path) {
            Ok(seed) => builder = builder.seed(seed),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        },
        (None, true) => builder = builder.seed(Seed::demo()),
        (None, false) => {}
    }
    if let Some(path) = args.state {
        builder = builder.state_file(path);
    }
    if let Some(token) = args.token {
        builder = builder.token(token);
    }
    if let Some(day) = args.today {
        builder = builder.today(day);
    }
    if let Some(n) = args.rate_limit {
        builder = builder.rate_limit_per_minute(n);
    }
    let sandbox = match builder.start().await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}", sandbox.base_url());
    eprintln!("token endpoint: {}", sandbox.token_url());
    eprintln!("sandbox {}", sandbox.access_notice());
    sandbox.serve_until_interrupted().await;
    ExitCode::SUCCESS
}
