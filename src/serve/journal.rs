//! The worker's journal: one [`Change`] per line, appended and synced to disk before the
//! reply to its request is written, so that a reply the client saw is never lost. Opening
//! a journal replays it; a last line without its newline that is the start of an entry,
//! and NUL bytes from there to the file's end, are what a crash mid-write leaves, and are
//! dropped (the request was never answered) with a warning. Anything else that is not a
//! journal is refused and left as it is.

use super::Change;
use crate::base::diagnostics::{Diagnostics, Severity};
use crate::base::input::{max_input_bytes, read_file, BadMaxInput, Stop, MAX_INPUT_ENV};
use crate::scenario::load::parse_scenario;
use crate::scenario::validate::validate;
use crate::scenario::wire::{DisruptionDoc, ScenarioDoc};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

/// How every entry's line begins: a [`Change`] as `serde_json` writes it (compact, the
/// variant the object's one key). A crash mid-write leaves a line cut short of its
/// newline, so a torn last line starts with one of these, or is the start of one.
const ENTRY_STARTS: [&[u8]; 3] = [br#"{"load":"#, br#"{"event":"#, br#"{"decide":"#];

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
    #[error("{path}:{line}: {why}; no worker of this version journals that, so the journal was written by another version of recourse or edited: move it aside to start afresh, or replay it with the version that wrote it")]
    Refused {
        path: String,
        line: usize,
        why: String,
    },
    #[error("{path} is {kind}, not a regular file: a journal is a file the worker reads back and appends to; name a file for --journal (one that does not exist is created)")]
    NotAFile { path: String, kind: &'static str },
    #[error("{path}: {why}, so it does not look like a recourse journal (lines of JSON, each one entry a worker wrote); it is left as it is: name another file for --journal (one that does not exist is created), or move this one aside")]
    NotAJournal { path: String, why: String },
    #[error("{path} is larger than {cap} bytes, the most recourse reads; raise the limit with {MAX_INPUT_ENV} (e.g. 2G) if this machine has the memory; a worker started so can then carry its `state` over to a worker on a new journal (`load` it there)")]
    TooLarge { path: String, cap: u64 },
    #[error("{path}: cannot create the journal in {dir} ({source}): a journal that does not exist is created, its directory is not; name a file in an existing directory")]
    NoDirectory {
        path: String,
        dir: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: this change would take the journal to {would} bytes, past the {cap} recourse reads ({MAX_INPUT_ENV}), and no worker could replay it, so the change was refused; carry the state over to a new journal (read `state` from this worker, start a worker on a new file and `load` it there), or raise the limit for every worker started on this journal")]
    Full { path: String, would: u64, cap: u64 },
    #[error("{path} is no longer the journal this worker opened (it was moved, deleted or replaced since the worker started), so no restart would replay what is appended now: changes are refused; restart the worker on the journal to keep")]
    Moved { path: String },
    #[error(transparent)]
    Cap(#[from] BadMaxInput),
}

/// What `path` is, when it is there and not a regular file (a symbolic link is followed).
fn not_a_file(meta: &std::fs::Metadata) -> Option<&'static str> {
    let t = meta.file_type();
    if t.is_file() {
        None
    } else if t.is_dir() {
        Some("a directory")
    } else if t.is_fifo() {
        Some("a FIFO")
    } else if t.is_char_device() {
        Some("a character device")
    } else if t.is_block_device() {
        Some("a block device")
    } else if t.is_socket() {
        Some("a socket")
    } else {
        Some("not a regular file")
    }
}

/// The bytes of the journal `file` (of `size` bytes when opened), read as every input is
/// ([`read_file`]): past the input cap it is refused before any of it is read. A NUL byte
/// is refused too, unless NUL bytes fill the file from it to its end, as a crash leaves
/// the blocks of an append the disk never wrote (the file's length grew, its data did
/// not): then the bytes before it, and the file's length.
fn read_all(file: &mut File, size: u64, path: &Path) -> Result<(Vec<u8>, u64), JournalError> {
    let name = || path.display().to_string();
    let io = |source| JournalError::Io {
        path: name(),
        source,
    };
    let cap = max_input_bytes()?;
    if size > cap {
        return Err(JournalError::TooLarge { path: name(), cap });
    }
    let mut bytes = Vec::new();
    match read_file(file, cap, &mut bytes).map_err(io)? {
        Stop::End => {
            let len = bytes.len() as u64;
            Ok((bytes, len))
        }
        Stop::TooLarge => Err(JournalError::TooLarge { path: name(), cap }),
        Stop::Nul(at) => {
            // The rest of the file, NUL bytes only, read a block at a time.
            let nul = || JournalError::NotAJournal {
                path: name(),
                why: format!("it has a NUL byte at offset {at}"),
            };
            if bytes[at as usize..].iter().any(|&b| b != 0) {
                return Err(nul());
            }
            let mut len = bytes.len() as u64;
            let mut block = vec![0u8; 1 << 16];
            loop {
                let n = match std::io::Read::read(file, &mut block) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) => return Err(io(e)),
                };
                len += n as u64;
                if len > cap {
                    return Err(JournalError::TooLarge { path: name(), cap });
                }
                if block[..n].iter().any(|&b| b != 0) {
                    return Err(nul());
                }
            }
            bytes.truncate(at as usize);
            Ok((bytes, len))
        }
    }
}

