//! One target's archive: the two programs built by cargo, packed with the README into
//! `lineworks-partner-<triple>/`, as .tar.gz (or .zip for Windows), and its SHA-256 in
//! `<archive>.sha256` in the `sha256sum` format (`<hex>  <name>`), which the installers check.

use crate::dist::{BINARIES, Target, Workspace, cargo};
use std::fs::File;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Files packed beside the programs (paths in the repository).
const EXTRA: [&str; 1] = ["README.md"];

/// Builds the programs for `target` and writes its archive and checksum into `dist`.
/// `explicit`: pass `--target` to cargo (a cross build's output goes to `target/<triple>/`);
/// a host build without it reuses what `cargo build`/`cargo test` already compiled.
pub fn build(
    root: &Path,
    ws: &Workspace,
    target: Target,
    explicit: bool,
    release: bool,
    dist: &Path,
    out: &mut dyn Write,
) -> Result<(), String> {
    let mut cmd = Command::new(cargo());
    cmd.current_dir(root).args(["build", "--locked"]);
    if release {
        cmd.arg("--release");
    }
    if explicit {
        cmd.args(["--target", target.triple]);
    }
    for (package, bin) in BINARIES {
        cmd.args(["--package", package, "--bin", bin]);
    }
    let status = cmd.status().map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build failed ({status})"));
    }
    let mut bin_dir = ws.target_dir.clone();
    if explicit {
        bin_dir.push(target.triple);
    }
    bin_dir.push(if release { "release" } else { "debug" });

    let mut entries: Vec<Entry> = BINARIES
        .iter()
        .map(|(_, bin)| Entry {
            name: target.exe(bin),
            source: bin_dir.join(target.exe(bin)),
            executable: true,
        })
        .collect();
    entries.extend(EXTRA.iter().map(|f| Entry {
        name: (*f).to_owned(),
        source: root.join(f),
        executable: false,
    }));
    let archive = pack(target, &entries, dist, !release)?;
    let sum = write_checksum(&archive)?;
    let size = std::fs::metadata(&archive)
        .map_err(|e| e.to_string())?
        .len();
    writeln!(out, "{} ({} bytes, sha256 {sum})", archive.display(), size).map_err(|e| e.to_string())
}

/// A file to put into the archive.
pub struct Entry {
    /// Its name inside the archive's folder.
    pub name: String,
    pub source: PathBuf,
    pub executable: bool,
}

/// Writes `target`'s archive of `entries` into `dist` and returns its path; written under a
/// temporary name and renamed, so a failed run never leaves a partial archive behind. `fast`:
/// the quickest compression, for CI's check of ~150 MB of dev binaries.
pub fn pack(target: Target, entries: &[Entry], dist: &Path, fast: bool) -> Result<PathBuf, String> {
    std::fs::create_dir_all(dist).map_err(|e| format!("{}: {e}", dist.display()))?;
    let path = dist.join(target.archive());
    let partial = dist.join(format!(".{}.partial", target.archive()));
    let result = File::create(&partial)
        .and_then(|file| {
            if target.windows() {
                pack_zip(file, &target.folder(), entries, fast)
            } else {
                pack_tar_gz(file, &target.folder(), entries, fast)
            }
        })
        .and_then(|()| std::fs::rename(&partial, &path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(format!("{}: {e}", path.display()));
    }
    Ok(path)
}

fn mode(e: &Entry) -> u32 {
    if e.executable { 0o755 } else { 0o644 }
}

fn read(e: &Entry) -> io::Result<Vec<u8>> {
    std::fs::read(&e.source)
        .map_err(|err| io::Error::new(err.kind(), format!("{}: {err}", e.source.display())))
}

/// The archive's timestamps: `SOURCE_DATE_EPOCH` when set (reproducible builds), else now.
fn mtime() -> u64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs())
        })
}

fn level(fast: bool) -> flate2::Compression {
    if fast {
        flate2::Compression::fast()
    } else {
        flate2::Compression::best()
    }
}

fn pack_tar_gz(file: File, folder: &str, entries: &[Entry], fast: bool) -> io::Result<()> {
    let gz = flate2::write::GzEncoder::new(file, level(fast));
    let mut tar = tar::Builder::new(gz);
    let mtime = mtime();
    let mut dir = tar::Header::new_gnu();
    dir.set_entry_type(tar::EntryType::Directory);
    dir.set_mode(0o755);
    dir.set_size(0);
    dir.set_mtime(mtime);
    tar.append_data(&mut dir, format!("{folder}/"), io::empty())?;
    for e in entries {
        let bytes = read(e)?;
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(tar::EntryType::Regular);
        h.set_mode(mode(e));
        h.set_size(bytes.len() as u64);
        h.set_mtime(mtime);
        tar.append_data(&mut h, format!("{folder}/{}", e.name), bytes.as_slice())?;
    }
    let file = tar.into_inner()?.finish()?;
    file.sync_all()
}

