//! `recourse serve`: the persistent worker over stdio. JSON-RPC 2.0, one message per line;
//! stdout carries protocol messages only, stderr the logs. The methods are in
//! `recourse::serve`; this file reads lines, journals changes, writes replies.

use recourse::base::diagnostics::DiagnosticsDoc;
use recourse::base::exit;
use recourse::base::input::{max_input_bytes, MAX_INPUT_ENV};
use recourse::optimize::highs::{Snapshot, Watch, Watcher};
use recourse::serve::journal::Journal;
use recourse::serve::rpc::{self, Id, Incoming, RpcError, INVALID_REQUEST};
use recourse::serve::{State, Worker, SEE_DIAGNOSTICS};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Serve requests over stdin/stdout: a persistent worker that services start once.
#[derive(clap::Args)]
#[command(after_help = "\
Examples:
  recourse serve --journal state.journal
  python3 examples/client.py datasets/tiny/demo-eu.json   # starts `recourse serve` from the PATH
  printf '%s\\n' '{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\"}' | recourse serve

JSON-RPC 2.0, one message per line (UTF-8, no embedded newlines), as MCP's stdio transport
frames them. Methods: initialize, load {scenario}, event {disruptions}, risk, solve
{time_limit?, gap?, scope?, warm?}, decide {approve, reject, solve?}, state, shutdown
(README, \"A persistent worker\"). A solve without a plan is a result, not an error: read its
solve.status (infeasible, no_solution). While a solve runs, $/progress notifications report
it; a $/cancelRequest {id} notification stops it (it then answers with its best checked
plan, or error -32800 without one). With --journal, load, event and decide are appended to
FILE and synced to disk before their reply; a worker started on an existing journal replays
it (a torn last line, from a crash mid-write, is dropped with a warning). EOF on stdin ends
the worker once every request read before it is answered, exit 0; SIGTERM ends it after
the current reply, and stops a running solve as a cancel does first (also one sent as a
notification). Requests read ahead while one runs are held up to 64 MiB (less under a
lower input cap) and 1,024 lines; past that the worker stops reading stdin, so a cancel is
heard once what was sent before it fits. A notification (no id) is carried out and not
answered; what goes wrong with one is written to stderr. Exit 2: the journal cannot be
read, is not a regular file, is damaged or not a journal (it is then left as it is), or
another worker is using it.")]
pub struct Args {
    /// Journal of state-changing requests: replayed at start, appended (and synced) before each reply.
    #[arg(long)]
    pub journal: Option<PathBuf>,
}

/// What the reading thread hands over: each line parsed once, there.
enum Read {
    Message(Result<Incoming, (Id, RpcError)>),
    TooLarge(u64),
    NotUtf8,
    End,
}

/// What `$/cancelRequest` and SIGTERM may stop: the solve running now, or a request read
/// but not started yet (a client may cancel right after sending, before the worker gets
/// to it).
#[derive(Default)]
struct Cancels {
    /// The running solve: its id (none for a notification, which only SIGTERM stops).
    running: Option<(Option<Id>, Watcher)>,
    /// SIGTERM came: a solve that starts now starts stopped. Set under the same lock that
    /// registers a solve, so that a signal between the loop's check and the solve's start
    /// still stops it.
    terminating: bool,
    /// Ids of requests read and not started, in order, each with whether a cancel came for
    /// it already (its solve then starts stopped).
    queued: Vec<(Id, bool)>,
}

type Running = Arc<Mutex<Cancels>>;

/// Writes whole lines to stdout, one writer at a time (progress comes from solver threads).
#[derive(Clone)]
struct Out(Arc<Mutex<(std::io::Stdout, bool)>>);

impl Out {
    /// False once stdout is gone (the client closed it, or it cannot be written); the first
    /// failure is logged with its cause, so an operator can tell why the worker stopped.
    fn line(&self, text: &str) -> bool {
        let Ok(mut guard) = self.0.lock() else {
            return false;
        };
        let (out, gone) = &mut *guard;
        if *gone {
            return false;
        }
        let written = out
            .write_all(text.as_bytes())
            .and_then(|_| out.write_all(b"\n"))
            .and_then(|_| out.flush());
        if let Err(e) = written {
            *gone = true;
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                note!("recourse serve: stdout is closed (the client stopped reading); stopping");
            } else {
                note!("recourse serve: cannot write to stdout ({e}); stopping");
            }
            return false;
        }
        true
    }
}

