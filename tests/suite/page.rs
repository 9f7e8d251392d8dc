//! The planner's page (`recourse report`, `solve --format html`): one file that fetches
//! nothing, loaded in headless Chromium and checked the way a planner would: the headline
//! numbers, every response, the approval ticks keeping what responses require, the total
//! and the `recourse apply` command, which is then run as written.

use crate::common::browser::{self, Page};
use crate::common::{checked_cost, recourse, tiny_path};
use recourse::documents::page::grouped;
use recourse::documents::proposals::ProposalsDoc;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// Solves `scenario` (copied into `dir` as scenario.json) to proposals.json, checks its plan
/// with `recourse check`, and writes report.html with `recourse report`; all run from `dir`
/// with relative names, as a planner would.
fn solved_page(scenario: &Path, dir: &Path, limit: &str) -> ProposalsDoc {
    std::fs::copy(scenario, dir.join("scenario.json")).unwrap();
    let run = |args: &[&str]| {
        let mut c = recourse();
        c.current_dir(dir).args(args);
        c.output().unwrap()
    };
    let solve = run(&[
        "solve",
        "scenario.json",
        "-o",
        "proposals.json",
        "--time-limit",
        limit,
    ]);
    assert_eq!(
        solve.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&solve.stderr)
    );
    let doc: ProposalsDoc =
        serde_json::from_slice(&std::fs::read(dir.join("proposals.json")).unwrap()).unwrap();
    let check = run(&[
        "check",
        "--format",
        "json",
        "scenario.json",
        "proposals.json",
    ]);
    assert_eq!(check.status.code(), Some(0));
    let c: recourse::documents::report::CheckDoc = serde_json::from_slice(&check.stdout).unwrap();
    assert!(c.feasible, "the plan passes the checker");
    let cost = doc.solve.objective.unwrap();
    assert!((c.cost.total - cost).abs() <= 1e-6 * cost.abs().max(1.0));
    let report = run(&[
        "report",
        "proposals.json",
        "--scenario",
        "scenario.json",
        "-o",
        "report.html",
    ]);
    assert_eq!(
        report.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&report.stderr)
    );
    doc
}

/// The demo's page, solved (its plan checked) and opened, with its directory and its
/// proposals; `None`, the test then returning, where there is no browser.
fn demo_page() -> Option<(tempfile::TempDir, ProposalsDoc, Page)> {
    let dir = tempfile::tempdir().unwrap();
    let doc = solved_page(&tiny_path("demo-eu"), dir.path(), "30");
    let page = browser::open(&dir.path().join("report.html"))?;
    Some((dir, doc, page))
}

/// Every response a tick on `id` must also tick: what it requires, transitively.
fn requirements(doc: &ProposalsDoc, id: &str) -> BTreeSet<String> {
    let by_id: HashMap<&str, &Vec<String>> = doc
        .responses
        .iter()
        .map(|r| (r.id.as_str(), &r.requires))
        .collect();
    let mut out = BTreeSet::new();
    let mut stack = vec![id.to_owned()];
    while let Some(x) = stack.pop() {
        if out.insert(x.clone()) {
            stack.extend(by_id[x.as_str()].iter().cloned());
        }
    }
    out
}

fn ticked(page: &Page) -> BTreeSet<String> {
    let v = page.eval(
        "[...document.querySelectorAll('#responses input.approve:checked')].map(e => e.dataset.id)",
    );
    serde_json::from_value(v).unwrap()
}

fn by_rank(doc: &ProposalsDoc, ids: &BTreeSet<String>) -> Vec<String> {
    doc.responses
        .iter()
        .filter(|r| ids.contains(&r.id))
        .map(|r| r.id.clone())
        .collect()
}

fn tick(page: &Page, id: &str) {
    page.click(&format!("#resp-{id} input.approve"));
}

/// Runs the page's command (`#command`, `recourse apply ...`) in `dir` as a planner pastes
/// it, which must succeed; the command.
fn runs_as_written(page: &Page, dir: &Path) -> String {
    let command = page.text("#command");
    let words: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(&words[..2], ["recourse", "apply"], "{command}");
    let out = recourse()
        .current_dir(dir)
        .args(&words[1..])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    command
}

/// The page as it prints: CSS `@media print` applies from here on.
fn emulate_print(page: &Page) {
    page.tab
        .call_method(
            headless_chrome::protocol::cdp::Emulation::SetEmulatedMedia {
                media: Some("print".to_owned()),
                features: None,
            },
        )
        .unwrap();
}

fn no_problems(page: &Page) {
    let p = page.problems();
    assert!(p.is_empty(), "the page logged errors: {p:#?}");
    let fetched = page.eval("performance.getEntriesByType('resource').map(e => e.name)");
    assert_eq!(fetched, serde_json::json!([]), "the page fetched nothing");
}

#[test]
fn the_demo_page_shows_the_headline_the_network_and_every_response() {
    let Some((dir, doc, page)) = demo_page() else {
        return;
    };
    let k = &doc.kpis;
    let plan = k.proposed.as_ref().unwrap();
    assert_eq!(
        page.text("#cost-baseline"),
        format!("{} EUR", grouped(k.baseline.cost.total))
    );
    assert_eq!(
        page.text("#cost-plan"),
        format!("{} EUR", grouped(plan.cost.total))
    );
    assert_eq!(
        page.text("#gap"),
        format!("{:.2}%", 100.0 * doc.solve.gap.unwrap())
    );
    assert_eq!(
        page.text("#at-risk-before"),
        k.baseline.at_risk_orders.to_string()
    );
    assert_eq!(page.text("#at-risk-after"), plan.at_risk_orders.to_string());
    // demo-eu's known optimum and baseline (datasets/tiny/README.md).
    assert_eq!(page.text("#cost-plan"), "1,200.00 EUR");
    assert_eq!(page.text("#cost-baseline"), "48,518.00 EUR");

    let cards =
        page.eval("[...document.querySelectorAll('#responses .resp')].map(e => e.dataset.id)");
    let ids: Vec<String> = doc.responses.iter().map(|r| r.id.clone()).collect();
    assert!(!ids.is_empty());
    assert_eq!(
        cards,
        serde_json::json!(ids),
        "every response, most valuable first"
    );

    // The network: every node drawn where the scenario places it, and what the disruptions
    // hit in red: the two lanes of the lane disruptions, the nodes of the others.
    assert_eq!(
        page.eval("document.querySelectorAll('#nodes [data-node]').length"),
        6
    );
    assert!(page.text("#map-note").contains("location"));
    // One label per node, drawn after every lane, ring and arrow (the map's last layer)
    // and with a halo, so no line or arrowhead covers a node's name.
    assert_eq!(
        page.eval("[...document.querySelectorAll('#map > *')].pop().id"),
        "labels"
    );
    assert_eq!(
        page.eval("[...document.querySelectorAll('#labels text')].map(t => t.textContent).sort().join(',')"),
        "DC-LYS,DC-PAR,PL-LIL,Z-IDF,Z-LYON,Z-MARS"
    );
    assert_eq!(
        page.eval("getComputedStyle(document.querySelector('#labels text')).paintOrder"),
        "stroke"
    );
    let hit_lanes = page.eval(
        "[...document.querySelectorAll('#hits [data-lane]')].map(e => e.dataset.lane).sort()",
    );
    assert_eq!(hit_lanes, serde_json::json!(["PAR-LYO-G", "PAR-MRS-G"]));
    let hit_nodes = page
        .eval("[...document.querySelectorAll('#hits .hit-node')].map(e => e.dataset.node).sort()");
    // PO-101's node, the stock loss and the outage; the surge order's destination apart.
    assert_eq!(hit_nodes, serde_json::json!(["DC-LYS", "DC-PAR"]));
    let surge =
        page.eval("[...document.querySelectorAll('#hits .surge-node')].map(e => e.dataset.node)");
    assert_eq!(surge, serde_json::json!(["Z-MARS"]));
    assert_eq!(
        page.eval("document.querySelectorAll('#disruptions li').length"),
        6
    );
    // The most valuable response is selected: its lanes are drawn.
    let first = &doc.responses[0];
    let drawn =
        page.eval("[...document.querySelectorAll('#moves .add')].map(e => e.dataset.lane).sort()");
    let mut lanes: Vec<String> = first
        .delta
        .add
        .shipments
        .iter()
        .filter_map(|s| s.lane.clone())
        .chain(first.delta.add.transfers.iter().map(|t| t.lane.clone()))
        .collect();
    lanes.sort();
    lanes.dedup();
    assert_eq!(drawn, serde_json::json!(lanes));
    no_problems(&page);
    page.screenshot(&dir.path().join("demo-eu.png"));
    assert!(
        std::fs::metadata(dir.path().join("demo-eu.png"))
            .unwrap()
            .len()
            > 10_000
    );
}

#[test]
fn ticks_keep_what_responses_require_and_the_command_they_write_applies() {
    let Some((dir, doc, page)) = demo_page() else {
        return;
    };
    assert!(ticked(&page).is_empty());
    // The response with the longest chain of requirements.
    let deepest = doc
        .responses
        .iter()
        .max_by_key(|r| (requirements(&doc, &r.id).len(), std::cmp::Reverse(r.rank)))
        .unwrap();
    let chain = requirements(&doc, &deepest.id);
    assert!(
        chain.len() >= 2,
        "demo-eu has a response that requires another"
    );
    tick(&page, &deepest.id);
    assert_eq!(
        ticked(&page),
        chain,
        "ticking {} ticks what it requires",
        deepest.id
    );
    let net: f64 = doc
        .responses
        .iter()
        .filter(|r| chain.contains(&r.id))
        .map(|r| r.net_benefit)
        .sum();
    assert_eq!(
        page.text("#approved-total"),
        format!("{} EUR", grouped(net))
    );
    let approve = by_rank(&doc, &chain).join(",");
    let digest = recourse::documents::proposals::responses_digest(&doc.responses);
    assert_eq!(digest.len(), 16);
    assert_eq!(
        page.text("#command"),
        format!("recourse apply scenario.json proposals.json --approve {approve} --responses-digest {digest} -o next.json")
    );
    let file = page.eval(
        "JSON.parse(decodeURIComponent(document.getElementById('download').href.split(',')[1]))",
    );
    assert_eq!(
        file,
        serde_json::json!({"approve": by_rank(&doc, &chain), "reject": [], "responses_digest": digest})
    );

    // Unticking the root of the chain unticks everything that requires it.
    let root_id = by_rank(&doc, &chain)[0].clone();
    tick(&page, &root_id);
    let left: BTreeSet<String> = chain
        .iter()
        .filter(|id| !requirements(&doc, id).contains(&root_id))
        .cloned()
        .collect();
    assert_eq!(ticked(&page), left);

    // Rejecting one is written as --reject; approving all the others and running the
    // command as the page writes it gives a scenario with nothing left at risk beyond what
    // the plan leaves.
    let rejected = doc.responses.last().unwrap().id.clone();
    let others: Vec<&str> = doc
        .responses
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| *id != rejected)
        .collect();
    assert!(
        others
            .iter()
            .all(|id| !requirements(&doc, id).contains(&rejected)),
        "the last response is required by none"
    );
    page.click(&format!("#resp-{rejected} button.reject"));
    for id in &others {
        if !ticked(&page).contains(*id) {
            tick(&page, id);
        }
    }
    let command = page.text("#command");
    assert!(
        command.ends_with(&format!(
            "--reject {rejected} --responses-digest {digest} -o next.json"
        )),
        "{command}"
    );
    assert_eq!(runs_as_written(&page, dir.path()), command);
    let words: Vec<&str> = command.split_whitespace().collect();
    // The same choice through the page's "approvals as JSON" file gives the same scenario.
    let file =
        page.eval("decodeURIComponent(document.getElementById('download').href.split(',')[1])");
    std::fs::write(dir.path().join("approvals.json"), file.as_str().unwrap()).unwrap();
    let by_file = recourse()
        .current_dir(dir.path())
        .args([
            "apply",
            "scenario.json",
            "proposals.json",
            "--decisions",
            "approvals.json",
        ])
        .args(["-o", "next-by-file.json"])
        .output()
        .unwrap();
    assert_eq!(
        by_file.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&by_file.stderr)
    );
    assert_eq!(
        std::fs::read(dir.path().join("next-by-file.json")).unwrap(),
        std::fs::read(dir.path().join("next.json")).unwrap()
    );
    // Solved again into the same file, the proposals hold other responses: the page's
    // command and file are refused rather than approve what the planner did not read.
    recourse()
        .current_dir(dir.path())
        .args(["solve", "scenario.json", "--formulation", "priority-rules"])
        .args(["-o", "proposals.json"])
        .assert()
        .code(0);
    crate::common::checked_cost(
        dir.path().join("scenario.json"),
        &dir.path().join("proposals.json"),
    );
    // The page's command without its `-o next.json`, which the loop replaces.
    for args in [
        &words[1..words.len() - 2],
        &[
            "apply",
            "scenario.json",
            "proposals.json",
            "--decisions",
            "approvals.json",
        ][..],
    ] {
        let out = recourse()
            .current_dir(dir.path())
            .args(args)
            .args(["-o", "refused.json"])
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("proposals.json holds other responses than the ones approved"),
            "{err}"
        );
        assert!(!dir.path().join("refused.json").exists());
    }
    let risk = recourse()
        .current_dir(dir.path())
        .args(["risk", "--format", "json", "next.json"])
        .output()
        .unwrap();
    assert_eq!(risk.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&risk.stdout).unwrap();
    let last = doc.responses.last().unwrap();
    let still: BTreeSet<&str> = r["at_risk"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["order"].as_str().unwrap())
        .collect();
    let unprotected: BTreeSet<&str> = last.protects.iter().map(String::as_str).collect();
    assert!(
        still.is_subset(&unprotected) && !still.is_empty(),
        "only what the rejected response protects stays at risk: {still:?}"
    );
    no_problems(&page);
}