/// The scenario the entries of `whole` (whole lines) lead to, and how many there are. An
/// entry its request would have refused, or one that changes no scenario (an `event` or a
/// `decide` before any `load`), is no worker's doing: refused, naming its line.
fn replay(whole: &[u8], path: &Path) -> Result<(Option<ScenarioDoc>, usize), JournalError> {
    let name = || path.display().to_string();
    let mut doc = None;
    let mut changes = 0;
    // The line of the `load` or `decide` the scenario in `doc` comes from.
    let mut since = 0;
    for (k, line) in whole.split(|&b| b == b'\n').enumerate() {
        if line.is_empty() {
            continue;
        }
        let refused = |why: String| JournalError::Refused {
            path: name(),
            line: k + 1,
            why,
        };
        let change = replay_entry(line).map_err(|e| match e {
            Unread::Damaged(message) => JournalError::Damaged {
                path: name(),
                line: k + 1,
                message,
            },
            Unread::Refused(why) => refused(why),
        })?;
        match (&change, &doc) {
            (Change::Event(_), None) => {
                return Err(refused("an `event` before any `load`".into()));
            }
            (Change::Decide(_), None) => {
                return Err(refused("a `decide` before any `load`".into()));
            }
            // The state this change replaces was a worker's state: it validated then.
            // The last state is validated by whoever makes it the worker's.
            (Change::Load(_) | Change::Decide(_), Some(before)) => {
                if let Err(d) = validate(before) {
                    return Err(JournalError::Refused {
                            path: name(),
                            line: since,
                            why: format!(
                                "the scenario of this entry, with the events after it up to line {k}, does not validate ({})",
                                first_error(&d)
                            ),
                        });
                }
            }
            (Change::Event(_), Some(_)) | (Change::Load(_), None) => {}
        }
        if !matches!(change, Change::Event(_)) {
            since = k + 1;
        }
        doc = change.apply_to(doc);
        changes += 1;
    }
    Ok((doc, changes))
}

