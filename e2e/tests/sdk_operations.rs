//! The commands the demo's walk does not reach, through the drop-in script in a real browser
//! against the simulator: call data, recording, consult-then-transfer, single-step transfer,
//! cancel consult, single-step conference, the supervisor's force operations on another agent,
//! an outage past the reconnect tries, a failed login, after-call work, the utilities and the
//! status clock.

use std::time::Duration;

use anyhow::{ensure, Context, Result};
use serde_json::{json, Value};
use well_e2e::{Harness, WindowHandle};

const STEP: Duration = Duration::from_secs(15);

/// A bare page: the drop-in script, pointed at this test's simulator, recording every event.
const PAGE: &str = r#"<!doctype html>
<html><head><meta charset="utf-8"><title>sdk operations</title></head>
<body><pre id="log"></pre>
<script src="/dist/well-client.js"></script>
<script>
  wellClient.useConfig('LOCAL');
  var port = ':' + location.port;
  wellClient.setConfig({ cstaPort: port, eventPort: port, TPI: '127.0.0.1' + port + '/login' });
  window.events = [];
  wellClient.exports = function (e) {
    window.events.push(e);
    document.getElementById('log').textContent += e.eventName + ' ' + (e.callId || '') + '\n';
  };
  // Runs a command and resolves with {ok, value} or {ok: false, error}.
  window.run = function (name) {
    var args = Array.prototype.slice.call(arguments, 1);
    return new Promise(function (resolve) {
      wellClient[name].apply(wellClient, args).then(
        function (v) { resolve({ ok: true, value: v === undefined ? null : v }); },
        function (e) { resolve({ ok: false, error: e }); });
    });
  };
  window.admin = function (method, path, body) {
    return fetch('/admin' + path, { method: method, body: body ? JSON.stringify(body) : undefined })
      .then(function (r) { return r.status === 204 ? null : r.json(); });
  };
  window.seen = function (name, callId) {
    return window.events.some(function (e) {
      return e.eventName === name && (!callId || e.callId === callId);
    });
  };
  window.calls = function () { return wellClient.getCallMemory().length; };
</script></body></html>
"#;

async fn ok(h: &Harness, call: &str) -> Result<Value> {
    let r = h.eval_js(call).await?;
    ensure!(r["ok"] == json!(true), "{call} failed: {r}");
    Ok(r["value"].clone())
}

async fn login(h: &Harness, agent: &str, ext: &str) -> Result<()> {
    ok(
        h,
        &format!(
            "run('agentLogin', {{jobNumber: '{agent}', password: '123456', domain: 'test.cc', \
             ext: '{ext}', loginMode: 'force', agentMode: 'Ready'}})"
        ),
    )
    .await?;
    h.wait_for("seen('agentReady')", STEP).await
}

/// An outside caller dials 8001; the agent answers through the SDK.
async fn answered_inbound(h: &Harness, user_data: Value) -> Result<String> {
    answered(h, "13800000000", "8001", user_data).await
}

/// A customer dials 8002 and the agent, in `agent`'s window, answers; returns the call id.
async fn answered_by_agent(h: &Harness, agent: &WindowHandle, customer: &str) -> Result<String> {
    h.switch_to_window(agent).await?;
    answered(h, customer, "8002", json!({})).await
}

/// `from` dials `to`, whose page (the current window) answers; returns the call id.
async fn answered(h: &Harness, from: &str, to: &str, user_data: Value) -> Result<String> {
    let call = h
        .eval_js(&format!(
            "admin('POST', '/calls', {{from: '{from}', to: '{to}', userData: {user_data}}})"
        ))
        .await?;
    let id = call["callId"].as_str().unwrap_or_default().to_owned();
    h.wait_for(&format!("seen('delivered', '{id}')"), STEP)
        .await?;
    ok(h, &format!("run('answerCall', '{id}')")).await?;
    h.wait_for(&format!("seen('established', '{id}')"), STEP)
        .await?;
    Ok(id)
}

/// How many parties the platform has in call `id`.
async fn parties(h: &Harness, id: &str) -> Result<usize> {
    let live = h.eval_js("admin('GET', '/calls')").await?;
    Ok(live
        .as_array()
        .and_then(|calls| calls.iter().find(|c| c["callId"] == json!(id)))
        .and_then(|c| c["parties"].as_array())
        .map_or(0, Vec::len))
}