/// Files whose names begin with "-" are written in the command so that `recourse apply`
/// reads them as files, not options: the command, run by a shell as the page writes it,
/// applies the approval.
#[test]
fn the_command_runs_as_written_for_file_names_beginning_with_a_dash() {
    let dir = tempfile::tempdir().unwrap();
    let doc = solved_page(&tiny_path("demo-eu"), dir.path(), "30");
    let d = dir.path();
    std::fs::rename(d.join("scenario.json"), d.join("-s.json")).unwrap();
    std::fs::rename(d.join("proposals.json"), d.join("-p.json")).unwrap();
    recourse()
        .current_dir(d)
        .args([
            "report",
            "./-p.json",
            "--scenario=-s.json",
            "-o",
            "dash.html",
        ])
        .assert()
        .code(0);
    let Some(page) = browser::open(&d.join("dash.html")) else {
        return;
    };
    tick(&page, &doc.responses[0].id);
    let command = page.text("#command");
    assert!(
        command.starts_with("recourse apply ./-s.json ./-p.json --approve "),
        "{command}"
    );
    let bin = Path::new(env!("CARGO_BIN_EXE_recourse")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("sh")
        .args(["-c", &command])
        .current_dir(d)
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(d.join("next.json").exists());
    no_problems(&page);
}

/// A rejection is the planner's word: ticking a response that requires a rejected one
/// approves neither, and the card names the rejected response to take back first.
#[test]
fn a_tick_never_overrides_a_rejection() {
    let Some((_dir, doc, page)) = demo_page() else {
        return;
    };
    let needs = doc
        .responses
        .iter()
        .find(|r| !r.requires.is_empty())
        .expect("demo-eu has a response that requires another");
    let (id, q) = (needs.id.clone(), needs.requires[0].clone());
    let n = doc.responses.len();
    assert!(page
        .text("#tick-rules")
        .contains("rejecting one unticks the ones that require it"));

    page.click(&format!("#resp-{q} button.reject"));
    tick(&page, &id);
    assert!(ticked(&page).is_empty(), "{:?}", ticked(&page));
    assert_eq!(
        page.text("#approved-count"),
        format!("(0 of {n} responses approved, 1 rejected)")
    );
    let digest = recourse::documents::proposals::responses_digest(&doc.responses);
    assert_eq!(
        page.text("#command"),
        format!("recourse apply scenario.json proposals.json --reject {q} --responses-digest {digest} -o next.json")
    );
    let note = |id: &str| {
        page.eval(&format!(
            "(p => p.hidden ? null : p.textContent)(document.querySelector('#resp-{id} .tick-note'))"
        ))
    };
    assert_eq!(
        note(&id),
        serde_json::json!(format!(
            "Not approved: {id} needs {q}, which you rejected: un-reject it first."
        ))
    );

    // Taken back, the rejection no longer blocks, and the note goes.
    page.click(&format!("#resp-{q} button.reject"));
    assert_eq!(note(&id), serde_json::Value::Null);
    tick(&page, &id);
    assert_eq!(ticked(&page), requirements(&doc, &id));
    // Rejecting it again unticks what requires it, and its card says so.
    page.click(&format!("#resp-{q} button.reject"));
    assert!(!ticked(&page).contains(&id) && !ticked(&page).contains(&q));
    assert!(
        note(&q)
            .as_str()
            .unwrap()
            .starts_with(&format!("Rejecting {q} unticked {id}")),
        "{}",
        note(&q)
    );
    no_problems(&page);
}

/// Per lane a disruption hit: whether its red line is the topmost thing at its middle, and
/// the lane of the selected response's line found just beside that middle (`null`: none).
const RED_ON_TOP: &str = "(() => {
  document.getElementById('map').scrollIntoView({block: 'center'});
  return [...document.querySelectorAll('#hits [data-lane]')].map(red => {
    const n = red.getTotalLength(), m = red.getPointAtLength(n / 2), m2 = red.getPointAtLength(n / 2 + 1);
    const ctm = red.getScreenCTM();
    const at = (x, y) => { const p = new DOMPoint(x, y).matrixTransform(ctm); return document.elementFromPoint(p.x, p.y); };
    const k = Math.hypot(m2.x - m.x, m2.y - m.y), nx = (m.y - m2.y) / k, ny = (m2.x - m.x) / k;
    const beside = at(m.x + 3 * nx, m.y + 3 * ny);
    return [red.dataset.lane, at(m.x, m.y) === red, beside && beside.closest('#moves') ? beside.dataset.lane : null];
  });
})()";

/// Per pair of lanes between the same two nodes, how far apart the middles of their
/// drawings are, in map units.
const PARALLEL_GAPS: &str = "(() => {
  const D = JSON.parse(document.getElementById('data').textContent);
  const map = document.getElementById('map');
  const parts = document.querySelector('#map path.lane').getAttribute('d').split('M').slice(1);
  const mid = (seg) => {
    const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    p.setAttribute('d', 'M' + seg);
    map.append(p);
    const q = p.getPointAtLength(p.getTotalLength() / 2);
    p.remove();
    return q;
  };
  const out = [];
  D.lanes.forEach((a, i) => D.lanes.forEach((b, j) => {
    if (j <= i || Math.min(a.from, a.to) !== Math.min(b.from, b.to) || Math.max(a.from, a.to) !== Math.max(b.from, b.to)) return;
    const [p, q] = [mid(parts[i]), mid(parts[j])];
    out.push([a.id, b.id, Math.hypot(p.x - q.x, p.y - q.y)]);
  }));
  return out;
})()";

/// A disruption stays red on the map when the selected response uses its lane (the
/// response's line shows as a border around the red), and lanes between the same two
/// nodes are drawn apart, so which mode was hit can be seen.
#[test]
fn disruptions_stay_visible_under_the_selected_response_and_parallel_lanes_part() {
    let Some((_dir, doc, page)) = demo_page() else {
        return;
    };
    let lanes_of = |plan: &recourse::plan::PlanDoc| -> BTreeSet<String> {
        plan.shipments
            .iter()
            .filter_map(|s| s.lane.clone())
            .chain(plan.transfers.iter().map(|t| t.lane.clone()))
            .collect()
    };
    let mut over_hit = 0;
    for r in &doc.responses {
        page.click(&format!("#resp-{} strong", r.id));
        let moved: BTreeSet<String> = lanes_of(&r.delta.add)
            .union(&lanes_of(&r.delta.remove))
            .cloned()
            .collect();
        let seen: Vec<(String, bool, Option<String>)> =
            serde_json::from_value(page.eval(RED_ON_TOP)).unwrap();
        assert_eq!(seen.len(), 2, "demo-eu's two lane disruptions");
        for (lane, red_on_top, beside) in seen {
            assert!(red_on_top, "{}: the red of {lane} is covered", r.id);
            if moved.contains(&lane) {
                over_hit += 1;
                assert_eq!(
                    beside.as_deref(),
                    Some(lane.as_str()),
                    "{}: its line on {lane} shows",
                    r.id
                );
            }
        }
    }
    assert!(
        over_hit > 0,
        "some response of demo-eu moves over a hit lane"
    );
    let gaps: Vec<(String, String, f64)> =
        serde_json::from_value(page.eval(PARALLEL_GAPS)).unwrap();
    assert!(
        gaps.iter()
            .any(|(a, b, _)| a == "PAR-MRS-G" && b == "PAR-MRS-A"
                || a == "PAR-MRS-A" && b == "PAR-MRS-G"),
        "{gaps:?}"
    );
    for (a, b, gap) in &gaps {
        assert!(*gap >= 10.0, "{a} and {b} are drawn {gap} units apart");
    }
    no_problems(&page);
}

/// Whether the JavaScript expression `test` turns true within five seconds (a smooth
/// scroll arriving), tried every 50 ms.
fn wait_for(page: &Page, test: &str) -> bool {
    for _ in 0..100 {
        if page.eval(test) == serde_json::json!(true) {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    page.eval(test) == serde_json::json!(true)
}

/// "show on map" on a card far below the map brings the map into view, the response's
/// movements drawn on it.
#[test]
fn show_on_map_brings_the_map_into_view() {
    let Some((_dir, doc, page)) = demo_page() else {
        return;
    };
    let last = doc.responses.last().unwrap();
    let map_top = "document.getElementById('map').getBoundingClientRect().top";
    let in_view = format!("(t => t >= -1 && t < innerHeight / 2)({map_top})");
    page.eval(&format!(
        "document.querySelector('#resp-{} button.show').scrollIntoView({{block: 'end'}}), 0",
        last.id
    ));
    assert_eq!(
        page.eval("document.getElementById('map').getBoundingClientRect().bottom < 0"),
        serde_json::json!(true),
        "the last card is a screen or more below the map"
    );
    page.click(&format!("#resp-{} button.show", last.id));
    // The scroll is smooth: wait for it to arrive.
    assert!(
        wait_for(&page, &in_view),
        "map top at {}",
        page.eval(map_top)
    );
    let mut lanes: Vec<String> = last
        .delta
        .add
        .shipments
        .iter()
        .filter_map(|s| s.lane.clone())
        .chain(last.delta.add.transfers.iter().map(|t| t.lane.clone()))
        .collect();
    lanes.sort();
    lanes.dedup();
    assert_eq!(
        page.eval("[...document.querySelectorAll('#moves .add')].map(e => e.dataset.lane).sort()"),
        serde_json::json!(lanes)
    );
    assert_eq!(
        page.eval("document.querySelector('#responses .resp.focus').dataset.id"),
        serde_json::json!(last.id)
    );
    no_problems(&page);
}

/// The search finds a response by every id it names: the orders it protects or moves and
/// their destinations, its SKUs, nodes and lanes (the ends of each lane too), and by the
/// card's own label, whether or not its explanation names them.
#[test]
fn search_finds_a_response_by_its_orders_zones_lanes_and_label() {
    let Some((dir, doc, page)) = demo_page() else {
        return;
    };
    let scenario: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("scenario.json")).unwrap()).unwrap();
    let field = |list: &str, id: &str, key: &str| -> String {
        scenario[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .map(|x| x[key].as_str().unwrap().to_owned())
            .unwrap()
    };
    // Per id, the responses that name it.
    let mut by_term: std::collections::BTreeMap<String, BTreeSet<String>> = Default::default();
    for r in &doc.responses {
        let mut terms: Vec<String> = r.protects.iter().chain(&r.helps).cloned().collect();
        for plan in [&r.delta.add, &r.delta.remove] {
            for x in &plan.shipments {
                terms.extend([x.order.clone(), x.sku.clone(), x.node.clone()]);
                terms.extend(x.lane.clone());
            }
            for t in &plan.transfers {
                terms.extend([t.sku.clone(), t.lane.clone()]);
            }
        }
        let lanes: Vec<String> = terms
            .iter()
            .filter(|t| {
                scenario["lanes"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|l| l["id"] == **t)
            })
            .cloned()
            .collect();
        for l in lanes {
            terms.extend([field("lanes", &l, "from"), field("lanes", &l, "to")]);
        }
        let orders: Vec<String> = terms
            .iter()
            .filter(|t| {
                scenario["orders"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|o| o["id"] == **t)
            })
            .cloned()
            .collect();
        for o in orders {
            terms.push(field("orders", &o, "destination"));
        }
        terms.push(format!("#{}", r.rank));
        for t in terms {
            by_term.entry(t).or_default().insert(r.id.clone());
        }
    }
    assert!(
        by_term.contains_key("Z-MARS") && by_term.contains_key("PAR-MRS-G"),
        "{by_term:?}"
    );
    for (term, want) in &by_term {
        let q = serde_json::to_string(term).unwrap();
        let shown: BTreeSet<String> = serde_json::from_value(page.eval(&format!(
            "(s => {{ s.value = {q}; s.dispatchEvent(new Event('input')); \
             return [...document.querySelectorAll('#responses .resp')].map(e => e.dataset.id); }})\
             (document.getElementById('search'))"
        )))
        .unwrap();
        if term.starts_with('#') {
            assert_eq!(&shown, want, "the card labelled {term}");
        } else {
            assert!(
                shown.is_superset(want),
                "{term}: {shown:?} lacks some of {want:?}"
            );
        }
    }
    no_problems(&page);
}

/// A generated scenario with hundreds of responses: the page shows the top 50, more on
/// request, filters by the approving function, finds any response by id, and a tick still
/// reaches required responses that are not on screen.
#[test]
fn a_page_of_many_responses_shows_the_top_and_finds_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let gen = recourse()
        .args(["generate", "--orders", "1500", "--seed", "9", "-o"])
        .arg(dir.path().join("gen.json"))
        .output()
        .unwrap();
    assert_eq!(gen.status.code(), Some(0));
    let doc = solved_page(&dir.path().join("gen.json"), dir.path(), "8");
    assert!(
        doc.responses.len() > 100,
        "{} responses",
        doc.responses.len()
    );
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    let count = |p: &Page| p.eval("document.querySelectorAll('#responses .resp').length");
    assert_eq!(count(&page), 50);
    // A printout holds the cards on screen, and says so.
    assert_eq!(
        page.text("#printed"),
        format!(
            "Printed: the 50 responses shown of {} (show more on the page before printing to print more).",
            doc.responses.len()
        )
    );
    assert!(
        page.text("#map-note").contains("location"),
        "generated nodes have locations"
    );
    page.click("#more-responses");
    assert_eq!(count(&page), 100);

    // The function that approves the fewest responses (but some): the filter shows only
    // those.
    let approving = |owner: &str| {
        doc.responses
            .iter()
            .filter(|r| r.approvals.iter().any(|a| a == owner))
            .count()
    };
    let owner = ["inventory", "supply", "logistics"]
        .into_iter()
        .filter(|o| approving(o) > 0)
        .min_by_key(|o| approving(o))
        .unwrap();
    assert!(
        approving(owner) < doc.responses.len(),
        "the filter leaves some out"
    );
    choose_owner(&page, owner);
    assert_eq!(count(&page), approving(owner).min(50));
    let only = page.eval(&format!(
        "[...document.querySelectorAll('#responses .resp')].every(e => e.querySelector('header .badge.{owner}') !== null)"
    ));
    assert_eq!(only, serde_json::json!(true));

    // A response far down the ranking whose requirements are not on screen.
    let far = doc
        .responses
        .iter()
        .rev()
        .find(|r| !r.requires.is_empty())
        .expect("some response requires another");
    choose_owner(&page, "");
    page.type_into("#search", &far.id);
    assert_eq!(count(&page), 1);
    tick(&page, &far.id);
    let chain = requirements(&doc, &far.id);
    let approved = page.text("#approved-count");
    assert!(
        approved.starts_with(&format!(
            "({} of {} responses approved",
            chain.len(),
            doc.responses.len()
        )),
        "{approved}"
    );
    assert!(page
        .text("#command")
        .contains(&format!("--approve {} ", by_rank(&doc, &chain).join(","))));
    no_problems(&page);
}

