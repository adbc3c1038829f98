//! Pages that keep the original UI layer (`well-client-ui.js`) beside our `well-client.js`.
//!
//! The page `pages/ui-layer/ui-layer.html` loads `/dist/well-client.js` by a plain script tag,
//! then `ui-layer.js` (a UI layer in the original's shape: `wellClient.ui.main(e)` dispatching to
//! `ui[e.eventName](e)`, `wellClient.ctrl`, its own call model, its own auto-answer and
//! `loginFailed`), then its own script (`useConfig('AWS-HTTPS')`, `useConfig('LOCAL')`, the
//! handlers a CRM page assigns, a login from the query string). The tests drive it in headless
//! Chromium against the simulator and check, after every step, the UI events the layer received
//! (PROTOCOL.md §0.4, DECISIONS.md K9), the buttons it rendered, `getCallMemory()` (K7), the
//! order page code was called in (K8), and that the page reported no error.

use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use serde_json::{json, Value};
use well_e2e::{Harness, WindowHandle};

const PAGE: &str = include_str!("../pages/ui-layer/ui-layer.html");
const LAYER: &str = include_str!("../pages/ui-layer/ui-layer.js");
const PAGE_SCRIPT: &str = include_str!("../pages/ui-layer/ui-layer-page.js");

/// A page with neither `#well-now-state`, `#well-time-clock` nor `#well-client`, a UI layer that
/// only notes the event names, and a record of every change made to its document.
const BARE_PAGE: &str = r#"<!doctype html>
<html>
<head><meta charset="utf-8"><title>page without a status clock</title></head>
<body>
<p id="note">A page without the status clock elements: the SDK must not write to it.</p>
<script src="/dist/well-client.js"></script>
<script>
  // What a page assigns survives useConfig, even without #well-client (K3; 1.3.7 replaced the
  // UI layer with a no-op there).
  window.__uiNames = [];
  window.__assigned = {
    ui: { main: function (e) { window.__uiNames.push(e.eventName); } },
    ctrl: {},
    exports: function () {},
    onLog: function () {}
  };
  Object.keys(window.__assigned).forEach(function (key) {
    wellClient[key] = window.__assigned[key];
  });
  wellClient.useConfig('LOCAL');
  var config = wellClient.getConfig();
  config.cstaPort = ':' + location.port;
  config.eventPort = ':' + location.port;
  config.TPI = location.hostname + ':' + location.port + '/login';
  // Once the parser is done, every change to the document is somebody's write.
  window.__mutations = [];
  document.addEventListener('DOMContentLoaded', function () {
    window.__parsed = document.documentElement.outerHTML;
    new MutationObserver(function (records) {
      records.forEach(function (r) {
        window.__mutations.push(r.type + ' ' + (r.target.id || r.target.nodeName));
      });
    }).observe(document, {
      subtree: true, childList: true, attributes: true, characterData: true
    });
  });
</script>
</body>
</html>
"#;

/// How long one step may take to show its effect.
const STEP: Duration = Duration::from_secs(10);

/// The buttons the layer renders, in the order [`Buttons`] lists them.
const BUTTON_IDS: [&str; 8] = [
    "well-ready",
    "well-notready",
    "well-logout",
    "well-makecall",
    "well-answer",
    "well-hangup",
    "well-hold",
    "well-retrieve",
];

/// Which of the layer's buttons are enabled.
#[derive(Debug, PartialEq, Eq, Clone, Copy, Default)]
struct Buttons {
    ready: bool,
    not_ready: bool,
    logout: bool,
    make_call: bool,
    answer: bool,
    hang_up: bool,
    hold: bool,
    retrieve: bool,
}

impl Buttons {
    /// Logged in, no call: everything but the call buttons (Ready only when not Ready).
    fn idle(ready: bool) -> Self {
        Buttons {
            ready: !ready,
            not_ready: true,
            logout: true,
            make_call: true,
            ..Buttons::default()
        }
    }

    /// Logged in, in a call.
    fn in_call(ready: bool) -> Self {
        Buttons {
            ready: !ready,
            not_ready: true,
            hang_up: true,
            ..Buttons::default()
        }
    }

    fn from_flags(flags: &[bool]) -> Result<Self> {
        let [ready, not_ready, logout, make_call, answer, hang_up, hold, retrieve] = flags else {
            bail!("expected {} button flags, got {flags:?}", BUTTON_IDS.len());
        };
        Ok(Buttons {
            ready: *ready,
            not_ready: *not_ready,
            logout: *logout,
            make_call: *make_call,
            answer: *answer,
            hang_up: *hang_up,
            hold: *hold,
            retrieve: *retrieve,
        })
    }
}

/// One agent's window with the UI layer page. Every method makes that window current first.
struct Agent<'h> {
    h: &'h Harness,
    window: WindowHandle,
    /// Names the screenshots: `a-03-ready.png`.
    label: &'static str,
    /// How many UI events and dispatch entries earlier steps accounted for.
    seen_ui: usize,
    seen_dispatch: usize,
}

