//! Ctrl-C during a bulk run.

use crate::error::Exit;
use std::path::PathBuf;

/// Ctrl-C: the first stops new calls (the receiver changes), the second exits at once.
pub fn interrupts(journal: Option<PathBuf>) -> tokio::sync::watch::Receiver<bool> {
    let (tx, rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        let _ = tx.send(true);
        if tokio::signal::ctrl_c().await.is_ok() {
            // Every call that ended is in the journal already; those in flight are `started`.
            match journal {
                Some(p) => say!(
                    "interrupted again: stopped at once; calls in flight are unknown; resume with --resume {}",
                    p.display()
                ),
                None => say!("interrupted again: stopped at once"),
            }
            std::process::exit(Exit::Interrupted as i32);
        }
    });
    rx
}
