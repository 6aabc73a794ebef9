//! Files that hold secrets (tokens, a client secret): replaced atomically, readable by their
//! owner only, and refused when someone else could have written them.
//!
//! Used by [`FileTokenStore`](crate::auth::FileTokenStore) and the command line's config and
//! token cache. Hidden from the docs: a helper of this workspace, not part of the SDK's surface.
//!
//! Elsewhere than Unix (Windows) no mode is set and no ACL is set or inspected: a file gets the
//! ACL its folder passes on, which under the user's profile folder (`%APPDATA%`, where the CLI
//! keeps these files) admits only the user, SYSTEM and Administrators. Replacing is still
//! atomic and a link at a private folder's place is still refused. `docs/RELEASING.md`
//! (Windows) tells why no ACL is written.

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;

/// Replaces `path` with `bytes`; see [`replace_with`].
///
/// # Errors
/// Any I/O error; `path` is then unchanged.
pub fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_with(path, |w| w.write_all(bytes))
}

/// Replaces `path` with what `fill` writes, so that at every moment `path` is either the old
/// file or the whole new one: a new file with a random name is created beside it exclusively
/// (never through a link someone planted, never an existing file), mode 0600 from the start,
/// filled, flushed to disk, renamed over `path`, and then the folder is flushed so the rename
/// survives a power cut. When `path` is a symbolic link the link is replaced, its target is
/// never written. If `fill` or any step fails, the new file is removed and `path` is untouched.
///
/// # Errors
/// What `fill` returned, or the I/O error of a step.
pub fn replace_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?;
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // Elsewhere the file inherits its folder's ACL (see the module's docs).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o600));
    }
    // Created with O_CREAT|O_EXCL under a fresh random name; removed again on any error below.
    let mut temp = builder.tempfile_in(dir)?;
    fill(temp.as_file_mut())?;
    temp.as_file_mut().flush()?;
    temp.as_file().sync_all()?;
    temp.persist(path).map_err(|e| e.error)?;
    sync_dir(dir)
}

/// Flushes a folder's entries (the rename) to disk.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// NTFS journals its metadata and a folder cannot be opened as a plain file there.
#[cfg(not(unix))]
fn sync_dir(_: &Path) -> io::Result<()> {
    Ok(())
}

/// The content of `path`, or `None` when there is no such file; refused (`PermissionDenied`,
/// the message says why) when the file is not owned by this user or others may write it, so
/// nothing someone else planted is ever used.
///
/// # Errors
/// An I/O error, or the refusal.
pub fn read(path: &Path) -> io::Result<Option<Vec<u8>>> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    // The opened file's own metadata: no swap between the check and the read.
    check_owner(&file.metadata()?)?;
    let mut bytes = Vec::new();
    io::Read::read_to_end(&mut file, &mut bytes)?;
    Ok(Some(bytes))
}

/// `Ok` when the file or folder belongs to this user and only its owner may write it.
///
/// # Errors
/// `PermissionDenied`, naming the owner or the mode.
#[cfg(unix)]
pub fn check_owner(meta: &std::fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Err(refused(format!(
            "owned by user id {}, not by this user ({me})",
            meta.uid()
        )));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(refused(format!(
            "writable by other users (mode {:04o})",
            meta.mode() & 0o7777
        )));
    }
    Ok(())
}

/// Not Unix: the owner and ACL are not inspected (a documented limitation, see the module).
#[cfg(not(unix))]
pub fn check_owner(_: &std::fs::Metadata) -> io::Result<()> {
    Ok(())
}

fn refused(why: String) -> io::Error {
    io::Error::new(io::ErrorKind::PermissionDenied, why)
}

/// What [`private_dir`] did to an existing folder.
#[derive(Debug, PartialEq, Eq)]
pub enum DirState {
    /// Created now, or already private.
    Ready,
    /// It was writable by others (mode given); it is now 0700.
    Repaired(u32),
}

/// Makes `dir` a folder only this user can use: created 0700 when missing; an existing one
/// must be a real folder (a symbolic link is refused and never followed, so nothing is changed
/// through it) owned by this user, and is set to 0700 through its own handle.
///
/// # Errors
/// `PermissionDenied` for a link, a folder of another user; other I/O errors.
pub fn private_dir(dir: &Path) -> io::Result<DirState> {
    match std::fs::symlink_metadata(dir) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut builder = std::fs::DirBuilder::new();
            builder.recursive(true);
            // Elsewhere the folder inherits its parent's ACL.
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            builder.create(dir)?;
            // Made by someone else meanwhile: check it as an existing one.
            return private_dir_existing(dir);
        }
        Err(e) => return Err(e),
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(refused("is a symbolic link; it is not followed".to_owned()));
        }
        Ok(meta) if !meta.is_dir() => {
            return Err(io::Error::new(
                io::ErrorKind::AlreadyExists,
                "exists and is not a folder",
            ));
        }
        Ok(_) => {}
    }
    private_dir_existing(dir)
}