impl<'h> Agent<'h> {
    /// Opens the UI layer page in `window` with `query` (`agent`, `ext`, `password`, `mode`: the
    /// page logs that agent in).
    async fn open(
        h: &'h Harness,
        window: WindowHandle,
        label: &'static str,
        query: &str,
    ) -> Result<Agent<'h>> {
        h.switch_to_window(&window).await?;
        h.goto(&format!("/e2e/ui-layer.html?{query}")).await?;
        h.wait_for("window.__useConfig !== undefined", STEP).await?;
        Ok(Agent {
            h,
            window,
            label,
            seen_ui: 0,
            seen_dispatch: 0,
        })
    }

    async fn focus(&self) -> Result<()> {
        self.h.switch_to_window(&self.window).await
    }

    async fn eval(&self, expression: &str) -> Result<Value> {
        self.focus().await?;
        self.h.eval_js(expression).await
    }

    async fn run(&self, body: &str, args: Vec<Value>) -> Result<Value> {
        self.focus().await?;
        self.h.run_js(body, args).await
    }

    async fn wait_for(&self, condition: &str) -> Result<()> {
        self.focus().await?;
        self.h.wait_for(condition, STEP).await
    }

    async fn click(&self, id: &str) -> Result<()> {
        self.focus().await?;
        self.h
            .client()
            .find(fantoccini::Locator::Id(id))
            .await
            .with_context(|| format!("finding #{id}"))?
            .click()
            .await
            .with_context(|| format!("clicking #{id}"))
    }

    async fn shot(&self, step: &str) -> Result<()> {
        self.focus().await?;
        self.h.screenshot(&format!("{}-{step}", self.label)).await?;
        Ok(())
    }

    /// Waits until the layer has received `expected.len()` new UI events, then checks they are
    /// exactly `expected`, in order.
    async fn expect_ui(&mut self, step: &str, expected: &[Value]) -> Result<()> {
        let total = self.seen_ui + expected.len();
        self.wait_for(&format!("window.__uiEvents.length >= {total}"))
            .await
            .with_context(|| format!("{}: {step}: waiting for {expected:?}", self.label))?;
        let got = self
            .eval(&format!("window.__uiEvents.slice({})", self.seen_ui))
            .await?;
        ensure!(
            got == Value::Array(expected.to_vec()),
            "{}: {step}: the UI layer received\n  {got}\nexpected\n  {}",
            self.label,
            Value::Array(expected.to_vec())
        );
        self.seen_ui = total;
        Ok(())
    }

    /// The page code called since the last check, in order (`ui:`, `inner:`, `exports:`,
    /// `on:` entries): exactly `expected` (DECISIONS.md K8).
    async fn expect_dispatch(&mut self, step: &str, expected: &[&str]) -> Result<()> {
        let total = self.seen_dispatch + expected.len();
        self.wait_for(&format!("window.__dispatch.length >= {total}"))
            .await
            .with_context(|| format!("{}: {step}: waiting for {expected:?}", self.label))?;
        let got = self
            .eval(&format!("window.__dispatch.slice({})", self.seen_dispatch))
            .await?;
        ensure!(
            got == json!(expected),
            "{}: {step}: page code was called as {got}, expected {expected:?}",
            self.label
        );
        self.seen_dispatch = total;
        Ok(())
    }

    async fn buttons(&self) -> Result<Buttons> {
        let flags = self
            .run(
                "return arguments[0].map(id => !document.getElementById(id).disabled);",
                vec![json!(BUTTON_IDS)],
            )
            .await?;
        let flags: Vec<bool> = serde_json::from_value(flags)?;
        Buttons::from_flags(&flags)
    }

    async fn expect_buttons(&self, step: &str, expected: Buttons) -> Result<()> {
        let got = self.buttons().await?;
        ensure!(
            got == expected,
            "{}: {step}: buttons {got:?}, expected {expected:?}",
            self.label
        );
        Ok(())
    }

    async fn expect_state_text(&self, step: &str, expected: &str) -> Result<()> {
        let got = self
            .eval("document.getElementById('well-now-state').textContent")
            .await?;
        ensure!(
            got == json!(expected),
            "{}: {step}: the state reads {got}, expected {expected:?}",
            self.label
        );
        Ok(())
    }

    async fn memory(&self) -> Result<Value> {
        self.eval("wellClient.getCallMemory()").await
    }

    /// `getCallMemory()` equals `expected`; the time ids, which are clock readings, are
    /// checked to be numbers and taken from the page.
    async fn expect_memory(&self, step: &str, expected: Value) -> Result<()> {
        let got = self.memory().await?;
        let mut expected = expected;
        if let (Some(got), Some(expected)) = (got.as_object(), expected.as_object_mut()) {
            for (call_id, call) in expected.iter_mut() {
                let Some(call) = call.as_object_mut() else {
                    continue;
                };
                for stamp in ["createTimeId", "establishedTimeId"] {
                    if call.get(stamp) == Some(&json!("<number>")) {
                        let actual = got
                            .get(call_id)
                            .and_then(|call| call.get(stamp))
                            .cloned()
                            .unwrap_or_default();
                        ensure!(
                            actual.is_number(),
                            "{}: {step}: {call_id}.{stamp} is {actual}, not a number",
                            self.label
                        );
                        call.insert(stamp.to_owned(), actual);
                    }
                }
            }
        }
        ensure!(
            got == expected,
            "{}: {step}: getCallMemory() is\n  {got}\nexpected\n  {expected}",
            self.label
        );
        Ok(())
    }

    /// The objects the page assigned to `wellClient` are still the ones it assigned (K3).
    async fn expect_assignments_kept(&self, step: &str) -> Result<()> {
        let kept = self
            .eval(
                "['ui', 'ctrl', 'exports', 'onLog']
                   .filter(k => wellClient[k] !== window.__assigned[k])",
            )
            .await?;
        ensure!(
            kept == json!([]),
            "{}: {step}: wellClient lost what the page assigned: {kept}",
            self.label
        );
        Ok(())
    }

    async fn expect_no_page_errors(&self) -> Result<()> {
        self.focus().await?;
        self.h
            .assert_no_page_errors()
            .await
            .with_context(|| format!("in window {}", self.label))
    }

    /// The seconds the status clock shows, and the seconds since the layer received the last
    /// UI event called `name`, read at the same moment.
    async fn clock_since_ui_event(&self, name: &str) -> Result<(f64, f64)> {
        let read = self
            .run(
                "const at = window.__uiEvents.map(e => e.eventName).lastIndexOf(arguments[0]);
                 const [h, m, s] = document.getElementById('well-time-clock').textContent
                   .split(':').map(Number);
                 return [h * 3600 + m * 60 + s,
                         (performance.now() - window.__uiEventTimes[at]) / 1000];",
                vec![json!(name)],
            )
            .await?;
        match (read[0].as_f64(), read[1].as_f64()) {
            (Some(shown), Some(since)) => Ok((shown, since)),
            _ => bail!("{}: reading the clock gave {read}", self.label),
        }
    }

    /// The status clock's text.
    async fn clock(&self) -> Result<String> {
        let text = self
            .eval("document.getElementById('well-time-clock').textContent")
            .await?;
        text.as_str()
            .map(str::to_owned)
            .with_context(|| format!("{}: no status clock: {text}", self.label))
    }

    /// How many answer requests for `call_id` the simulator received, from anybody (its
    /// record of the calls clients made).
    async fn answer_requests(&self, call_id: &str) -> Result<usize> {
        self.focus().await?;
        let requests = admin(self.h, "GET", "/admin/requests", Value::Null).await?;
        Ok(requests
            .as_array()
            .into_iter()
            .flatten()
            .filter(|r| {
                let path = r["path"].as_str().unwrap_or_default();
                r["method"] == "POST" && path.contains(call_id) && path.ends_with("/answer")
            })
            .count())
    }
}