/// Picks an entry of the "Approved by" list, as a keyboard user would.
fn choose_owner(page: &Page, owner: &str) {
    page.tab
        .find_element("#owner")
        .unwrap()
        .call_js_fn(
            &format!("function () {{ this.value = '{owner}'; this.dispatchEvent(new Event('change')); }}"),
            vec![],
            false,
        )
        .unwrap();
}

/// Without locations the nodes are laid out in columns by kind, and the page still works.
#[test]
fn without_locations_the_network_is_laid_out_by_kind() {
    let dir = tempfile::tempdir().unwrap();
    let doc = solved_page(&tiny_path("lane-capacity-fixed-cost"), dir.path(), "30");
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    assert!(page.text("#map-note").contains("laid out by kind"));
    let s: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tiny_path("lane-capacity-fixed-cost")).unwrap())
            .unwrap();
    let nodes = s["nodes"].as_array().unwrap().len();
    assert_eq!(
        page.eval("document.querySelectorAll('#nodes [data-node]').length"),
        nodes
    );
    let columns = page.eval(
        "new Set([...document.querySelectorAll('#nodes [data-node]')].map(e => e.getAttribute('cx') ?? (+e.getAttribute('x') + 4.5).toString())).size",
    );
    let kinds: BTreeSet<&str> = s["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        columns,
        serde_json::json!(kinds.len()),
        "one column per kind"
    );
    assert_eq!(
        page.eval("document.querySelectorAll('#responses .resp').length"),
        doc.responses.len()
    );
    no_problems(&page);
}

/// The page is one file: nothing it references lives elsewhere.
#[test]
fn the_page_is_one_file_that_references_nothing_outside() {
    let dir = tempfile::tempdir().unwrap();
    let doc = solved_page(&tiny_path("demo-eu"), dir.path(), "30");
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    for outside in [
        "src=",
        "<link",
        "@import",
        "url(http",
        "url(//",
        "href=\"http",
        "href=\"//",
    ] {
        assert!(!html.contains(outside), "the page contains {outside}");
    }
    assert_eq!(
        html.matches("<script").count(),
        2,
        "the data block and the script"
    );
    let data = html
        .split("<script type=\"application/json\" id=\"data\">")
        .nth(1)
        .unwrap();
    let data = data.split("</script>").next().unwrap();
    let v: serde_json::Value = serde_json::from_str(data).unwrap();
    let ids: Vec<&str> = v["responses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let want: Vec<&str> = doc.responses.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, want);
    assert_eq!(
        v["files"],
        serde_json::json!({"scenario": "scenario.json", "proposals": "proposals.json"})
    );
}

/// `solve --format html` writes the same page in one step, without the proposals document
/// approvals are made on: it offers no apply command, and says how to make a page that does.
#[test]
fn solve_writes_the_page_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let out = page_by_solve(dir.path(), tiny_path("demo-eu"), 0);
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains(
        "<div class=\"value\" id=\"cost-plan\">1,200.00 <span class=\"cur\">EUR</span></div>"
    ));
    assert!(html.contains(
        "<div class=\"value\" id=\"cost-baseline\">48,518.00 <span class=\"cur\">EUR</span></div>"
    ));
    assert!(html.contains("a new solve can rank the responses differently"));
    assert!(html.contains("\"proposals\":null"));
    // Ticking gives no apply command: solving again for the proposals document could give
    // other responses under the same ids.
    let Some(page) = browser::open(&out) else {
        return;
    };
    tick(&page, "R1");
    let command = page.text("#command");
    assert!(
        command.starts_with("This page was written without its proposals document, so it gives no recourse apply command."),
        "{command}"
    );
    assert_eq!(
        page.eval("document.getElementById('download').hidden"),
        true
    );
    no_problems(&page);
}

/// A response's net benefit, or the orders it names, edited after `solve` wrote them: the
/// page would show numbers `apply` cannot keep, so `report` refuses it (exit 2), and so does
/// `apply` of any response of it.
#[test]
fn report_and_apply_refuse_responses_edited_after_the_solve() {
    let dir = tempfile::tempdir().unwrap();
    solved_page(&tiny_path("demo-eu"), dir.path(), "30");
    let original: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("proposals.json")).unwrap()).unwrap();
    let mut net = original.clone();
    net["responses"][0]["net_benefit"] = 999999.0.into();
    let mut protects = original.clone();
    protects["responses"][0]["protects"] = serde_json::json!(["SO-9999"]);
    for (name, doc, says) in [
        ("net.json", net, "their net benefits add up to"),
        (
            "protects.json",
            protects,
            "R1 names order \"SO-9999\", which is not in the scenario",
        ),
    ] {
        std::fs::write(dir.path().join(name), doc.to_string()).unwrap();
        for args in [
            &[
                "report",
                name,
                "--scenario",
                "scenario.json",
                "-o",
                "edited.html",
            ][..],
            &[
                "apply",
                "scenario.json",
                name,
                "--approve",
                "R2",
                "-o",
                "edited.json",
            ],
        ] {
            let out = recourse()
                .current_dir(dir.path())
                .args(args)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(err.contains(says), "{args:?}: {err}");
        }
        assert!(!dir.path().join("edited.html").exists());
    }
}

/// Proposals made for one scenario are not drawn over another: exit 2, both named, nothing
/// written.
#[test]
fn report_refuses_proposals_made_for_another_scenario() {
    let dir = tempfile::tempdir().unwrap();
    solved_page(&tiny_path("demo-eu"), dir.path(), "30");
    let out = dir.path().join("other.html");
    let r = recourse()
        .arg("report")
        .arg(dir.path().join("proposals.json"))
        .arg("--scenario")
        .arg(tiny_path("stock-loss"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("was made for scenario \"demo-eu-1\""), "{err}");
    assert!(!out.exists());

    // The same scenario after an `apply` is another version of it: the page would show
    // the old responses and a command `apply` refuses.
    let next = dir.path().join("next.json");
    recourse()
        .arg("apply")
        .arg(tiny_path("demo-eu"))
        .arg(dir.path().join("proposals.json"))
        .args(["--approve", "all", "-o"])
        .arg(&next)
        .assert()
        .success();
    let r = recourse()
        .arg("report")
        .arg(dir.path().join("proposals.json"))
        .arg("--scenario")
        .arg(&next)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("another version of the scenario"), "{err}");
    assert!(!out.exists());
}

/// A scenario no plan can solve (a frozen order's stock lost) still gets its page, from
/// `solve --format html` (exit 1), and the page names the frozen order that makes it so.
#[test]
fn an_infeasible_page_names_the_frozen_order_no_plan_can_keep() {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tiny_path("frozen-order")).unwrap()).unwrap();
    v["disruptions"][0]["quantity"] = serde_json::json!(79);
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("s.json");
    std::fs::write(&scenario, v.to_string()).unwrap();
    let out = page_by_solve(dir.path(), &scenario, 1);
    // One order at each priority: counted in the singular ("(1 orders)" before).
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(html.contains("Priority 1 <span class=\"note\">(1 order)</span>"));
    assert!(!html.contains("1 orders") && html.contains("0 responses"));
    let Some(page) = browser::open(&out) else {
        return;
    };
    no_problems(&page);
    assert_eq!(page.text("#cost-plan"), "no plan");
    assert_eq!(
        page.text("#infeasible"),
        "No plan keeps every frozen order's commitment: SO-2. Unfreeze it, or restore the \
         stock or capacity its plan needs, and solve again."
    );
    // Lower down, the page does not claim the orders are protected.
    let unresolved = page.text("#unresolved");
    assert!(
        unresolved.contains("No plan: the orders stay"),
        "{unresolved}"
    );
    assert!(!unresolved.contains("protected"), "{unresolved}");
}

/// A plan that needs no response (demo-eu without its disruptions) offers nothing to tick:
/// no rules of ticking, no empty approvals file, and the command's place says so.
#[test]
fn a_page_without_responses_offers_nothing_to_approve() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tiny_path("demo-eu")).unwrap()).unwrap();
    v["disruptions"] = serde_json::json!([]);
    let scenario = dir.path().join("calm.json");
    std::fs::write(&scenario, v.to_string()).unwrap();
    let doc = solved_page(&scenario, dir.path(), "10");
    assert!(doc.responses.is_empty());
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    no_problems(&page);
    assert_eq!(
        page.text("#command"),
        "Nothing to approve: the plan changes nothing, so there is no response (orders still late or short are listed under Unresolved orders)."
    );
    assert_eq!(
        page.eval("document.getElementById('download').hidden"),
        true
    );
    assert_eq!(
        page.eval("document.getElementById('tick-rules').hidden"),
        true
    );
}

/// The unresolved orders count every order the plan leaves late or short, as the KPIs do:
/// on demand-surge, SO-1 was on time if nobody acts and gives up its stock to the surge
/// order in R1 (then 20 units late). It is listed with why, and the count matches the KPI.
#[test]
fn the_page_lists_the_orders_the_plan_makes_late_or_short() {
    let dir = tempfile::tempdir().unwrap();
    let (proposals, out) = (dir.path().join("p.json"), dir.path().join("page.html"));
    recourse()
        .arg("solve")
        .arg(tiny_path("demand-surge"))
        .arg("-o")
        .arg(&proposals)
        .assert()
        .success();
    crate::common::checked_cost(tiny_path("demand-surge"), &proposals);
    recourse()
        .arg("report")
        .arg(&proposals)
        .arg("--scenario")
        .arg(tiny_path("demand-surge"))
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let doc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&proposals).unwrap()).unwrap();
    let after = doc["kpis"]["proposed"]["at_risk_orders"].as_u64().unwrap();
    assert!(doc["unresolved"].as_array().unwrap().is_empty());
    let html = std::fs::read_to_string(&out).unwrap();
    assert!(
        html.contains(&format!("({after} still late or short with the plan)")),
        "the count is the KPI's, {after}"
    );
    assert!(html.contains(
        "<td class=\"id\">SO-1</td><td>3</td><td>Not at risk if nobody acts; gives up stock or \
         capacity in R1: 20 units late (up to 2 days).</td>"
    ));
}

/// The unresolved orders are listed most important first (the page shows the first 200 of
/// them): `generate --orders 300 --seed 4`'s plan leaves a priority-3 order late before a
/// priority-2 one in the document's order.
#[test]
fn the_unresolved_orders_come_most_important_first() {
    let dir = tempfile::tempdir().unwrap();
    let (scenario, proposals, out) = (
        dir.path().join("s.json"),
        dir.path().join("p.json"),
        dir.path().join("page.html"),
    );
    recourse()
        .args([
            "generate",
            "--orders",
            "300",
            "--disruption-rate",
            "0.05",
            "--seed",
            "4",
            "-o",
        ])
        .arg(&scenario)
        .assert()
        .success();
    recourse()
        .arg("solve")
        .arg(&scenario)
        .arg("-o")
        .arg(&proposals)
        .assert()
        .success();
    crate::common::checked_cost(&scenario, &proposals);
    recourse()
        .arg("report")
        .arg(&proposals)
        .arg("--scenario")
        .arg(&scenario)
        .arg("-o")
        .arg(&out)
        .assert()
        .success();
    let doc: ProposalsDoc = serde_json::from_slice(&std::fs::read(&proposals).unwrap()).unwrap();
    let listed: Vec<u32> = doc.unresolved.iter().map(|u| u.priority).collect();
    assert!(listed.windows(2).any(|w| w[0] > w[1]), "{listed:?}");
    let html = std::fs::read_to_string(&out).unwrap();
    let section = &html[html.find("id=\"unresolved\"").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    let shown: Vec<u32> = section
        .split("</td><td>")
        .skip(1)
        .step_by(2)
        .map(|cell| cell.parse().unwrap())
        .collect();
    assert!(shown.len() >= listed.len(), "{shown:?}");
    assert!(shown.windows(2).all(|w| w[0] <= w[1]), "{shown:?}");
}

/// An empty proposals document is named as one, with the schema of proposals.
#[test]
fn an_empty_proposals_document_points_at_the_proposals_schema() {
    recourse()
        .args(["report", "-", "--scenario"])
        .arg(tiny_path("demo-eu"))
        .write_stdin("")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "error[empty_input]: the proposals document is empty\n  hint: pass the proposals document `recourse solve -o` writes (see `recourse schema proposals`)",
        ));
}