#[cfg(unix)]
fn private_dir_existing(dir: &Path) -> io::Result<DirState> {
    use rustix::fs::{Mode, OFlags};
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    // O_NOFOLLOW: a link swapped in after the check above is refused here, not followed.
    let fd = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| match e {
        rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR => {
            refused("is a symbolic link; it is not followed".to_owned())
        }
        e => io::Error::from(e),
    })?;
    let handle = File::from(fd);
    let meta = handle.metadata()?;
    let me = rustix::process::geteuid().as_raw();
    if meta.uid() != me {
        return Err(refused(format!(
            "owned by user id {}, not by this user ({me})",
            meta.uid()
        )));
    }
    let mode = meta.mode() & 0o7777;
    if mode == 0o700 {
        return Ok(DirState::Ready);
    }
    handle.set_permissions(std::fs::Permissions::from_mode(0o700))?;
    Ok(if mode & 0o022 != 0 {
        DirState::Repaired(mode)
    } else {
        DirState::Ready
    })
}

/// Not Unix: only the link check (a junction counts as a link too); the ACL is left as it is.
#[cfg(not(unix))]
fn private_dir_existing(dir: &Path) -> io::Result<DirState> {
    if std::fs::symlink_metadata(dir)?.file_type().is_symlink() {
        return Err(refused("is a symbolic link; it is not followed".to_owned()));
    }
    Ok(DirState::Ready)
}

#[cfg(test)]
mod tests {
    use super::{read, replace, replace_with};
    use proptest::prelude::*;
    use std::io::{self, Write};
    use std::path::Path;

    /// Writes one byte at a time; after each one checks what a crash at that moment would
    /// leave at `target` (the old file, whole), and fails once `budget` bytes are written.
    struct Interrupted<'a> {
        inner: &'a mut dyn Write,
        target: &'a Path,
        old: Option<&'a [u8]>,
        budget: usize,
    }

    impl Write for Interrupted<'_> {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if buf.is_empty() {
                return Ok(0);
            }
            assert_eq!(std::fs::read(self.target).ok().as_deref(), self.old);
            if self.budget == 0 {
                return Err(io::Error::other("interrupted"));
            }
            self.budget -= 1;
            self.inner.write(&buf[..1])
        }
        fn flush(&mut self) -> io::Result<()> {
            self.inner.flush()
        }
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Cut at any byte, the file is the old one or (only when every byte got through)
        /// the new one, and no temporary file is left.
        #[test]
        fn a_write_cut_at_any_byte_leaves_the_old_or_the_new_file(
            old in proptest::option::of(proptest::collection::vec(any::<u8>(), 0..300)),
            new in proptest::collection::vec(any::<u8>(), 0..300),
            cut in 0usize..320,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("config.toml");
            if let Some(old) = &old {
                replace(&path, old).unwrap();
            }
            let result = replace_with(&path, |w| {
                let mut w = Interrupted { inner: w, target: &path, old: old.as_deref(), budget: cut };
                w.write_all(&new)
            });
            let now = std::fs::read(&path).ok();
            if cut >= new.len() {
                prop_assert!(result.is_ok());
                prop_assert_eq!(now.as_deref(), Some(&new[..]));
            } else {
                prop_assert!(result.is_err());
                prop_assert_eq!(now.as_deref(), old.as_deref());
            }
            let expected: Vec<String> = if now.is_some() { vec!["config.toml".into()] } else { vec![] };
            prop_assert_eq!(names(dir.path()), expected);
        }
    }

    #[cfg(unix)]
    #[test]
    fn new_files_are_private_and_a_link_is_replaced_not_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim");
        std::fs::write(&victim, b"untouched").unwrap();
        let path = dir.path().join("tokens.json");
        std::os::unix::fs::symlink(&victim, &path).unwrap();
        replace(&path, b"secret").unwrap();
        assert_eq!(std::fs::read(&victim).unwrap(), b"untouched");
        let meta = std::fs::symlink_metadata(&path).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        assert_eq!(read(&path).unwrap().unwrap(), b"secret");
    }

    #[cfg(unix)]
    #[test]
    fn a_file_others_can_write_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        replace(&path, b"{}").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        let e = read(&path).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied);
        assert!(e.to_string().contains("0666"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_private_folder_is_never_made_through_a_link() {
        use super::{DirState, private_dir};
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let shared = dir.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let link = dir.path().join("tokens");
        std::os::unix::fs::symlink(&shared, &link).unwrap();
        let e = private_dir(&link).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::PermissionDenied, "{e}");
        let mode = std::fs::metadata(&shared).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o1777);
        // Its own folder, open to all, is repaired; a new one is created private.
        assert_eq!(private_dir(&shared).unwrap(), DirState::Repaired(0o1777));
        let fresh = dir.path().join("a/b");
        assert_eq!(private_dir(&fresh).unwrap(), DirState::Ready);
        let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o7777;
        assert_eq!(mode, 0o700);
    }
}