/// Calls the simulator's admin API from the current page (same origin); returns the JSON body,
/// or `null` for an empty one.
async fn admin(h: &Harness, method: &str, path: &str, body: Value) -> Result<Value> {
    let answer = h
        .run_js(
            "const [method, path, body] = arguments;
             return fetch(path, {
               method,
               headers: { 'Content-Type': 'application/json' },
               body: method === 'GET' ? undefined : JSON.stringify(body),
             }).then(async (r) => ({ status: r.status, text: await r.text() }));",
            vec![json!(method), json!(path), body],
        )
        .await?;
    let status = answer["status"].as_u64().unwrap_or_default();
    let text = answer["text"].as_str().unwrap_or_default();
    ensure!(
        (200..300).contains(&status),
        "admin {method} {path}: {status} {text}"
    );
    if text.trim().is_empty() {
        return Ok(Value::Null);
    }
    serde_json::from_str(text).with_context(|| format!("admin {method} {path}: {text}"))
}

async fn serve_pages(h: &Harness) -> Result<()> {
    h.add_page("ui-layer.html", PAGE)?;
    h.add_page("ui-layer.js", LAYER)?;
    h.add_page("ui-layer-page.js", PAGE_SCRIPT)?;
    Ok(())
}

/// A UI event.
fn ui(name: &str, fields: Value) -> Value {
    let mut event = json!({ "eventName": name });
    if let (Some(event), Some(fields)) = (event.as_object_mut(), fields.as_object()) {
        event.extend(fields.clone());
    }
    event
}

/// One leg of a two-party call in `getCallMemory()` (§7.1).
fn leg(device: &str, call_id: &str, state: &str, calling: &str, called: &str) -> Value {
    json!({
        "deviceId": device,
        "connectionState": state,
        "callId": call_id,
        "isCalling": device == calling,
        "callingDevice": calling,
        "calledDevice": called,
    })
}

/// A two-party call in `getCallMemory()`, the legs in `states` order (calling, called).
fn two_party_call(
    call_id: &str,
    calling: &str,
    called: &str,
    states: (&str, &str),
    established: bool,
) -> Value {
    let mut call = json!({
        "deviceCount": 2,
        "createTimeId": "<number>",
        calling: leg(calling, call_id, states.0, calling, called),
        called: leg(called, call_id, states.1, calling, called),
    });
    if established {
        call["establishedTimeId"] = json!("<number>");
    }
    call
}

fn memory_with(call_id: &str, call: Value) -> Value {
    json!({ "length": 1, call_id: call })
}

/// The SDK's own version, which `getVersion()` reports (DECISIONS.md §3).
fn sdk_version() -> Result<String> {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.toml"))?;
    let package = manifest
        .split("[package]")
        .nth(1)
        .context("the root Cargo.toml has no [package]")?;
    package
        .lines()
        .find_map(|line| {
            let value = line.trim().strip_prefix("version")?.trim_start();
            let value = value.strip_prefix('=')?.trim();
            Some(value.trim_matches('"').to_owned())
        })
        .context("the root package has no version")
}

