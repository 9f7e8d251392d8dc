//! What a careless or hostile user can do through the real binary (issue #19), one test per
//! class: outputs that would destroy what they point at, inputs that would exhaust memory,
//! flags outside the file's ranges, panics, terminal garbage, duplicate keys, dates the
//! program could not write back. Nothing here touches the real `/dev`: devices, FIFOs and
//! full filesystems are made in a temporary directory, or the case is skipped with a
//! message when this user may not make them.

use crate::common::recourse;
use predicates::str::contains;
use std::os::unix::fs::FileTypeExt;
use std::path::{Path, PathBuf};

fn demo() -> PathBuf {
    crate::common::tiny_path("demo-eu")
}

/// A copy of demo-eu in `dir`, with `edit` applied to its text.
fn scenario_in(dir: &Path, name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, edit(std::fs::read_to_string(demo()).unwrap())).unwrap();
    path
}

/// Runs `recourse check` on a plan file: the plan must be feasible and cost `cost`.
fn assert_checked(scenario: &Path, proposals: &Path) {
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(proposals).unwrap()).unwrap();
    let dir = proposals.parent().unwrap();
    let plan = dir.join("plan-for-check.json");
    std::fs::write(
        &plan,
        serde_json::to_vec(&serde_json::json!({
            "format": "recourse.plan/1",
            "plan": doc["plan"],
        }))
        .unwrap(),
    )
    .unwrap();
    let out = recourse()
        .args(["check", "--format", "json"])
        .arg(scenario)
        .arg(&plan)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let check: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(check["feasible"], true, "{check}");
    let total = check["cost"]["total"].as_f64().unwrap();
    let objective = doc["solve"]["objective"].as_f64().unwrap();
    assert!((total - objective).abs() <= 1e-6 * objective.abs().max(1.0));
}

fn mkfifo(path: &Path) {
    let ok = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap()
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

#[test]
fn an_output_that_is_the_input_is_refused_however_it_is_spelled() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_in(dir.path(), "s.json", |t| t);
    let before = std::fs::read(&s).unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink("s.json", &link).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    let dotted = dir.path().join("sub/../s.json");
    for (args, output) in [
        (vec!["solve"], &s),
        (vec!["solve"], &link),
        (vec!["solve"], &dotted),
        (vec!["export"], &s),
        (vec!["risk"], &s),
    ] {
        recourse()
            .args(&args)
            .arg(&s)
            .arg("-o")
            .arg(output)
            .assert()
            .code(2)
            .stderr(contains("writing it would replace the input"));
        assert_eq!(std::fs::read(&s).unwrap(), before, "{args:?} -o {output:?}");
    }
    // apply: either input counts.
    let proposals = proposals_of(&s, dir.path());
    let p_before = std::fs::read(&proposals).unwrap();
    recourse()
        .arg("apply")
        .arg(&s)
        .arg(&proposals)
        .arg("-o")
        .arg(&proposals)
        .assert()
        .code(2)
        .stderr(contains("writing it would replace the input"));
    assert_eq!(std::fs::read(&proposals).unwrap(), p_before);
}

#[test]
fn a_symlink_output_stays_a_link_and_its_target_gets_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_in(dir.path(), "s.json", |t| t);
    let link = dir.path().join("latest.json");
    std::os::unix::fs::symlink("runs/p.json", &link).unwrap();
    std::fs::create_dir(dir.path().join("runs")).unwrap();
    // Twice: once creating the target through a dangling link, once replacing it.
    for _ in 0..2 {
        recourse()
            .arg("solve")
            .arg(&s)
            .arg("-o")
            .arg(&link)
            .assert()
            .success();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_checked(&s, &dir.path().join("runs/p.json"));
    }
}

#[test]
fn a_fifo_output_is_written_in_place_for_its_reader() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_in(dir.path(), "s.json", |t| t);
    let fifo = dir.path().join("pipe");
    mkfifo(&fifo);
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    recourse()
        .arg("solve")
        .arg(&s)
        .args(["--format", "json", "-o"])
        .arg(&fifo)
        .assert()
        .success();
    let got = reader.join().unwrap();
    assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    let out = dir.path().join("from-fifo.json");
    std::fs::write(&out, got).unwrap();
    assert_checked(&s, &out);
}

