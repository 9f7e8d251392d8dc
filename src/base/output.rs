//! Writing output files without destroying what the path points at.
//!
//! - A regular file, or a path where nothing is yet, is written atomically: a temporary
//!   file beside it, flushed to disk, then renamed over it, so a reader never sees half a
//!   document and a failed write leaves the old file as it was. The new file keeps the old
//!   one's permissions.
//! - A symbolic link is followed: the file it points to is replaced as above and the link
//!   stays a link.
//! - Anything else (a character device, a FIFO, a socket, a terminal) is written in place,
//!   as `cat > path` would: renaming a file over it would destroy the device node or leave
//!   the FIFO's reader waiting forever. Every write and flush error is returned.
//! - `-` is standard output.
//!
//! An output that is the same file as an input (same device and inode, however the path is
//! spelled) is refused by [`refuse_same_file`] before any work, since writing it would
//! replace the only copy of the input; one that cannot be written (a directory, a
//! directory that takes no new files) is found by [`check_writable`], also before any work.

use std::io::Write;
use std::path::{Path, PathBuf};

/// How many symbolic links a path may go through, as Linux's own limit (`MAXSYMLINKS`).
const MAX_LINKS: usize = 40;

/// Writes `files` (name, contents) as the directory `dir`, all or nothing: into a new
/// directory beside it, then renamed to `dir`. `dir` must not exist, or be an empty
/// directory: files already there are never replaced.
pub fn write_dir(dir: &Path, files: &[(&str, Vec<u8>)]) -> std::io::Result<()> {
    new_or_empty(dir)?;
    let name = dir
        .file_name()
        .ok_or_else(|| std::io::Error::new(std::io::ErrorKind::InvalidInput, "name a directory"))?;
    let parent = dir_of(dir);
    let tmp = parent.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let _removed = RemovedOnSignal::dir(&tmp, files.iter().map(|(name, _)| *name));
    let written = (|| {
        std::fs::create_dir(&tmp).map_err(|e| dir_beside(e, parent))?;
        for (file, bytes) in files {
            let mut f = std::fs::File::create(tmp.join(file))?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        std::fs::rename(&tmp, dir)
    })();
    if written.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
    }
    written
}

/// `Err` with what [`write_dir`] would fail on before writing a byte: `dir` is a file or a
/// directory with files in it, or its parent is missing or takes no new directories.
/// Checked before any work, as [`check_writable`] is for a file.
pub fn check_dir_writable(dir: &Path) -> std::io::Result<()> {
    new_or_empty(dir)?;
    let parent = dir_of(dir);
    takes_new_entries(parent).map_err(|e| dir_beside(e, parent))
}

/// `Ok` when `dir` does not exist or is an empty directory.
fn new_or_empty(dir: &Path) -> std::io::Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "the directory is not empty; name a new or empty directory",
                ));
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => Err(std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "it is a file; name a new or empty directory",
        )),
        Err(e) => Err(e),
    }
}

/// Why the directory beside the output could not be created, said as its parent's
/// problem, which [`beside`] does for a file: "No such file or directory" alone does not
/// say which one is missing.
fn dir_beside(e: std::io::Error, parent: &Path) -> std::io::Error {
    std::io::Error::new(
        e.kind(),
        format!(
            "cannot create a directory in {} ({}): the files are written into a new \
             directory there, then renamed to the name given, so {} must exist and take new \
             directories",
            parent.display(),
            why(&e, parent),
            parent.display()
        ),
    )
}

/// Whether `path` names standard output.
pub fn is_stdout(path: &Path) -> bool {
    path == Path::new("-")
}

/// Writes `bytes` to `path` as the module doc says.
pub fn write_output(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_output_with(path, &mut |w| w.write_all(bytes))
}

/// [`write_output`] for content that `write` produces into a buffered writer, so that a
/// large document goes to its file as it is formatted instead of first into memory.
pub fn write_output_with(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    if is_stdout(path) {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        return write(&mut out).and_then(|_| out.flush());
    }
    match target(path)? {
        Target::File(real, permissions) => write_atomic(&real, write, Some(permissions)),
        Target::InPlace => write_in_place(path, write),
        Target::New(at) => write_atomic(&at, write, None),
    }
}

/// What writing `path` does: replace a regular file (its real path and permissions),
/// write a device, FIFO or socket in place, or create a new file (where a dangling link
/// points). A directory, or a name ending in `/` that is none, is an error.
enum Target {
    File(PathBuf, std::fs::Permissions),
    InPlace,
    New(PathBuf),
}