#[tokio::test]
async fn call_data_recording_and_transfers() -> Result<()> {
    let h = Harness::start("sdk_call_data_recording_and_transfers").await?;
    let page = h.add_page("ops.html", PAGE)?;
    h.goto(&page).await?;
    h.eval_js(
        "admin('PATCH', '/tenants/test.cc', {recordByDefault: true, recordingControl: true})",
    )
    .await?;
    h.eval_js("admin('PUT', '/devices/8002@test.cc/behavior', {answerAfterMs: 300})")
        .await?;
    login(&h, "5001", "8001").await?;

    // Call data: what the caller brought, then what the agent adds.
    let c1 = answered_inbound(&h, json!({"customerId": "C-7"})).await?;
    let delivered = h
        .eval_js(&format!(
            "events.filter(e => e.eventName === 'delivered' && e.callId === '{c1}')[0].userData.data"
        ))
        .await?;
    assert_eq!(delivered["customerId"], json!("C-7"));
    ok(
        &h,
        &format!("run('setCallData', '{c1}', [{{key: 'orderNo', value: 'A-1'}}])"),
    )
    .await?;
    let data = ok(&h, &format!("run('getCallData', '{c1}')")).await?;
    assert!(data.to_string().contains("A-1"), "{data}");
    assert!(data.to_string().contains("C-7"), "{data}");

    // Recording: on by default, stopped and started again.
    h.wait_for("seen('recordStarted')", STEP).await?;
    ok(&h, "run('stopRecording')").await?;
    h.wait_for("seen('recordStopped')", STEP).await?;
    ok(&h, "run('startRecording')").await?;
    h.wait_for(
        "events.filter(e => e.eventName === 'recordStarted').length === 2",
        STEP,
    )
    .await?;
    h.screenshot("1-recording").await?;

    // Consult 8002, then transfer the customer to it: the agent is out of both calls.
    let consult = ok(&h, &format!("run('consult', '{c1}', '8002')")).await?;
    let c2 = consult["callId"].as_str().unwrap_or_default().to_owned();
    h.wait_for(&format!("seen('held', '{c1}')"), STEP).await?;
    h.wait_for(&format!("seen('established', '{c2}')"), STEP)
        .await?;
    let actions = h
        .eval_js(&format!("wellClient.getCallActions('{c1}')"))
        .await?;
    assert_eq!(actions["transfer"], json!(true), "{actions}");
    ok(&h, &format!("run('transferCall', '{c1}', '{c2}')")).await?;
    h.wait_for("seen('transferred') && calls() === 0", STEP)
        .await?;
    h.screenshot("2-transferred").await?;

    // The customer and 8002 finish; then a blind transfer of a new call.
    h.eval_js(&format!("admin('POST', '/calls/{c1}/hangup', {{}})"))
        .await?;
    h.wait_for(
        "admin('GET', '/calls').then(c => window.live = c) && window.live && window.live.length === 0",
        STEP,
    )
    .await?;
    let c3 = answered_inbound(&h, json!({})).await?;
    ok(&h, &format!("run('singleStepTransfer', '{c3}', '8002')")).await?;
    h.wait_for(
        &format!("seen('connectionCleared', '{c3}') && calls() === 0"),
        STEP,
    )
    .await?;
    let live = h.eval_js("admin('GET', '/calls')").await?;
    assert!(
        live.to_string().contains("8002@test.cc"),
        "8002 has the customer: {live}"
    );
    h.screenshot("3-single-step-transfer").await?;

    // A consultation called off: the customer is back, 8002 is gone.
    h.eval_js("admin('GET', '/calls').then(c => Promise.all(c.map(x => admin('POST', '/calls/' + x.callId + '/hangup', {}))))")
        .await?;
    let c4 = answered_inbound(&h, json!({})).await?;
    let consult = ok(&h, &format!("run('consult', '{c4}', '8002')")).await?;
    let c5 = consult["callId"].as_str().unwrap_or_default().to_owned();
    h.wait_for(&format!("seen('established', '{c5}')"), STEP)
        .await?;
    ok(&h, &format!("run('cancelConsult', '{c4}', '{c5}')")).await?;
    h.wait_for(&format!("seen('retrieved', '{c4}') && calls() === 1"), STEP)
        .await?;
    h.screenshot("4-consult-cancelled").await?;

    // 8002 joins the customer's call in one step; the agent leaves the other two talking.
    ok(
        &h,
        &format!("run('singleStepConference', '{c4}', '8002', 'Active')"),
    )
    .await?;
    h.wait_for(&format!("seen('conferenced', '{c4}')"), STEP)
        .await?;
    ensure!(parties(&h, &c4).await? == 3, "customer, agent and 8002");
    h.screenshot("5-single-step-conference").await?;
    ok(&h, &format!("run('dropConnection', '{c4}')")).await?;
    h.wait_for("calls() === 0", STEP).await?;
    h.assert_no_page_errors().await
}

