//! The installer scripts of a release: `dist_installer.sh` (Linux, macOS) and
//! `dist_installer.ps1` (Windows) with the version and its download address filled in. Both
//! fetch this machine's archive and its `.sha256`, refuse a mismatch, and copy the programs
//! into a folder; `LINEWORKS_PARTNER_DIST` points them at a local build instead.

use crate::dist::Workspace;
use std::io::Write;
use std::path::Path;

/// The installers' names in a release, in the order of [`TEMPLATES`].
pub const FILES: [&str; 2] = [
    "lineworks-partner-installer.sh",
    "lineworks-partner-installer.ps1",
];

const TEMPLATES: [&str; 2] = [
    include_str!("dist_installer.sh"),
    include_str!("dist_installer.ps1"),
];

/// A template with the version and download address filled in.
pub fn render(template: &str, version: &str, download_url: &str) -> String {
    template
        .replace("__VERSION__", version)
        .replace("__DOWNLOAD_URL__", download_url)
}

/// Writes both installers into `dist`.
pub fn write(dist: &Path, ws: &Workspace, out: &mut dyn Write) -> Result<(), String> {
    std::fs::create_dir_all(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    for (name, template) in FILES.iter().zip(TEMPLATES) {
        let path = dist.join(name);
        let text = render(template, &ws.version, &ws.download_url());
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::Permissions::from_mode(0o755);
            std::fs::set_permissions(&path, mode)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        writeln!(out, "{}", path.display()).map_err(|e| e.to_string())?;
    }
    Ok(())
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use std::path::PathBuf;

    /// A fresh folder under the system's temporary one.
    pub fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "xtask-dist-{tag}-{}-{}",
            std::process::id(),
            fastrand_suffix()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn fastrand_suffix() -> u128 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos())
    }

    #[test]
    fn every_placeholder_is_filled() {
        for t in TEMPLATES {
            let text = render(t, "1.2.3", "https://example.test/releases/download/v1.2.3");
            assert!(!text.contains("__"), "{text}");
            assert!(text.contains("1.2.3"));
            assert!(text.contains("https://example.test/releases/download/v1.2.3"));
        }
    }

    /// The shell installer against a local folder: installs the host's programs, and
    /// refuses (installing nothing) an archive whose checksum does not match.
    #[cfg(unix)]
    #[test]
    fn the_shell_installer_checks_the_sum_and_installs() {
        use crate::dist::{BINARIES, Target};
        use crate::dist_archive::{Entry, pack, write_checksum};
        use std::process::Command;
        // The installer picks the archive from `uname`; only the release's own platforms.
        let Some(target) = crate::dist::host_triple()
            .ok()
            .and_then(|h| Target::find(&h))
        else {
            return;
        };
        let tmp = temp_dir("installer");
        let dist = tmp.join("dist");
        let entries: Vec<Entry> = BINARIES
            .iter()
            .map(|(_, bin)| {
                let source = tmp.join(bin);
                std::fs::write(&source, format!("#!/bin/sh\necho {bin} ran\n")).unwrap();
                Entry {
                    name: (*bin).to_owned(),
                    source,
                    executable: true,
                }
            })
            .collect();
        let archive = pack(target, &entries, &dist, true).unwrap();
        write_checksum(&archive).unwrap();
        let script = tmp.join("install.sh");
        std::fs::write(
            &script,
            render(TEMPLATES[0], "0.0.1", "https://invalid.test/never-used"),
        )
        .unwrap();
        let install = |into: &Path| {
            Command::new("sh")
                .arg(&script)
                .env("LINEWORKS_PARTNER_DIST", &dist)
                .env("LINEWORKS_PARTNER_INSTALL_DIR", into)
                .output()
                .unwrap()
        };

        let good = tmp.join("good");
        let out = install(&good);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for (_, bin) in BINARIES {
            let ran = Command::new(good.join(bin)).output().unwrap();
            assert_eq!(String::from_utf8_lossy(&ran.stdout), format!("{bin} ran\n"));
        }

        // One byte changed after the checksum was taken.
        let mut bytes = std::fs::read(&archive).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 0x01;
        std::fs::write(&archive, bytes).unwrap();
        let bad = tmp.join("bad");
        let out = install(&bad);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(stderr.contains("checksum mismatch"), "{stderr}");
        assert!(!bad.exists(), "nothing installed");

        // Plain http is never used.
        let out = Command::new("sh")
            .arg(&script)
            .env("LINEWORKS_PARTNER_DIST", "http://example.test/x")
            .env("LINEWORKS_PARTNER_INSTALL_DIR", &bad)
            .output()
            .unwrap();
        assert!(!out.status.success());
        assert!(String::from_utf8_lossy(&out.stderr).contains("only https://"));
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