pub fn run(args: Args) -> i32 {
    let (mut journal, state) = match &args.journal {
        None => (None, None),
        Some(path) => match open_journal(path) {
            Ok((j, s)) => (Some(j), s),
            Err(code) => return code,
        },
    };
    let mut worker = Worker::with_state(state);
    let term = Arc::new(AtomicBool::new(false));
    let out = Out(Arc::new(Mutex::new((std::io::stdout(), false))));
    let running: Running = Arc::new(Mutex::new(Cancels::default()));
    if let Err(e) = watch_sigterm(running.clone(), term.clone()) {
        note!("recourse serve: cannot watch SIGTERM: {e}");
    }
    // `Command::run` refused a cap that is not a size before any command started.
    let Ok(max) = max_input_bytes().map_err(|e| note!("error: {e}")) else {
        return exit::BAD_INPUT;
    };
    let inbox = spawn_reader(running.clone(), max);
    note!("recourse serve: ready (JSON-RPC 2.0, one message per line)");
    loop {
        // Checked again once a line is read: after SIGTERM no request is started.
        if term.load(Ordering::SeqCst) {
            return exit::SUCCESS;
        }
        let read = inbox.next(Duration::from_millis(100));
        if term.load(Ordering::SeqCst) {
            return exit::SUCCESS;
        }
        let message = match read {
            Ok(Read::Message(m)) => m,
            Ok(unreadable @ (Read::TooLarge(_) | Read::NotUtf8)) => {
                if !out.line(&rpc::response(&Id::null(), Err(refusal(&unreadable, max)))) {
                    return exit::SUCCESS;
                }
                continue;
            }
            Ok(Read::End) | Err(RecvTimeoutError::Disconnected) => {
                note!("recourse serve: end of input, stopping");
                return exit::SUCCESS;
            }
            Err(RecvTimeoutError::Timeout) => continue,
        };
        let (id, method, params) = match message {
            Ok(Incoming::Request { id, method, params }) => (Some(id), method, params),
            // $/cancelRequest was handled by the reader; other `$/` notifications are
            // optional ones this worker does not know (LSP's convention), and dropped.
            Ok(Incoming::Notification { method, .. }) if method.starts_with("$/") => continue,
            Ok(Incoming::Notification { method, params }) => (None, method, params),
            Err((id, e)) => {
                if !out.line(&rpc::response(&id, Err(e))) {
                    return exit::SUCCESS;
                }
                continue;
            }
        };
        let reply = handle(
            &mut worker,
            &mut journal,
            &out,
            &running,
            id.as_ref(),
            &method,
            &params,
        );
        let done = method == "shutdown" && reply.is_ok();
        if !answer(&out, id.as_ref(), &method, reply) {
            return exit::SUCCESS;
        }
        if done {
            note!("recourse serve: shutdown");
            return exit::SUCCESS;
        }
    }
}

/// Writes the reply to a request; false once stdout is gone. A notification is carried
/// out and never answered (JSON-RPC 2.0, section 4.1): what went wrong goes to the log.
fn answer(
    out: &Out,
    id: Option<&Id>,
    method: &str,
    reply: Result<Box<serde_json::value::RawValue>, RpcError>,
) -> bool {
    match (id, reply) {
        (Some(id), reply) => out.line(&rpc::response(id, reply)),
        (None, Err(e)) => {
            // No reply carries `data.diagnostics` to a notification's sender: the log is
            // where each problem, its path and its hint can be read, below the message.
            let diagnostics = e.data.as_ref().and_then(|d| d.get("diagnostics"));
            let doc = diagnostics.and_then(|d| DiagnosticsDoc::deserialize(d).ok());
            let message = match &doc {
                Some(_) => e.message.replace(SEE_DIAGNOSTICS, ":"),
                None => e.message.clone(),
            };
            note!(
                "recourse serve: notification \"{method}\" not carried out ({}): {message}",
                e.code
            );
            for d in doc.iter().flat_map(|doc| &doc.diagnostics) {
                note!("{d}");
            }
            true
        }
        (None, Ok(_)) => true,
    }
}

/// The answer to a line that cannot be read as a request.
fn refusal(read: &Read, max: u64) -> RpcError {
    match read {
        Read::TooLarge(n) => RpcError::new(
            INVALID_REQUEST,
            format!("a request of {n} bytes is over the {max} this worker reads ({MAX_INPUT_ENV})"),
            None,
        ),
        _ => RpcError::new(rpc::PARSE_ERROR, "the line is not UTF-8".into(), None),
    }
}

