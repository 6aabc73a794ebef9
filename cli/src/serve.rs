//! `lineworks-partner sandbox serve`: the embedded sandbox with demo data, as a server.

use crate::error::{CliError, Exit};
use lineworks_partner_sandbox::{Sandbox, Seed};

pub async fn sandbox_serve(m: &clap::ArgMatches) -> Result<(), CliError> {
    let Some(("serve", sub)) = m.subcommand() else {
        return Err(CliError::usage("sandbox: expected `serve`"));
    };
    let addr = *sub
        .get_one::<std::net::SocketAddr>("listen")
        .ok_or_else(|| CliError::flag("listen", "required"))?;
    let mut builder = Sandbox::builder()
        .listen(addr)
        .seed(Seed::demo())
        .insecure_open(sub.get_flag("insecure-open"));
    if let Some(token) = sub.get_one::<String>("token") {
        builder = builder.token(token);
    }
    let sandbox = builder.start().await.map_err(|e| {
        CliError::new(
            Exit::Network,
            format!("cannot start the sandbox on {addr}: {e}"),
        )
    })?;
    // The address on a line of its own, so a script (or a test) can take it as it is. A closed
    // stderr is no reason to stop serving.
    say!("LW_API_BASE_URL={}", reachable(&sandbox.base_url(), addr));
    // Who can connect and which tokens work, as they are (every interface is said so).
    say!("sandbox with demo data {}", sandbox.access_notice());
    say!("Ctrl-C stops it");
    sandbox.serve_until_interrupted().await;
    Ok(())
}

/// The base URL a client can use: `0.0.0.0` or `::` (every interface) is no address to connect
/// to, and the CLI rejects it, so an unspecified address is shown as the loopback one.
fn reachable(base_url: &str, addr: std::net::SocketAddr) -> String {
    if !addr.ip().is_unspecified() {
        return base_url.to_string();
    }
    let loopback = match addr {
        std::net::SocketAddr::V4(_) => std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
        std::net::SocketAddr::V6(_) => std::net::IpAddr::V6(std::net::Ipv6Addr::LOCALHOST),
    };
    match url::Url::parse(base_url) {
        Ok(mut url) => match url.set_ip_host(loopback) {
            Ok(()) => url.to_string(),
            Err(()) => base_url.to_string(),
        },
        Err(_) => base_url.to_string(),
    }
}