#[test]
fn a_device_output_is_written_in_place_and_a_full_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_in(dir.path(), "s.json", |t| t);
    // Our own device nodes (1,3 is the null device, 1,7 the full one), never /dev's.
    let null = dir.path().join("null");
    let full = dir.path().join("full");
    let made = std::process::Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success())
        && std::process::Command::new("mknod")
            .arg(&full)
            .args(["c", "1", "7"])
            .status()
            .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: this user may not make device nodes (mknod)");
        return;
    }
    recourse()
        .arg("solve")
        .arg(&s)
        .arg("-o")
        .arg(&null)
        .assert()
        .success();
    assert!(std::fs::metadata(&null)
        .unwrap()
        .file_type()
        .is_char_device());
    recourse()
        .arg("solve")
        .arg(&s)
        .arg("-o")
        .arg(&full)
        .assert()
        .code(2)
        .stderr(contains("No space left on device"));
    assert!(std::fs::metadata(&full)
        .unwrap()
        .file_type()
        .is_char_device());
    // Standard output on the full device: the same exit 2, for a document and for text.
    for args in [&["solve"][..], &["solve", "--format", "table"], &["risk"]] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("recourse"))
            .args(args)
            .arg(&s)
            .stdout(std::fs::OpenOptions::new().write(true).open(&full).unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot write to standard output: No space left on device"),
            "{stderr}"
        );
    }
    // `apply` and `import` say what they did only once it is written.
    let proposals = proposals_of(&s, dir.path());
    let instance = dir.path().join("i.dow");
    std::fs::write(
        &instance,
        "MULTIGEN.DAT:\n 2 1 1\n 1 2 3 10 5 1 1\n 1 2 4\n",
    )
    .unwrap();
    let apply = [
        "apply",
        s.to_str().unwrap(),
        proposals.to_str().unwrap(),
        "--approve",
        "all",
    ];
    let import = ["import", "mcnd", instance.to_str().unwrap()];
    for (args, done) in [(&apply[..], "replaced"), (&import[..], "i.dow: ")] {
        let run = |stdout: std::fs::File| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("recourse"))
                .args(args)
                .stdout(stdout)
                .output()
                .unwrap()
        };
        let out = run(std::fs::OpenOptions::new().write(true).open(&full).unwrap());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(!stderr.contains(done), "{args:?}: {stderr}");
        let out = run(std::fs::OpenOptions::new().write(true).open(&null).unwrap());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.contains(done), "{args:?}: {stderr}");
    }
}

#[test]
fn a_full_filesystem_fails_the_write_and_leaves_no_half_file() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_in(dir.path(), "s.json", |t| t);
    let mnt = dir.path().join("small");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=8k", "tmpfs"])
        .arg(&mnt)
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipped: this user may not mount a small tmpfs");
        return;
    }
    let out = mnt.join("p.json");
    std::fs::write(&out, b"old\n").unwrap();
    let result = recourse()
        .arg("solve")
        .arg(&s)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let left: Vec<_> = std::fs::read_dir(&mnt)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    let old = std::fs::read(&out).unwrap();
    let _ = std::process::Command::new("umount").arg(&mnt).status();
    assert_eq!(result.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&result.stderr).contains("No space left on device"));
    assert_eq!(old, b"old\n", "the old file is kept as it was");
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("p.json")],
        "no temporary file left"
    );
}

#[test]
fn dash_output_is_standard_output() {
    let out = recourse()
        .arg("solve")
        .arg(demo())
        .args(["--format", "json", "-o", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["format"], "recourse.proposals/1");
    assert!(!Path::new(env!("CARGO_MANIFEST_DIR")).join("-").exists());
}

#[test]
fn standard_input_can_be_named_once() {
    for args in [
        vec!["check", "-", "-"],
        vec!["bench", "-", "-"],
        vec!["apply", "-", "-"],
    ] {
        recourse()
            .args(&args)
            .write_stdin("{}")
            .assert()
            .code(2)
            .stderr(contains("it can be read only once"));
    }
}

/// `-` read from a file by the shell (`risk - -o s.json < s.json`) is that file: writing
/// the output over it would replace the only copy of the scenario, as `risk s.json -o
/// s.json` would. Standard input from another file, a pipe or `/dev/null` is no output's.
#[test]
fn an_output_that_standard_input_is_redirected_from_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = scenario_in(dir.path(), "s.json", |s| s);
    let before = std::fs::read(&scenario).unwrap();
    // The shell's `< file`: the child's standard input is the file itself, not a pipe.
    let run = |command: &str, output: &Path| {
        std::process::Command::new(assert_cmd::cargo::cargo_bin("recourse"))
            .args([command, "-", "-o"])
            .arg(output)
            .stdin(std::fs::File::open(&scenario).unwrap())
            .output()
            .unwrap()
    };
    for command in ["risk", "solve"] {
        let out = run(command, &scenario);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{command}: {err}");
        assert!(err.contains("is read as standard input (-)"), "{err}");
        assert!(err.contains("choose another output path"), "{err}");
        assert_eq!(std::fs::read(&scenario).unwrap(), before, "{command}");
    }
    let other = dir.path().join("r.txt");
    assert!(run("risk", &other).status.success());
    assert!(std::fs::read_to_string(&other).unwrap().contains("at risk"));
}

/// An output that cannot be written, found only once the work is done, would lose a solve
/// of minutes: a directory, a path under a missing directory or under a file is refused
/// before any work, so before the scenario is even read (here it does not exist).
#[test]
fn an_output_that_cannot_be_written_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let file = scenario_in(dir.path(), "s.json", |s| s);
    let missing = dir.path().join("missing.json");
    for (output, says) in [
        (
            dir.path().join("no/such/dir/p.json"),
            "cannot create a file in ",
        ),
        (
            dir.path().to_path_buf(),
            "it is a directory; name a file in it",
        ),
        (file.join("p.json"), "Not a directory"),
    ] {
        for args in [
            vec!["solve", missing.to_str().unwrap(), "--time-limit", "600"],
            vec!["risk", missing.to_str().unwrap()],
            vec!["export", missing.to_str().unwrap()],
            vec!["generate", "--preset", "large"],
            vec!["schema", "scenario"],
        ] {
            let out = recourse()
                .args(&args)
                .arg("-o")
                .arg(&output)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains(says), "{args:?}: {err}");
            assert!(err.starts_with("error: cannot write "), "{args:?}: {err}");
            if says.starts_with("cannot create") {
                // Of no/such/dir, the first directory missing on the way.
                let first = format!("; {} does not exist)", dir.path().join("no").display());
                assert!(err.contains(&first), "{args:?}: {err}");
            }
            assert!(
                !err.contains("missing.json") && !err.contains("generated"),
                "{err}"
            );
        }
    }
}