/// What `$/progress` says about a solve.
#[derive(Serialize)]
struct Progress<'a> {
    id: &'a Id,
    elapsed: f64,
    incumbent: Option<f64>,
    bound: Option<f64>,
    gap: Option<f64>,
}

/// One request (`id`: none for a notification): prepared, journaled when it changes the
/// state, committed.
fn handle(
    worker: &mut Worker,
    journal: &mut Option<Journal>,
    out: &Out,
    running: &Running,
    id: Option<&Id>,
    method: &str,
    params: &serde_json::value::RawValue,
) -> Result<Box<serde_json::value::RawValue>, RpcError> {
    // A solve asked for by a notification reports no progress (there is no id to report
    // it under) and no `$/cancelRequest` can name it; SIGTERM stops it all the same.
    let watch = (method == "solve").then(|| {
        let Some(id) = id else {
            return Watch::watcher(|_| {});
        };
        let (out, id, start) = (out.clone(), id.clone(), Instant::now());
        let stop = running.clone();
        Watch::watcher(move |s: Snapshot| {
            let s = s.of_a_plan();
            let p = Progress {
                id: &id,
                elapsed: start.elapsed().as_secs_f64(),
                incumbent: s.incumbent,
                bound: s.bound,
                gap: s.gap,
            };
            // Nobody reads the answer once stdout is gone: the solve stops here, its reply
            // fails to be written, and the worker ends, instead of solving to its limit.
            if !out.line(&rpc::notification("$/progress", &p)) {
                if let Some((_, running)) =
                    stop.lock().ok().as_ref().and_then(|r| r.running.as_ref())
                {
                    // `Out::line` said why, once.
                    running.stop();
                }
            }
        })
    });
    if let Ok(mut r) = running.lock() {
        let early = match id.and_then(|id| r.queued.iter().position(|(q, _)| q == id)) {
            Some(i) => r.queued.remove(i).1,
            None => false,
        };
        if let Some(w) = &watch {
            if early || r.terminating {
                w.stop();
            }
            r.running = Some((id.cloned(), w.clone()));
        }
    }
    let beat = watch.clone().filter(|_| id.is_some());
    let prepared = with_heartbeat(beat, || worker.prepare(id, method, params, watch));
    if let Ok(mut r) = running.lock() {
        r.running = None;
    }
    let prepared = prepared?;
    if let Some((change, state)) = prepared.change {
        if let Some(j) = journal {
            j.append(&change).map_err(|e| {
                RpcError::internal(format!(
                    "the journal could not be written, so the change was not made: {e}"
                ))
            })?;
        }
        worker.commit(state, &change);
    }
    Ok(prepared.result)
}

/// How often a running solve reports what it knows when nothing new comes: a client sees it
/// is alive through the searches that call no solver callback for seconds (the
/// neighbourhoods, the LP-guided search's LPs).
const HEARTBEAT: std::time::Duration = std::time::Duration::from_millis(500);

/// `run` with `watch` (if any) told to report every [`HEARTBEAT`] until `run` returns.
fn with_heartbeat<T>(watch: Option<Watcher>, run: impl FnOnce() -> T) -> T {
    let Some(watch) = watch else {
        return run();
    };
    let (done, wake) = std::sync::mpsc::channel::<()>();
    std::thread::scope(|scope| {
        scope.spawn(move || {
            while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wake.recv_timeout(HEARTBEAT)
            {
                watch.tick();
            }
        });
        let out = run();
        drop(done);
        out
    })
}

fn open_journal(path: &std::path::Path) -> Result<(Journal, Option<State>), i32> {
    let (journal, replayed) = Journal::open(path).map_err(|e| {
        note!("error: {e}");
        exit::BAD_INPUT
    })?;
    if let Some(bytes) = replayed.torn {
        note!(
            "warning: {}: dropped a torn last line ({bytes} bytes, a request interrupted before its reply)",
            path.display()
        );
    }
    let state = match replayed.doc {
        None => None,
        Some(doc) => Some(State::new(doc).map_err(|d| {
            note_part!("{d}");
            note!(
                "error: {}: the journaled scenario does not validate; move the journal aside to start afresh",
                path.display()
            );
            exit::BAD_INPUT
        })?),
    };
    note!(
        "recourse serve: {}: replayed {} change(s){}",
        path.display(),
        replayed.changes,
        state
            .as_ref()
            .map_or(String::new(), |s| format!(", scenario \"{}\"", s.s.id))
    );
    Ok((journal, state))
}