#[tokio::test]
async fn a_supervisor_forces_another_agent() -> Result<()> {
    let h = Harness::start("sdk_a_supervisor_forces_another_agent").await?;
    let page = h.add_page("ops.html", PAGE)?;
    h.goto(&page).await?;
    let supervisor = h.current_window().await?;
    let agent = h.open_window().await?;
    h.goto(&page).await?;
    login(&h, "5002", "8002").await?;
    h.switch_to_window(&supervisor).await?;
    login(&h, "5001", "8001").await?;

    // Force the agent not ready, then ready; it sees its own state events.
    ok(&h, "run('forceNotReady', '5002@test.cc', '8002@test.cc')").await?;
    h.switch_to_window(&agent).await?;
    h.wait_for("seen('agentNotReady')", STEP).await?;
    h.switch_to_window(&supervisor).await?;
    ok(&h, "run('forceReady', '5002@test.cc', '8002@test.cc')").await?;
    h.switch_to_window(&agent).await?;
    h.wait_for(
        "events.filter(e => e.eventName === 'agentReady').length === 2",
        STEP,
    )
    .await?;

    // A customer talks to the agent; the supervisor listens, barges in, then drops the agent.
    let call = h
        .eval_js("admin('POST', '/calls', {from: '13900000000', to: '8002'})")
        .await?;
    let id = call["callId"].as_str().unwrap_or_default().to_owned();
    h.wait_for(&format!("seen('delivered', '{id}')"), STEP)
        .await?;
    ok(&h, &format!("run('answerCall', '{id}')")).await?;
    h.wait_for(&format!("seen('established', '{id}')"), STEP)
        .await?;
    h.switch_to_window(&supervisor).await?;
    h.eval_js("admin('PUT', '/devices/8001@test.cc/behavior', {answerAfterMs: 200})")
        .await?;
    ok(&h, &format!("run('forceListen', '{id}', '8001@test.cc')")).await?;
    h.wait_for(&format!("seen('established', '{id}')"), STEP)
        .await?;
    ok(&h, &format!("run('forceDrop', '8002@test.cc', '{id}')")).await?;
    h.switch_to_window(&agent).await?;
    h.wait_for(
        &format!("seen('connectionCleared', '{id}') && calls() === 0"),
        STEP,
    )
    .await?;
    h.screenshot("1-agent-dropped").await?;
    // The customer leaves the supervisor.
    h.switch_to_window(&supervisor).await?;
    h.eval_js(&format!("admin('POST', '/calls/{id}/hangup', {{}})"))
        .await?;
    h.wait_for("calls() === 0", STEP).await?;

    // Another customer: the supervisor joins the agent's call (a three-party call)...
    let id = answered_by_agent(&h, &agent, "13900000001").await?;
    h.switch_to_window(&supervisor).await?;
    ok(
        &h,
        &format!("run('forceJoin', '8002@test.cc', '{id}', '8001')"),
    )
    .await?;
    h.wait_for(&format!("seen('established', '{id}')"), STEP)
        .await?;
    h.switch_to_window(&agent).await?;
    h.wait_for(&format!("seen('conferenced', '{id}')"), STEP)
        .await?;
    ensure!(
        parties(&h, &id).await? == 3,
        "customer, agent and supervisor"
    );
    h.screenshot("2-supervisor-joined").await?;
    // The agent who had the customer hangs up: the call ends for the supervisor too.
    ok(&h, &format!("run('dropConnection', '{id}')")).await?;
    h.wait_for("calls() === 0", STEP).await?;
    h.switch_to_window(&supervisor).await?;
    h.wait_for(
        &format!("seen('connectionCleared', '{id}') && calls() === 0"),
        STEP,
    )
    .await?;

    // ... and takes the next one over: the agent is out, the supervisor has the customer.
    let id = answered_by_agent(&h, &agent, "13900000002").await?;
    h.switch_to_window(&supervisor).await?;
    ok(
        &h,
        &format!("run('forceTake', '8002@test.cc', '{id}', '8001')"),
    )
    .await?;
    h.wait_for("calls() === 1", STEP).await?;
    h.switch_to_window(&agent).await?;
    h.wait_for(
        &format!("seen('connectionCleared', '{id}') && calls() === 0"),
        STEP,
    )
    .await?;
    h.screenshot("3-supervisor-took-over").await?;
    h.switch_to_window(&supervisor).await?;
    h.eval_js("admin('GET', '/calls').then(c => Promise.all(c.map(x => admin('POST', '/calls/' + x.callId + '/hangup', {}))))")
        .await?;
    h.wait_for("calls() === 0", STEP).await?;

    // Finally the supervisor logs the agent out.
    h.switch_to_window(&supervisor).await?;
    ok(&h, "run('forceLogout', '5002@test.cc', '8002@test.cc')").await?;
    h.switch_to_window(&agent).await?;
    h.wait_for("seen('agentLoggedOff') && !wellClient.isLogined()", STEP)
        .await?;
    h.screenshot("4-agent-logged-out").await?;
    h.assert_no_page_errors().await?;
    h.switch_to_window(&supervisor).await?;
    h.assert_no_page_errors().await
}

