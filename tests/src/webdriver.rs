//! A small W3C WebDriver client over plain HTTP: enough to find, click, read
//! text, run scripts and take screenshots.

use base64::Engine;
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

pub struct Session {
    agent: ureq::Agent,
    base: String,
}

#[derive(Clone)]
pub struct Element(String);

impl Element {
    /// The element as a script argument (`arguments[i]` in the page).
    pub fn arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.0 })
    }
}

impl Session {
    /// Opens a session on the Tauri app at `application`.
    pub fn start(driver_url: &str, application: &Path) -> Self {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let caps = json!({"capabilities": {"alwaysMatch": {"tauri:options": {
            "application": application.display().to_string()
        }}}});
        // tauri-driver listens before WebKitWebDriver does: retry briefly.
        let deadline = Instant::now() + Duration::from_secs(20);
        let answer = loop {
            match try_send(
                &agent,
                "POST",
                &format!("{driver_url}/session"),
                Some(caps.clone()),
            ) {
                Ok(answer) => break answer,
                Err(err) if Instant::now() > deadline => panic!("no WebDriver session: {err}"),
                Err(_) => std::thread::sleep(Duration::from_millis(200)),
            }
        };
        let id = answer["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {answer}"))
            .to_string();
        Self {
            agent,
            base: format!("{driver_url}/session/{id}"),
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        send(&self.agent, method, &format!("{}{path}", self.base), body)
    }