#[test]
fn flags_go_through_the_files_ranges() {
    for (flag, value, says) in [
        ("--threads", "5000", "--threads must be in 0..=1024"),
        ("--threads", "-1", "--threads must be in 0..=1024"),
        (
            "--time-limit",
            "1e9",
            "--time-limit must be a positive number of seconds up to",
        ),
        (
            "--time-limit",
            "0",
            "--time-limit must be a positive number",
        ),
        ("--gap", "2", "--gap must be a relative gap in 0..=1"),
    ] {
        for command in ["solve", "bench"] {
            recourse()
                .args([command, "datasets/tiny/demo-eu.json", flag, value])
                .assert()
                .code(2)
                .stderr(contains(says));
        }
    }
}

/// Runs `recourse ARGS` with its stderr a pipe nobody reads (closed before it writes):
/// returns the exit code.
fn with_stderr_unread(args: &[&std::ffi::OsStr]) -> Option<i32> {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("recourse"))
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    child.wait().unwrap().code()
}

#[test]
fn a_stderr_nobody_reads_loses_the_messages_not_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_in(dir.path(), "s.json", |t| t);
    let generated = dir.path().join("g.json");
    let code = with_stderr_unread(&[
        "generate".as_ref(),
        "--preset".as_ref(),
        "small".as_ref(),
        "-o".as_ref(),
        generated.as_os_str(),
    ]);
    assert_eq!(code, Some(0));
    recourse()
        .arg("validate")
        .arg(&generated)
        .assert()
        .success();
    // --verbose writes HiGHS's log and the timeline to stderr: every line of it is lost.
    let out = dir.path().join("p.json");
    let code = with_stderr_unread(&[
        "solve".as_ref(),
        s.as_os_str(),
        "--verbose".as_ref(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, Some(0));
    assert_checked(&s, &out);
    // A usage error still says so by its exit code.
    assert_eq!(with_stderr_unread(&["--bogus".as_ref()]), Some(2));
}

#[test]
fn help_that_cannot_be_written_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full");
    let made = std::process::Command::new("mknod")
        .arg(&full)
        .args(["c", "1", "7"])
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: this user may not make device nodes (mknod)");
        return;
    }
    for args in [&["--help"][..], &["--version"], &["solve", "--help"]] {
        let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("recourse"))
            .args(args)
            .stdout(std::fs::OpenOptions::new().write(true).open(&full).unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("No space left on device"), "{stderr}");
    }
    recourse().arg("--help").assert().success();
}

/// Every message on stderr quotes ids with their control characters escaped, as the tables
/// do: a scenario's id, an unknown reference, a response id on the command line.
#[test]
fn messages_escape_control_characters_in_ids() {
    let dir = tempfile::tempdir().unwrap();
    let raw = |out: &std::process::Output| out.stderr.contains(&0x1b) || out.stderr.contains(&7);
    let s = scenario_in(dir.path(), "s.json", |t| {
        t.replace("\"demo-eu-1\"", "\"demo\\u001b]0;pwned\\u0007\\u001b[2J\"")
    });
    let out = recourse().arg("validate").arg(&s).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(!raw(&out), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("demo\\u{1b}]0;pwned\\u{7}"));

    let bad = scenario_in(dir.path(), "bad.json", |t| {
        t.replace("\"to\": \"DC-PAR\"", "\"to\": \"DC-PAR\\u001b[2J\"")
    });
    let out = recourse().arg("validate").arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!raw(&out), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("DC-PAR\\u{1b}[2J"));

    // apply: a response id from the command line, and proposals made for another scenario
    // whose id holds the escape.
    let demo = scenario_in(dir.path(), "demo.json", |t| t);
    let proposals = proposals_of(&demo, dir.path());
    let out = recourse()
        .arg("apply")
        .arg(&demo)
        .arg(&proposals)
        .arg("--approve")
        .arg("R\u{1b}[2J")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!raw(&out), "{}", String::from_utf8_lossy(&out.stderr));
    let out = recourse()
        .arg("apply")
        .arg(&s)
        .arg(&proposals)
        .args(["--approve", "all"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!raw(&out), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("made for scenario"));
}