/// An outage longer than the five quick attempts: `wsDisconnected` reaches the page once, the
/// background attempts go on, and when the platform takes connections again the client is back,
/// resynced, without the page doing anything.
#[tokio::test]
async fn an_outage_past_the_retries_is_reported_once_then_recovered() -> Result<()> {
    let h = Harness::start("sdk_an_outage_past_the_retries").await?;
    let page = h.add_page("ops.html", PAGE)?;
    h.goto(&page).await?;
    h.eval_js(
        "(function () { window.disconnected = 0; window.back = 0; \
         wellClient.innerOn('wsDisconnected', function () { window.disconnected += 1; }); \
         wellClient.innerOn('wsReconnectSucceed', function () { window.back += 1; }); \
         return true; })()",
    )
    .await?;
    login(&h, "5001", "8001").await?;
    h.eval_js("admin('POST', '/faults/ws/refuse', {seconds: 9})")
        .await?;
    h.eval_js("admin('POST', '/faults/ws/drop', {agentId: '5001@test.cc'})")
        .await?;
    h.wait_for("window.disconnected === 1", Duration::from_secs(20))
        .await?;
    let state = h.eval_js("wellClient.getConnectionState()").await?;
    ensure!(state["state"] == json!("disconnected"), "{state}");
    h.screenshot("1-disconnected").await?;
    h.wait_for(
        "window.back === 1 && wellClient.getConnectionState().state === 'connected'",
        Duration::from_secs(45),
    )
    .await?;
    ensure!(
        h.eval_js("window.disconnected").await? == json!(1),
        "wsDisconnected once per outage"
    );
    ensure!(h.eval_js("wellClient.isLogined()").await? == json!(true));
    // Events flow again on the new socket.
    h.eval_js("admin('POST', '/calls', {from: '13800000000', to: '8001'})")
        .await?;
    h.wait_for("seen('delivered')", STEP).await?;
    h.screenshot("2-recovered").await?;
    h.assert_no_page_errors().await
}

