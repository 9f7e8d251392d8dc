//! How fast the planner's page opens: loads each page given in headless Chromium, several
//! times, and prints the first contentful paint and the moment the page's script has drawn
//! the map and the first responses (the `recourse-ready` mark), in milliseconds from
//! navigation, with the file size. The README's page table comes from this.
//!
//!     cargo run --release --example page_paint -- report.html [more.html ...] [--runs 5]

use headless_chrome::{Browser, LaunchOptions};
use std::ffi::OsStr;
use std::time::Duration;

fn main() {
    let mut files = Vec::new();
    let mut runs = 5;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        if a == "--runs" {
            runs = args.next().and_then(|n| n.parse().ok()).unwrap_or(runs);
        } else {
            files.push(a);
        }
    }
    if files.is_empty() {
        eprintln!("usage: page_paint FILE.html [FILE.html ...] [--runs N]");
        std::process::exit(2);
    }
    let chromium = std::env::var("RECOURSE_CHROMIUM").unwrap_or("/usr/bin/chromium".into());
    let flags: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let browser = Browser::new(LaunchOptions {
        path: Some(chromium.into()),
        sandbox: false,
        window_size: Some((1280, 1000)),
        args: flags,
        idle_browser_timeout: Duration::from_secs(300),
        ..LaunchOptions::default()
    })
    .expect("start headless Chromium");
    println!("file\tbytes\trun\tfirst_contentful_paint_ms\tready_ms");
    for file in &files {
        let path = std::fs::canonicalize(file).expect("the page exists");
        let bytes = std::fs::metadata(&path).unwrap().len();
        for run in 1..=runs {
            // A new tab each run: nothing cached from the last one.
            let tab = browser.new_tab().unwrap();
            tab.set_default_timeout(Duration::from_secs(120));
            tab.navigate_to(&format!("file://{}", path.display()))
                .unwrap()
                .wait_until_navigated()
                .unwrap();
            tab.wait_for_element("body[data-ready='1']").unwrap();
            let v = tab
                .evaluate(
                    "JSON.stringify([\
                       (performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime ?? null,\
                       (performance.getEntriesByName('recourse-ready')[0] || {}).startTime ?? null])",
                    false,
                )
                .unwrap();
            let text = v
                .value
                .and_then(|x| x.as_str().map(str::to_owned))
                .unwrap_or_default();
            let [fcp, ready]: [Option<f64>; 2] =
                serde_json::from_str(&text).unwrap_or([None, None]);
            let show = |x: Option<f64>| x.map_or("-".to_owned(), |x| format!("{x:.0}"));
            println!("{file}\t{bytes}\t{run}\t{}\t{}", show(fcp), show(ready));
            tab.close(true).ok();
        }
    }
}