/// A proposals document of another version, or another of recourse's documents, is refused
/// by its `format` before its fields are read as this version's: by `apply` and `report`,
/// and by `check` where it names a recourse format `check` does not read.
#[test]
fn a_proposals_document_of_another_format_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_in(dir.path(), "s.json", |t| t);
    let proposals = proposals_of(&s, dir.path());
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&proposals).unwrap()).unwrap();
    for (format, hint) in [
        ("garbage", "use the release that wrote the document"),
        (
            "recourse.proposals/9",
            "use the release that wrote the document",
        ),
        (
            "recourse.risk/1",
            "this is a recourse.risk/1 document, not proposals",
        ),
    ] {
        let mut other = doc.clone();
        other["format"] = serde_json::json!(format);
        let path = dir.path().join("other.json");
        std::fs::write(&path, other.to_string()).unwrap();
        let expected =
            format!("unsupported format \"{format}\"; expected \"recourse.proposals/1\"");
        recourse()
            .arg("apply")
            .arg(&s)
            .arg(&path)
            .args(["--approve", "R1", "-o"])
            .arg(dir.path().join("next.json"))
            .assert()
            .code(2)
            .stderr(contains(expected.as_str()))
            .stderr(contains(hint));
        recourse()
            .arg("report")
            .arg(&path)
            .arg("--scenario")
            .arg(&s)
            .arg("-o")
            .arg(dir.path().join("page.html"))
            .assert()
            .code(2)
            .stderr(contains(expected.as_str()));
        assert!(!dir.path().join("next.json").exists());
        assert!(!dir.path().join("page.html").exists());
    }
    let mut other = doc.clone();
    other["format"] = serde_json::json!("recourse.proposals/9");
    let path = dir.path().join("other.json");
    std::fs::write(&path, other.to_string()).unwrap();
    recourse()
        .arg("check")
        .arg(&s)
        .arg(&path)
        .assert()
        .code(2)
        .stderr(contains("unsupported format \"recourse.proposals/9\""));
}

/// The names of the entries in `dir`.
fn names_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Starts `command` (stderr discarded), waits until `started()` says its write has begun,
/// sends it SIG`signal` and gives how it ended; `None`, said on stderr, when it finished
/// before the signal came (a fast machine), which leaves nothing to check.
fn signalled_during(
    mut command: std::process::Command,
    started: impl Fn() -> bool,
    signal: &str,
) -> Option<std::process::ExitStatus> {
    let mut child = command.stderr(std::process::Stdio::null()).spawn().unwrap();
    while !started() && child.try_wait().unwrap().is_none() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let killed = std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    if status.code() == Some(0) {
        eprintln!("skipped {signal}: the command ended before the signal came");
        return None;
    }
    Some(status)
}

/// SIGTERM, SIGINT or SIGHUP while a document is being written ends the process as the
/// signal does, with the old file as it was and no temporary file left beside it (a large
/// document takes seconds to write: an interrupted run left tens of megabytes hidden).
#[test]
fn a_signal_during_a_write_leaves_the_old_file_and_no_temporary_one() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.json");
    let leftovers = || -> Vec<String> {
        let mut names = names_in(dir.path());
        names.retain(|n| n.ends_with(".tmp"));
        names
    };
    for (signal, number) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        std::fs::write(&out, "OLD").unwrap();
        let mut generate = std::process::Command::new(assert_cmd::cargo::cargo_bin("recourse"));
        generate
            .args(["generate", "--preset", "large", "-o"])
            .arg(&out);
        // The temporary file appears when the write starts: the signal comes during it.
        let Some(status) = signalled_during(generate, || !leftovers().is_empty(), signal) else {
            continue;
        };
        assert_eq!(status.signal(), Some(number), "{status:?}");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "OLD");
        assert!(leftovers().is_empty(), "{:?}", leftovers());
    }
}

/// `export --format lp` hands HiGHS the model through files in the temporary directory; a
/// signal while they exist removes them as it ends the process (Ctrl-C on the medium
/// preset left a 157 MB MPS file in /tmp per try).
#[test]
fn a_signal_during_an_lp_export_leaves_no_file_in_the_temporary_directory() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("m.json");
    recourse()
        .args(["generate", "--orders", "5000", "-o"])
        .arg(&scenario)
        .assert()
        .success();
    let tmp = dir.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let leftovers = || names_in(&tmp);
    for (signal, number) in [("INT", 2), ("TERM", 15)] {
        let mut export = std::process::Command::new(assert_cmd::cargo::cargo_bin("recourse"));
        export
            .env("TMPDIR", &tmp)
            .arg("export")
            .arg(&scenario)
            .args(["--format", "lp", "-o"])
            .arg(dir.path().join("m.lp"));
        // The MPS file appears when the export starts writing it: the signal comes then.
        let Some(status) = signalled_during(export, || !leftovers().is_empty(), signal) else {
            continue;
        };
        assert_eq!(status.signal(), Some(number), "{status:?}");
        assert!(leftovers().is_empty(), "{signal}: {:?}", leftovers());
    }
}

/// `export csv` writes its tables into a hidden directory beside the output and renames it
/// when all are written; a signal before then removes that directory with what it holds,
/// as it ends the process: all files or none, and nothing hidden left behind.
#[test]
fn a_signal_during_a_csv_export_leaves_no_directory() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("l.json");
    recourse()
        .args(["generate", "--preset", "large", "-o"])
        .arg(&scenario)
        .assert()
        .success();
    let entries = || -> Vec<String> {
        let mut names = names_in(dir.path());
        names.retain(|n| n != "l.json");
        names
    };
    for (signal, number) in [("INT", 2), ("TERM", 15)] {
        let mut export = std::process::Command::new(assert_cmd::cargo::cargo_bin("recourse"));
        export
            .args(["export", "csv"])
            .arg(&scenario)
            .arg("-o")
            .arg(dir.path().join("sheets"));
        // The hidden directory appears when the writing starts: the signal comes during it.
        let Some(status) = signalled_during(export, || !entries().is_empty(), signal) else {
            std::fs::remove_dir_all(dir.path().join("sheets")).unwrap();
            continue;
        };
        assert_eq!(status.signal(), Some(number), "{status:?}");
        assert!(entries().is_empty(), "{signal}: {:?}", entries());
    }
}