fn target(path: &Path) -> std::io::Result<Target> {
    if path.as_os_str().as_encoded_bytes().ends_with(b"/") && !path.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "a name ending in / is a directory's, and there is none; name a file",
        ));
    }
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(Target::File(
            std::fs::canonicalize(path)?,
            meta.permissions(),
        )),
        Ok(meta) if meta.is_dir() => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is a directory; name a file in it",
        )),
        Ok(_) => Ok(Target::InPlace),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Target::New(link_target(path)?)),
        Err(e) => Err(e),
    }
}

/// `Err` with what [`write_output`] would fail on before writing a byte: `path` is a
/// directory, a name ending in `/` that is none, or a file whose directory takes no new
/// files (missing, not a directory, read-only, not this user's to write). Commands check
/// it before any work, so that a solve of minutes does not end in an output it cannot
/// write. The write itself can still fail (a full disk), and says so.
pub fn check_writable(path: &Path) -> std::io::Result<()> {
    if is_stdout(path) {
        return Ok(());
    }
    let at = match target(path)? {
        Target::InPlace => return Ok(()),
        Target::File(at, _) | Target::New(at) => at,
    };
    let dir = dir_of(&at);
    takes_new_entries(dir).map_err(|e| beside(e, dir))
}

/// `Ok` when this user may create entries in `dir` (it exists, is a directory, and is
/// writable and searchable); else the system's reason.
fn takes_new_entries(dir: &Path) -> std::io::Result<()> {
    let c = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?;
    // SAFETY: `c` is a NUL-terminated path that outlives the call, which reads nothing else.
    let r = unsafe {
        libc::faccessat(
            libc::AT_FDCWD,
            c.as_ptr(),
            libc::W_OK | libc::X_OK,
            libc::AT_EACCESS,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The directory a file is created in: its parent, or `.` for a bare name.
pub fn dir_of(path: &Path) -> &Path {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    }
}

/// Where a path that does not exist yet will be created: itself, or, for a dangling
/// symbolic link, the path at the end of its chain of links.
fn link_target(path: &Path) -> std::io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let next = std::fs::read_link(&p)?;
                p = match p.parent() {
                    Some(dir) if next.is_relative() => dir.join(next),
                    _ => next,
                };
            }
            _ => return Ok(p),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "too many levels of symbolic links",
    ))
}

/// Writes a device, FIFO or socket where it is.
fn write_in_place(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let f = std::fs::OpenOptions::new().write(true).open(path)?;
    let mut out = std::io::BufWriter::new(f);
    write(&mut out)?;
    out.flush()
}