/// A journal line as written: which change, its content still JSON text.
#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum Entry<'a> {
    #[serde(borrow)]
    Load(&'a RawValue),
    #[serde(borrow)]
    Event(&'a RawValue),
    #[serde(borrow)]
    Decide(&'a RawValue),
}

/// Why a journal line is not replayed.
enum Unread {
    /// Not an entry at all.
    Damaged(String),
    /// An entry whose content its request would have refused.
    Refused(String),
}

/// A journal line as the change it records, its scenario read as `load` reads one
/// (`parse_scenario`: the format first, then every field), so that a journal entry passes
/// exactly the checks its request passed before it was journaled.
fn replay_entry(line: &[u8]) -> Result<Change, Unread> {
    let entry: Entry =
        crate::base::by_name::from_slice(line).map_err(|e| Unread::Damaged(e.to_string()))?;
    let scenario = |raw: &RawValue, what: &str| {
        parse_scenario(raw.get().as_bytes())
            .map(|(doc, _)| Box::new(doc))
            .map_err(|d| {
                Unread::Refused(format!(
                    "the scenario of this `{what}` is not one `load` accepts ({})",
                    first_error(&d)
                ))
            })
    };
    match entry {
        Entry::Load(raw) => Ok(Change::Load(scenario(raw, "load")?)),
        Entry::Decide(raw) => Ok(Change::Decide(scenario(raw, "decide")?)),
        // An entry all the same: a disruption this version does not know (a kind or a field
        // of a later version) is refused as a scenario of another format is, not called
        // damage, which would send the reader to throw the journal away.
        Entry::Event(raw) => crate::base::by_name::from_str::<Vec<DisruptionDoc>>(raw.get())
            .map(Change::Event)
            .map_err(|e| {
                Unread::Refused(format!(
                    "the disruptions of this `event` are not ones `event` accepts ({e})"
                ))
            }),
    }
}

/// The first error of `d`, with its path: what a one-line refusal names.
fn first_error(d: &Diagnostics) -> String {
    match d.items.iter().find(|x| x.severity == Severity::Error) {
        Some(x) if x.path.is_empty() => x.message.clone(),
        Some(x) => format!("{}: {}", x.path, x.message),
        None => "no error named".into(),
    }
}

/// Whether `tail`, a last line without its newline, is what a crash mid-write leaves.
fn torn_entry(tail: &[u8]) -> bool {
    ENTRY_STARTS
        .iter()
        .any(|start| tail.starts_with(start) || start.starts_with(tail))
}

/// Why the journal at `path` could not be opened (created when absent). "No such file or
/// directory" of a file that is created when absent means its directory is missing: said so.
fn not_opened(path: &Path, e: std::io::Error) -> JournalError {
    let path_name = path.display().to_string();
    if e.kind() != std::io::ErrorKind::NotFound {
        return JournalError::Io {
            path: path_name,
            source: e,
        };
    }
    JournalError::NoDirectory {
        path: path_name,
        dir: crate::base::output::dir_of(path).display().to_string(),
        source: e,
    }
}

pub struct Journal {
    file: File,
    path: PathBuf,
    /// The input cap: a journal past it is refused at start ([`JournalError::TooLarge`]),
    /// so no change is appended that would take it there.
    cap: u64,
}

/// What replaying a journal gave.
pub struct Replayed {
    /// The scenario the changes lead to (`None`: nothing was ever loaded).
    pub doc: Option<ScenarioDoc>,
    /// Entries replayed.
    pub changes: usize,
    /// The bytes of a torn last line that were dropped (with the NUL bytes after it).
    pub torn: Option<u64>,
}

impl Journal {
    /// Opens the journal at `path` (created when absent), replays it, and cuts a torn last
    /// line off so that the next entry starts on a line of its own. A path that is not a
    /// regular file, or a file that is not a journal, is refused and left as it is.
    pub fn open(path: &Path) -> Result<(Journal, Replayed), JournalError> {
        let name = || path.display().to_string();
        let io = |source| JournalError::Io {
            path: name(),
            source,
        };
        let refuse_kind = |meta: &std::fs::Metadata| match not_a_file(meta) {
            Some(kind) => Err(JournalError::NotAFile { path: name(), kind }),
            None => Ok(()),
        };
        // Before opening: opening a FIFO or a device can block or act on it.
        match std::fs::metadata(path) {
            Ok(meta) => refuse_kind(&meta)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)
            .map_err(|e| not_opened(path, e))?;
        // Held until the journal is dropped (the process ends): one writer per journal.
        file.try_lock().map_err(|e| match e {
            std::fs::TryLockError::WouldBlock => JournalError::InUse { path: name() },
            std::fs::TryLockError::Error(e) => io(e),
        })?;
        // Again on what was opened: the path may have been replaced in between.
        let meta = file.metadata().map_err(io)?;
        refuse_kind(&meta)?;
        let (bytes, len) = read_all(&mut file, meta.len(), path)?;
        let whole = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
        if len > bytes.len() as u64 && bytes.is_empty() {
            // NUL bytes alone are no journal's torn append: at least its start is there.
            return Err(JournalError::NotAJournal {
                path: name(),
                why: "it has a NUL byte at offset 0".to_owned(),
            });
        }
        let (doc, changes) = replay(&bytes[..whole], path)?;
        let tail = &bytes[whole..];
        // The torn line with the NUL bytes after it: all from the last whole line's end.
        let torn = (len > whole as u64).then_some(len - whole as u64);
        if torn.is_some() {
            if !tail.is_empty() && !torn_entry(tail) {
                return Err(JournalError::NotAJournal {
                    path: name(),
                    why: format!(
                        "its last line ({} bytes, without a newline) is not the start of an entry, as a crash mid-write leaves one",
                        len - whole as u64
                    ),
                });
            }
            file.set_len(whole as u64).map_err(io)?;
            file.sync_data().map_err(io)?;
        }
        file.seek(SeekFrom::End(0)).map_err(io)?;
        Ok((
            Journal {
                file,
                path: path.to_owned(),
                cap: max_input_bytes()?,
            },
            Replayed { doc, changes, torn },
        ))
    }

    /// The open journal's metadata, once its path is seen to name it still: a journal
    /// moved aside, deleted or replaced while the worker runs would take changes that no
    /// worker started on the path replays (and its lock no longer keeps a second worker off
    /// the path), so every change it was told of after that would be lost.
    fn still_at_path(&self) -> Result<std::fs::Metadata, JournalError> {
        use std::os::unix::fs::MetadataExt;
        let name = || self.path.display().to_string();
        let io = |source| JournalError::Io {
            path: name(),
            source,
        };
        let open = self.file.metadata().map_err(io)?;
        match std::fs::metadata(&self.path) {
            Ok(m) if m.dev() == open.dev() && m.ino() == open.ino() => Ok(open),
            Ok(_) => Err(JournalError::Moved { path: name() }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(JournalError::Moved { path: name() })
            }
            Err(e) => Err(io(e)),
        }
    }

    /// Appends `change` as one line and waits until the disk holds it; refused, with
    /// nothing written, when the journal's path names another file now, or when the line
    /// would take the journal past the input cap.
    pub fn append(&mut self, change: &Change) -> Result<(), JournalError> {
        let mut line = serde_json::to_vec(change).map_err(|e| JournalError::Io {
            path: self.path.display().to_string(),
            source: std::io::Error::other(e),
        })?;
        line.push(b'\n');
        let before = self.still_at_path()?.len();
        let would = before + line.len() as u64;
        if would > self.cap {
            // Acknowledged, it would be lost: a worker restarted on the journal refuses it.
            return Err(JournalError::Full {
                path: self.path.display().to_string(),
                would,
                cap: self.cap,
            });
        }
        let io = |source| JournalError::Io {
            path: self.path.display().to_string(),
            source,
        };
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A torn line is recognised by how the entries begin, so every kind of entry must
    /// begin as [`ENTRY_STARTS`] says.
    #[test]
    fn every_entry_starts_as_a_torn_line_is_recognised() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/datasets/tiny/demo-eu.json");
        let doc: ScenarioDoc = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
        let entries = [
            Change::Load(Box::new(doc.clone())),
            Change::Event(doc.disruptions.clone()),
            Change::Decide(Box::new(doc)),
        ];
        for (change, start) in entries.iter().zip(ENTRY_STARTS) {
            let line = serde_json::to_vec(change).unwrap();
            assert!(
                line.starts_with(start),
                "{}",
                String::from_utf8_lossy(&line)
            );
            for cut in 0..line.len() {
                assert!(torn_entry(&line[..cut + 1]));
            }
        }
        for other in [
            &b"important notes"[..],
            b"{\"format\":",
            b" {\"load\":",
            b"{\"loaded\":",
        ] {
            assert!(!torn_entry(other), "{}", String::from_utf8_lossy(other));
        }
    }
}
