//! `recourse generate` through the real binary: same arguments, same bytes; `-o` writes the
//! file whole; what it writes is a valid scenario.

use assert_cmd::Command;

fn recourse() -> Command {
    Command::cargo_bin("recourse").unwrap()
}

#[test]
fn the_same_arguments_give_the_same_bytes_and_a_valid_scenario() {
    let args = ["generate", "--orders", "150", "--skus", "12", "--seed", "7"];
    let a = recourse().args(args).output().unwrap();
    let b = recourse().args(args).output().unwrap();
    assert_eq!(
        a.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&a.stderr)
    );
    assert_eq!(a.stdout, b.stdout);
    let c = recourse()
        .args(["generate", "--orders", "150", "--skus", "12", "--seed", "8"])
        .output()
        .unwrap();
    assert_ne!(a.stdout, c.stdout);
    recourse()
        .args(["validate", "-"])
        .write_stdin(a.stdout.clone())
        .assert()
        .code(0);

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("s.json");
    recourse().args(args).arg("-o").arg(&out).assert().code(0);
    assert_eq!(std::fs::read(&out).unwrap(), a.stdout);
    // Nothing but the output is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn impossible_sizes_are_usage_errors() {
    recourse()
        .args(["generate", "--horizon", "0"])
        .assert()
        .code(2);
    recourse()
        .args(["generate", "--preset", "huge"])
        .assert()
        .code(2);
    recourse()
        .args(["generate", "--disruption-rate", "2"])
        .assert()
        .code(2);
    recourse()
        .args(["generate", "-o", "/nonexistent-dir/x.json"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot write /nonexistent-dir/x.json",
        ));
}
