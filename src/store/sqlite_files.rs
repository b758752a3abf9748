//! The SQLite files hold sealed patient requests and staff accounts: the folder is created
//! private (0700) and the database file 0600 before SQLite first opens it. SQLite gives the
//! `-wal` and `-shm` files it creates the main file's mode, so they are 0600 too.

use std::io;
use std::path::Path;

/// Makes `database`'s folder (0700 when created here) and an empty 0600 file if none exists.
pub(super) fn prepare(database: &Path) -> io::Result<()> {
    if database.as_os_str().is_empty() || database.to_str() == Some(":memory:") {
        return Ok(());
    }
    if let Some(folder) = database.parent().filter(|p| !p.as_os_str().is_empty())
        && !folder.exists()
    {
        create_private_folder(folder)?;
    }
    create_private_file(database)
}

/// Creates `folder` (and its parents) as 0700 when missing; an existing one is left as it is.
#[cfg(unix)]
pub(crate) fn create_private_folder(folder: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(folder)
}

#[cfg(not(unix))]
pub(crate) fn create_private_folder(folder: &Path) -> io::Result<()> {
    std::fs::create_dir_all(folder)
}

#[cfg(unix)]
fn create_private_file(database: &Path) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(database)
    {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        Err(error) => Err(error),
    }
}

#[cfg(not(unix))]
fn create_private_file(_database: &Path) -> io::Result<()> {
    Ok(())
}