/// The proposals document passed where the scenario goes is named as one of recourse's own
/// documents, not as a format of another release.
#[test]
fn proposals_passed_as_the_scenario_are_named_as_such() {
    let dir = tempfile::tempdir().unwrap();
    solved_page(&tiny_path("demo-eu"), dir.path(), "30");
    recourse()
        .current_dir(dir.path())
        .args(["report", "proposals.json", "--scenario", "proposals.json", "-o", "x.html"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "hint: this is a document recourse writes, not a scenario: pass the scenario (\"recourse.scenario/1\") here, the file the recourse.proposals/1 document was made from",
        ));
    assert!(!dir.path().join("x.html").exists());
}

/// The numbers the page's text holds that break its way of writing them: money (an amount
/// before the currency) not in two decimals grouped by thousands, and any other number of
/// four digits or more without its thousands grouped. Ids and dates are words of their own
/// ("SO-1011", "2026-11-27") and are not numbers here.
fn numbers_written_otherwise(text: &str, currency: &str) -> Vec<String> {
    let is_number = |w: &str| {
        let w = w.strip_prefix('-').unwrap_or(w);
        !w.is_empty()
            && w.chars()
                .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
            && w.starts_with(|c: char| c.is_ascii_digit())
    };
    let grouped = |int: &str| {
        let groups: Vec<&str> = int.split(',').collect();
        (1..=3).contains(&groups[0].len()) && groups[1..].iter().all(|g| g.len() == 3)
    };
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .map(|w| w.trim_end_matches([',', ';', ':', '.']))
        .collect();
    let mut bad = Vec::new();
    for (k, w) in words.iter().enumerate() {
        if !is_number(w) {
            continue;
        }
        let plain = w.strip_prefix('-').unwrap_or(w);
        let (int, frac) = plain.split_once('.').unwrap_or((plain, ""));
        let money = words.get(k + 1) == Some(&currency);
        if !grouped(int) || (money && frac.len() != 2) {
            bad.push(format!("{w}{}", if money { " (money)" } else { "" }));
        }
    }
    bad
}

/// The page of a generated scenario of 1,118 orders (`generate --orders 1100 --seed 9`),
/// solved in 4 s, as `report.html` in `dir`; its proposals document.
fn generated_page(dir: &Path) -> ProposalsDoc {
    recourse()
        .args(["generate", "--orders", "1100", "--seed", "9", "-o"])
        .arg(dir.join("gen.json"))
        .assert()
        .success();
    solved_page(&dir.join("gen.json"), dir, "4")
}

/// Money is written with two decimals and every count grouped by thousands, the same in the
/// headline cards, the KPI table, the chart, the response cards, the sentences they quote
/// from the proposals document and the running total: a generated scenario of 1,118 orders.
#[test]
fn money_and_counts_are_written_alike_all_over_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let doc = generated_page(dir.path());
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    tick(&page, &doc.responses[0].id);
    let text = page.eval(
        "document.body.innerText + '\\n' + document.querySelector('#by-day svg').textContent",
    );
    let text = text.as_str().unwrap();
    // What the check looks at is there: orders counted in thousands, money in sentences.
    assert!(text.contains("of 1,118 orders"), "{text}");
    assert!(text.contains(" EUR in penalties"), "{text}");
    assert_eq!(numbers_written_otherwise(text, "EUR"), Vec::<String>::new());
    let net = doc.responses[0].net_benefit;
    assert_eq!(
        page.text("#approved-total"),
        format!("{} EUR", grouped(net))
    );
    assert!(page.text("#approved-total").ends_with(".00 EUR") || net.fract() != 0.0);
    no_problems(&page);
}

#[test]
fn numbers_written_otherwise_finds_what_the_page_must_not_write() {
    let bad = numbers_written_otherwise(
        "of 5081 orders · 1,466.5 EUR · 1,200 EUR · 40000 EUR · SO-1011 on 2026-11-27 · 12.50 EUR · 1,234,567.00 EUR (2,500 units) #1 R1",
        "EUR",
    );
    assert_eq!(
        bad,
        ["5081", "1,466.5 (money)", "1,200 (money)", "40000 (money)"]
    );
}

/// frozen-order with all but one unit of SO-2's stock lost: no plan keeps its frozen
/// commitment. Written into `dir` as s.json.
fn infeasible_scenario(dir: &Path) -> std::path::PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tiny_path("frozen-order")).unwrap()).unwrap();
    v["disruptions"][0]["quantity"] = serde_json::json!(79);
    let scenario = dir.join("s.json");
    std::fs::write(&scenario, v.to_string()).unwrap();
    scenario
}

/// Without a plan nothing is resolved: the section of unresolved orders lists the orders at
/// risk if nobody acts, with why and the most important first, and says why there is no
/// plan, instead of counting "0 still late or short with the plan" above a sentence that
/// there is none.
#[test]
fn an_infeasible_page_lists_the_orders_left_at_risk_with_why() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = infeasible_scenario(dir.path());
    let out = page_by_solve(dir.path(), &scenario, 1);
    let html = std::fs::read_to_string(&out).unwrap();
    let section = &html[html.find("<section id=\"unresolved\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(
        !section.contains("still late or short with the plan"),
        "{section}"
    );
    // Nor does the chart's legend name what no plan draws.
    let chart = &html[html.find("<section id=\"by-day\">").unwrap()..];
    let legend = &chart[..chart.find("</p>").unwrap()];
    assert!(legend.ends_with("at risk if nobody acts "), "{legend}");
    assert!(
        section.contains(
            "Unresolved orders <span class=\"note\">(no plan: 2 at risk if nobody acts)</span>"
        ),
        "{section}"
    );
    assert!(
        section.contains(
            "No plan: the orders stay as they are if nobody acts, because no plan keeps the \
             commitment of frozen order <bdi>SO-2</bdi> (the top of the page says what to do about it). \
             No response can be approved until there is a plan. The 2 orders at risk then, \
             with why:"
        ),
        "{section}"
    );
    assert!(
        section.contains(
            "<tr><td class=\"id\">SO-1</td><td>1</td><td>79 SKU-1 lost at DC-PAR \
             (disruptions[0] stock_loss of 79 SKU-1 at DC-PAR); SKU-1 at DC-PAR went first to \
             SO-2.</td></tr><tr><td class=\"id\">SO-2</td><td>3</td><td>Frozen, but 39 SKU-1"
        ),
        "{section}"
    );
}

/// `v` with every string that is a key of `new` (an id, wherever it stands) replaced by its
/// value.
fn renamed(v: &mut serde_json::Value, new: &HashMap<String, String>) {
    match v {
        serde_json::Value::String(s) => {
            if let Some(n) = new.get(s.as_str()) {
                *s = n.clone();
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| renamed(x, new)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| renamed(x, new)),
        _ => {}
    }
}

/// demo-eu with every node's id made 200 characters long (everything that names a node
/// follows).
fn long_node_ids(dir: &Path) -> (std::path::PathBuf, Vec<String>) {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tiny_path("demo-eu")).unwrap()).unwrap();
    let long: HashMap<String, String> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            let id = n["id"].as_str().unwrap().to_owned();
            let padded = format!("{id}-{}", "X".repeat(199 - id.len()));
            (id, padded)
        })
        .collect();
    renamed(&mut v, &long);
    let scenario = dir.join("long.json");
    std::fs::write(&scenario, v.to_string()).unwrap();
    (scenario, long.into_values().collect())
}

/// A node's label never runs out of the map: a 200-character id is cut to fit the frame and
/// ends in "…", and its tooltip holds the whole id.
#[test]
fn long_node_ids_are_cut_to_fit_the_map_and_kept_whole_in_the_tooltip() {
    let dir = tempfile::tempdir().unwrap();
    let (scenario, ids) = long_node_ids(dir.path());
    assert!(ids.iter().all(|id| id.chars().count() == 200));
    let out = page_by_solve(dir.path(), &scenario, 0);
    let Some(page) = browser::open(&out) else {
        return;
    };
    let labels = page.eval(
        "[...document.querySelectorAll('#labels text')].map(t => { const b = t.getBBox(); \
         return { node: t.parentNode.dataset.node ?? '', text: t.textContent, \
         title: (t.parentNode.querySelector('title')?.textContent ?? '').replace(/[\\u2068\\u2069]/g, ''), \
         left: b.x, \
         right: b.x + b.width }; })",
    );
    let labels = labels.as_array().unwrap();
    assert_eq!(labels.len(), ids.len());
    for l in labels {
        let (node, text, title) = (
            l["node"].as_str().unwrap(),
            l["text"].as_str().unwrap(),
            l["title"].as_str().unwrap(),
        );
        let (left, right) = (l["left"].as_f64().unwrap(), l["right"].as_f64().unwrap());
        assert!(
            left >= 0.0 && right <= 1000.0,
            "inside the map's frame: {l}"
        );
        assert!(ids.iter().any(|id| id == node), "{l}");
        assert!(
            text.ends_with('…') && node.starts_with(text.trim_end_matches('…')),
            "{l}"
        );
        assert!(
            title.starts_with(&format!("{node} (")),
            "the whole id on hover: {l}"
        );
    }
    no_problems(&page);
}

/// A node's id and a box on the map (left, top, right, bottom, in the map's units).
type Boxed = Vec<(String, [f64; 4])>;

/// The map's labels as the browser lays them out: per label its node and box, and per node
/// its mark's box.
fn map_labels(page: &Page) -> (Boxed, Boxed) {
    let boxes = |selector: &str, node: &str| {
        let v = page.eval(&format!(
            "[...document.querySelectorAll('{selector}')].map(e => {{ const b = e.getBBox(); \
             return [{node}, [b.x, b.y, b.x + b.width, b.y + b.height]]; }})"
        ));
        serde_json::from_value::<Boxed>(v).unwrap()
    };
    (
        boxes("#labels text", "e.parentNode.dataset.node"),
        boxes("#nodes [data-node]", "e.dataset.node"),
    )
}

/// Whether two boxes (left, top, right, bottom) share more than a hair.
fn boxes_overlap(a: &[f64; 4], b: &[f64; 4]) -> bool {
    a[0] + 0.5 < b[2] && b[0] + 0.5 < a[2] && a[1] + 0.5 < b[3] && b[1] + 0.5 < a[3]
}

/// Asserts that no label (`map_labels`) is over another or over a node other than its own.
fn labels_cover_nothing(labels: &Boxed, nodes: &Boxed) {
    for (k, (a, ab)) in labels.iter().enumerate() {
        for (b, bb) in &labels[k + 1..] {
            assert!(!boxes_overlap(ab, bb), "{a} {ab:?} over {b} {bb:?}");
        }
        for (n, nb) in nodes {
            assert!(
                n == a || !boxes_overlap(ab, nb),
                "{a} {ab:?} over node {n} {nb:?}"
            );
        }
    }
}

/// On a network of 70 nodes (the medium preset's) the map labels what matters, without one
/// label over another or over a node: every node a disruption hit, nearly every node that
/// sends or receives an at-risk order, and the nodes of the selected response, whichever
/// it is.
#[test]
fn a_large_network_labels_the_nodes_that_matter_without_overlaps() {
    let dir = tempfile::tempdir().unwrap();
    recourse()
        .args([
            "generate", "--preset", "medium", "--orders", "600", "--seed", "1", "-o",
        ])
        .arg(dir.path().join("m.json"))
        .assert()
        .success();
    let doc = solved_page(&dir.path().join("m.json"), dir.path(), "4");
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    let data = "JSON.parse(document.getElementById('data').textContent)";
    let hit = page.eval(&format!(
        "(d => [...new Set(d.disruptions.flatMap(x => [...x.nodes, \
         ...x.lanes.flatMap(l => [d.lanes[l].from, d.lanes[l].to])]))].map(i => d.nodes[i].id))({data})"
    ));
    let hit: BTreeSet<String> = serde_json::from_value(hit).unwrap();
    let risk = page.eval(&format!("{data}.nodes.filter(x => x.risk).map(x => x.id)"));
    let risk: BTreeSet<String> = serde_json::from_value(risk).unwrap();
    assert_eq!(page.eval(&format!("{data}.nodes.length")), 70);
    assert!(hit.len() >= 10 && risk.len() >= 20, "{hit:?} {risk:?}");
    let response_nodes = |page: &Page| {
        let v = page.eval(
            "[...new Set([...document.querySelectorAll('#moves [data-lane]')].flatMap(e => \
             e.querySelector('title').textContent.replace(/[\\u2068\\u2069]/g, '').split(':')[1].split(',')[0].split('→').map(s => s.trim())) \
             .concat([...document.querySelectorAll('#moves [data-node]')].map(e => e.dataset.node)))]",
        );
        serde_json::from_value::<BTreeSet<String>>(v).unwrap()
    };
    for r in [
        &doc.responses[0],
        &doc.responses[doc.responses.len().min(10) - 1],
    ] {
        page.click(&format!("#resp-{} button.show", r.id));
        let (labels, nodes) = map_labels(&page);
        let labelled: BTreeSet<String> = labels.iter().map(|l| l.0.clone()).collect();
        let moved = response_nodes(&page);
        assert!(!moved.is_empty(), "{} moves something", r.id);
        assert!(
            moved.is_subset(&labelled),
            "{}: {moved:?} in {labelled:?}",
            r.id
        );
        assert!(hit.is_subset(&labelled), "{hit:?} in {labelled:?}");
        let risk_labelled = risk.intersection(&labelled).count();
        assert!(
            risk_labelled * 10 >= risk.len() * 9,
            "{risk_labelled} of {risk:?}"
        );
        for (a, ab) in &labels {
            assert!(
                ab[0] >= 0.0 && ab[2] <= 1000.0,
                "{a} inside the frame: {ab:?}"
            );
        }
        labels_cover_nothing(&labels, &nodes);
    }
    no_problems(&page);
}