/// Without a UI layer the SDK itself emits `loginFailed`; after a call the platform's
/// after-call work reaches the page, then Ready.
#[tokio::test]
async fn a_failed_login_and_after_call_work() -> Result<()> {
    let h = Harness::start("sdk_a_failed_login_and_after_call_work").await?;
    let page = h.add_page("ops.html", PAGE)?;
    h.goto(&page).await?;
    h.eval_js(
        "(function () { window.failed = []; \
         wellClient.innerOn('loginFailed', function (e) { window.failed.push(e); }); \
         return true; })()",
    )
    .await?;
    let r = h
        .eval_js(
            "run('agentLogin', {jobNumber: '5001', password: 'wrong', domain: 'test.cc', \
             ext: '8001', loginMode: 'force', agentMode: 'Ready'})",
        )
        .await?;
    ensure!(
        r["ok"] == json!(false) && r["error"]["status"] == json!(401),
        "{r}"
    );
    ensure!(r["error"]["reason"] == json!("unauthorized"), "{r}");
    let failed = h.eval_js("window.failed").await?;
    ensure!(
        failed.as_array().map(Vec::len) == Some(1)
            && failed[0]["eventName"] == json!("loginFailed")
            && failed[0]["status"] == json!(401),
        "{failed}"
    );
    ensure!(h.eval_js("wellClient.isLogined()").await? == json!(false));

    h.eval_js("admin('PATCH', '/tenants/test.cc', {afterCallWorkSecs: 1})")
        .await?;
    login(&h, "5001", "8001").await?;
    let id = answered_inbound(&h, json!({})).await?;
    ok(&h, &format!("run('dropConnection', '{id}')")).await?;
    h.wait_for("seen('agentWorkingAfterCall')", STEP).await?;
    h.screenshot("1-after-call-work").await?;
    h.wait_for(
        "window.events.filter(e => e.eventName === 'agentReady').length === 2",
        STEP,
    )
    .await?;
    h.assert_no_page_errors().await
}

/// The utilities of the seed doc through the drop-in script: getWs, isPhoneNumber, getVersion,
/// getSessionId, getMyPrefix, log/error with setDebug, the event log (getLog, disableLog,
/// enableLog, downloadLog) and useWsLog's console lines.
#[tokio::test]
async fn the_utilities() -> Result<()> {
    let h = Harness::start("sdk_the_utilities").await?;
    let page = h.add_page("ops.html", PAGE)?;
    h.goto(&page).await?;
    let before = h
        .eval_js(
            "({ws: wellClient.getWs(), logined: wellClient.isLogined(),
               version: wellClient.getVersion(),
               phones: ['13800000000', '938834600-WW8001', '8001', 'abc', ''].map(
                 function (n) { return wellClient.isPhoneNumber(n); })})",
        )
        .await?;
    ensure!(
        before
            == json!({"ws": {}, "logined": false, "version": sdk_version()?,
                      "phones": [true, true, true, false, false]}),
        "{before}"
    );
    // The page's console and onLog, recorded.
    h.eval_js(
        "(function () {
           window.printed = []; window.logged = [];
           var log = console.log;
           console.log = function (line) { window.printed.push(String(line)); log.apply(console, arguments); };
           wellClient.onLog = function (m) { window.logged.push(m.type + ':' + m.content); };
           document.addEventListener('click', function (e) {
             if (e.target && e.target.download) {
               window.downloaded = {name: e.target.download, href: e.target.href};
               e.preventDefault();
             }
           }, true);
           return true;
         })()",
    )
    .await?;
    login(&h, "5001", "8001").await?;
    let after = h
        .eval_js(
            "({ws: wellClient.getWs(), logined: wellClient.isLogined(),
               sid: typeof wellClient.getSessionId(), prefixes: Array.isArray(wellClient.getMyPrefix())})",
        )
        .await?;
    ensure!(
        after
            == json!({"ws": {"connected": true, "ws": {"readyState": 1}}, "logined": true,
                      "sid": "string", "prefixes": true}),
        "{after}"
    );

    // log and error reach onLog; the console only under setDebug(true) (an error there would
    // count as a page error, so it is sent with debugging off).
    h.eval_js(
        "(function () { wellClient.setDebug(false); wellClient.log('quiet line');
           wellClient.error('bad line'); wellClient.setDebug(true); wellClient.log('loud line');
           wellClient.setDebug(false); return true; })()",
    )
    .await?;
    let logs = h
        .eval_js("({logged: window.logged, printed: window.printed})")
        .await?;
    let has = |list: &str, text: &str| {
        logs[list]
            .as_array()
            .is_some_and(|l| l.iter().any(|x| x.as_str() == Some(text)))
    };
    ensure!(
        has("logged", "log:quiet line")
            && has("logged", "log:loud line")
            && has("logged", "error:bad line"),
        "{logs}"
    );
    ensure!(
        has("printed", "loud line") && !has("printed", "quiet line"),
        "{logs}"
    );

    // The event log: kept, paused, resumed, downloaded as a .txt file.
    ensure!(
        h.eval_js("wellClient.getLog().indexOf('agentLoggedOn') >= 0")
            .await?
            == json!(true)
    );
    h.eval_js("wellClient.disableLog()").await?;
    ok(&h, "run('setAgentMode', 'NotReady', '1')").await?;
    h.wait_for("seen('agentNotReady')", STEP).await?;
    ensure!(
        h.eval_js("wellClient.getLog().indexOf('agentNotReady') < 0")
            .await?
            == json!(true)
    );
    h.eval_js("wellClient.enableLog()").await?;
    ok(&h, "run('setAgentMode', 'Ready')").await?;
    h.wait_for("wellClient.getLog().indexOf('\"agentReady\"') >= 0 && window.events.filter(e => e.eventName === 'agentReady').length === 2", STEP)
        .await?;
    h.eval_js("wellClient.downloadLog()").await?;
    let downloaded = h
        .eval_js(
            "fetch(window.downloaded.href).then(r => r.text()).then(t =>
               ({name: window.downloaded.name, header: t.indexOf('---- Session started: ') === 0,
                 events: t.indexOf('agentLoggedOn') > 0, password: t.indexOf('123456') >= 0}))",
        )
        .await?;
    ensure!(
        downloaded["name"]
            .as_str()
            .is_some_and(|n| n.ends_with("-log4b.txt"))
            && downloaded["header"] == json!(true)
            && downloaded["events"] == json!(true)
            && downloaded["password"] == json!(false),
        "{downloaded}"
    );

    // useWsLog: every frame on the console, none through onLog.
    h.eval_js("wellClient.setConfig({useWsLog: true})").await?;
    ok(&h, "run('setAgentMode', 'NotReady', '2')").await?;
    h.wait_for(
        "window.printed.some(l => l.indexOf('>>> ') === 0) && \
         window.printed.some(l => l.indexOf('<<< MESSAGE') === 0 && l.indexOf('agentNotReady') > 0)",
        STEP,
    )
    .await?;
    ensure!(
        h.eval_js("window.logged.some(l => l.indexOf('<<< ') >= 0 || l.indexOf('>>> ') >= 0)")
            .await?
            == json!(false),
        "frame lines stay out of onLog"
    );
    h.screenshot("1-utilities").await?;
    h.assert_no_page_errors().await
}