/// Temporary file, fsync, rename. The temporary file is removed when any step fails.
fn write_atomic(
    path: &Path,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    permissions: Option<std::fs::Permissions>,
) -> std::io::Result<()> {
    let dir = dir_of(path);
    let name = path.file_name().ok_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "the output path names no file",
        )
    })?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        name.to_string_lossy(),
        std::process::id()
    ));
    let _removed = RemovedOnSignal::new(&tmp);
    let result = (|| {
        let file = Writeback::new(std::fs::File::create(&tmp).map_err(|e| beside(e, dir))?);
        let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
        write(&mut out)?;
        let f = out.into_inner().map_err(|e| e.into_error())?.file;
        f.sync_all()?;
        if let Some(p) = permissions {
            f.set_permissions(p)?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Why the file beside the output could not be created, said as the directory's problem:
/// the output itself may be writable, and the error alone ("Permission denied") would send
/// the user to the wrong place.
fn beside(e: std::io::Error, dir: &Path) -> std::io::Error {
    std::io::Error::new(
        e.kind(),
        format!(
            "cannot create a file in {} ({}): the output is written to a new file beside it, \
             then renamed over it, so its directory must take new files",
            dir.display(),
            why(&e, dir)
        ),
    )
}

/// `e` about `dir`, and, when it says a path is missing, which directory on the way is the
/// first one missing: "No such file or directory" of `/srv/out/2026/12` does not say
/// whether `/srv` is there.
fn why(e: &std::io::Error, dir: &Path) -> String {
    if e.kind() != std::io::ErrorKind::NotFound {
        return e.to_string();
    }
    match first_missing(dir) {
        Some(missing) => format!("{e}; {} does not exist", missing.display()),
        None => e.to_string(),
    }
}

/// The highest ancestor of `dir` (itself included) that does not exist, while its parent
/// does (`/srv/out` for `/srv/out/2026/12` when only `/srv` exists); `None` when `dir`
/// exists.
fn first_missing(dir: &Path) -> Option<&Path> {
    let mut missing = None;
    for at in dir.ancestors().take_while(|a| !a.as_os_str().is_empty()) {
        if std::fs::metadata(at).is_ok() {
            break;
        }
        missing = Some(at);
    }
    missing
}

/// What the signal handler removes: files, then the directory they were in, if it was
/// made for them.
struct Removal {
    files: Vec<std::ffi::CString>,
    dir: Option<std::ffi::CString>,
}

/// The temporary files and directories being written, for the signal handler to remove
/// (null slots are free). Each is leaked, never freed: a handler on another thread may
/// still be reading the previous one, and a command writes a few files. At most three are
/// written at once (`export --format lp`'s two files for HiGHS and its output).
static WRITING: [std::sync::atomic::AtomicPtr<Removal>; 4] =
    [const { std::sync::atomic::AtomicPtr::new(std::ptr::null_mut()) }; 4];

/// While it lives, SIGINT, SIGTERM and SIGHUP remove the temporary file before they end the
/// process as they would have (same signal, same exit status): Ctrl-C during the seconds a
/// large document takes to write must not leave a hidden file of hundreds of megabytes
/// beside the output, nor `export --format lp` its model files in the temporary
/// directory, nor `export csv` its directory of half the tables. The handler is installed
/// at the first file and stays: with no file being written it only does what the default
/// action does.
pub struct RemovedOnSignal(Option<usize>);

impl RemovedOnSignal {
    /// `tmp` is removed on a signal until the value is dropped (create it after this call,
    /// so that no signal comes between the two).
    pub fn new(tmp: &Path) -> RemovedOnSignal {
        RemovedOnSignal::register(Removal {
            files: c_path(tmp).into_iter().collect(),
            dir: None,
        })
    }

    /// The directory `dir`, made for `files` (names in it), removed with them.
    fn dir<'a>(dir: &Path, files: impl Iterator<Item = &'a str>) -> RemovedOnSignal {
        RemovedOnSignal::register(Removal {
            files: files.filter_map(|f| c_path(&dir.join(f))).collect(),
            dir: c_path(dir),
        })
    }

    fn register(removal: Removal) -> RemovedOnSignal {
        use std::sync::atomic::Ordering::SeqCst;
        static INSTALLED: std::sync::Once = std::sync::Once::new();
        INSTALLED.call_once(|| {
            // A signal the process ignores (`nohup`, a background job's SIGINT) stays
            // ignored: only a default action is extended.
            for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP]
                .into_iter()
                .filter(|&s| is_default(s))
            {
                // SAFETY: the action calls only unlink(2), rmdir(2) and the default
                // action's emulation, all async-signal-safe, on paths never freed.
                let _ = unsafe {
                    signal_hook::low_level::register(sig, move || {
                        for slot in &WRITING {
                            if let Some(r) = slot.load(SeqCst).as_ref() {
                                r.files.iter().for_each(|f| _ = libc::unlink(f.as_ptr()));
                                r.dir.iter().for_each(|d| _ = libc::rmdir(d.as_ptr()));
                            }
                        }
                        let _ = signal_hook::low_level::emulate_default_handler(sig);
                    })
                };
            }
        });
        let leaked: *mut Removal = Box::leak(Box::new(removal));
        let free = |slot: &std::sync::atomic::AtomicPtr<Removal>| {
            let null = std::ptr::null_mut();
            slot.compare_exchange(null, leaked, SeqCst, SeqCst).is_ok()
        };
        RemovedOnSignal(WRITING.iter().position(free))
    }
}

/// `path` for a C call (`None` with a NUL in it, which no file's path has).
fn c_path(path: &Path) -> Option<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(path.as_os_str().as_bytes()).ok()
}

/// Whether `sig`'s action is the default one (not ignored, no handler).
fn is_default(sig: libc::c_int) -> bool {
    // SAFETY: sigaction with a null new action only reads the current one into `old`,
    // a zeroed sigaction being a valid value of the type.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(sig, std::ptr::null(), &mut old) == 0 && old.sa_sigaction == libc::SIG_DFL
    }
}