    pub fn title(&self) -> String {
        self.cmd("GET", "/title", None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Finds the first element for a CSS selector, if any.
    pub fn try_find(&self, css: &str) -> Option<Element> {
        let answer = try_send(
            &self.agent,
            "POST",
            &format!("{}/element", self.base),
            Some(json!({"using": "css selector", "value": css})),
        )
        .ok()?;
        answer[ELEMENT_KEY]
            .as_str()
            .map(|id| Element(id.to_string()))
    }

    /// Asks `probe` every 100 ms, for up to `timeout`, until it answers
    /// `Ok`: returns that, or after `timeout` its last `Err` (what it saw,
    /// for the failure message). The one poll loop of the tests.
    pub fn wait_until<T, E>(
        &self,
        timeout: Duration,
        mut probe: impl FnMut() -> Result<T, E>,
    ) -> Result<T, E> {
        let deadline = Instant::now() + timeout;
        loop {
            let seen = probe();
            if seen.is_ok() || Instant::now() > deadline {
                return seen;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits up to `timeout` for an element to appear.
    pub fn wait_for(&self, css: &str, timeout: Duration) -> Element {
        self.wait_until(timeout, || self.try_find(css).ok_or(()))
            .unwrap_or_else(|()| {
                let _ = self.save_screenshot(&crate::artifacts_dir().join("wait-failed.png"));
                panic!("{css} did not appear within {timeout:?} (screenshot: target/e2e-artifacts/wait-failed.png)");
            })
    }

    /// Waits until `check` holds for the element's text, and returns that text.
    pub fn wait_for_text(
        &self,
        css: &str,
        timeout: Duration,
        check: impl Fn(&str) -> bool,
    ) -> String {
        self.wait_until(timeout, || {
            // Found and read in one script: an element re-rendered between a
            // find and a read would otherwise be a stale reference.
            let text = self
                .execute(
                    "const el = document.querySelector(arguments[0]); return el ? el.innerText : '';",
                    vec![json!(css)],
                )
                .as_str()
                .unwrap_or_default()
                .trim()
                .to_string();
            if check(&text) {
                Ok(text)
            } else {
                Err(text)
            }
        })
        .unwrap_or_else(|text| panic!("{css} never had the expected text; last seen: {text:?}"))
    }

    /// The element's rendered text (`innerText`, trimmed). WebKitWebDriver's
    /// own text endpoint returns "" for some inline-flex buttons.
    pub fn text(&self, el: &Element) -> String {
        self.execute(
            "return arguments[0].innerText;",
            vec![json!({ ELEMENT_KEY: el.0 })],
        )
        .as_str()
        .unwrap_or_default()
        .trim()
        .to_string()
    }

    /// An input's current value.
    pub fn value(&self, el: &Element) -> String {
        self.execute(
            "return arguments[0].value;",
            vec![json!({ ELEMENT_KEY: el.0 })],
        )
        .as_str()
        .unwrap_or_default()
        .to_string()
    }

    pub fn attribute(&self, el: &Element, name: &str) -> Option<String> {
        self.cmd("GET", &format!("/element/{}/attribute/{name}", el.0), None)
            .as_str()
            .map(str::to_string)
    }

    pub fn click(&self, el: &Element) {
        self.cmd("POST", &format!("/element/{}/click", el.0), Some(json!({})));
    }

    /// Scrolls the element for `css` to the middle of its pane and clicks
    /// it. A virtual list re-creates its rows while it settles after a
    /// scroll, so a click can land on a row that was just replaced ("not
    /// interactable", "stale"): find the element again and retry until
    /// `timeout`.
    pub fn click_in_view(&self, css: &str, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        loop {
            let el = self.wait_for(css, timeout);
            self.execute(
                "arguments[0].scrollIntoView({block: 'center'});",
                vec![el.arg()],
            );
            std::thread::sleep(Duration::from_millis(300));
            let Some(el) = self.try_find(css) else {
                continue;
            };
            let clicked = try_send(
                &self.agent,
                "POST",
                &format!("{}/element/{}/click", self.base, el.0),
                Some(json!({})),
            );
            match clicked {
                Ok(_) => return,
                Err(err) if Instant::now() < deadline => {
                    eprintln!("retrying a click on {css}: {err}");
                }
                Err(err) => {
                    let _ = self.save_screenshot(&crate::artifacts_dir().join("click-failed.png"));
                    panic!("could not click {css} within {timeout:?}: {err} (screenshot: target/e2e-artifacts/click-failed.png)");
                }
            }
        }
    }

    /// Types into an input (appends to what it holds).
    pub fn type_text(&self, el: &Element, text: &str) {
        self.cmd(
            "POST",
            &format!("/element/{}/value", el.0),
            Some(json!({ "text": text })),
        );
    }

    pub fn clear(&self, el: &Element) {
        self.cmd("POST", &format!("/element/{}/clear", el.0), Some(json!({})));
    }

    /// Clears an input and types `text` into it, checking that it arrived
    /// (WebKitWebDriver occasionally drops keys while the page re-renders).
    pub fn fill(&self, css: &str, text: &str) {
        let el = self.wait_for(css, Duration::from_secs(10));
        // A field at the pane's bottom edge sits under the status bar,
        // where WebKitWebDriver will not type: bring it to the middle.
        self.execute(
            "arguments[0].scrollIntoView({block: 'center'});",
            vec![json!({ ELEMENT_KEY: el.0 })],
        );
        for _ in 0..3 {
            self.clear(&el);
            self.type_text(&el, text);
            if self.execute(
                "return arguments[0].value;",
                vec![json!({ ELEMENT_KEY: el.0 })],
            ) == text
            {
                return;
            }
        }
        panic!("could not type {text:?} into {css}");
    }

    /// Picks the `<option>` with `value` in a `<select>`.
    pub fn select(&self, select_css: &str, value: &str) {
        let option = self.wait_for(
            &format!("{select_css} option[value='{value}']"),
            Duration::from_secs(10),
        );
        self.click(&option);
    }

    /// Finds a button by its visible text.
    /// Waits up to 10 s for it: a view that was just opened draws a
    /// moment after the click that opened it.
    pub fn button(&self, text: &str) -> Element {
        self.wait_until(Duration::from_secs(10), || {
            let found = self.execute(
                "return [...document.querySelectorAll('button')].find(b => b.innerText.trim() === arguments[0]) || null;",
                vec![json!(text)],
            );
            found[ELEMENT_KEY]
                .as_str()
                .map(|id| Element(id.to_string()))
                .ok_or(())
        })
        .unwrap_or_else(|()| {
            let _ = self.save_screenshot(&crate::artifacts_dir().join("button-missing.png"));
            panic!("no button labelled {text:?} (screenshot: target/e2e-artifacts/button-missing.png)")
        })
    }

    pub fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": args})),
        )
    }

    /// Whether the page runs a script and paints a frame within `limit`: the
    /// WebDriver process enforces the limit, so a web view stuck in a long
    /// task answers with a timeout instead of hanging the test.
    pub fn answers_within(&self, limit: Duration) -> Result<(), String> {
        let timeouts =
            |ms: u128| self.cmd("POST", "/timeouts", Some(json!({ "script": ms as u64 })));
        timeouts(limit.as_millis());
        let answer = try_send(
            &self.agent,
            "POST",
            &format!("{}/execute/async", self.base),
            Some(json!({
                "script": "const done = arguments[arguments.length - 1]; requestAnimationFrame(() => done(true));",
                "args": []
            })),
        );
        timeouts(30_000);
        match answer {
            Ok(Value::Bool(true)) => Ok(()),
            Ok(other) => Err(format!("unexpected answer {other}")),
            Err(err) => Err(err),
        }
    }

    /// Resizes the window (outer size, as a window manager would).
    pub fn set_window_size(&self, width: u32, height: u32) {
        self.cmd(
            "POST",
            "/window/rect",
            Some(json!({ "width": width, "height": height })),
        );
    }

    /// The page's viewport size in CSS pixels.
    pub fn inner_size(&self) -> (u32, u32) {
        let v = self.execute("return [innerWidth, innerHeight];", vec![]);
        let n = |i: usize| v[i].as_u64().unwrap_or_default() as u32;
        (n(0), n(1))
    }

    /// Whether the input at `css` shows its whole placeholder; if not, says
    /// how wide the text is against the room the input gives it.
    pub fn placeholder_fits(&self, css: &str) -> Result<(), String> {
        let sizes = self.execute(
            r#"
            const el = document.querySelector(arguments[0]);
            if (!el) return null;
            const s = getComputedStyle(el);
            const ctx = document.createElement('canvas').getContext('2d');
            ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
            const room = el.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
            return [ctx.measureText(el.placeholder).width, room];
            "#,
            vec![json!(css)],
        );
        match (sizes[0].as_f64(), sizes[1].as_f64()) {
            (Some(text), Some(room)) if text <= room => Ok(()),
            (Some(text), Some(room)) => Err(format!(
                "{css}: its placeholder is {text:.0}px wide in {room:.0}px"
            )),
            _ => Err(format!("no {css}")),
        }
    }

    /// What does not fit the window, described for a message: buttons,
    /// inputs and selects whose box sticks out of the window or out of an
    /// ancestor that clips or scrolls it sideways; buttons whose label is cut;
    /// JSON-form keys whose text is cut; and any pane that scrolls sideways.
    /// The JSON tree, paged result lists and text bodies scroll by design and
    /// are left out.
    pub fn clipped_controls(&self) -> Vec<String> {
        let found = self.execute(
            r#"
            const out = [];
            const W = document.documentElement.clientWidth;
            const exempt = (el) => el.closest('[data-virtual-row], .tree, .paged, .raw, .cm-editor, pre, textarea');
            const name = (el) => (el.innerText || el.getAttribute('aria-label') || el.placeholder || el.id || el.tagName).trim();
            for (const el of document.querySelectorAll('button, input, select, textarea')) {
              const r = el.getBoundingClientRect();
              if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
              if (el.closest('.visually-hidden') || exempt(el)) continue;
              let bad = r.right > W + 1 || r.left < -1;
              for (let p = el.parentElement; p && !bad; p = p.parentElement) {
                if (getComputedStyle(p).overflowX === 'visible') continue;
                const q = p.getBoundingClientRect();
                if (r.right > q.right + 1 || r.left < q.left - 1) bad = true;
              }
              if (bad) { out.push('out of view: ' + name(el)); continue; }
              if (el.tagName === 'BUTTON' && el.scrollWidth > el.clientWidth + 1) out.push('label cut: ' + name(el));
              if (el.matches('input.key') && el.scrollWidth > el.clientWidth + 1) out.push('key cut: ' + el.value);
            }
            for (const el of document.querySelectorAll('body *')) {
              const s = getComputedStyle(el);
              if (s.overflowX !== 'auto' && s.overflowX !== 'scroll') continue;
              if (exempt(el) || el.matches('input, select')) continue;
              if (el.scrollWidth > el.clientWidth + 1) out.push('scrolls sideways: ' + (el.getAttribute('aria-label') || el.className || el.tagName));
            }
            return out;
            "#,
            vec![],
        );
        found
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().unwrap_or_default().to_string())
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn save_screenshot(&self, path: &Path) -> std::io::Result<()> {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = base64::engine::general_purpose::STANDARD
            .decode(b64.as_str().unwrap_or_default())
            .map_err(std::io::Error::other)?;
        std::fs::write(path, png)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.agent.delete(&self.base).call();
    }
}

fn send(agent: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Value {
    try_send(agent, method, url, body)
        .unwrap_or_else(|err| panic!("WebDriver {method} {url}: {err}"))
}

/// Returns the `value` of a WebDriver answer, or its error as text.
fn try_send(
    agent: &ureq::Agent,
    method: &str,
    url: &str,
    body: Option<Value>,
) -> Result<Value, String> {
    let response = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, Some(body)) => agent.post(url).send_json(body),
        (_, None) => agent.post(url).send_empty(),
    };
    let mut response = response.map_err(|e| e.to_string())?;
    let status = response.status();
    let answer: Value = response.body_mut().read_json().map_err(|e| e.to_string())?;
    let value = answer.get("value").cloned().unwrap_or(Value::Null);
    if status.is_success() {
        Ok(value)
    } else {
        Err(format!("{status}: {value}"))
    }
}