/// demo-eu with its nodes moved to `places` (id, lat, lon), written to `dir`/`name`.
fn relocated(dir: &Path, name: &str, places: &[(&str, f64, f64)]) -> PathBuf {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tiny_path("demo-eu")).unwrap()).unwrap();
    for n in v["nodes"].as_array_mut().unwrap() {
        let id = n["id"].as_str().unwrap().to_owned();
        match places.iter().find(|p| p.0 == id) {
            Some((_, lat, lon)) => n["location"] = serde_json::json!({"lat": lat, "lon": lon}),
            None => {
                n.as_object_mut().unwrap().remove("location");
            }
        }
    }
    let path = dir.join(name);
    std::fs::write(&path, v.to_string()).unwrap();
    path
}

/// demo-eu's nodes in American cities, coast to coast (a network four times wider than
/// high), New York at the east edge.
const COAST_TO_COAST: [(&str, f64, f64); 6] = [
    ("PL-LIL", 34.05, -118.24),
    ("DC-PAR", 41.88, -87.63),
    ("DC-LYS", 32.78, -96.8),
    ("Z-IDF", 40.71, -74.0),
    ("Z-LYON", 37.77, -122.4),
    ("Z-MARS", 33.75, -84.39),
];

/// A label with no room right of its node before the frame goes left of it, whole: on a
/// coast-to-coast network the east-most node (New York) is named, not cut to "…".
#[test]
fn a_label_without_room_at_the_frame_goes_left_of_its_node() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = relocated(dir.path(), "us.json", &COAST_TO_COAST);
    solved_page(&scenario, dir.path(), "30");
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    let (labels, nodes) = map_labels(&page);
    assert_eq!(labels.len(), 6);
    let texts = page.eval("[...document.querySelectorAll('#labels text')].map(t => t.textContent)");
    let ids: Vec<&String> = labels.iter().map(|l| &l.0).collect();
    assert_eq!(texts, serde_json::json!(ids), "every label whole");
    for (id, b) in &labels {
        assert!(
            b[0] >= 0.0 && b[2] <= 1000.0,
            "{id} inside the frame: {b:?}"
        );
    }
    let east = |of: &Boxed, id: &str| of.iter().find(|l| l.0 == id).unwrap().1;
    let (label, node) = (east(&labels, "Z-IDF"), east(&nodes, "Z-IDF"));
    assert!(node[2] > 950.0, "New York is at the east edge: {node:?}");
    assert!(
        label[2] <= node[0],
        "its label left of it: {label:?} {node:?}"
    );
    no_problems(&page);
}

/// The centre of a box.
fn centre(b: &[f64; 4]) -> (f64, f64) {
    ((b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0)
}

/// Nodes at one location are spread on a small circle around it: every node's mark shows,
/// none over another, each with its whole label, no label over another.
#[test]
fn nodes_at_one_location_are_spread_so_each_shows() {
    let dir = tempfile::tempdir().unwrap();
    let paris: Vec<(&str, f64, f64)> = COAST_TO_COAST.iter().map(|p| (p.0, 48.85, 2.35)).collect();
    let scenario = relocated(dir.path(), "one.json", &paris);
    solved_page(&scenario, dir.path(), "30");
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    let (labels, nodes) = map_labels(&page);
    assert_eq!((labels.len(), nodes.len()), (6, 6));
    for (k, (a, ab)) in nodes.iter().enumerate() {
        for (b, bb) in &nodes[k + 1..] {
            let ((ax, ay), (bx, by)) = (centre(ab), centre(bb));
            // Rings around hit nodes have a radius of 10: their centres at least 20 apart.
            assert!(
                (ax - bx).hypot(ay - by) >= 20.0,
                "{a} {ab:?} and {b} {bb:?} apart"
            );
        }
    }
    let texts = page.eval("[...document.querySelectorAll('#labels text')].map(t => t.textContent)");
    let ids: Vec<&String> = labels.iter().map(|l| &l.0).collect();
    assert_eq!(texts, serde_json::json!(ids), "every label whole");
    for (k, (a, ab)) in labels.iter().enumerate() {
        for (b, bb) in &labels[k + 1..] {
            assert!(!boxes_overlap(ab, bb), "{a} {ab:?} over {b} {bb:?}");
        }
    }
    no_problems(&page);
}

/// A network across the antimeridian is drawn as one piece: Fiji and Samoa, 1,200 km apart
/// on either side of the 180th meridian, are drawn close together, not at the two ends of
/// the frame.
#[test]
fn a_network_across_the_antimeridian_is_drawn_in_one_piece() {
    let dir = tempfile::tempdir().unwrap();
    let pacific = [
        ("PL-LIL", -36.85, 174.76),  // Auckland
        ("DC-PAR", -18.14, 178.44),  // Suva, Fiji
        ("DC-LYS", -13.83, -171.76), // Apia, Samoa
        ("Z-IDF", 21.31, -157.86),   // Honolulu
        ("Z-LYON", -21.14, -175.2),  // Nuku'alofa, Tonga
        ("Z-MARS", -41.29, 174.78),  // Wellington
    ];
    let scenario = relocated(dir.path(), "pacific.json", &pacific);
    solved_page(&scenario, dir.path(), "30");
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    let (_, nodes) = map_labels(&page);
    let at = |id: &str| centre(&nodes.iter().find(|n| n.0 == id).unwrap().1);
    let apart = |a: &str, b: &str| {
        let ((ax, ay), (bx, by)) = (at(a), at(b));
        (ax - bx).hypot(ay - by)
    };
    let (fiji_samoa, auckland_honolulu) = (apart("DC-PAR", "DC-LYS"), apart("PL-LIL", "Z-IDF"));
    assert!(
        fiji_samoa * 4.0 < auckland_honolulu,
        "Fiji-Samoa {fiji_samoa:.0}, Auckland-Honolulu {auckland_honolulu:.0}"
    );
    assert!(at("DC-PAR").0 < at("DC-LYS").0, "Samoa east of Fiji");
    no_problems(&page);
}

/// When some nodes have a location and others not, the note says how many lack one and
/// which, and that the nodes are laid out by kind.
#[test]
fn the_map_note_names_the_nodes_without_a_location() {
    let dir = tempfile::tempdir().unwrap();
    let located: Vec<(&str, f64, f64)> = COAST_TO_COAST
        .iter()
        .filter(|p| !["Z-IDF", "Z-LYON"].contains(&p.0))
        .copied()
        .collect();
    let scenario = relocated(dir.path(), "part.json", &located);
    solved_page(&scenario, dir.path(), "30");
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    assert_eq!(
        page.text("#map-note"),
        "2 of 6 nodes have no location (Z-IDF, Z-LYON), so all nodes are laid out by kind \
         (plants, DCs, stores, customer zones from left to right)."
    );
    no_problems(&page);
}

/// A scenario without orders has no on-time-in-full nor fill rate: the page writes "n/a"
/// for them, not 100.0% (the proposals document keeps its 1.0).
#[test]
fn shares_of_no_orders_read_not_applicable() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tiny_path("demo-eu")).unwrap()).unwrap();
    v["orders"] = serde_json::json!([]);
    // The demand surge names orders; the other disruptions stay.
    v["disruptions"]
        .as_array_mut()
        .unwrap()
        .retain(|d| d["kind"] != "demand_surge");
    let scenario = dir.path().join("no-orders.json");
    std::fs::write(&scenario, v.to_string()).unwrap();
    let doc = solved_page(&scenario, dir.path(), "30");
    assert_eq!(doc.kpis.baseline.orders, 0);
    assert_eq!(doc.kpis.baseline.on_time_in_full, 1.0);
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    let rows = page.eval(
        "[...document.querySelectorAll('#kpis tr')].map(r => [...r.children].map(c => c.textContent))",
    );
    let rows: Vec<Vec<String>> = serde_json::from_value(rows).unwrap();
    for label in ["on-time-in-full", "fill rate"] {
        let row = rows.iter().find(|r| r[0] == label).unwrap();
        assert_eq!(row[2..], ["n/a", "n/a"], "{row:?}");
    }
    assert!(!page.text("#kpis").contains('%'), "{}", page.text("#kpis"));
    assert_eq!(
        page.eval("document.querySelectorAll('#kpis tr.undefined .bar').length"),
        0
    );
    no_problems(&page);
}

/// Every graphic on the page (bars, legend swatches, node marks, lanes, rings, movements,
/// the chart's bars and axis) is at least 3:1 against white, the contrast WCAG asks of
/// graphics, computed from the colours the browser gives them. A mark of each kind is drawn
/// into the page where the scenario has none (a store, a dashed movement).
#[test]
fn every_graphic_is_at_least_three_to_one_against_white() {
    let Some((_dir, _, page)) = demo_page() else {
        return;
    };
    let colours = page.eval(
        r##"(() => {
          const SVG = "http://www.w3.org/2000/svg";
          const probe = (parent, tag, cls, svg) => {
            const e = svg ? document.createElementNS(SVG, tag) : document.createElement(tag);
            e.setAttribute("class", cls);
            document.querySelector(parent).append(e);
            return e;
          };
          const marks = [];
          for (const [parent, cls, prop] of [
            ["#map", "lane", "stroke"], ["#map", "hit", "stroke"], ["#map", "hit-node", "stroke"],
            ["#map", "surge-node", "stroke"], ["#map", "add", "stroke"], ["#map", "remove", "stroke"],
            ["#map", "act-node", "stroke"], ["#map", "k-plant", "fill"], ["#map", "k-dc", "fill"],
            ["#map", "k-store", "fill"], ["#map", "k-customer", "fill"],
            ["#by-day svg", "before", "fill"], ["#by-day svg", "after", "fill"], ["#by-day svg", "axis", "stroke"],
            ["#by-day svg", "grid", "stroke"],
          ]) marks.push([parent + " ." + cls, prop, probe(parent, "rect", cls, true)]);
          for (const cls of ["k-plant", "k-dc", "k-store", "k-customer"])
            marks.push(["legend i." + cls, "backgroundColor", probe("#legend", "i", cls, false)]);
          for (const cls of ["bar before", "bar after", "swatch before", "swatch after"])
            marks.push(["." + cls.replace(" ", "."), "backgroundColor", probe("#kpis", "div", cls, false)]);
          marks.push(["#arrow path", "fill", document.querySelector("#arrow path")]);
          return marks.map(([name, prop, e]) => [name, getComputedStyle(e)[prop]]);
        })()"##,
    );
    let colours: Vec<(String, String)> = serde_json::from_value(colours).unwrap();
    assert_eq!(colours.len(), 24);
    let luminance = |c: &str| {
        let rgb: Vec<f64> = c
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(',')
            .map(|x| x.trim().parse::<f64>().unwrap() / 255.0)
            .collect();
        let lin = |c: f64| {
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * lin(rgb[0]) + 0.7152 * lin(rgb[1]) + 0.0722 * lin(rgb[2])
    };
    let low: Vec<String> = colours
        .iter()
        .map(|(name, c)| (name, c, 1.05 / (luminance(c) + 0.05)))
        .filter(|(_, _, ratio)| *ratio < 3.0)
        .map(|(name, c, ratio)| format!("{name}: {c} is {ratio:.2}:1"))
        .collect();
    assert!(low.is_empty(), "{low:#?}");
    no_problems(&page);
}

/// Lays the page out again in a viewport `width` by `height` CSS pixels.
fn set_viewport(page: &Page, width: u32, height: u32) {
    page.tab
        .call_method(
            headless_chrome::protocol::cdp::Emulation::SetDeviceMetricsOverride {
                width,
                height,
                device_scale_factor: 1.0,
                mobile: false,
                scale: None,
                screen_width: None,
                screen_height: None,
                position_x: None,
                position_y: None,
                dont_set_visible_size: None,
                screen_orientation: None,
                viewport: None,
                display_feature: None,
                device_posture: None,
            },
        )
        .unwrap();
}