impl Drop for RemovedOnSignal {
    fn drop(&mut self) {
        if let Some(i) = self.0 {
            WRITING[i].store(std::ptr::null_mut(), std::sync::atomic::Ordering::SeqCst);
        }
    }
}

/// A file being written that asks the kernel to start writing each 64 MiB to disk as soon
/// as it is written (`sync_file_range`, which does not wait), so that the final `fsync`
/// waits for the last part only: the kernel would otherwise hold a whole document of a
/// gigabyte in memory, below its dirty-page threshold, and write all of it at the `fsync`
/// (measured on 1,000,000 orders: 4 s of the 8 s that writing the 904 MB document took).
struct Writeback {
    file: std::fs::File,
    /// Bytes between two requests.
    every: u64,
    written: u64,
    /// Where the next request starts: every byte before it was requested.
    started: u64,
}

impl Writeback {
    fn new(file: std::fs::File) -> Writeback {
        Writeback::every(file, 64 << 20)
    }

    fn every(file: std::fs::File, every: u64) -> Writeback {
        Writeback {
            file,
            every,
            written: 0,
            started: 0,
        }
    }
}

impl Write for Writeback {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.written += n as u64;
        if self.written - self.started >= self.every {
            start_writeback(&self.file, self.started, self.written - self.started);
            self.started = self.written;
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Starts writing `len` bytes of `file` from `offset` to disk, without waiting. Only a
/// hint: the `fsync` that follows is what makes the file durable, so a failure is ignored.
#[cfg(target_os = "linux")]
fn start_writeback(file: &std::fs::File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // SAFETY: the descriptor is open for the call's duration (borrowed from `file`), and
    // the call reads no memory of ours.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_file: &std::fs::File, _offset: u64, _len: u64) {}

/// `Err` with a message when `output` is the same file as one of `inputs` (an output that
/// does not exist yet is no input). `-` is standard input, the same file as `output` when
/// the shell redirected it from that file (`solve - -o s.json < s.json`).
pub fn refuse_same_file(output: &Path, inputs: &[&Path]) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if is_stdout(output) {
        return Ok(());
    }
    let Ok(out) = std::fs::metadata(output) else {
        return Ok(());
    };
    for input in inputs {
        let meta = if is_stdout(input) {
            stdin_file()
        } else {
            std::fs::metadata(input).ok()
        };
        if let Some(inp) = meta {
            if (inp.dev(), inp.ino()) == (out.dev(), out.ino()) {
                let input = if is_stdout(input) {
                    "read as standard input (-)".to_string()
                } else {
                    format!("the input {}", input.display())
                };
                return Err(format!(
                    "the output {} is {input}: writing it would replace the input; \
                     choose another output path",
                    output.display(),
                ));
            }
        }
    }
    Ok(())
}

/// Standard input's metadata when it is a regular file (redirected from one): a pipe,
/// terminal or device is never an output's file, and `/dev/null` may be both.
fn stdin_file() -> Option<std::fs::Metadata> {
    use std::os::fd::AsFd;
    let fd = std::io::stdin().as_fd().try_clone_to_owned().ok()?;
    let meta = std::fs::File::from(fd).metadata().ok()?;
    meta.is_file().then_some(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Through a small buffer and a request every 1,000 bytes: the file holds every byte
    /// in order, and writeback was requested for all but the last part.
    #[test]
    fn a_file_written_with_early_writeback_holds_what_was_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.bin");
        let data: Vec<u8> = (0..25_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let file = Writeback::every(std::fs::File::create(&path).unwrap(), 1_000);
        let mut out = std::io::BufWriter::with_capacity(333, file);
        for chunk in data.chunks(97) {
            out.write_all(chunk).unwrap();
        }
        let w = out.into_inner().map_err(|e| e.into_error()).unwrap();
        assert_eq!(w.written, data.len() as u64);
        assert!(
            w.written - w.started < 1_000 + 333,
            "{} of {}",
            w.started,
            w.written
        );
        w.file.sync_all().unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), data);
    }

    #[test]
    fn a_dangling_link_is_created_at_its_target() {
        let dir = tempfile::tempdir().unwrap();
        let link = dir.path().join("out.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        write_output(&link, b"{}\n").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(
            std::fs::read(dir.path().join("real.json")).unwrap(),
            b"{}\n"
        );
    }

    #[test]
    fn a_link_loop_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a");
        std::os::unix::fs::symlink("b", &a).unwrap();
        std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
        assert!(write_output(&a, b"x").is_err());
    }
}