/// `export --format lp` goes through files in the temporary directory: one that cannot be
/// written is the machine's problem, exit 2 with the way out, not an internal failure.
#[test]
fn an_unwritable_temporary_directory_is_exit_2_with_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.lp");
    recourse()
        .env("TMPDIR", dir.path().join("nowhere"))
        .arg("export")
        .arg(demo())
        .args(["--format", "lp", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("cannot write the temporary file"))
        .stderr(contains(
            "point TMPDIR at a writable directory, or write --format mps",
        ));
    assert!(!out.exists());
}

#[test]
fn a_panic_is_exit_3_with_one_line() {
    recourse()
        .env("RECOURSE_TEST_PANIC", "1")
        .env_remove("RUST_BACKTRACE")
        .args(["validate", "datasets/tiny/demo-eu.json"])
        .assert()
        .code(3)
        .stderr(contains("internal error: RECOURSE_TEST_PANIC is set"))
        .stderr(contains("please report it"))
        .stderr(predicates::str::contains("stack backtrace").not());
}

use predicates::prelude::PredicateBooleanExt;

#[test]
fn an_absurdly_long_id_is_refused_before_any_table_is_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let long = format!("SO-{}", "X".repeat(70_000));
    let s = scenario_in(dir.path(), "s.json", |t| {
        t.replace("\"SO-1003\"", &format!("\"{long}\""))
    });
    for command in ["validate", "risk", "solve"] {
        recourse()
            .arg(command)
            .arg(&s)
            .assert()
            .code(2)
            .stderr(contains(
                "orders[2].id: order id \"SO-XXXXXXXXXXXXXXXXXXXX…\" is 70003 characters long, more than 200",
            ));
    }
    // A reference to an id that long is refused without comparing it to every id.
    let r = scenario_in(dir.path(), "r.json", |t| {
        t.replacen("\"node\": \"DC-PAR\"", &format!("\"node\": \"{long}\""), 1)
    });
    recourse()
        .arg("validate")
        .arg(&r)
        .assert()
        .code(2)
        .stderr(contains("(70003 characters; no id is longer than 200)"));
}

#[test]
fn tables_clip_long_ids_and_escape_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let id = format!("SO-{}", "Y".repeat(150));
    let s = scenario_in(dir.path(), "s.json", |t| {
        t.replace("\"SO-1003\"", &format!("\"{id}\""))
    });
    let out = recourse().arg("risk").arg(&s).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("SO-{}…  1    2026-12-03", "Y".repeat(36))),
        "{text}"
    );

    let s = scenario_in(dir.path(), "n.json", |t| {
        t.replace("\"SO-1003\"", "\"SO-1003\\u0000\\u001b[2J\"")
    });
    let out = recourse().arg("risk").arg(&s).output().unwrap();
    assert!(out.status.success());
    assert!(!out.stdout.contains(&0) && !out.stdout.contains(&0x1b));
    assert!(String::from_utf8_lossy(&out.stdout).contains("SO-1003\\u{0}\\u{1b}[2J"));

    // A line break would split a table's row (or start a Markdown heading): refused.
    for (name, id) in [
        ("lf.json", "SO-1003\\n# Heading"),
        ("ls.json", "SO-1003\\u2028"),
    ] {
        let s = scenario_in(dir.path(), name, |t| {
            t.replace("\"SO-1003\"", &format!("\"{id}\""))
        });
        for command in ["risk", "validate"] {
            recourse()
                .arg(command)
                .arg(&s)
                .assert()
                .code(2)
                .stderr(contains(
                    "has a line break in it\n  hint: ids are written on one line in every table, \
                 report and file; remove the line break",
                ));
        }
    }
}

#[test]
fn inputs_stop_at_a_nul_byte_or_past_the_cap() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = dir.path().join("zeros");
    std::fs::write(&zeros, vec![0u8; 1 << 20]).unwrap();
    recourse()
        .arg("validate")
        .arg(&zeros)
        .assert()
        .code(2)
        .stderr(contains(
            "has a NUL byte at offset 0: it is not a text file",
        ));
    // An endless stream ends at its first NUL byte, not when memory runs out.
    let fifo = dir.path().join("endless");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().write(true).open(fifo).unwrap();
            let block = vec![0u8; 1 << 16];
            while f.write_all(&block).is_ok() {}
        })
    };
    recourse()
        .arg("validate")
        .arg(&fifo)
        .assert()
        .code(2)
        .stderr(contains("NUL byte at offset 0"));
    writer.join().unwrap();
    recourse()
        .env("RECOURSE_MAX_INPUT_BYTES", "1000")
        .args(["validate", "datasets/tiny/demo-eu.json"])
        .assert()
        .code(2)
        .stderr(contains(
            "is larger than 1000 bytes, the most recourse reads",
        ))
        .stderr(contains("RECOURSE_MAX_INPUT_BYTES"));
}