/// Nothing on the page runs wider than a narrow window (481 and 801 CSS pixels, just above
/// where the page's layout changes): the headline cards wrap their amounts, even with
/// millions and the longest currency code a scenario may give (8 wide letters).
#[test]
fn the_page_fits_narrow_windows_with_long_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tiny_path("demo-eu")).unwrap()).unwrap();
    v["currency"] = serde_json::json!("WWWWWWWW");
    // Penalties large enough for costs in the tens of millions.
    for o in v["orders"].as_array_mut().unwrap() {
        o["late_penalty_per_unit_day"] = serde_json::json!(40000.0);
        o["short_penalty_per_unit"] = serde_json::json!(400000.0);
    }
    let scenario = dir.path().join("long-money.json");
    std::fs::write(&scenario, v.to_string()).unwrap();
    solved_page(&scenario, dir.path(), "30");
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    let baseline = page.text("#cost-baseline");
    assert!(
        baseline.len() >= "10,000,000.00 WWWWWWWW".len(),
        "{baseline}"
    );
    for width in [481, 801] {
        set_viewport(&page, width, 900);
        let (inner, scroll) = (
            page.eval("window.innerWidth"),
            page.eval("document.documentElement.scrollWidth"),
        );
        assert_eq!(inner, width);
        assert!(
            scroll.as_u64().unwrap() <= u64::from(width),
            "{scroll} wide at {width}"
        );
        let cards = page.eval(
            "[...document.querySelectorAll('#headline .card')].map(c => c.getBoundingClientRect().right)",
        );
        for right in cards.as_array().unwrap() {
            assert!(
                right.as_f64().unwrap() <= f64::from(width),
                "{cards} at {width}"
            );
        }
    }
    no_problems(&page);
}

/// On demo-eu a label goes beside its node where it keeps off the ring of a hit node (by a
/// unit or more): the Île-de-France zone's label, right of it, would touch the ring of the
/// Paris DC just above; it goes left.
#[test]
fn labels_keep_off_the_rings_of_hit_nodes() {
    let Some((_dir, _, page)) = demo_page() else {
        return;
    };
    let (labels, _) = map_labels(&page);
    assert_eq!(labels.len(), 6);
    let rings = page.eval(
        "[...document.querySelectorAll('#hits circle')].map(e => { const b = e.getBBox(); \
         return [e.dataset.node, [b.x - 2.5, b.y - 2.5, b.x + b.width + 2.5, b.y + b.height + 2.5]]; })",
    );
    let rings: Boxed = serde_json::from_value(rings).unwrap();
    assert!(rings.iter().any(|r| r.0 == "DC-PAR"), "{rings:?}");
    for (a, ab) in &labels {
        for (r, rb) in &rings {
            let near = ab[0] < rb[2] && rb[0] < ab[2] && ab[1] < rb[3] && rb[1] < ab[3];
            assert!(a == r || !near, "{a} {ab:?} at the ring of {r} {rb:?}");
        }
    }
    no_problems(&page);
}

/// The list of disruptions is numbered as the disruptions are named, from 0: the line
/// numbered 5 is disruptions[5], the one explanations cite by that name.
#[test]
fn the_disruptions_are_numbered_as_they_are_named() {
    let Some((_dir, _, page)) = demo_page() else {
        return;
    };
    let numbered = page.eval(
        "(ol => [...ol.children].map((li, k) => [ol.start + k, li.textContent.split(' ')[0]]))\
         (document.getElementById('disruptions'))",
    );
    let numbered: Vec<(usize, String)> = serde_json::from_value(numbered).unwrap();
    assert_eq!(numbered.len(), 6);
    for (number, name) in numbered {
        assert_eq!(name, format!("disruptions[{number}]"));
    }
    no_problems(&page);
}

/// With JavaScript off, the note that says what is missing and what still shows is at the
/// top of the page, above the headline, not below the last section.
#[test]
fn without_javascript_the_note_is_at_the_top() {
    let dir = tempfile::tempdir().unwrap();
    solved_page(&tiny_path("demo-eu"), dir.path(), "30");
    let file = dir.path().join("report.html");
    let Some(page) = browser::open(&file) else {
        return;
    };
    page.tab
        .call_method(
            headless_chrome::protocol::cdp::Emulation::SetScriptExecutionDisabled { value: true },
        )
        .unwrap();
    let url = format!("file://{}", file.canonicalize().unwrap().display());
    page.tab
        .navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    page.tab.wait_for_element("noscript p").unwrap();
    assert_eq!(
        page.eval("document.body.dataset.ready ?? 'not run'"),
        "not run"
    );
    let top = |selector: &str| {
        page.eval(&format!(
            "document.querySelector('{selector}').getBoundingClientRect().top"
        ))
        .as_f64()
        .unwrap()
    };
    let (note, headline) = (top("noscript p"), top("#headline"));
    assert!(note < headline, "note at {note}, headline at {headline}");
    assert!(page.text("noscript p").starts_with("JavaScript is off"));
}

/// On a phone (390 by 844) the approval box, which stays at the top of the screen while the
/// responses scroll under it, takes at most a fifth of the screen however long the command
/// grows (the fifty responses shown ticked); the rest of the command scrolls inside it.
#[test]
fn on_a_phone_the_approval_box_leaves_the_cards_most_of_the_screen() {
    let dir = tempfile::tempdir().unwrap();
    let doc = generated_page(dir.path());
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    set_viewport(&page, 390, 844);
    page.eval(
        "[...document.querySelectorAll('#responses input.approve')].filter(b => b.checked || b.click() || true).length",
    );
    assert_eq!(ticked(&page).len(), doc.responses.len().min(50));
    page.eval("document.getElementById('responses').scrollIntoView()");
    let (height, scroll_height, top) = (
        page.eval("document.getElementById('selection').getBoundingClientRect().height"),
        page.eval("document.getElementById('selection').scrollHeight"),
        page.eval("document.getElementById('selection').getBoundingClientRect().top"),
    );
    let height = height.as_f64().unwrap();
    assert!(height <= 844.0 / 5.0 + 1.0, "{height} of 844");
    assert!(
        scroll_height.as_f64().unwrap() > height,
        "the command scrolls inside"
    );
    assert_eq!(top, 0, "the box stays at the top");
    no_problems(&page);
}

/// The smallest text on the map as drawn on the screen, in CSS pixels: each text's font
/// size times the map's scale.
const SMALLEST_MAP_TEXT: &str = "Math.min(...[...document.querySelectorAll('#map text')]\
    .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))";

/// On a phone (390 by 844) the map's text is 11 px or more, as on a wide window: the map
/// keeps its drawing width and scrolls sideways inside its box, a note saying so, while the
/// page stays as wide as the window; its labels cover no other label and no node; picking a
/// response scrolls the box to its movements. On a wide window nothing scrolls, and in
/// print the map fits the sheet.
#[test]
fn on_a_phone_the_map_text_stays_readable() {
    let Some((_dir, doc, page)) = demo_page() else {
        return;
    };
    let smallest = || page.eval(SMALLEST_MAP_TEXT).as_f64().unwrap();
    let scrolls =
        || page.eval("(b => b.scrollWidth > b.clientWidth)(document.getElementById('map-box'))");
    let note_shown = || page.eval("!document.getElementById('map-scroll').hidden");
    let wide = smallest();
    assert!(wide >= 11.0, "{wide} px at 1280");
    set_viewport(&page, 390, 844);
    assert_eq!(page.eval("window.innerWidth"), 390);
    let phone = smallest();
    assert!(phone >= 11.0 - 1e-6, "the map's text is {phone} px at 390");
    let page_width = page.eval("document.documentElement.scrollWidth");
    assert!(
        page_width.as_u64().unwrap() <= 390,
        "{page_width} wide at 390"
    );
    assert_eq!(scrolls(), true, "the map scrolls inside its box");
    assert_eq!(note_shown(), true, "a note says the map scrolls sideways");
    let (labels, nodes) = map_labels(&page);
    assert_eq!(labels.len(), 6, "every node of demo-eu labelled");
    labels_cover_nothing(&labels, &nodes);
    // Whether the middle of what `layer` draws (the picked response's movements, or the
    // picked disruption's marks) is in the box's visible part.
    let shown = |layer: &str| {
        page.eval(&format!(
            "(b => {{ const r = [...document.querySelectorAll('#{layer} > *')]\
             .map(e => e.getBoundingClientRect()); const mid = (Math.min(...r.map(x => x.left)) \
             + Math.max(...r.map(x => x.right))) / 2; const v = b.getBoundingClientRect(); \
             return r.length > 0 && mid >= v.left && mid <= v.right; }})\
             (document.getElementById('map-box'))"
        ))
    };
    for r in &doc.responses {
        page.click(&format!("#resp-{} strong", r.id));
        assert_eq!(shown("moves"), true, "{}'s movements in view", r.id);
    }
    for k in 0..6 {
        page.eval("document.getElementById('map-box').scrollLeft = 0");
        page.click(&format!("#disruptions li[data-index='{k}']"));
        assert_eq!(shown("focus"), true, "disruptions[{k}] in view");
    }
    // "show on map" far below the map, the box scrolled back to the map's left edge where
    // the last response's movements are out of view: they come into view, the box with
    // them (the page's scroll is smooth: wait for it).
    let last = doc.responses.last().unwrap();
    page.eval("document.getElementById('map-box').scrollLeft = 0");
    assert_eq!(shown("moves"), false, "{} out of view at the left", last.id);
    page.click(&format!("#resp-{} button.show", last.id));
    let top = "document.getElementById('map-box').getBoundingClientRect().top";
    let arrived = format!("(t => t >= -1 && t < innerHeight / 2)({top})");
    assert!(
        wait_for(&page, &arrived),
        "map box top at {}",
        page.eval(top)
    );
    assert_eq!(shown("moves"), true, "{}'s movements in view", last.id);
    set_viewport(&page, 1280, 1000);
    assert_eq!(scrolls(), false, "the map fits a wide window");
    assert_eq!(note_shown(), false, "no note on a wide window");
    assert_eq!(smallest(), wide);
    emulate_print(&page);
    set_viewport(&page, 390, 844);
    assert_eq!(scrolls(), false, "in print the map fits the sheet");
    no_problems(&page);
}

/// The chart by due day has a y axis to read the bars by: a count at 0 and at each dashed
/// gridline, evenly spaced, the top one at or above the tallest bar, and every bar as tall
/// as the axis says its count is.
#[test]
fn the_chart_by_due_day_has_a_y_axis_with_counts() {
    let Some((_dir, _, page)) = demo_page() else {
        return;
    };
    let ticks = page.eval(
        "[...document.querySelectorAll('#by-day text.y')].map(t => { const b = t.getBBox(); \
         return [+t.textContent.replace(/,/g, ''), b.y + b.height / 2]; })",
    );
    let ticks: Vec<(f64, f64)> = serde_json::from_value(ticks).unwrap();
    assert!(ticks.len() >= 3, "{ticks:?}");
    assert_eq!(ticks[0].0, 0.0, "{ticks:?}");
    // A count's height on the chart, from the axis: linear in the count.
    let (v0, y0) = ticks[0];
    let per = (ticks[1].1 - y0) / (ticks[1].0 - v0);
    for (v, y) in &ticks {
        assert!(
            (y0 + per * (v - v0) - y).abs() < 0.5,
            "evenly spaced: {ticks:?}"
        );
    }
    let bars = page.eval(
        "[...document.querySelectorAll('#by-day rect')].map(r => \
         [+r.querySelector('title').textContent.split(': ')[1].split(' ')[0].replace(/,/g, ''), \
          +r.getAttribute('y'), +r.getAttribute('height')])",
    );
    let bars: Vec<(f64, f64, f64)> = serde_json::from_value(bars).unwrap();
    assert!(!bars.is_empty());
    let axis_y = page
        .eval("+document.querySelector('#by-day line.axis').getAttribute('y1')")
        .as_f64()
        .unwrap();
    let highest = ticks.last().unwrap().0;
    for (count, y, height) in &bars {
        assert!(
            *count <= highest,
            "{count} under the top gridline {highest}"
        );
        assert!((y + height - axis_y).abs() < 0.2, "stands on the axis");
        // The tick labels are centred on their gridline, a glyph's rounding apart.
        assert!(
            (y - (y0 + per * count)).abs() < 1.5,
            "{count} drawn to {y}: {ticks:?}"
        );
    }
    no_problems(&page);
}

/// Loads `file` in the page's tab, as a planner opening it again in the same browser.
fn open_again(page: &Page, file: &Path) {
    let url = format!("file://{}", file.canonicalize().unwrap().display());
    // The page being left is marked ready too: unmarked, it is never taken for the new one.
    page.eval("delete document.body.dataset.ready");
    page.tab
        .navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    page.tab.wait_for_element("body[data-ready='1']").unwrap();
}