/// Two agents with the UI layer place, answer, hold, retrieve and hang up a call; the layer
/// sees exactly the UI events of §0.4 in the fixtures' order, renders its buttons from them,
/// and everything a page assigned survives. A throwing `ui.main`, the status clock and the
/// undocumented members pages use (K14) are checked on the way.
#[tokio::test]
async fn two_agents_with_the_ui_layer_walk_a_call() -> Result<()> {
    let h = Harness::start("ui_layer_two_agents").await?;
    serve_pages(&h).await?;

    // --- 1. 5001 logs in on 8001 (Not ready) through the page's own script
    let first = h.current_window().await?;
    let mut a = Agent::open(&h, first, "a", "agent=5001&ext=8001").await?;
    let use_config = a.eval("window.__useConfig").await?;
    ensure!(
        use_config
            == json!({
                "results": [true, true],
                "SDK": "127.0.0.1",
                "cstaPort": ":8088",
                "eventPort": ":8088",
                "TPI": "127.0.0.1:8088/login",
                "protocol": "http://",
                "wsProtocol": "ws://",
                "autoAnswer": false,
            }),
        "useConfig('AWS-HTTPS') then useConfig('LOCAL') left {use_config}"
    );
    a.expect_ui(
        "login",
        &[
            ui("agentLoggedOn", json!({ "deviceId": "8001@test.cc" })),
            ui("agentNotReady", json!({ "reason": "" })),
        ],
    )
    .await?;
    a.expect_dispatch(
        "login",
        &[
            "ui:agentLoggedOn",
            "exports:agentLoggedOn",
            "on:agentLoggedOn",
            "ui:agentNotReady",
            "exports:agentNotReady",
            "on:agentNotReady",
        ],
    )
    .await?;
    a.expect_buttons("login", Buttons::idle(false)).await?;
    a.expect_state_text("login", "Not ready").await?;
    a.expect_memory("login", json!({ "length": 0 })).await?;
    a.expect_assignments_kept("after useConfig and login")
        .await?;
    // §11.1: the clock is inserted right after #well-now-state and ticks.
    let placed = a
        .eval("document.getElementById('well-now-state').nextElementSibling.id")
        .await?;
    ensure!(
        placed == json!("well-time-clock"),
        "clock placed before {placed}"
    );
    a.wait_for("document.getElementById('well-time-clock').textContent !== '0:00:00'")
        .await
        .context("the status clock does not tick")?;
    a.shot("01-logged-in").await?;

    // --- 2. Ready: the clock restarts at the event (it had run for 3 s since the last one)
    a.wait_for("document.getElementById('well-time-clock').textContent >= '0:00:03'")
        .await?;
    a.click("well-ready").await?;
    a.expect_ui("ready", &[ui("agentReady", json!({ "reason": "" }))])
        .await?;
    let (shown, since) = a.clock_since_ui_event("agentReady").await?;
    ensure!(
        shown <= since + 0.5 && shown >= since - 1.5,
        "the clock shows {shown} s, {since} s after agentReady: it did not restart there"
    );
    a.expect_dispatch(
        "ready",
        &["ui:agentReady", "exports:agentReady", "on:agentReady"],
    )
    .await?;
    a.expect_buttons("ready", Buttons::idle(true)).await?;
    a.expect_state_text("ready", "Ready").await?;
    a.shot("02-ready").await?;

    // --- 3. Not ready with reason 1, while ui.main throws: reported through onLog, and
    //        nothing else changes (DECISIONS.md §2 row 25)
    a.eval(
        "(() => {
           const layerMain = wellClient.ui.main;
           window.__layerMain = layerMain;
           wellClient.ui.main = function (e) {
             layerMain.call(this, e);
             throw new Error('the UI layer failed on ' + e.eventName);
           };
           return true;
         })()",
    )
    .await?;
    a.run(
        "document.getElementById('well-notready-reason').value = '1';",
        vec![],
    )
    .await?;
    a.click("well-notready").await?;
    a.expect_ui(
        "not ready, throwing",
        &[ui("agentNotReady", json!({ "reason": "1" }))],
    )
    .await?;
    a.expect_dispatch(
        "not ready, throwing",
        &[
            "ui:agentNotReady",
            "exports:agentNotReady",
            "on:agentNotReady",
        ],
    )
    .await?;
    let reported = a
        .eval(
            "window.__onLog.filter(m => m.type === 'error'
               && m.content.includes('ui.main')
               && m.content.includes('the UI layer failed on agentNotReady'))",
        )
        .await?;
    ensure!(
        reported.as_array().map(Vec::len) == Some(1),
        "a throwing ui.main must be reported once through onLog, got {reported}"
    );
    ensure!(
        a.eval("wellClient.isLogined()").await? == json!(true),
        "a throwing ui.main logged the agent out"
    );
    a.eval("(wellClient.ui.main = window.__layerMain, true)")
        .await?;
    a.expect_buttons("not ready", Buttons::idle(false)).await?;
    a.expect_state_text("not ready", "Not ready (1)").await?;
    a.expect_memory("not ready", json!({ "length": 0 })).await?;
    a.expect_no_page_errors().await?;
    a.shot("03-not-ready-1").await?;

    // --- 4. 5002 logs in on 8002 (Ready) in a second window
    let second = h.open_window().await?;
    let mut b = Agent::open(&h, second, "b", "agent=5002&ext=8002&mode=Ready").await?;
    b.expect_ui(
        "login",
        &[
            ui("agentLoggedOn", json!({ "deviceId": "8002@test.cc" })),
            ui("agentReady", json!({ "reason": "" })),
        ],
    )
    .await?;
    b.expect_dispatch(
        "login",
        &[
            "ui:agentLoggedOn",
            "exports:agentLoggedOn",
            "on:agentLoggedOn",
            "ui:agentReady",
            "exports:agentReady",
            "on:agentReady",
        ],
    )
    .await?;
    b.expect_buttons("login", Buttons::idle(true)).await?;
    b.shot("04-logged-in").await?;

    // --- 5. 8001 calls 8002
    a.run(
        "document.getElementById('well-number').value = '8002';",
        vec![],
    )
    .await?;
    a.click("well-makecall").await?;
    a.wait_for("window.__uiEvents.some(e => e.eventName === 'originated')")
        .await?;
    let call_id = a
        .eval("window.__uiEvents.find(e => e.eventName === 'originated').callId")
        .await?;
    let call_id = call_id
        .as_str()
        .context("originated without a callId")?
        .to_owned();
    let (c8001, c8002) = ("8001@test.cc", "8002@test.cc");
    let to_8002 = json!({ "deviceId": c8002, "device": "8002", "callId": call_id });
    let from_8001 = json!({ "deviceId": c8001, "device": "8001", "callId": call_id });
    let mut originated = to_8002.clone();
    originated["isCalling"] = json!(true);
    let mut delivered_a = originated.clone();
    delivered_a["autoAnswer"] = json!(false);
    a.expect_ui(
        "make call",
        &[ui("originated", originated), ui("delivered", delivered_a)],
    )
    .await?;
    a.expect_dispatch(
        "make call",
        &[
            "exports:serviceInitiated",
            "ui:originated",
            "exports:originated",
            "on:originated",
            "ui:delivered",
            "exports:delivered",
            "on:delivered",
        ],
    )
    .await?;
    let mut delivered_b = from_8001.clone();
    delivered_b["isCalling"] = json!(false);
    delivered_b["autoAnswer"] = json!(false);
    b.expect_ui("ringing", &[ui("delivered", delivered_b)])
        .await?;
    a.expect_buttons("make call", Buttons::in_call(false))
        .await?;
    b.expect_buttons(
        "ringing",
        Buttons {
            answer: true,
            ..Buttons::in_call(true)
        },
    )
    .await?;
    a.expect_memory(
        "make call",
        memory_with(
            &call_id,
            two_party_call(&call_id, c8001, c8002, ("originated", "originated"), false),
        ),
    )
    .await?;
    b.expect_memory(
        "ringing",
        memory_with(
            &call_id,
            two_party_call(&call_id, c8001, c8002, ("delivered", "delivered"), false),
        ),
    )
    .await?;
    a.shot("05-calling").await?;
    b.shot("05-ringing").await?;
    // LOCAL's autoAnswer is false: nobody answers by itself.
    tokio::time::sleep(Duration::from_millis(800)).await;
    ensure!(
        b.answer_requests(&call_id).await? == 0,
        "the call was answered although autoAnswer is false"
    );

    // --- 6. 8002 answers
    b.click("well-answer").await?;
    a.expect_ui("answered", &[ui("established", to_8002.clone())])
        .await?;
    b.expect_ui("answered", &[ui("established", from_8001.clone())])
        .await?;
    a.expect_dispatch(
        "answered",
        &["ui:established", "exports:established", "on:established"],
    )
    .await?;
    ensure!(
        b.answer_requests(&call_id).await? == 1,
        "one click on Answer must send one answer request"
    );
    let talking = Buttons {
        hold: true,
        ..Buttons::in_call(false)
    };
    a.expect_buttons("answered", talking).await?;
    b.expect_buttons(
        "answered",
        Buttons {
            hold: true,
            ..Buttons::in_call(true)
        },
    )
    .await?;
    let connected = two_party_call(&call_id, c8001, c8002, ("connected", "connected"), true);
    a.expect_memory("answered", memory_with(&call_id, connected.clone()))
        .await?;
    b.expect_memory("answered", memory_with(&call_id, connected.clone()))
        .await?;
    // 8002 asks for Not ready during the call: the platform defers it (setPendingMode).
    b.run(
        "document.getElementById('well-notready-reason').value = '2';",
        vec![],
    )
    .await?;
    b.click("well-notready").await?;
    b.expect_ui(
        "not ready during the call",
        &[ui("setPendingMode", json!({}))],
    )
    .await?;
    b.expect_state_text("not ready during the call", "Ready · change pending")
        .await?;
    a.shot("06-talking").await?;
    b.shot("06-talking").await?;

    // --- 7. 8001 holds: held/retrieved do not restart the status clock (§11.1)
    a.wait_for("document.getElementById('well-time-clock').textContent >= '0:00:02'")
        .await?;
    a.click("well-hold").await?;
    let held_a = json!({ "device": "8002", "deviceId": c8002 });
    let held_b = json!({ "device": "8001", "deviceId": c8001 });
    a.expect_ui("hold", &[ui("held", held_a.clone())]).await?;
    // Every party gets `held`, and 1.3.7 marks the own leg held whoever holds (§13 item 23).
    b.expect_ui("held by 8001", &[ui("held", held_b.clone())])
        .await?;
    a.expect_dispatch("hold", &["ui:held", "exports:held", "on:held"])
        .await?;
    let (shown, since) = a.clock_since_ui_event("held").await?;
    ensure!(
        shown >= since + 1.0,
        "the clock shows {shown} s, {since} s after held: held restarted it"
    );
    a.expect_buttons(
        "hold",
        Buttons {
            retrieve: true,
            ..Buttons::in_call(false)
        },
    )
    .await?;
    let mut held = connected.clone();
    held[c8001]["connectionState"] = json!("held");
    a.expect_memory("hold", memory_with(&call_id, held)).await?;
    let mut held_on_b = connected.clone();
    held_on_b[c8002]["connectionState"] = json!("held");
    b.expect_memory("held by 8001", memory_with(&call_id, held_on_b))
        .await?;
    a.shot("07-held").await?;

    // --- 8. 8001 retrieves
    a.click("well-retrieve").await?;
    a.expect_ui("retrieve", &[ui("retrieved", held_a)]).await?;
    b.expect_ui("retrieved by 8001", &[ui("retrieved", held_b)])
        .await?;
    a.expect_dispatch(
        "retrieve",
        &["ui:retrieved", "exports:retrieved", "on:retrieved"],
    )
    .await?;
    a.expect_buttons("retrieve", talking).await?;
    a.expect_memory("retrieve", memory_with(&call_id, connected.clone()))
        .await?;
    a.shot("08-retrieved").await?;

    // --- 9. 8001 hangs up
    a.click("well-hangup").await?;
    a.expect_ui(
        "hang up",
        &[ui(
            "connectionCleared",
            json!({ "deviceId": c8002, "isClearAll": true }),
        )],
    )
    .await?;
    // The deferred Not ready applies once 8002's call is over.
    b.expect_ui(
        "hung up by 8001",
        &[
            ui(
                "connectionCleared",
                json!({ "deviceId": c8001, "isClearAll": true }),
            ),
            ui("agentNotReady", json!({ "reason": "2" })),
        ],
    )
    .await?;
    // K8: internal logic, UI, innerOn, exports, on. Then 8002's own clearing, which only
    // reaches exports and on (§7.4: a peer's release changes nothing here).
    a.expect_dispatch(
        "hang up",
        &[
            "ui:connectionCleared",
            "inner:connectionCleared",
            "exports:connectionCleared",
            "on:connectionCleared",
            "exports:connectionCleared",
            "on:connectionCleared",
        ],
    )
    .await?;
    let cleared = a.eval("window.__inner[window.__inner.length - 1]").await?;
    let expected_fields = json!({
        "eventName": "connectionCleared",
        "isEstatblished": true,
        "partyDevice": c8002,
        "isCaller": true,
        "isOutCall": false,
    });
    for (key, value) in expected_fields.as_object().into_iter().flatten() {
        ensure!(
            &cleared[key] == value,
            "innerOn connectionCleared.{key} is {}, expected {value}: {cleared}",
            cleared[key]
        );
    }
    ensure!(
        cleared["createTimeId"].is_number() && cleared["establishedTimeId"].is_number(),
        "innerOn connectionCleared lacks its time ids: {cleared}"
    );
    a.expect_buttons("hang up", Buttons::idle(false)).await?;
    b.expect_buttons("hung up by 8001", Buttons::idle(false))
        .await?;
    b.expect_state_text("hung up by 8001", "Not ready (2)")
        .await?;
    a.expect_memory("hang up", json!({ "length": 0 })).await?;
    b.expect_memory("hung up by 8001", json!({ "length": 0 }))
        .await?;
    a.shot("09-hung-up").await?;
    b.shot("09-hung-up").await?;

    // --- 10. The undocumented members pages and integrations use (K14)
    undocumented_members(&h, &mut a).await?;

    // --- 11. superLogout: 5001 logs 5002 out
    let kicked = a.eval("wellClient.superLogout('5002')").await?;
    ensure!(kicked.is_null(), "superLogout resolved with {kicked}");
    b.expect_ui("logged out by 5001", &[ui("agentLoggedOff", json!({}))])
        .await?;
    ensure!(
        b.eval("wellClient.isLogined()").await? == json!(false),
        "5002 still logged in after superLogout"
    );
    b.expect_buttons("logged out by 5001", Buttons::default())
        .await?;
    b.expect_state_text("logged out by 5001", "Logged out")
        .await?;
    b.expect_assignments_kept("after logout").await?;
    b.shot("11-logged-out").await?;

    // --- 12. 5001 logs out: the clock stops at 0:00:00
    a.click("well-logout").await?;
    a.expect_ui("logout", &[ui("agentLoggedOff", json!({}))])
        .await?;
    a.expect_buttons("logout", Buttons::default()).await?;
    a.expect_state_text("logout", "Logged out").await?;
    a.expect_memory("logout", json!({ "length": 0 })).await?;
    ensure!(
        a.clock().await? == "0:00:00",
        "the clock was not reset at logout"
    );
    tokio::time::sleep(Duration::from_millis(1200)).await;
    ensure!(
        a.clock().await? == "0:00:00",
        "the clock ticks after logout"
    );
    a.expect_assignments_kept("after logout").await?;
    a.shot("12-logged-out").await?;

    a.expect_no_page_errors().await?;
    b.expect_no_page_errors().await?;
    Ok(())
}