#[test]
fn a_duplicate_key_is_an_error_naming_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_in(dir.path(), "s.json", |t| {
        t.replacen(
            "\"quantity\": 100,",
            "\"quantity\": 100, \"quantity\": 10000,",
            1,
        )
    });
    recourse()
        .arg("validate")
        .arg(&s)
        .assert()
        .code(2)
        .stderr(contains(
            "error[duplicate_key]: inbound[0].quantity: line 43, column 82: key \"quantity\" appears twice in the same object",
        ));
    // The plan and proposals readers share the JSON reader.
    let plan = dir.path().join("plan.json");
    std::fs::write(
        &plan,
        r#"{"format": "recourse.plan/1", "plan": {}, "plan": {}}"#,
    )
    .unwrap();
    recourse()
        .arg("check")
        .arg(demo())
        .arg(&plan)
        .assert()
        .code(2)
        .stderr(contains("key \"plan\" appears twice"));
}

/// `doc` written once per shape of object in it (indices dropped, and a disruption's kind
/// kept), with that object's first key written twice: the path of the key, and the text.
fn with_a_key_twice(doc: &serde_json::Value) -> Vec<(String, String)> {
    use serde_json::Value;
    /// Objects by path, one per shape.
    fn objects(v: &Value, path: String, shape: String, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                let shape = match m.get("kind") {
                    Some(Value::String(k)) => format!("{shape}<{k}>"),
                    _ => shape,
                };
                if !out.iter().any(|(_, s)| *s == shape) {
                    out.push((path.clone(), shape.clone()));
                }
                for (k, x) in m {
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    objects(x, p, format!("{shape}.{k}"), out);
                }
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    objects(x, format!("{path}[{i}]"), format!("{shape}[]"), out);
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    objects(doc, String::new(), String::new(), &mut found);
    found
        .into_iter()
        .map(|(path, _)| {
            let mut edited = doc.clone();
            let pointer = format!("/{}", path.replace(['.', '['], "/").replace(']', ""));
            let target = if path.is_empty() {
                &mut edited
            } else {
                edited.pointer_mut(&pointer).unwrap()
            };
            let m = target.as_object_mut().unwrap();
            let (key, value) = m
                .iter()
                .next()
                .map(|(k, v)| (k.clone(), v.clone()))
                .unwrap();
            m.insert("__twice__".into(), Value::Null);
            // serde_json writes keys in order, and "__twice__" sorts before every key here.
            let text = serde_json::to_string(&edited).unwrap().replacen(
                "\"__twice__\":null",
                &format!("\"{key}\":{value}"),
                1,
            );
            let at = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            (at, text)
        })
        .collect()
}

/// Whether `diags` refuses a key named twice at `at`.
fn names_twice(diags: &recourse::base::diagnostics::Diagnostics, at: &str) -> bool {
    diags
        .items
        .iter()
        .any(|d| d.code == "duplicate_key" && d.path == at)
}

/// Every kind of object in the tiny datasets (the document, a SKU, a node, a lane, a stock
/// record, a receipt, an order, its lines and plan entries, each kind of disruption, the
/// policy), with one of its keys written twice, is refused with the key's path: the fast
/// typed read must refuse what the element-by-element reading names.
#[test]
fn a_key_named_twice_in_any_object_of_a_scenario_is_refused() {
    let mut shapes = 0;
    for entry in std::fs::read_dir("datasets/tiny").unwrap() {
        let file = entry.unwrap().path();
        if file.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let doc = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        for (at, text) in with_a_key_twice(&doc) {
            let diags = recourse::scenario::parse_scenario(text.as_bytes())
                .map(|_| ())
                .expect_err(&format!(
                    "{}: {at} named twice was accepted",
                    file.display()
                ));
            assert!(
                names_twice(&diags, &at),
                "{}: {at} named twice: {diags}",
                file.display()
            );
            shapes += 1;
        }
    }
    eprintln!("{shapes} objects tried");
    assert!(shapes >= 20, "only {shapes} object shapes tried");
}

/// The same for a proposals document (its solve, KPIs, responses with their deltas and
/// actions, the plans), as `apply`, `report` and `check` read it: the fast typed read refuses every
/// key named twice, as the reading through a JSON tree does.
#[test]
fn a_key_named_twice_in_any_object_of_a_proposals_document_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("proposals.json");
    recourse()
        .args(["solve", "-o"])
        .arg(&out)
        .arg(demo())
        .assert()
        .success();
    crate::common::checked_cost(demo(), &out);
    let doc = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let mut shapes = 0;
    for (at, text) in with_a_key_twice(&doc) {
        let diags = recourse::documents::proposals::parse_proposals(text.as_bytes())
            .map(|_| ())
            .expect_err(&format!("{at} named twice was accepted"));
        assert!(names_twice(&diags, &at), "{at} named twice: {diags}");
        // `check` reads only the plan, the same way first.
        let diags =
            recourse::documents::proposals::parse_plan_of(text.as_bytes(), Some("demo-eu-1"))
                .map(|_| ())
                .expect_err(&format!("{at} named twice was accepted by check"));
        assert!(names_twice(&diags, &at), "{at} named twice: {diags}");
        shapes += 1;
    }
    assert!(shapes >= 15, "only {shapes} object shapes tried");
}