/// Ticks and rejections outlast a reload: the browser keeps them under the digest of the
/// responses. A page of other responses under the same ids (solved again with another
/// formulation) has another digest and gets none of them.
#[test]
fn ticks_outlast_a_reload_but_never_reach_a_page_of_other_responses() {
    let dir = tempfile::tempdir().unwrap();
    let doc = solved_page(&tiny_path("demo-eu"), dir.path(), "30");
    let other_dir = dir.path().join("other");
    std::fs::create_dir(&other_dir).unwrap();
    std::fs::copy(tiny_path("demo-eu"), other_dir.join("scenario.json")).unwrap();
    recourse()
        .current_dir(&other_dir)
        .args(["solve", "scenario.json", "--formulation", "priority-rules"])
        .args(["-o", "proposals.json"])
        .assert()
        .code(0);
    crate::common::checked_cost(
        other_dir.join("scenario.json"),
        &other_dir.join("proposals.json"),
    );
    recourse()
        .current_dir(&other_dir)
        .args(["report", "proposals.json", "--scenario", "scenario.json"])
        .args(["-o", "report.html"])
        .assert()
        .code(0);
    let other: ProposalsDoc =
        serde_json::from_slice(&std::fs::read(other_dir.join("proposals.json")).unwrap()).unwrap();
    use recourse::documents::proposals::responses_digest;
    let digest = responses_digest(&doc.responses);
    assert_ne!(digest, responses_digest(&other.responses));
    assert!(other.responses.iter().any(|r| r.id == doc.responses[0].id));

    let (mine, theirs) = (
        dir.path().join("report.html"),
        other_dir.join("report.html"),
    );
    let Some(page) = browser::open(&mine) else {
        return;
    };
    let restored = |p: &Page| p.eval("document.getElementById('restored')?.hidden === false");
    assert!(ticked(&page).is_empty());
    assert_eq!(restored(&page), false);
    let deepest = doc
        .responses
        .iter()
        .max_by_key(|r| requirements(&doc, &r.id).len())
        .unwrap();
    tick(&page, &deepest.id);
    let last = doc.responses.last().unwrap().id.clone();
    page.click(&format!("#resp-{last} button.reject"));
    let chosen = ticked(&page);
    assert!(chosen.len() >= 2);
    let command = page.text("#command");

    // As in `open_again`: the page reloaded is unmarked first, so its ready mark is never
    // taken for the new page's (the reload's first moments still show the old document).
    page.eval("delete document.body.dataset.ready");
    page.tab.reload(false, None).unwrap();
    page.tab.wait_until_navigated().unwrap();
    page.tab.wait_for_element("body[data-ready='1']").unwrap();
    assert_eq!(ticked(&page), chosen, "the ticks outlast a reload");
    assert_eq!(page.text("#command"), command);
    assert_eq!(
        page.eval(&format!(
            "document.getElementById('resp-{last}').classList.contains('rejected')"
        )),
        true
    );
    assert_eq!(restored(&page), true);

    open_again(&page, &theirs);
    assert!(
        ticked(&page).is_empty(),
        "none on a page of other responses"
    );
    assert_eq!(
        page.eval("document.querySelectorAll('#responses .resp.rejected').length"),
        0
    );
    assert_eq!(restored(&page), false);
    assert_eq!(
        page.eval("Object.keys(localStorage).sort()"),
        serde_json::json!([format!("recourse.approvals.{digest}")])
    );

    // Back on the first page they are still there; unticked all, they are forgotten.
    open_again(&page, &mine);
    assert_eq!(ticked(&page), chosen);
    let root = by_rank(&doc, &chosen)[0].clone();
    tick(&page, &root);
    page.click(&format!("#resp-{last} button.reject"));
    assert!(ticked(&page).is_empty());
    open_again(&page, &mine);
    assert!(ticked(&page).is_empty());
    assert_eq!(page.eval("localStorage.length"), 0);
    no_problems(&page);
}

/// In print, the long sections flow on from where the page before ends and so do long
/// response cards (a card kept whole that does not fit left the rest of a page blank); short
/// cards and the short sections stay whole.
#[test]
fn in_print_long_cards_and_sections_flow_across_pages() {
    let dir = tempfile::tempdir().unwrap();
    generated_page(dir.path());
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    emulate_print(&page);
    let breaks = |selector: &str| {
        page.eval(&format!(
            "[...document.querySelectorAll('{selector}')].map(e => getComputedStyle(e).breakInside)"
        ))
    };
    for flows in ["#kpis", "#network", "#responses-section", "#unresolved"] {
        assert_eq!(breaks(flows), serde_json::json!(["auto"]), "{flows}");
    }
    for whole in ["#headline", "#map", "#by-day"] {
        assert_eq!(breaks(whole), serde_json::json!(["avoid"]), "{whole}");
    }
    // A long card's paragraphs flow too: one kept whole would go to the next page with
    // the card's header.
    assert_eq!(
        page.eval("[...new Set([...document.querySelectorAll('#responses .resp p')].map(e => getComputedStyle(e).breakInside))]"),
        serde_json::json!(["auto"])
    );
    // The tallest card may break; the shortest, several times shorter, may not.
    let cards = page.eval(
        "[...document.querySelectorAll('#responses .resp')].map(e => [e.dataset.id, e.offsetHeight, getComputedStyle(e).breakInside])",
    );
    let cards = cards.as_array().unwrap();
    let height = |c: &&serde_json::Value| c[1].as_u64().unwrap();
    let tallest = cards.iter().max_by_key(height).unwrap();
    let shortest = cards.iter().min_by_key(height).unwrap();
    assert!(
        height(&tallest) >= 3 * height(&shortest),
        "{tallest} {shortest}"
    );
    assert_eq!(tallest[2], "auto", "{tallest}");
    assert_eq!(shortest[2], "avoid", "{shortest}");
    no_problems(&page);
}

/// `recourse solve --format html` of `scenario` into `dir`, exiting with `code`: the page.
/// The page holds no plan document to check, so a page with a plan (exit 0) is compared with
/// the same solve written as JSON: `recourse check` finds that plan feasible, at the cost the
/// page shows.
fn page_by_solve(dir: &Path, scenario: impl AsRef<std::ffi::OsStr>, code: i32) -> PathBuf {
    let scenario = scenario.as_ref();
    let out = dir.join("page.html");
    recourse()
        .args(["solve", "--format", "html", "-o"])
        .arg(&out)
        .arg(scenario)
        .assert()
        .code(code);
    if code == 0 {
        let json = dir.join("page-plan.json");
        recourse()
            .args(["solve", "-o"])
            .arg(&json)
            .arg(scenario)
            .assert()
            .success();
        let cost = checked_cost(scenario, &json);
        let html = std::fs::read_to_string(&out).unwrap();
        let shown = &html[html.find("id=\"cost-plan\">").unwrap()..];
        let shown = &shown[shown.find('>').unwrap() + 1..shown.find("</div>").unwrap()];
        let amount: String = shown
            .chars()
            .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
            .collect();
        assert_eq!(amount, format!("{cost:.2}"), "the page shows {shown}");
    }
    out
}

/// One click ticks every response the filter matches, as a tick on each would: a rejected
/// response stays rejected, one that requires it stays unticked and says why, and the
/// command the page then writes runs.
#[test]
fn one_click_ticks_every_matching_response_but_the_rejected() {
    let Some((dir, doc, page)) = demo_page() else {
        return;
    };
    let n = doc.responses.len();
    assert_eq!(page.text("#tick-matching"), format!("tick all {n}"));
    // Reject the first response another requires.
    let root = doc
        .responses
        .iter()
        .find(|r| doc.responses.iter().any(|o| o.requires.contains(&r.id)))
        .expect("demo-eu has a response another requires")
        .id
        .clone();
    page.click(&format!("#resp-{root} button.reject"));
    page.click("#tick-matching");
    let blocked: BTreeSet<String> = doc
        .responses
        .iter()
        .filter(|r| requirements(&doc, &r.id).contains(&root))
        .map(|r| r.id.clone())
        .collect();
    let want: BTreeSet<String> = doc
        .responses
        .iter()
        .map(|r| r.id.clone())
        .filter(|id| !blocked.contains(id))
        .collect();
    assert!(blocked.len() >= 2 && !want.is_empty(), "{blocked:?}");
    assert_eq!(ticked(&page), want);
    for id in blocked.iter().filter(|id| **id != root) {
        assert!(
            page.text(&format!("#resp-{id} .tick-note"))
                .starts_with("Not approved:"),
            "{id}"
        );
    }
    let command = runs_as_written(&page, dir.path());
    assert!(command.contains(&format!("--reject {root} ")), "{command}");
    // A search narrows what the button ticks, and says so.
    page.type_into("#search", "#1");
    assert_eq!(page.text("#tick-matching"), "tick the 1 matching");
    no_problems(&page);
}

/// Counts the page's calls of `Set.prototype.has` in `window.setHas` from here on, on this
/// page and (`on_new_pages`) on every page the tab opens after it.
fn count_set_lookups(page: &Page, on_new_pages: bool) {
    let source = "window.setHas = 0; const has = Set.prototype.has; \
                  Set.prototype.has = function (x) { window.setHas++; return has.call(this, x); };";
    page.eval(&format!("(() => {{ {source} return 0; }})()"));
    if on_new_pages {
        page.tab
            .call_method(
                headless_chrome::protocol::cdp::Page::AddScriptToEvaluateOnNewDocument {
                    source: source.to_owned(),
                    world_name: None,
                    include_command_line_api: None,
                    run_immediately: None,
                },
            )
            .unwrap();
    }
}

/// "tick all", and opening the page again with everything ticked, look at each response and
/// each requirement a few times, not at every requirement below every response once per
/// response (a click and each reload of a page of 10,000 responses would then freeze the tab
/// for seconds). Told by the page's set lookups, at most 10 per response and requirement;
/// the ticks are the right ones, a rejection among them too, and the command applies.
#[test]
fn ticking_all_walks_each_requirement_a_bounded_number_of_times() {
    let dir = tempfile::tempdir().unwrap();
    recourse()
        .args(["generate", "--orders", "1500", "--seed", "9", "-o"])
        .arg(dir.path().join("gen.json"))
        .assert()
        .code(0);
    let doc = solved_page(&dir.path().join("gen.json"), dir.path(), "8");
    let requirements_in_all: usize = doc.responses.iter().map(|r| r.requires.len()).sum();
    let budget = 10 * (doc.responses.len() + requirements_in_all);
    // Deep chains of requirements, where walking them all per response is far over budget.
    let walked: usize = doc
        .responses
        .iter()
        .map(|r| requirements(&doc, &r.id).len())
        .sum();
    assert!(
        walked > 5 * (doc.responses.len() + requirements_in_all),
        "{walked}"
    );
    let Some(page) = browser::open(&dir.path().join("report.html")) else {
        return;
    };
    let root = doc
        .responses
        .iter()
        .find(|r| doc.responses.iter().any(|o| o.requires.contains(&r.id)))
        .unwrap()
        .id
        .clone();
    page.click(&format!("#resp-{root} button.reject"));
    count_set_lookups(&page, true);
    page.click("#tick-matching");
    let lookups = |p: &Page| p.eval("window.setHas").as_u64().unwrap() as usize;
    assert!(lookups(&page) <= budget, "{} > {budget}", lookups(&page));
    let want: BTreeSet<String> = doc
        .responses
        .iter()
        .filter(|r| !requirements(&doc, &r.id).contains(&root))
        .map(|r| r.id.clone())
        .collect();
    assert!(!want.is_empty() && want.len() < doc.responses.len());
    let command = page.text("#command");
    let approved = format!(
        "--approve {} --reject {root} ",
        by_rank(&doc, &want).join(",")
    );
    assert!(command.contains(&approved), "{command}");

    page.eval("delete document.body.dataset.ready");
    page.tab.reload(false, None).unwrap();
    page.tab.wait_until_navigated().unwrap();
    page.tab.wait_for_element("body[data-ready='1']").unwrap();
    assert!(lookups(&page) <= budget, "{} > {budget}", lookups(&page));
    assert_eq!(
        page.text("#command"),
        command,
        "the ticks outlast the reload"
    );
    runs_as_written(&page, dir.path());
    no_problems(&page);
}

/// `proposals` (in `dir`) with its responses' ids replaced by `ids` in order, in their
/// `requires` too, written to `to`.
fn renamed_responses(dir: &Path, ids: &[&str], to: &str) {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("proposals.json")).unwrap()).unwrap();
    let responses = v["responses"].as_array_mut().unwrap();
    let new: HashMap<String, String> = responses
        .iter()
        .zip(ids)
        .map(|(r, id)| (r["id"].as_str().unwrap().to_owned(), (*id).to_owned()))
        .collect();
    let rename = |x: &mut serde_json::Value| {
        if let Some(id) = new.get(x.as_str().unwrap()) {
            *x = serde_json::json!(id);
        }
    };
    for r in responses {
        rename(&mut r["id"]);
        r["requires"]
            .as_array_mut()
            .unwrap()
            .iter_mut()
            .for_each(rename);
    }
    std::fs::write(dir.join(to), v.to_string()).unwrap();
}