/// The SDK's version, from the root `Cargo.toml`'s `[package]`.
fn sdk_version() -> Result<String> {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.toml");
    let text = std::fs::read_to_string(&manifest)?;
    let package = text
        .split("[package]")
        .nth(1)
        .context("no [package] in the root Cargo.toml")?;
    package
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .map(str::to_owned)
        .context("no version in [package]")
}

/// A page with the status clock's element (PROTOCOL.md §11.1): it counts from each event but
/// `held`/`retrieved`, and reads 0:00:00 once the agent is logged out.
#[tokio::test]
async fn the_status_clock_on_a_page_with_its_element() -> Result<()> {
    let h = Harness::start("sdk_the_status_clock").await?;
    let page = h.add_page(
        "clock.html",
        &PAGE.replace(
            "<pre id=\"log\"></pre>",
            "<p>In this state for <span id=\"well-time-clock\"></span></p><pre id=\"log\"></pre>",
        ),
    )?;
    h.goto(&page).await?;
    login(&h, "5001", "8001").await?;
    let clock = "document.getElementById('well-time-clock').textContent";
    h.wait_for(&format!("/^0:00:0[4-9]$/.test({clock})"), STEP)
        .await?;
    h.screenshot("1-counting").await?;
    // A new state restarts it (read within 3 s, well before it could count back up to 4).
    ok(&h, "run('setAgentMode', 'NotReady', '1')").await?;
    h.wait_for("seen('agentNotReady')", STEP).await?;
    h.wait_for(&format!("/^0:00:0[0-2]$/.test({clock})"), STEP)
        .await?;
    ok(&h, "run('logout')").await?;
    h.wait_for(
        &format!("seen('agentLoggedOff') && {clock} === '0:00:00'"),
        STEP,
    )
    .await?;
    h.screenshot("2-logged-out").await?;
    h.assert_no_page_errors().await
}