/// `findItem`, `triggerInnerOn`, `uploadLog`, `clearLog`, `getVersion`, `getSessionId`,
/// `getClientState`, `releaseAllocatedAgent` and `insertClock` behave as PROTOCOL.md §3 gives
/// (with DECISIONS.md's changes), for agent 5001, logged in, Not ready, without calls.
async fn undocumented_members(h: &Harness, a: &mut Agent<'_>) -> Result<()> {
    let found = a
        .eval(
            "[wellClient.findItem([{ a: 1 }, { a: 'x' }, { a: 'x' }], 'a', 'x'),
              wellClient.findItem([{ a: 1 }], 'a', 'y'),
              wellClient.findItem('not a list', 'a', 1)]",
        )
        .await?;
    ensure!(found == json!([1, -1, false]), "findItem gave {found}");

    // triggerInnerOn calls the innerOn handler before it returns.
    let triggered = a
        .eval(
            "(() => {
               let got = null;
               wellClient.innerOn('pageEvent', (e) => { got = e; });
               wellClient.triggerInnerOn({ eventName: 'pageEvent', n: 1 });
               return got;
             })()",
        )
        .await?;
    ensure!(
        triggered == json!({ "eventName": "pageEvent", "n": 1 }),
        "triggerInnerOn delivered {triggered}"
    );

    let version = a.eval("wellClient.getVersion()").await?;
    ensure!(
        version == json!(sdk_version()?),
        "getVersion() gave {version}"
    );

    // The session id the token login issued, kept for this tab.
    let session = a
        .eval("[wellClient.getSessionId(), sessionStorage.getItem('wellclient-session-id')]")
        .await?;
    let session_id = session[0].as_str().unwrap_or_default().to_owned();
    ensure!(
        !session_id.is_empty() && session[1] == json!(session_id),
        "getSessionId() and the tab's copy: {session}"
    );
    let agents = admin(h, "GET", "/admin/agents", Value::Null).await?;
    let issued = agents
        .as_array()
        .into_iter()
        .flatten()
        .filter(|agent| agent["agentId"] == "5001@test.cc")
        .flat_map(|agent| agent["sessions"].as_array().cloned().unwrap_or_default())
        .any(|s| s["sessionId"] == json!(session_id) && s["expired"] == json!(false));
    ensure!(
        issued,
        "the simulator issued no live session {session_id}: {agents}"
    );

    let state = a.eval("wellClient.getClientState()").await?;
    ensure!(
        state["agent"]["agentId"] == "5001@test.cc"
            && state["agent"]["extensionId"] == "8001@test.cc"
            && state["agent"]["agentMode"] == "NotReady"
            && state["extension"].is_object(),
        "getClientState() resolved with {state}"
    );

    // uploadLog: 1.3.7's UI uploads the event log when the state label is clicked.
    let entries = r"(window.wellClient.getLog().match(/^\[\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\]: /gm) || []).length";
    let before = a.eval(entries).await?;
    ensure!(
        before.as_u64().unwrap_or_default() > 0,
        "the event log is empty: {before}"
    );
    let failures_before = a.eval("window.__uiFailures.length").await?;
    a.run(
        "document.querySelector('.well-show-state').click();",
        vec![],
    )
    .await?;
    let mut logs = Value::Null;
    for _ in 0..100 {
        logs = admin(h, "GET", "/admin/client-logs", Value::Null).await?;
        if logs.as_array().is_some_and(|l| !l.is_empty()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let uploaded = logs
        .as_array()
        .and_then(|l| l.first())
        .with_context(|| format!("no client log was uploaded: {logs}"))?;
    let name = uploaded["filename"].as_str().unwrap_or_default();
    ensure!(
        name.starts_with("testccw5001w")
            && name.ends_with("txt")
            && uploaded["bytes"].as_u64() > Some(0),
        "uploaded {uploaded}"
    );
    ensure!(
        a.eval("window.__uiFailures.length").await? == failures_before,
        "uploadLog failed: {}",
        a.eval("window.__uiFailures").await?
    );

    a.eval("wellClient.clearLog()").await?;
    let after = a.eval(entries).await?;
    ensure!(after == json!(0), "clearLog() left {after} entries");

    // insertClock puts a removed clock back after #well-now-state.
    a.eval("(document.getElementById('well-time-clock').remove(), wellClient.insertClock(), true)")
        .await?;
    let placed = a
        .eval("document.getElementById('well-now-state').nextElementSibling?.id")
        .await?;
    ensure!(
        placed == json!("well-time-clock"),
        "insertClock() placed {placed}"
    );
    a.wait_for(
        "/^\\d+:\\d\\d:\\d\\d$/.test(document.getElementById('well-time-clock').textContent)",
    )
    .await?;

    // setConfig({hideButton}): 1.3.7's way for a page to hide buttons of the UI layer.
    let hidden = a
        .eval(
            "(wellClient.setConfig({ hideButton: ['well-retrieve'] }),
              document.getElementById('well-retrieve').classList.contains('well-dn'))",
        )
        .await?;
    ensure!(
        hidden == json!(true),
        "hideButton did not hide #well-retrieve"
    );

    // releaseAllocatedAgent: the dialler reserves the Ready agent, the page releases it.
    a.click("well-ready").await?;
    a.expect_ui("ready again", &[ui("agentReady", json!({ "reason": "" }))])
        .await?;
    admin(h, "POST", "/admin/agents/5001@test.cc/allocate", json!({})).await?;
    a.expect_ui("allocated", &[ui("agentAllocated", json!({}))])
        .await?;
    a.expect_buttons(
        "allocated",
        Buttons {
            make_call: false,
            ..Buttons::idle(false)
        },
    )
    .await?;
    a.shot("10-allocated").await?;
    let released = a
        .eval("wellClient.releaseAllocatedAgent('5001@test.cc')")
        .await?;
    ensure!(
        released.is_null(),
        "releaseAllocatedAgent resolved with {released}"
    );
    a.expect_ui("released", &[ui("agentReady", json!({ "reason": "" }))])
        .await?;
    a.expect_buttons("released", Buttons::idle(true)).await?;
    // The dispatch entries of these steps are not the subject here.
    a.seen_dispatch = a
        .eval("window.__dispatch.length")
        .await?
        .as_u64()
        .unwrap_or_default() as usize;
    a.shot("10-released").await?;
    a.expect_no_page_errors().await
}