#[test]
fn an_as_of_whose_plan_dates_would_pass_year_9999_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_in(dir.path(), "s.json", |t| {
        t.replace("\"as_of\": \"2026-11-27\"", "\"as_of\": \"9999-12-31\"")
    });
    recourse()
        .arg("solve")
        .arg(&s)
        .assert()
        .code(2)
        .stderr(contains("as_of 9999-12-31 is after 9997-12-28"));
}

/// The folder of published instances, when this machine has it (see tests/suite/import.rs).
fn shared_data() -> Option<PathBuf> {
    let dir = std::env::var_os("RECOURSE_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data"));
    dir.join("README.md").is_file().then_some(dir)
}

/// `recourse validate FILE` must accept `file` without a single error.
fn assert_valid(file: &Path) {
    let out = recourse().arg("validate").arg(file).output().unwrap();
    assert!(
        out.status.success(),
        "{} is refused by validate:\n{}",
        file.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn what_solve_and_apply_write_validate_and_check_accept() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/tiny");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let scenario = entry.unwrap().path();
        if scenario.extension().is_none_or(|e| e != "json") {
            continue;
        }
        let stem = scenario.file_stem().unwrap().to_string_lossy().to_string();
        let proposals = tmp.path().join(format!("{stem}.proposals.json"));
        recourse()
            .args(["solve", "--time-limit", "20"])
            .arg(&scenario)
            .arg("-o")
            .arg(&proposals)
            .assert()
            .success();
        assert_checked(&scenario, &proposals);
        // Approving everything gives a scenario validate accepts, whose own solve checks.
        let next = tmp.path().join(format!("{stem}.next.json"));
        recourse()
            .arg("apply")
            .arg(&scenario)
            .arg(&proposals)
            .args(["--approve", "all", "-o"])
            .arg(&next)
            .assert()
            .success();
        assert_valid(&next);
        let again = tmp.path().join(format!("{stem}.again.json"));
        recourse()
            .args(["solve", "--time-limit", "20"])
            .arg(&next)
            .arg("-o")
            .arg(&again)
            .assert()
            .success();
        assert_checked(&next, &again);
        n += 1;
    }
    assert!(n >= 12, "expected the tiny datasets, found {n}");
}

#[test]
fn what_import_writes_validate_accepts_and_what_it_cannot_write_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let mut inputs = vec![
        ("ssfctp", tmp.path().join("small"), "3\n10\n5 5 20\n1 2 3.5\n10 0 7\n"),
        (
            "mcnd",
            tmp.path().join("small.dow"),
            "MULTIGEN.DAT:\n 3 3 1\n 1 2 1 10 100 1 1\n 2 3 1 10 100 1 2\n 1 3 5 4 10 1 3\n 1 3 12\n",
        ),
    ]
    .into_iter()
    .map(|(kind, path, text)| {
        std::fs::write(&path, text).unwrap();
        (kind, path)
    })
    .collect::<Vec<_>>();
    match shared_data() {
        Some(data) => {
            for kind in ["mcnd", "ssfctp"] {
                for entry in std::fs::read_dir(data.join(kind)).unwrap() {
                    let path = entry.unwrap().path();
                    // Instances are .dow files or have no extension; the rest is documentation.
                    let instance = match kind {
                        "mcnd" => path.extension().is_some_and(|e| e == "dow"),
                        _ => path.extension().is_none(),
                    };
                    if instance {
                        inputs.push((kind, path));
                    }
                }
            }
        }
        None => eprintln!("skipped the published instances: no ../shared/data here"),
    }
    for (i, (kind, path)) in inputs.iter().enumerate() {
        let out = tmp.path().join(format!("imported-{i}.json"));
        recourse()
            .args(["import", kind])
            .arg(path)
            .arg("-o")
            .arg(&out)
            .assert()
            .success();
        assert_valid(&out);
    }
    // A fixed cost above the 1e12 cap (and the shortage penalty derived from it) cannot be
    // a scenario: exit 2, the cap named, nothing written.
    let huge = tmp.path().join("huge");
    std::fs::write(&huge, "2\n10\n5 20\n1 2\n5e12 7\n").unwrap();
    let out = tmp.path().join("huge.json");
    recourse()
        .args(["import", "ssfctp"])
        .arg(&huge)
        .arg("-o")
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("cannot be written as a valid scenario"))
        .stderr(contains("1e12"));
    assert!(!out.exists(), "a refused import wrote its output");
}

/// An instance file with nothing in it (or only blank lines) is said to be so, at line 1:
/// there is no line 0, and nothing was cut off.
#[test]
fn an_empty_instance_file_is_named_empty_at_line_1() {
    let tmp = tempfile::tempdir().unwrap();
    for (kind, text, empty) in [
        ("mcnd", "", "is empty"),
        ("mcnd", "\n  \n\n", "has only blank lines"),
        ("ssfctp", "", "is empty"),
    ] {
        let file = tmp.path().join("i.dow");
        std::fs::write(&file, text).unwrap();
        let out = recourse()
            .args(["import", kind])
            .arg(&file)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{kind} {text:?}: {err}");
        assert!(err.contains("i.dow:1: the file "), "{kind} {text:?}: {err}");
        assert!(err.contains(empty), "{kind} {text:?}: {err}");
        assert!(!err.contains(":0:") && !err.contains("truncated"), "{err}");
    }
}

