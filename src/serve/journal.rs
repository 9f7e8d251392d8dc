//! The worker's journal: one [`Change`] per line, appended and synced to disk before the
//! reply to its request is written, so that a reply the client saw is never lost. Opening
//! a journal replays it; a last line without its newline is what a crash mid-write leaves,
//! and is dropped (the request was never answered) with a warning.

use super::Change;
use crate::scenario::wire::ScenarioDoc;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: another worker is using this journal (it holds the file's lock); two workers appending to one journal would leave a history neither of them answered, so give each worker its own journal")]
    InUse { path: String },
    #[error("{path}:{line}: not a journal entry ({message}); a crash only ever damages the last line, so this journal was edited or is another file: move it aside to start afresh")]
    Damaged {
        path: String,
        line: usize,
        message: String,
    },
}

pub struct Journal {
    file: File,
    path: PathBuf,
}

/// What replaying a journal gave.
pub struct Replayed {
    /// The scenario the changes lead to (`None`: nothing was ever loaded).
    pub doc: Option<ScenarioDoc>,
    /// Entries replayed.
    pub changes: usize,
    /// The bytes of a torn last line that were dropped.
    pub torn: Option<usize>,
}

impl Journal {
    /// Opens the journal at `path` (created when absent), replays it, and cuts a torn last
    /// line off so that the next entry starts on a line of its own.
    pub fn open(path: &Path) -> Result<(Journal, Replayed), JournalError> {
        let io = |source| JournalError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(io)?;
        // Held until the journal is dropped (the process ends): one writer per journal.
        file.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => JournalError::InUse {
                path: path.display().to_string(),
            },
            std::fs::TryLockError::Error(e) => io(e),
        })?;
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(io)?;
        let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        let mut doc = None;
        let mut changes = 0;
        for (k, line) in bytes[..whole].split(|&b| b == b'\n').enumerate() {
            if line.is_empty() {
                continue;
            }
            let change: Change =
                serde_json::from_slice(line).map_err(|e| JournalError::Damaged {
                    path: path.display().to_string(),
                    line: k + 1,
                    message: e.to_string(),
                })?;
            doc = change.apply_to(doc);
            changes += 1;
        }
        let torn = (whole < bytes.len()).then(|| bytes.len() - whole);
        if torn.is_some() {
            file.set_len(whole as u64).map_err(io)?;
            file.sync_data().map_err(io)?;
        }
        file.seek(SeekFrom::End(0)).map_err(io)?;
        Ok((
            Journal {
                file,
                path: path.to_owned(),
            },
            Replayed { doc, changes, torn },
        ))
    }

    /// Appends `change` as one line and waits until the disk holds it.
    pub fn append(&mut self, change: &Change) -> Result<(), JournalError> {
        let mut line = serde_json::to_vec(change).map_err(|e| JournalError::Io {
            path: self.path.display().to_string(),
            source: std::io::Error::other(e),
        })?;
        line.push(b'\n');
        let io = |source| JournalError::Io {
            path: self.path.display().to_string(),
            source,
        };
        let before = self.file.metadata().map_err(io)?.len();
        let written = self
            .file
            .write_all(&line)
            .and_then(|_| self.file.sync_data());
        if let Err(e) = written {
            // A line written in part (disk full) would glue itself to the next entry.
            let _ = self.file.set_len(before);
            return Err(io(e));
        }
        Ok(())
    }
}