/// K9 in the browser: with the UI layer installed, a ringing inbound call is answered exactly
/// once, by the layer, 500 ms after `delivered` — also when it started ringing while the socket
/// was down and the reconnect resync brought it back, and after a reload that recovers the
/// session while it rings. A failed login is reported once, by the
/// layer; `getConfig()` writes take effect (K16); what the page assigned survives a reconnect.
#[tokio::test]
async fn the_ui_layer_answers_each_ringing_inbound_call_once() -> Result<()> {
    let h = Harness::start("ui_layer_auto_answer").await?;
    serve_pages(&h).await?;
    let window = h.current_window().await?;

    // --- 1. A wrong password: the layer emits loginFailed, the core does not (no duplicate)
    let mut a = Agent::open(&h, window, "a", "agent=5001&ext=8001&password=wrong").await?;
    a.wait_for("window.__inner.length > 0").await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let inner = a.eval("window.__inner").await?;
    let failed = inner.as_array().cloned().unwrap_or_default();
    ensure!(
        failed.len() == 1
            && failed[0]["eventName"] == "loginFailed"
            && failed[0]["status"] == 401
            && failed[0]["responseText"].is_string(),
        "a failed login must give one loginFailed, from the UI layer: {inner}"
    );
    a.expect_state_text("wrong password", "Logged out (login failed: 401)")
        .await?;
    a.expect_buttons("wrong password", Buttons::default())
        .await?;
    ensure!(
        a.eval("window.__uiEvents").await? == json!([]),
        "UI events for a failed login"
    );
    a.shot("01-login-failed").await?;

    // --- 2. The right password, through the layer's controller
    a.eval(
        "(wellClient.ctrl.login({ jobNumber: '5001', password: '123456', domain: 'test.cc',
           ext: '8001', loginMode: 'force', agentMode: 'Ready' }), true)",
    )
    .await?;
    a.expect_ui(
        "login",
        &[
            ui("agentLoggedOn", json!({ "deviceId": "8001@test.cc" })),
            ui("agentReady", json!({ "reason": "" })),
        ],
    )
    .await?;
    a.expect_buttons("login", Buttons::idle(true)).await?;

    // --- 3. K16: LOCAL brings autoAnswer false; a write to getConfig() turns it on
    let auto_answer = a
        .eval(
            "(() => {
               const before = wellClient.getConfig().autoAnswer;
               wellClient.getConfig().autoAnswer = true;
               return [before, wellClient.getConfig().autoAnswer];
             })()",
        )
        .await?;
    ensure!(
        auto_answer == json!([false, true]),
        "getConfig().autoAnswer before and after the write: {auto_answer}"
    );

    // --- 4. An outside caller rings 8001: the layer answers it, once, after 500 ms
    let caller = "13800000000@test.cc";
    let call_id = inbound_call(&h, &a, "13800000000").await?;
    let party = json!({ "deviceId": caller, "device": "13800000000", "callId": call_id });
    let mut ringing = party.clone();
    ringing["isCalling"] = json!(false);
    ringing["autoAnswer"] = json!(true);
    a.expect_ui(
        "inbound call",
        &[
            ui("delivered", ringing.clone()),
            ui("established", party.clone()),
        ],
    )
    .await?;
    let delay = a
        .run(
            "const id = arguments[0];
             const at = window.__uiEvents.findIndex(e => e.eventName === 'delivered' && e.callId === id);
             return window.__uiAutoAnswers[id] - window.__uiEventTimes[at];",
            vec![json!(call_id)],
        )
        .await?;
    ensure!(
        delay.as_f64().is_some_and(|ms| ms >= 495.0),
        "answered {delay} ms after delivered, expected 500"
    );
    a.expect_memory(
        "answered",
        memory_with(
            &call_id,
            two_party_call(
                &call_id,
                caller,
                "8001@test.cc",
                ("connected", "connected"),
                true,
            ),
        ),
    )
    .await?;
    a.expect_buttons(
        "answered",
        Buttons {
            hold: true,
            ..Buttons::in_call(true)
        },
    )
    .await?;
    a.shot("04-auto-answered").await?;
    expect_answered_once(&a, &call_id).await?;
    hang_up_outside(&h, &mut a, &call_id, caller).await?;

    // --- 5. The socket drops; while it is down a call rings; the resync brings it back and
    //        the layer answers it, once
    // One evaluation, so the call surely rings while the socket is down.
    let caller = "13900000000@test.cc";
    a.focus().await?;
    let outage = h
        .run_js(
            "const post = (path, body) => fetch(path, {
               method: 'POST',
               headers: { 'Content-Type': 'application/json' },
               body: JSON.stringify(body),
             }).then((r) => r.text()).then((t) => (t ? JSON.parse(t) : null));
             return post('/admin/faults/ws/refuse', { seconds: 3 })
               .then(() => post('/admin/faults/ws/drop', { agentId: '5001@test.cc' }))
               .then((dropped) => post('/admin/calls', { from: '13900000000', to: '8001' })
                 .then((call) => ({ dropped, call })));",
            vec![],
        )
        .await?;
    ensure!(
        outage["dropped"]["dropped"] == 1,
        "the socket drop: {outage}"
    );
    let call_id = outage["call"]["callId"]
        .as_str()
        .with_context(|| format!("no call placed: {outage}"))?
        .to_owned();
    a.shot("05-reconnecting").await?;
    let party = json!({ "deviceId": caller, "device": "13900000000", "callId": call_id });
    let mut ringing = party.clone();
    ringing["isCalling"] = json!(false);
    ringing["autoAnswer"] = json!(true);
    a.expect_ui(
        "resync",
        &[
            ui("removeUiState", json!({})),
            ui("agentReady", json!({})),
            ui("delivered", ringing),
            ui("established", party),
        ],
    )
    .await?;
    let resync = a.eval("window.__inner[window.__inner.length - 1]").await?;
    let active = &resync["activeCall"];
    ensure!(
        resync["eventName"] == "wsReconnectSucceed"
            && resync["agentMode"] == "Ready"
            && active["callId"] == json!(call_id)
            && active["callingDevice"] == caller
            && active["calledDevice"] == "8001@test.cc"
            && active["state"] == "Alerting"
            && active["direction"] == "In"
            && active["createTimeId"].is_number(),
        "wsReconnectSucceed: {resync}"
    );
    ensure!(
        a.eval("wellClient.getConnectionState().state").await? == "connected",
        "not connected after the resync"
    );
    a.expect_assignments_kept("after the reconnect").await?;
    a.shot("05-answered-after-resync").await?;
    expect_answered_once(&a, &call_id).await?;
    hang_up_outside(&h, &mut a, &call_id, caller).await?;

    // --- 6. K16 again: autoAnswer written back to false; the next call just rings
    a.eval("(wellClient.getConfig().autoAnswer = false, true)")
        .await?;
    let caller = "13700000000@test.cc";
    let call_id = inbound_call(&h, &a, "13700000000").await?;
    let mut ringing = json!({
        "deviceId": caller, "device": "13700000000", "callId": call_id, "isCalling": false,
    });
    ringing["autoAnswer"] = json!(false);
    a.expect_ui("inbound, no auto-answer", &[ui("delivered", ringing)])
        .await?;
    tokio::time::sleep(Duration::from_millis(1000)).await;
    ensure!(
        a.answer_requests(&call_id).await? == 0,
        "answered although autoAnswer is false"
    );
    let calls = admin(&h, "GET", "/admin/calls", Value::Null).await?;
    let own_leg = calls
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["callId"] == json!(call_id))
        .flat_map(|c| c["parties"].as_array().cloned().unwrap_or_default())
        .find(|p| p["device"] == "8001@test.cc");
    ensure!(
        own_leg.as_ref().is_some_and(|p| p["state"] == "Alerting"),
        "8001 should still ring: {calls}"
    );
    a.expect_buttons(
        "ringing",
        Buttons {
            answer: true,
            ..Buttons::in_call(true)
        },
    )
    .await?;
    a.shot("06-ringing").await?;

    // --- 7. The page is reloaded while the call rings and recovers the session with
    //        auto-answer on: the layer answers, once; the core does not answer besides it
    //        (1.3.7's recover did, and the UI layer again: §13 item 28)
    a.expect_no_page_errors().await?;
    let window = a.window.clone();
    let mut a = Agent::open(
        &h,
        window,
        "a",
        "agent=5001&ext=8001&recover=1&autoAnswer=1",
    )
    .await?;
    let party = json!({ "deviceId": caller, "device": "13700000000", "callId": call_id });
    let mut ringing = party.clone();
    ringing["isCalling"] = json!(false);
    ringing["autoAnswer"] = json!(true);
    a.expect_ui(
        "recovered",
        &[
            ui("agentLoggedOn", json!({ "deviceId": "8001@test.cc" })),
            ui("agentReady", json!({ "reason": "" })),
            ui("delivered", ringing),
            ui("established", party),
        ],
    )
    .await?;
    let recovered = a.eval("window.__inner[0]").await?;
    ensure!(
        recovered["eventName"] == "recoverStateSuccess"
            && recovered["agentId"] == "5001@test.cc"
            && recovered["call"]["callId"] == json!(call_id)
            && recovered["call"]["state"] == "delivered",
        "recoverStateSuccess: {recovered}"
    );
    a.shot("07-recovered").await?;
    expect_answered_once(&a, &call_id).await?;
    hang_up_outside(&h, &mut a, &call_id, caller).await?;

    // --- 8. Log out
    a.click("well-logout").await?;
    a.expect_ui("logout", &[ui("agentLoggedOff", json!({}))])
        .await?;
    a.expect_assignments_kept("after logout").await?;
    a.expect_no_page_errors().await
}

