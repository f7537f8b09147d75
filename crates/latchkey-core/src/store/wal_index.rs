//! A look at whether any connection may have committed since the last look,
//! without a read transaction: the WAL-index header at the start of the
//! database's `-shm` file (<https://sqlite.org/walformat.html>, "The WAL-Index
//! Header"). Every commit rewrites it (its change counter, frame count and
//! checksums), after the commit's frames are in the WAL and before readers
//! can see them; checkpoint restarts rewrite it too. So an unchanged header
//! means nothing was committed; a changed or unreadable one means "look".
//!
//! It is only a hint in front of `PRAGMA data_version`: any doubt (no
//! `-shm` file, a short read, a header read while a writer was rewriting it)
//! shows as a change, and the caller makes the full check.

use std::fs::File;
use std::path::{Path, PathBuf};

/// The two copies of the header SQLite keeps (48 bytes each).
const HEADER_BYTES: usize = 96;

pub(super) type Header = [u8; HEADER_BYTES];

pub(super) struct WalIndex {
    path: PathBuf,
    file: Option<File>,
}

impl WalIndex {
    /// The WAL index of the database at `database`; opened on first read.
    pub fn of(database: &Path) -> Self {
        let mut path = database.as_os_str().to_owned();
        path.push("-shm");
        Self {
            path: PathBuf::from(path),
            file: None,
        }
    }

    /// The header as it is now; `None` when it cannot be read, which callers
    /// treat as "may have changed".
    pub fn header(&mut self) -> Option<Header> {
        if self.file.is_none() {
            self.file = File::open(&self.path).ok();
        }
        let mut header = [0u8; HEADER_BYTES];
        match read_start(self.file.as_ref()?, &mut header) {
            Ok(()) => Some(header),
            Err(_) => {
                // Reopened next time: the file may have been replaced.
                self.file = None;
                None
            }
        }
    }
}

#[cfg(unix)]
fn read_start(file: &File, buf: &mut [u8]) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, 0)
}

#[cfg(windows)]
fn read_start(file: &File, buf: &mut [u8]) -> std::io::Result<()> {
    let read = std::os::windows::fs::FileExt::seek_read(file, buf, 0)?;
    if read == buf.len() {
        Ok(())
    } else {
        Err(std::io::ErrorKind::UnexpectedEof.into())
    }
}

#[cfg(not(any(unix, windows)))]
fn read_start(_file: &File, _buf: &mut [u8]) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn database() -> (tempfile::TempDir, PathBuf, Connection) {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("db.sqlite");
        let conn = Connection::open(&path).unwrap();
        conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
            .unwrap();
        conn.execute_batch("CREATE TABLE t (v INTEGER)").unwrap();
        (tmp, path, conn)
    }

    #[test]
    fn the_header_stays_put_without_commits_and_moves_with_each() {
        let (_tmp, path, writer) = database();
        let reader = Connection::open(&path).unwrap();
        let mut wal = WalIndex::of(&path);
        let first = wal.header().expect("the -shm file exists in WAL mode");
        // Reads, by any connection, are not commits.
        for _ in 0..3 {
            reader
                .query_row("SELECT count(*) FROM t", [], |_| Ok(()))
                .unwrap();
            assert_eq!(wal.header(), Some(first));
        }
        let mut last = first;
        for v in 0..20 {
            writer.execute("INSERT INTO t VALUES (?1)", [v]).unwrap();
            let now = wal.header().unwrap();
            assert_ne!(now, last, "commit {v} left the header as it was");
            last = now;
        }
        // A checkpoint that restarts the WAL, then a commit into the new one.
        writer
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        let after_checkpoint = wal.header().unwrap();
        writer.execute("INSERT INTO t VALUES (99)", []).unwrap();
        assert_ne!(wal.header().unwrap(), after_checkpoint);
    }

    #[test]
    fn without_a_wal_index_there_is_no_header() {
        let tmp = tempfile::tempdir().unwrap();
        let mut wal = WalIndex::of(&tmp.path().join("missing.sqlite"));
        assert_eq!(wal.header(), None);
    }
}