fn pack_zip(file: File, folder: &str, entries: &[Entry], fast: bool) -> io::Result<()> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(i64::from(level(fast).level())));
    zip.add_directory(format!("{folder}/"), options.unix_permissions(0o755))
        .map_err(io::Error::other)?;
    for e in entries {
        let bytes = read(e)?;
        zip.start_file(
            format!("{folder}/{}", e.name),
            options.unix_permissions(mode(e)),
        )
        .map_err(io::Error::other)?;
        zip.write_all(&bytes)?;
    }
    zip.finish().map_err(io::Error::other)?.sync_all()
}

/// The lower-case hex SHA-256 of a file.
pub fn sha256(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    let mut buf = vec![0; 1 << 16];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            break;
        }
        ctx.update(&buf[..n]);
    }
    Ok(ctx
        .finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

/// Writes `<archive>.sha256` and returns the sum.
pub fn write_checksum(archive: &Path) -> Result<String, String> {
    let sum = sha256(archive).map_err(|e| format!("{}: {e}", archive.display()))?;
    let name = archive
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut path = archive.as_os_str().to_owned();
    path.push(".sha256");
    std::fs::write(&path, format!("{sum}  {name}\n"))
        .map_err(|e| format!("{}: {e}", Path::new(&path).display()))?;
    Ok(sum)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::TARGETS;

    fn fixture(dir: &Path) -> Vec<Entry> {
        std::fs::write(dir.join("prog"), b"#!/bin/sh\necho prog\n").unwrap();
        std::fs::write(dir.join("README.md"), b"# readme\n").unwrap();
        vec![
            Entry {
                name: "prog".into(),
                source: dir.join("prog"),
                executable: true,
            },
            Entry {
                name: "README.md".into(),
                source: dir.join("README.md"),
                executable: false,
            },
        ]
    }

    #[test]
    fn tar_gz_holds_the_folder_with_modes() {
        let tmp = crate::dist_installer::tests::temp_dir("tar");
        let target = TARGETS[0];
        let path = pack(target, &fixture(&tmp), &tmp.join("dist"), false).unwrap();
        let gz = flate2::read::GzDecoder::new(File::open(&path).unwrap());
        let mut found = Vec::new();
        for e in tar::Archive::new(gz).entries().unwrap() {
            let e = e.unwrap();
            found.push((
                e.path().unwrap().to_string_lossy().into_owned(),
                e.header().mode().unwrap(),
            ));
        }
        let folder = target.folder();
        assert_eq!(
            found,
            [
                (format!("{folder}/"), 0o755),
                (format!("{folder}/prog"), 0o755),
                (format!("{folder}/README.md"), 0o644),
            ]
        );
        let _ = std::fs::remove_dir_all(&tmp);
    }

    #[test]
    fn zip_for_windows_and_its_checksum_line() {
        let tmp = crate::dist_installer::tests::temp_dir("zip");
        let target = Target::find("x86_64-pc-windows-msvc").unwrap();
        let path = pack(target, &fixture(&tmp), &tmp.join("dist"), true).unwrap();
        assert!(path.to_string_lossy().ends_with(".zip"));
        let mut zip = zip::ZipArchive::new(File::open(&path).unwrap()).unwrap();
        let mut text = String::new();
        zip.by_name(&format!("{}/prog", target.folder()))
            .unwrap()
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(text, "#!/bin/sh\necho prog\n");
        let sum = write_checksum(&path).unwrap();
        let line = std::fs::read_to_string(
            tmp.join("dist")
                .join(format!("{}.sha256", target.archive())),
        )
        .unwrap();
        assert_eq!(line, format!("{sum}  {}\n", target.archive()));
        assert_eq!(sum.len(), 64);
        // The empty input's well-known SHA-256.
        std::fs::write(tmp.join("empty"), b"").unwrap();
        assert_eq!(
            sha256(&tmp.join("empty")).unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let _ = std::fs::remove_dir_all(&tmp);
    }

    #[test]
    fn a_missing_program_leaves_no_archive() {
        let tmp = crate::dist_installer::tests::temp_dir("missing");
        let entries = [Entry {
            name: "prog".into(),
            source: tmp.join("absent"),
            executable: true,
        }];
        let e = pack(TARGETS[0], &entries, &tmp, true).unwrap_err();
        assert!(e.contains("absent"), "{e}");
        let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