/// An outside number dials 8001 through the admin API; returns the call id.
async fn inbound_call(h: &Harness, a: &Agent<'_>, from: &str) -> Result<String> {
    a.focus().await?;
    let created = admin(
        h,
        "POST",
        "/admin/calls",
        json!({ "from": from, "to": "8001" }),
    )
    .await?;
    created["callId"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("POST /admin/calls gave {created}"))
}

/// The simulator received exactly one answer request for `call_id`, and no second one follows.
async fn expect_answered_once(a: &Agent<'_>, call_id: &str) -> Result<()> {
    // Longer than the layer's delay: a second answer would have been sent by now.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let answers = a.answer_requests(call_id).await?;
    ensure!(
        answers == 1,
        "{answers} answer requests for {call_id}, expected one"
    );
    let failures = a.eval("window.__uiFailures").await?;
    ensure!(
        failures == json!([]),
        "the layer's commands failed: {failures}"
    );
    Ok(())
}

/// The outside party hangs up; the layer sees the call cleared.
async fn hang_up_outside(
    h: &Harness,
    a: &mut Agent<'_>,
    call_id: &str,
    caller: &str,
) -> Result<()> {
    a.focus().await?;
    admin(
        h,
        "POST",
        &format!("/admin/calls/{call_id}/hangup"),
        json!({}),
    )
    .await?;
    a.expect_ui(
        "outside party hung up",
        &[ui(
            "connectionCleared",
            json!({ "deviceId": caller, "isClearAll": true }),
        )],
    )
    .await?;
    a.expect_memory("outside party hung up", json!({ "length": 0 }))
        .await?;
    a.expect_buttons("outside party hung up", Buttons::idle(true))
        .await?;
    Ok(())
}