/// Hears SIGTERM on its own thread: logs it at once, stops the running solve as a
/// `$/cancelRequest` does (it then answers with its best checked plan, or -32800), and
/// sets `term`, which ends the main loop once that reply is written.
fn watch_sigterm(running: Running, term: Arc<AtomicBool>) -> std::io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new([signal_hook::consts::SIGTERM])?;
    std::thread::spawn(move || {
        for _ in signals.forever() {
            let mut r = match running.lock() {
                Ok(r) => r,
                Err(poisoned) => poisoned.into_inner(),
            };
            r.terminating = true;
            term.store(true, Ordering::SeqCst);
            match &r.running {
                Some((_, watch)) => {
                    note!("recourse serve: SIGTERM; stopping the running solve, then exiting after its reply");
                    watch.stop();
                }
                None => note!("recourse serve: SIGTERM, stopping"),
            }
        }
    });
    Ok(())
}

/// The most bytes of requests read ahead and not yet taken by the worker: 64 MiB, or the
/// input cap when that is smaller. Read-ahead is there so that `$/cancelRequest` is heard
/// while a solve runs and a pipelining client is not held up line by line; 64 MiB holds 17
/// loads of medium (3.7 MB) or thousands of events, while what a client writes past it
/// waits in its pipe instead of in the worker's memory (whose peak is then about 1.4 times
/// this above the rest: 90 MiB measured, the allocator's slack included). A cap lowered for
/// a small machine lowers it too.
const QUEUE_BYTES: u64 = 64 << 20;

/// The most requests read ahead and not yet taken, however small: each costs its own
/// allocations besides its text, and a `$/cancelRequest` looks through their ids.
const QUEUE_LINES: usize = 1024;

/// What the reader has handed over and the worker not yet taken, in bytes of request text
/// and in lines: the reader waits for room before handing over a line, so the client
/// blocks on its pipe when the queue is full.
struct Queue {
    /// Bytes and lines handed over and not yet taken.
    held: Mutex<(u64, usize)>,
    freed: Condvar,
    budget: u64,
}

impl Queue {
    fn new(budget: u64) -> Queue {
        Queue {
            held: Mutex::new((0, 0)),
            freed: Condvar::new(),
            budget,
        }
    }

    /// Waits until a line of `bytes` fits, then counts it in. An empty queue takes any
    /// line, so one longer than the budget (yet within the input cap) passes alone and the
    /// bound never stops the input for good.
    fn enter(&self, bytes: u64) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        while held.1 > 0 && (held.0 + bytes > self.budget || held.1 >= QUEUE_LINES) {
            held = self
                .freed
                .wait(held)
                .unwrap_or_else(PoisonError::into_inner);
        }
        held.0 += bytes;
        held.1 += 1;
    }

    /// A line of `bytes` taken by the worker: its room is free again.
    fn leave(&self, bytes: u64) {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.0 -= bytes;
        held.1 -= 1;
        self.freed.notify_one();
    }
}

/// The lines the reader handed over, each with its size, and the room they hold.
struct Inbox {
    rx: mpsc::Receiver<(Read, u64)>,
    queue: Arc<Queue>,
}

impl Inbox {
    /// The next line read, waiting at most `wait`; its room is given back.
    fn next(&self, wait: Duration) -> Result<Read, RecvTimeoutError> {
        let (read, bytes) = self.rx.recv_timeout(wait)?;
        self.queue.leave(bytes);
        Ok(read)
    }
}