/// Runs `command` with `sh` in `dir`, the built `recourse` first on the PATH, as a planner
/// pasting it into a shell; it must succeed.
fn run_in_shell(command: &str, dir: &Path) {
    let bin = Path::new(env!("CARGO_BIN_EXE_recourse")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out = std::process::Command::new("sh")
        .args(["-c", command])
        .current_dir(dir)
        .env("PATH", path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A proposals document edited by hand can give its responses any ids: the page's command
/// passes them to `apply` as written, the shell running none of what they hold, and `report`
/// refuses an id that `apply --approve` would read as another or as several (a comma,
/// `all`, spaces at its ends) or that carries a control character.
#[test]
fn response_ids_reach_apply_as_written_and_run_nothing_in_the_shell() {
    let dir = tempfile::tempdir().unwrap();
    let doc = solved_page(&tiny_path("demo-eu"), dir.path(), "30");
    let d = dir.path();
    // The first begins with "-", so the list approved does; the last is rejected.
    let hostile = [
        "-R1",
        "$(touch PWNED2)",
        "`touch PWNED3`",
        "R'4\" x",
        "R5;touch PWNED1;#",
        "<b>R6</b>",
        "R7\u{2028}$(touch PWNED4)",
    ];
    assert!(doc.responses.len() >= hostile.len());
    renamed_responses(d, &hostile, "edited.json");
    crate::common::checked_cost(d.join("scenario.json"), &d.join("edited.json"));
    recourse()
        .current_dir(d)
        .args(["report", "edited.json", "--scenario", "scenario.json"])
        .args(["-o", "edited.html"])
        .assert()
        .code(0);
    let Some(page) = browser::open(&d.join("edited.html")) else {
        return;
    };
    page.click("#responses .resp:nth-child(7) button.reject");
    page.click("#tick-matching");
    let command = page.text("#command");
    run_in_shell(&command, d);
    assert!(command.contains(" --reject "), "{command}");
    for pwned in ["PWNED1", "PWNED2", "PWNED3", "PWNED4"] {
        assert!(!d.join(pwned).exists(), "{pwned}: {command}");
    }
    assert!(d.join("next.json").exists());
    no_problems(&page);

    for bad in ["R1,R2", "all", " R1", "", "R1\u{1b}[201~"] {
        let mut ids = hostile.to_vec();
        ids[1] = bad;
        renamed_responses(d, &ids, "bad.json");
        let out = recourse()
            .current_dir(d)
            .args(["report", "bad.json", "--scenario", "scenario.json"])
            .args(["-o", "bad.html"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("responses[1].id"), "{bad:?}: {err}");
    }
}

/// Presses Tab until the element focused passes `test` (JavaScript on `document
/// .activeElement`, as `a`); whether one did within 200 presses.
fn tab_to(page: &Page, test: &str) -> bool {
    for _ in 0..200 {
        page.tab.press_key("Tab").unwrap();
        if page.eval(&format!("(a => !!(a && ({test})))(document.activeElement)")) == true {
            return true;
        }
    }
    false
}

/// Without a mouse a planner reaches and works everything a click does: picks a disruption
/// out on the map, ticks a response (what it requires ticked with it), follows its
/// "Requires" link to the response required, and reaches the command, selected whole to
/// copy, which applies.
#[test]
fn the_keyboard_alone_ticks_follows_links_and_reaches_the_command() {
    let Some((dir, doc, page)) = demo_page() else {
        return;
    };
    page.eval("document.activeElement.blur(), 0");
    assert!(tab_to(
        &page,
        "a.matches('#disruptions li[data-index=\"2\"]')"
    ));
    page.tab.press_key("Enter").unwrap();
    assert_eq!(
        page.eval("document.querySelector('#disruptions li.focus').dataset.index"),
        "2"
    );
    let r = doc
        .responses
        .iter()
        .find(|r| !r.requires.is_empty())
        .expect("demo-eu has a response that requires another");
    let card = format!("a.closest('#resp-{}')", r.id);
    assert!(tab_to(
        &page,
        &format!("a.matches('input.approve') && {card}")
    ));
    page.tab.press_key(" ").unwrap();
    let chain = requirements(&doc, &r.id);
    assert_eq!(ticked(&page), chain);
    assert!(tab_to(
        &page,
        &format!("a.matches('a[data-goto]') && {card}")
    ));
    let target = page.eval("document.activeElement.dataset.goto");
    page.tab.press_key("Enter").unwrap();
    assert_eq!(
        page.eval("document.querySelector('#responses .resp.focus').dataset.id"),
        target
    );
    assert!(tab_to(&page, "a.id === 'command'"));
    let command = page.text("#command");
    assert_eq!(page.eval("getSelection().toString()"), command.as_str());
    assert!(command.contains(&format!("--approve {} ", by_rank(&doc, &chain).join(","))));
    runs_as_written(&page, dir.path());
    no_problems(&page);
}

/// Narrowing the window (1280 to 360 CSS pixels) scrolls the map's box to the nodes picked,
/// as opening the page that narrow does, rather than leaving it at its left edge.
#[test]
fn narrowing_the_window_scrolls_the_map_as_opening_narrow_does() {
    let Some((dir, _, page)) = demo_page() else {
        return;
    };
    let left = "document.getElementById('map-box').scrollLeft";
    set_viewport(&page, 1280, 1000);
    assert_eq!(page.eval(left), 0);
    page.eval("(window.resized = 0, addEventListener('resize', () => window.resized++), 0)");
    set_viewport(&page, 360, 800);
    assert!(wait_for(&page, "window.resized > 0"), "a resize event");
    let narrowed = page.eval(left).as_f64().unwrap();
    open_again(&page, &dir.path().join("report.html"));
    assert_eq!(page.eval("window.innerWidth"), 360);
    let opened = page.eval(left).as_f64().unwrap();
    assert!(
        opened > 0.0,
        "opened narrow, the map is scrolled to the first response"
    );
    assert!(
        (narrowed - opened).abs() <= 1.0,
        "scrolled to {narrowed} after narrowing, {opened} when opened narrow"
    );
    no_problems(&page);
}

/// A file name with a control character (a newline, an escape, U+0085) or a line or
/// paragraph separator would reach the terminal as keystrokes in a pasted command, however
/// quoted: the page gives no command but says which file to rename, on a page of `report`
/// and of `solve --format html` alike.
#[test]
fn a_file_name_with_a_control_character_gets_no_command_to_paste() {
    let dir = tempfile::tempdir().unwrap();
    let doc = solved_page(&tiny_path("demo-eu"), dir.path(), "30");
    let d = dir.path();
    let rename = "Rename the file, and make this page again.";
    for (scenario, proposals, said, rename) in [
        (
            "s\n.json",
            "proposals.json",
            r#"the scenario file's name, "s\u{a}.json", has"#,
            rename,
        ),
        (
            "scenario.json",
            "p\u{1b}[201~.json",
            r#"the proposals file's name, "p\u{1b}[201~.json", has"#,
            rename,
        ),
        (
            "s\u{85}.json",
            "p\u{2028}.json",
            r#"the scenario file's name, "s\u{85}.json", and the proposals file's name, "p\u{2028}.json", have"#,
            "Rename the files, and make this page again.",
        ),
    ] {
        for (from, to) in [("scenario.json", scenario), ("proposals.json", proposals)] {
            if from != to {
                std::fs::copy(d.join(from), d.join(to)).unwrap();
            }
        }
        recourse()
            .current_dir(d)
            .args([
                "report",
                proposals,
                "--scenario",
                scenario,
                "-o",
                "odd.html",
            ])
            .assert()
            .code(0);
        let Some(page) = browser::open(&d.join("odd.html")) else {
            return;
        };
        tick(&page, &doc.responses[0].id);
        assert_eq!(
            page.text("#command"),
            format!(
                "No command to paste: {said} a control character, which a terminal takes \
                 as a keystroke. {rename}"
            )
        );
        no_problems(&page);
    }
    let page = page_by_solve(d, d.join("s\n.json"), 0);
    let Some(page) = browser::open(&page) else {
        return;
    };
    let name = d
        .join("s\n.json")
        .display()
        .to_string()
        .replace('\n', "\\u{a}");
    assert_eq!(
        page.text("#command"),
        format!(
            "No command to paste: the scenario file's name, \"{name}\", has a control \
             character, which a terminal takes as a keystroke. {rename}"
        )
    );
    no_problems(&page);
}

/// Whether the JavaScript expression `text` holds a letter of a right-to-left script.
const RTL: &str = "/[\\u0590-\\u08FF\\uFB1D-\\uFDFF\\uFE70-\\uFEFC]/";

/// demo-eu with its ids in Hebrew and Arabic letters (the scenario's, every SKU's, node's,
/// lane's, receipt's and order's, the surge's order too), written to `dir`/rtl.json; the
/// new ids.
fn right_to_left_ids(dir: &Path) -> (PathBuf, Vec<String>) {
    let mut v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tiny_path("demo-eu")).unwrap()).unwrap();
    let mut new: HashMap<String, String> = HashMap::new();
    new.insert(v["id"].as_str().unwrap().to_owned(), "תרחיש-1".to_owned());
    let surge = v["disruptions"].as_array().unwrap().iter();
    let surge: Vec<serde_json::Value> = surge
        .flat_map(|d| d["orders"].as_array().cloned().unwrap_or_default())
        .collect();
    for (table, word) in [
        ("skus", "מק"),
        ("nodes", "מרכז"),
        ("lanes", "مسار"),
        ("inbound", "הזמנה"),
        ("orders", "طلب"),
    ] {
        let rows = v[table].as_array().unwrap().iter();
        let rows = rows.chain(if table == "orders" { &surge[..] } else { &[] });
        for (k, row) in rows.enumerate() {
            let id = row["id"].as_str().unwrap().to_owned();
            new.insert(id, format!("{word}-{}", k + 1));
        }
    }
    renamed(&mut v, &new);
    let path = dir.join("rtl.json");
    std::fs::write(&path, v.to_string()).unwrap();
    (path, new.into_values().collect())
}

/// The texts of the page, outside the data block, with a right-to-left letter outside an
/// isolate: not in a `bdi` element, an element with `dir`, nor between U+2068 and U+2069 in
/// its own text. The `<title>` counts, and so do the map's labels, each an id alone: cut to
/// fit, a label ends in "…", which outside an isolate shows beside a right-to-left id's
/// first letter instead of its last.
fn unisolated(page: &Page) -> Vec<String> {
    let v = page.eval(&format!(
        "(() => {{ const out = []; \
         const w = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT); \
         for (let n; (n = w.nextNode()); ) {{ const t = n.data; \
           if (n.parentElement.closest('bdi, [dir], script, style')) continue; \
           if ({RTL}.test(t.replace(/\\u2068[^\\u2068\\u2069]*\\u2069/g, ''))) out.push(t); }} \
         return out; }})()"
    ));
    serde_json::from_value(v).unwrap()
}

/// The texts of the elements on the page with two isolated ids side by side on one line
/// shown right to left, the later one first.
const SWAPPED_IDS: &str =
    "[...document.querySelectorAll('*')].flatMap(p => { const b = [...p.children] \
         .filter(c => c.localName === 'bdi').map(c => c.getBoundingClientRect()); \
         return b.slice(1).map((r, k) => [b[k], r]).filter(([a, r]) => Math.abs(a.top - r.top) < 1 \
         && a.right > r.left + 0.5).map(([a, r]) => p.textContent); })";

/// Ids in Hebrew or Arabic letters read as one piece each, in the order the sentence names
/// them, wherever the page writes one in text: the tab's title, the header, the
/// explanations, the actions, the disruptions, card titles and links, the notes on ticks,
/// the map's labels and tooltips and the command; the search still finds a response by an
/// id and by words around one.
#[test]
fn right_to_left_ids_are_isolated_in_every_sentence() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (scenario, mut ids) = right_to_left_ids(d);
    let doc = solved_page(&scenario, d, "30");
    let names: Vec<String> = (1..=doc.responses.len()).map(|k| format!("ת{k}")).collect();
    renamed_responses(
        d,
        &names.iter().map(String::as_str).collect::<Vec<_>>(),
        "rtl-proposals.json",
    );
    checked_cost(d.join("scenario.json"), &d.join("rtl-proposals.json"));
    recourse()
        .current_dir(d)
        .args([
            "report",
            "rtl-proposals.json",
            "--scenario",
            "scenario.json",
        ])
        .args(["-o", "rtl.html"])
        .assert()
        .code(0);
    let Some(page) = browser::open(&d.join("rtl.html")) else {
        return;
    };
    ids.extend(names.iter().cloned());
    let k = doc.responses.iter().position(|r| !r.requires.is_empty());
    let k = k.expect("demo-eu has a response that requires another");
    let (id, q) = (
        &names[k],
        &names[doc
            .responses
            .iter()
            .position(|r| r.id == doc.responses[k].requires[0])
            .unwrap()],
    );
    // A note naming two ids: rejecting one unticks what requires it.
    tick(&page, id);
    page.click(&format!("#resp-{q} button.reject"));
    assert!(page
        .text(&format!("#resp-{q} .tick-note"))
        .starts_with(&format!("Rejecting {q} unticked {id}")));
    page.click("#disruptions li[data-index='0']");
    assert_eq!(unisolated(&page), Vec::<String>::new());
    let title = page.eval("document.title");
    assert_eq!(
        title,
        serde_json::json!("recourse · \u{2068}תרחיש-1\u{2069}")
    );
    let labels = page.eval("[...document.querySelectorAll('#labels text')].length");
    assert_eq!(
        labels,
        serde_json::json!(6),
        "every node labelled, so every label checked"
    );
    // Isolated, two ids side by side show in the order written, left to right.
    let order = page.eval(SWAPPED_IDS);
    assert_eq!(order, serde_json::json!([]));
    let isolated = page.eval(&format!(
        "[...document.querySelectorAll('#resp-{} bdi')].map(b => b.textContent)",
        names[0]
    ));
    let isolated: Vec<String> = serde_json::from_value(isolated).unwrap();
    assert!(isolated.len() >= 3, "{isolated:?}");
    assert!(isolated.iter().all(|x| ids.contains(x)), "{isolated:?}");
    // The search matches what a response names as written, marks or not.
    let first = &doc.responses[0];
    let order = first.protects[0].clone();
    let phrase = format!("{order} (priority");
    assert!(first.explanation.contains(&phrase), "{}", first.explanation);
    for query in [order, phrase] {
        let q = serde_json::to_string(&query).unwrap();
        page.eval(&format!(
            "(s => {{ s.value = {q}; s.dispatchEvent(new Event('input')); return 0; }})(document.getElementById('search'))"
        ));
        let shown =
            page.eval("[...document.querySelectorAll('#responses .resp')].map(c => c.dataset.id)");
        assert!(
            shown
                .as_array()
                .unwrap()
                .contains(&serde_json::json!(names[0])),
            "{query}: {shown}"
        );
    }
    no_problems(&page);
}