/// §11.1 and DECISIONS.md §2 row 31: a page that has neither `#well-now-state` nor
/// `#well-time-clock` gets no DOM writes from the SDK, through login, a state change,
/// `insertClock()` and logout. What it assigned to `wellClient` survives `useConfig` on a page
/// without `#well-client` (K3).
#[tokio::test]
async fn pages_without_the_clock_elements_get_no_dom_writes() -> Result<()> {
    let h = Harness::start("ui_layer_no_dom_writes").await?;
    let page = h.add_page("bare.html", BARE_PAGE)?;
    h.goto(&page).await?;
    h.wait_for("document.readyState === 'complete'", STEP)
        .await?;
    let lost =
        "['ui', 'ctrl', 'exports', 'onLog'].filter(k => wellClient[k] !== window.__assigned[k])";
    ensure!(
        h.eval_js(lost).await? == json!([]),
        "useConfig dropped what the page assigned"
    );
    let login = h
        .eval_js(
            "wellClient.agentLogin({ jobNumber: '5003', password: '123456', domain: 'test.cc',
               ext: '8003', loginMode: 'force', agentMode: 'NotReady' }).then(() => true)",
        )
        .await?;
    ensure!(login == json!(true), "login: {login}");
    h.wait_for("wellClient.isLogined()", STEP).await?;
    h.eval_js("wellClient.setAgentMode('Ready').then(() => true)")
        .await?;
    h.eval_js("(wellClient.insertClock(), true)").await?;
    // Long enough for a status clock to tick, had one been inserted.
    tokio::time::sleep(Duration::from_millis(1300)).await;
    h.screenshot("logged-in").await?;
    h.eval_js("wellClient.logout().then(() => true)").await?;
    h.wait_for("!wellClient.isLogined()", STEP).await?;
    ensure!(
        h.eval_js(lost).await? == json!([]),
        "logout dropped what the page assigned"
    );
    let names = h.eval_js("window.__uiNames").await?;
    ensure!(
        names
            == json!([
                "agentLoggedOn",
                "agentNotReady",
                "agentReady",
                "agentLoggedOff"
            ]),
        "the page's UI layer received {names}"
    );
    // Nothing was written while the page loaded either: the document is its markup.
    let parsed = h.eval_js("window.__parsed").await?;
    let parsed = parsed.as_str().unwrap_or_default();
    for written in ["well-time-clock", "well-dn", "<a ", "<span"] {
        ensure!(
            !parsed.contains(written),
            "{written} in the loaded page: {parsed}"
        );
    }
    let mutations = h.eval_js("window.__mutations").await?;
    ensure!(
        mutations == json!([]),
        "the SDK wrote to a page without the clock elements: {mutations}"
    );
    ensure!(
        h.eval_js("document.getElementById('well-time-clock')")
            .await?
            == Value::Null,
        "a status clock appeared"
    );
    h.assert_no_page_errors().await
}