/// Reads stdin on its own thread, so that `$/cancelRequest` is heard while a solve runs:
/// a cancel is acted on as it is read, never queued. Each other line (at most `max` bytes)
/// is handed over with its size once it fits in the queue ([`QUEUE_BYTES`], or `max` when
/// lower; the worker gives the room back as it takes the line); while the queue is full
/// nothing more is read, so a cancel written behind a full queue is heard only once the
/// lines before it fit.
fn spawn_reader(running: Running, max: u64) -> Inbox {
    let queue = Arc::new(Queue::new(QUEUE_BYTES.min(max)));
    let room = queue.clone();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        let mut buf = Vec::new();
        loop {
            let read = match read_line(&mut input, max, &mut buf) {
                Ok(None) => Read::End,
                Ok(Some(Err(n))) => Read::TooLarge(n),
                Ok(Some(Ok(()))) => match std::str::from_utf8(&buf) {
                    // Blank in JSON's terms (space, tab, CR): a line of other white space
                    // (U+00A0, U+2028, a form feed) is not JSON, and is answered -32700.
                    Ok(line) if line.trim_matches([' ', '\t', '\r']).is_empty() => continue,
                    Ok(line) => {
                        let message = rpc::parse(line);
                        if cancels(&message, &running) {
                            continue;
                        }
                        Read::Message(message)
                    }
                    Err(_) => Read::NotUtf8,
                },
                Err(e) => {
                    note!("recourse serve: reading stdin: {e}");
                    Read::End
                }
            };
            let bytes = match &read {
                Read::Message(_) => buf.len() as u64,
                _ => 0,
            };
            // The line is held as its parsed message from here on. A buffer grown by a line
            // over 16 MiB is dropped, not kept for the small ones after it; a smaller one is
            // kept, since shrinking it cost more at the peak than it saves (medium seed 4's
            // 3.7 MB load: a peak of 95 MB shrinking it to 1 MiB, 85 MB keeping it).
            if buf.capacity() > 16 << 20 {
                buf = Vec::new();
            } else {
                buf.clear();
            }
            room.enter(bytes);
            // Registered once it is in the queue, in the queue's order: a cancel read from
            // now on finds it.
            if let (Read::Message(Ok(Incoming::Request { id, .. })), Ok(mut r)) =
                (&read, running.lock())
            {
                r.queued.push((id.clone(), false));
            }
            let end = matches!(read, Read::End);
            if tx.send((read, bytes)).is_err() || end {
                return;
            }
        }
    });
    Inbox { rx, queue }
}

/// Whether `message` is a `$/cancelRequest`: it stops the running solve if the ids match,
/// or marks a request read but not started, whose solve then starts stopped; a cancel of
/// anything else (a request answered already, an unknown id) does nothing.
fn cancels(message: &Result<Incoming, (Id, RpcError)>, running: &Running) -> bool {
    let Ok(Incoming::Notification { method, params }) = message else {
        return false;
    };
    if method != "$/cancelRequest" {
        return false;
    }
    // Ids compare as the texts the client wrote (`rpc::Id`).
    let target = match rpc::cancelled_id(params) {
        Ok(target) => target,
        Err(why) => {
            note!(
                "recourse serve: $/cancelRequest dropped: {why}; it takes {{\"id\": ID}}, ID the id of the request to cancel"
            );
            return true;
        }
    };
    let target = &target;
    if let Ok(mut r) = running.lock() {
        match &r.running {
            Some((Some(id), watch)) if id == target => watch.stop(),
            _ => {
                if let Some((_, cancelled)) = r.queued.iter_mut().find(|(q, _)| q == target) {
                    *cancelled = true;
                }
            }
        }
    }
    true
}

/// One line into `buf` (without its end, `\n` or `\r\n`): `None` at the end of input,
/// `Err(n)` for a line of `n` bytes over `max` (skipped to its end without keeping it).
/// A line's size is counted without its end, so `max` bytes are accepted whichever end
/// they have.
fn read_line(
    r: &mut impl BufRead,
    max: u64,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Result<(), u64>>> {
    buf.clear();
    let n = std::io::Read::take(&mut *r, max + 2).read_until(b'\n', buf)? as u64;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        if buf.len() as u64 <= max {
            return Ok(Some(Ok(())));
        }
        let over = buf.len() as u64;
        forget(buf);
        return Ok(Some(Err(over)));
    }
    if n <= max {
        // The last line, without a newline.
        return Ok(Some(Ok(())));
    }
    let mut last = buf.last().copied();
    forget(buf);
    let mut skipped = n;
    loop {
        let available = r.fill_buf()?;
        if available.is_empty() {
            // The last line, without a newline: a `\r` at its end is its own.
            return Ok(Some(Err(skipped)));
        }
        match available.iter().position(|&b| b == b'\n') {
            Some(i) => {
                last = available[..i].last().copied().or(last);
                r.consume(i + 1);
                skipped += i as u64;
                break;
            }
            None => {
                let k = available.len();
                last = available.last().copied();
                r.consume(k);
                skipped += k as u64;
            }
        }
    }
    // The `\r` of a `\r\n` end is not the line's.
    Ok(Some(Err(skipped - u64::from(last == Some(b'\r')))))
}

/// Empties `buf` and gives back what a line over the cap made it hold beyond 64 KiB.
fn forget(buf: &mut Vec<u8>) {
    buf.clear();
    buf.shrink_to(64 * 1024);
}