#[test]
fn generate_refuses_sizes_beyond_memory_before_allocating() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("g.json");
    // Ten billion orders need about 30 TB whatever the machine: refused at once, exit 2.
    recourse()
        .args(["generate", "--orders", "10000000000", "-o"])
        .arg(&out)
        .assert()
        .code(2)
        .stderr(contains("need about 30000.0 GB of memory"))
        .stderr(contains("lower --orders"));
    assert!(!out.exists());
}

#[test]
fn messages_name_the_problem_in_a_planners_words() {
    let tmp = tempfile::tempdir().unwrap();
    let check = |name: &str, edit: &dyn Fn(String) -> String, expected: &[&str]| {
        let file = scenario_in(tmp.path(), name, edit);
        let out = recourse().arg("validate").arg(&file).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        for e in expected {
            assert!(stderr.contains(e), "{name}: {e:?} not in\n{stderr}");
        }
        assert!(
            stderr.len() < 1000,
            "{name}: a message that long echoes the input:\n{stderr}"
        );
    };
    // A plan entry without its lane is a broken export, not a local shipment.
    check(
        "no-lane.json",
        &|t| t.replacen("\"lane\": \"PAR-IDF-G\", ", "", 1),
        &[
            "orders[0].plan[0]: missing field `lane`",
            "`null` when the node is the destination",
        ],
    );
    // 300 digits are not echoed 300 digits long.
    let digits = "9".repeat(300);
    check(
        "digits.json",
        &|t| t.replacen("\"quantity\": 60", &format!("\"quantity\": -{digits}"), 1),
        &["quantity is -1e300, below 0"],
    );
    // A whole number too large for its field is out of range, not "floating point".
    check(
        "priority.json",
        &|t| {
            t.replacen(
                "\"priority\": 1",
                "\"priority\": 12345678901234567890123",
                1,
            )
        },
        &["orders[0].priority: 1.2345678901234568e22 is out of range; expected a whole number"],
    );
    check(
        "half.json",
        &|t| t.replacen("\"priority\": 1", "\"priority\": 1.5", 1),
        &["orders[0].priority: 1.5 is not whole; expected a whole number"],
    );
}

/// `recourse solve SCENARIO -o DIR/p.json`, which must succeed: the proposals' path.
fn proposals_of(scenario: &Path, dir: &Path) -> PathBuf {
    let proposals = dir.join("p.json");
    recourse()
        .arg("solve")
        .arg(scenario)
        .arg("-o")
        .arg(&proposals)
        .assert()
        .success();
    crate::common::checked_cost(scenario, &proposals);
    proposals
}

/// A read-only `-o` file is replaced (a new file renamed over it) and keeps its mode, as
/// the README's "Outputs never destroy what they point at" says: the directory's
/// permissions decide, as for `mv -f` or `sed -i`, not the file's.
#[test]
fn a_read_only_output_file_is_replaced_and_stays_read_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("risk.json");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o444)).unwrap();
    recourse()
        .arg("risk")
        .arg(demo())
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let doc: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(doc["format"], "recourse.risk/1");
    let mode = std::fs::metadata(&out).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o444);
}

/// An output whose directory takes no new files (the file itself writable) is refused with
/// the directory named as the problem, since the file is replaced by renaming a new one
/// over it; the old file is left as it was. A name ending in `/` that is no directory is
/// refused as one, not written as a file. Run as another user when this one is root (root
/// writes any directory), or skipped with a message when that cannot be done.
#[test]
fn an_output_in_a_directory_that_takes_no_files_names_the_directory() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    recourse()
        .arg("risk")
        .arg(demo())
        .arg("-o")
        .arg(dir.join("newdir/"))
        .assert()
        .code(2)
        .stderr(contains(
            "a name ending in / is a directory's, and there is none; name a file",
        ));
    assert!(!dir.join("newdir").exists());

    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    let ro = dir.join("ro");
    std::fs::create_dir(&ro).unwrap();
    std::fs::write(ro.join("old.json"), "old").unwrap();
    mode(&ro.join("old.json"), 0o666).unwrap();
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if root {
        let setpriv = Path::new("/usr/bin/setpriv");
        if !setpriv.exists() {
            eprintln!("skipped: root writes any directory, and there is no setpriv to run as another user");
            return;
        }
        // The binary and the scenario where the other user can reach them.
        mode(dir, 0o755).unwrap();
        mode(&ro, 0o755).unwrap();
        let bin = dir.join("recourse");
        std::fs::copy(assert_cmd::cargo::cargo_bin("recourse"), &bin).unwrap();
        mode(&bin, 0o755).unwrap();
        let mut c = std::process::Command::new(setpriv);
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(bin);
        c
    } else {
        mode(&ro, 0o555).unwrap();
        std::process::Command::new(assert_cmd::cargo::cargo_bin("recourse"))
    };
    let scenario = dir.join("s.json");
    std::fs::copy(demo(), &scenario).unwrap();
    mode(&scenario, 0o644).unwrap();
    let out = cmd
        .arg("risk")
        .arg(&scenario)
        .arg("-o")
        .arg(ro.join("old.json"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("cannot create a file in "), "{err}");
    assert!(err.contains("(Permission denied"), "{err}");
    assert!(
        err.contains("so its directory must take new files"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(ro.join("old.json")).unwrap(), "old");
    mode(&ro, 0o755).unwrap();
}
