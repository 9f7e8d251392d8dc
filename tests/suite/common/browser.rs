//! A real browser for the page tests: Debian's headless Chromium, driven over the DevTools
//! protocol (the `headless_chrome` crate). `scripts/setup` installs Chromium for the test
//! suite; a machine without it fails these tests with that instruction, unless
//! RECOURSE_SKIP_BROWSER=1 says to skip them (they then print that they skipped).

use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::protocol::cdp::Runtime::ConsoleAPICalledEventTypeOption;
use headless_chrome::{Browser, LaunchOptions, Tab};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Page {
    // Kept so the browser lives as long as the tab.
    _browser: Browser,
    pub tab: Arc<Tab>,
    /// Console errors and uncaught exceptions, as text.
    problems: Arc<Mutex<Vec<String>>>,
}

fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("RECOURSE_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// The page at `file` loaded in a fresh headless Chromium, its script finished; `None` when
/// the browser tests are skipped on purpose.
pub fn open(file: &Path) -> Option<Page> {
    let Some(path) = chromium() else {
        if std::env::var_os("RECOURSE_SKIP_BROWSER").is_some() {
            eprintln!("skipped: no Chromium and RECOURSE_SKIP_BROWSER is set");
            return None;
        }
        panic!(
            "the page tests need Chromium: run scripts/setup (it installs Debian's chromium), \
             or set RECOURSE_CHROMIUM=/path/to/chromium, or RECOURSE_SKIP_BROWSER=1 to skip them"
        );
    };
    // The machine's network is closed: these flags keep Chromium from trying its own
    // services at start.
    let args: Vec<&OsStr> = [
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let browser = Browser::new(LaunchOptions {
        path: Some(path),
        sandbox: false,
        window_size: Some((1280, 1000)),
        args,
        idle_browser_timeout: Duration::from_secs(120),
        ..LaunchOptions::default()
    })
    .expect("start headless Chromium");
    let tab = browser.new_tab().expect("open a tab");
    tab.set_default_timeout(Duration::from_secs(60));
    let problems = Arc::new(Mutex::new(Vec::new()));
    let seen = problems.clone();
    tab.enable_runtime().unwrap();
    tab.enable_log().unwrap();
    tab.add_event_listener(Arc::new(move |e: &Event| {
        let text = match e {
            Event::RuntimeConsoleAPICalled(c)
                if c.params.Type == ConsoleAPICalledEventTypeOption::Error =>
            {
                Some(format!("console.error: {:?}", c.params.args))
            }
            Event::RuntimeExceptionThrown(x) => {
                Some(format!("exception: {:?}", x.params.exception_details))
            }
            Event::LogEntryAdded(l) => Some(format!(
                "log {:?}: {}",
                l.params.entry.level, l.params.entry.text
            ))
            .filter(|_| format!("{:?}", l.params.entry.level) == "Error"),
            _ => None,
        };
        if let Some(t) = text {
            seen.lock().unwrap().push(t);
        }
    }))
    .unwrap();
    let url = format!("file://{}", file.canonicalize().unwrap().display());
    tab.navigate_to(&url)
        .unwrap()
        .wait_until_navigated()
        .unwrap();
    tab.wait_for_element("body[data-ready='1']")
        .expect("the page's script finishes (body[data-ready])");
    Some(Page {
        _browser: browser,
        tab,
        problems,
    })
}

impl Page {
    /// The value of a JavaScript expression, through JSON.
    pub fn eval(&self, expression: &str) -> serde_json::Value {
        let wrapped = format!("JSON.stringify(({expression}))");
        let r = self.tab.evaluate(&wrapped, false).unwrap();
        match r.value {
            Some(serde_json::Value::String(s)) => serde_json::from_str(&s).unwrap(),
            other => panic!("{expression} gave {other:?} ({:?})", r.description),
        }
    }

    pub fn text(&self, selector: &str) -> String {
        let q = serde_json::to_string(selector).unwrap();
        self.eval(&format!("document.querySelector({q}).textContent"))
            .as_str()
            .unwrap_or_else(|| panic!("no element {selector}"))
            .to_owned()
    }

    /// A real mouse click on the element (scrolled into view first).
    pub fn click(&self, selector: &str) {
        self.tab
            .find_element(selector)
            .unwrap_or_else(|e| panic!("no element {selector}: {e}"))
            .click()
            .unwrap();
    }

    /// Types into the element as a person would.
    pub fn type_into(&self, selector: &str, text: &str) {
        self.tab.find_element(selector).unwrap().click().unwrap();
        self.tab.type_str(text).unwrap();
    }

    /// Console errors and uncaught exceptions so far.
    pub fn problems(&self) -> Vec<String> {
        self.problems.lock().unwrap().clone()
    }

    pub fn screenshot(&self, to: &Path) {
        let png = self
            .tab
            .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
            .unwrap();
        std::fs::write(to, png).unwrap();
    }
}
