//! The event path in the browser, for `cargo xtask bench`: µs per event from a WebSocket
//! message to the page's `wellClient.exports` callback, after growing histories, for the
//! drop-in script and — given the original files — for `well-client.js` 1.3.7 on jQuery and
//! stomp.js, in the same browser session. It prints a table and asserts only that every event
//! it timed reached `exports`: timing is reported, never judged (the machines are noisy).
//!
//! Ignored by `cargo test`; `cargo xtask bench [--original DIR]` runs it, or by hand:
//! `WELL_ORIGINAL_DIR=DIR cargo test -p well-e2e --test bench_event_path -- --ignored
//! --nocapture`, where DIR holds `jquery-1.11.3.min.js`, `stomp.min.js` and `well-client.js`.
//!
//! Each page has no network: a fake `WebSocket` (installed before the library loads) answers
//! `CONNECT` and records `SUBSCRIBE`, and fake HTTP (`fetch` for ours, `XMLHttpRequest` for
//! jQuery's ajax) answers the token login, the Login request (204), the prefixes and the
//! heartbeats. The page logs in through `agentLogin`, receives `agentLoggedOn`, then gets
//! batches of calls (delivered, established, two connectionCleared, as the spec's fixture 03)
//! dispatched synchronously through the fake socket, each batch timed with
//! `performance.now()`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use well_e2e::Harness;

/// Where the original's three files are (`cargo xtask bench --original DIR` sets it).
const ORIGINAL_DIR_ENV: &str = "WELL_ORIGINAL_DIR";
/// The files of the original a page loaded, in the order it loaded them.
const ORIGINAL_FILES: [&str; 3] = ["jquery-1.11.3.min.js", "stomp.min.js", "well-client.js"];
/// Events already processed when a timed batch starts. At 2,500 the original's event log
/// reaches its cap of 2,500 entries.
const HISTORY_POINTS: [u64; 4] = [0, 1_000, 2_500, 10_000];
/// Events per call: delivered, established, two connectionCleared.
const EVENTS_PER_CALL: u64 = 4;
/// Calls per timed batch (1,000 events: long enough for `performance.now()`, which Chromium
/// coarsens to 100 µs on pages that are not cross-origin isolated).
const BATCH_CALLS: u64 = 250;
/// The original's per-event cost grows to milliseconds: one script call never feeds more than
/// this many calls, well inside WebDriver's 30 s script timeout.
const CHUNK_CALLS: u64 = 250;
const LOGIN_TIMEOUT: Duration = Duration::from_secs(15);

/// Installed before the library: fake WebSocket, fetch and XMLHttpRequest standing in for the
/// platform, and `alert`/`confirm` recorders (a modal dialog would block the run).
const FAKE_PLATFORM: &str = r#"
(function () {
  'use strict';
  var bench = window.bench = {
    http: [],       // "METHOD /path" of every request, in order
    sockets: [],    // every WebSocket the page opened
    dialogs: [],    // alert/confirm texts (none expected)
    delivered: 0,   // events that reached wellClient.exports
    lastEvent: ''
  };
  window.alert = function (text) { bench.dialogs.push(String(text)); };
  window.confirm = function (text) { bench.dialogs.push(String(text)); return true; };

  function json(body) {
    return { status: 200, type: 'application/json;charset=UTF-8', body: JSON.stringify(body) };
  }
  // The platform's answers, by path: the host differs between presets.
  function answer(method, url) {
    var path = String(url).replace(/^[a-z]+:\/\/[^\/]*/i, '').split('?')[0];
    bench.http.push(String(method || 'GET').toUpperCase() + ' ' + path);
    if (/\/login$/.test(path)) { return json({ sessionId: 'bench-session' }); }
    if (path === '/api/csta/agent/state') { return { status: 204, type: '', body: '' }; }
    if (path.indexOf('/api/operation/operation/tenants/') === 0) {
      return json({ agentTrunks: [{ scanPrefix: '9' }] });
    }
    // 1.3.7 asks its log collector whether to upload every log line; 'no' keeps the network
    // out of its event path.
    if (path === '/log/conf') { return { status: 200, type: 'text/plain', body: 'no' }; }
    return json({});
  }
  function statusText(status) { return status === 204 ? 'No Content' : 'OK'; }

  window.fetch = function (input, init) {
    var url = typeof input === 'string' ? input : input.url;
    var method = (init && init.method) || (typeof input === 'string' ? 'GET' : input.method);
    var a = answer(method, url);
    return Promise.resolve(new Response(a.status === 204 ? null : a.body, {
      status: a.status,
      statusText: statusText(a.status),
      headers: a.type ? { 'Content-Type': a.type } : {}
    }));
  };

  // What jQuery 1.11's xhr transport uses: open, setRequestHeader, send, readyState 4 then
  // onreadystatechange, status, statusText, responseText, getAllResponseHeaders, abort.
  function FakeXhr() {
    this.readyState = 0;
    this.status = 0;
    this.statusText = '';
    this.responseText = '';
    this.onreadystatechange = null;
    this.onload = null;
    this.aborted = false;
    this.contentType = '';
  }
  FakeXhr.prototype.withCredentials = false;
  FakeXhr.prototype.open = function (method, url, async) {
    this.method = method;
    this.url = url;
    this.async = async !== false;
    this.readyState = 1;
  };
  FakeXhr.prototype.setRequestHeader = function () {};
  FakeXhr.prototype.overrideMimeType = function () {};
  FakeXhr.prototype.getResponseHeader = function (name) {
    return String(name).toLowerCase() === 'content-type' && this.contentType
      ? this.contentType : null;
  };
  FakeXhr.prototype.getAllResponseHeaders = function () {
    return this.contentType ? 'Content-Type: ' + this.contentType + '\r\n' : '';
  };
  FakeXhr.prototype.abort = function () { this.aborted = true; };
  FakeXhr.prototype.send = function () {
    var xhr = this;
    var a = answer(xhr.method, xhr.url);
    function finish() {
      if (xhr.aborted) { return; }
      xhr.status = a.status;
      xhr.statusText = statusText(a.status);
      xhr.responseText = a.body;
      xhr.contentType = a.type;
      xhr.readyState = 4;
      if (typeof xhr.onreadystatechange === 'function') { xhr.onreadystatechange(); }
      if (typeof xhr.onload === 'function') { xhr.onload(); }
    }
    if (xhr.async) { setTimeout(finish, 0); } else { finish(); }
  };
  window.XMLHttpRequest = FakeXhr;

  // Header lines of a STOMP frame the page sent, and its command.
  function parseFrame(text) {
    var frame = String(text).replace(/^[\r\n]+/, '');
    if (!frame) { return null; }
    var end = frame.indexOf('\n\n');
    var lines = (end < 0 ? frame : frame.slice(0, end)).split('\n');
    var headers = {};
    for (var i = 1; i < lines.length; i++) {
      var colon = lines[i].indexOf(':');
      var name = lines[i].slice(0, colon);
      if (colon > 0 && !Object.prototype.hasOwnProperty.call(headers, name)) {
        headers[name] = lines[i].slice(colon + 1);
      }
    }
    return { command: lines[0], headers: headers };
  }

  // A WebSocket to a broker that answers CONNECT with CONNECTED (no heart-beats), records
  // SUBSCRIBE, and delivers what the page's driver hands it. The on* properties and
  // addEventListener both work, as on a real socket.
  class FakeWebSocket extends EventTarget {
    constructor(url) {
      super();
      this.url = String(url);
      this.protocol = '';
      this.extensions = '';
      this.binaryType = 'blob';
      this.bufferedAmount = 0;
      this.readyState = FakeWebSocket.CONNECTING;
      this.subscriptions = [];
      var socket = this;
      ['open', 'message', 'close', 'error'].forEach(function (type) {
        socket['on' + type] = null;
        socket.addEventListener(type, function (event) {
          var handler = socket['on' + type];
          if (typeof handler === 'function') { handler.call(socket, event); }
        });
      });
      bench.sockets.push(this);
      setTimeout(function () {
        if (socket.readyState !== FakeWebSocket.CONNECTING) { return; }
        socket.readyState = FakeWebSocket.OPEN;
        socket.dispatchEvent(new Event('open'));
      }, 0);
    }
    send(data) {
      if (this.readyState !== FakeWebSocket.OPEN) {
        throw new DOMException('WebSocket is not open', 'InvalidStateError');
      }
      var frame = parseFrame(data);
      if (!frame) { return; }
      var socket = this;
      var reply = function (text) {
        setTimeout(function () {
          if (socket.readyState === FakeWebSocket.OPEN) {
            socket.dispatchEvent(new MessageEvent('message', { data: text }));
          }
        }, 0);
      };
      if (frame.command === 'CONNECT' || frame.command === 'STOMP') {
        var offered = (frame.headers['accept-version'] || '1.0').split(',');
        var version = offered.indexOf('1.2') >= 0 ? '1.2'
          : offered.indexOf('1.1') >= 0 ? '1.1' : '1.0';
        reply('CONNECTED\nversion:' + version + '\nheart-beat:0,0\n\n\0');
      } else if (frame.command === 'SUBSCRIBE') {
        this.subscriptions.push({ id: frame.headers.id, destination: frame.headers.destination });
      } else if (frame.command === 'DISCONNECT') {
        if (frame.headers.receipt) {
          reply('RECEIPT\nreceipt-id:' + frame.headers.receipt + '\n\n\0');
        }
        setTimeout(function () { socket.close(1000, ''); }, 0);
      }
    }
    close(code, reason) {
      if (this.readyState === FakeWebSocket.CLOSED) { return; }
      this.readyState = FakeWebSocket.CLOSED;
      var socket = this;
      setTimeout(function () {
        socket.dispatchEvent(new CloseEvent('close', {
          code: code || 1000, reason: reason || '', wasClean: true
        }));
      }, 0);
    }
  }
  ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'].forEach(function (name, value) {
    FakeWebSocket[name] = value;
    FakeWebSocket.prototype[name] = value;
  });
  window.WebSocket = FakeWebSocket;
})();
"#;

/// Run after the library and its configuration: counts what reaches `exports`, logs in, and
/// feeds and times batches of calls.
const DRIVER: &str = r#"
(function () {
  'use strict';
  var bench = window.bench;
  var AGENT = { jobNumber: '5001', password: '123456', domain: 'test.cc', ext: '8001',
    loginMode: 'force', agentMode: 'Ready' };
  var DEVICE = '8001@test.cc';
  var CUSTOMER = '13800000000@test.cc';
  var serial = 1000;
  var calls = 0;
  var messageId = 0;

  wellClient.exports = function (event) {
    bench.delivered++;
    bench.lastEvent = event.eventName + ' ' + (event.callId || '');
  };

  function describe(error) {
    try { return JSON.stringify(error); } catch (e) { return String(error); }
  }
  // The socket that subscribed last, and its subscription.
  function subscription() {
    for (var i = bench.sockets.length - 1; i >= 0; i--) {
      var socket = bench.sockets[i];
      if (socket.readyState === WebSocket.OPEN && socket.subscriptions.length > 0) {
        return { socket: socket, id: socket.subscriptions[socket.subscriptions.length - 1].id };
      }
    }
    throw new Error('no open socket has subscribed; sockets: ' + bench.sockets.length);
  }
  // A MESSAGE frame as the platform's broker sends it.
  function message(sub, type, fields) {
    serial++;
    var event = Object.assign({ eventName: fields.eventName, eventSrc: DEVICE,
      eventTime: fields.eventTime || '2019.05.09 10:00:00', eventType: type, serial: serial,
      namespace: 'test.cc', srcDeviceId: DEVICE }, fields);
    var body = JSON.stringify(event);
    messageId++;
    return new MessageEvent('message', { data: 'MESSAGE\nsubscription:' + sub.id +
      '\nmessage-id:bench-' + messageId + '\ndestination:/topic/event.agent.' + type +
      '.5001@test_cc\ncontent-type:application/json;charset=UTF-8\ncontent-length:' +
      new TextEncoder().encode(body).length + '\n\n' + body + '\0' });
  }
  // One inbound call answered and hung up by the agent, as the spec's fixture 03.
  function call(sub) {
    calls++;
    var callId = '8e3d2a1f-4c5b-4d6e-9f70-' + String(100000000000 + calls).slice(1);
    var connectionId = DEVICE + '|' + callId;
    return [
      message(sub, 'csta', { eventName: 'delivered', callId: callId, deviceId: DEVICE,
        localState: 'Alerting', connectionId: connectionId, cause: 'NEWCALL',
        alertingDevice: DEVICE, callingDevice: CUSTOMER, calledDevice: DEVICE,
        trunkGroup: '1', trunkMember: '172.30.10.8',
        userData: { data: { origin_dnis: '7000', originalANI: CUSTOMER, originalDNIS: DEVICE,
          originalCallId: callId } },
        split: '7000@test.cc', callCause: 'NEWCALL', callType: 'Inbound' }),
      message(sub, 'csta', { eventName: 'established', eventTime: '2019.05.09 10:00:03',
        callId: callId, deviceId: DEVICE, localState: 'Connect', connectionId: connectionId,
        cause: 'NEWCALL', answeringDevice: DEVICE, callingDevice: CUSTOMER,
        calledDevice: DEVICE, split: '7000@test.cc' }),
      message(sub, 'csta', { eventName: 'connectionCleared', eventTime: '2019.05.09 10:00:48',
        callId: callId, deviceId: DEVICE, localState: 'Idle', connectionId: connectionId,
        cause: 'NORMAL_CLEARING', releasingDevice: DEVICE, hangupDevice: DEVICE }),
      message(sub, 'csta', { eventName: 'connectionCleared', eventTime: '2019.05.09 10:00:48',
        callId: callId, deviceId: CUSTOMER, localState: 'Idle', connectionId: connectionId,
        cause: 'NORMAL_CLEARING', releasingDevice: CUSTOMER, hangupDevice: DEVICE })
    ];
  }
  // Dispatches `events` synchronously; how many were counted (by `counted()`) and how long
  // it took.
  function time(socket, events, counted) {
    var before = counted();
    var start = performance.now();
    for (var i = 0; i < events.length; i++) { socket.dispatchEvent(events[i]); }
    var ms = performance.now() - start;
    return { events: events.length, delivered: counted() - before, ms: ms };
  }
  function deliver(socket, events) {
    return time(socket, events, function () { return bench.delivered; });
  }

  // Resolves with null once agentLogin's Deferred is resolved, or with why not.
  bench.login = function () {
    return new Promise(function (resolve) {
      wellClient.agentLogin(AGENT)
        .done(function () { resolve(null); })
        .fail(function (error) { resolve('agentLogin failed: ' + describe(error)); });
    });
  };
  // The platform's answer to the Login request: agentLoggedOn, then agentReady.
  bench.loggedOn = function () {
    var sub = subscription();
    var agent = { deviceId: DEVICE, agentId: '5001@test.cc', agentMode: 'Ready',
      devices: { Voice: DEVICE } };
    return deliver(sub.socket, [
      message(sub, 'agent', Object.assign({ eventName: 'agentLoggedOn' }, agent)),
      message(sub, 'agent', Object.assign({ eventName: 'agentReady' }, agent))
    ]);
  };
  // Builds `count` calls' frames, then times their delivery.
  bench.feed = function (count) {
    var sub = subscription();
    var events = [];
    for (var i = 0; i < count; i++) { events.push.apply(events, call(sub)); }
    return deliver(sub.socket, events);
  };
  // Whether the event log holds the last event that reached exports (its call id).
  bench.logged = function () {
    var callId = bench.lastEvent.split(' ')[1];
    return Boolean(callId) && String(wellClient.getLog()).indexOf(callId) >= 0;
  };
  // The fake socket's own share of the figures: `count` calls' frames dispatched to a socket
  // whose only listener counts them.
  bench.floor = function (count) {
    var socket = new WebSocket('ws://floor.invalid/');
    var counted = 0;
    socket.onmessage = function (event) { if (event.data) { counted++; } };
    var events = [];
    for (var i = 0; i < count; i++) { events.push.apply(events, call({ id: 'sub-floor' })); }
    var outcome = time(socket, events, function () { return counted; });
    socket.close();
    return outcome;
  };
})();
"#;

/// One library under test: its page and what to call it in the table.
struct Subject {
    label: String,
    page: String,
}

/// µs per event at each of [`HISTORY_POINTS`].
type Timings = Vec<f64>;

fn page(title: &str, scripts: &[String], configure: &str) -> String {
    let tags: String = scripts
        .iter()
        .map(|src| format!("<script src=\"{src}\" charset=\"utf-8\"></script>\n"))
        .collect();
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n\
         <body>\n<script>{FAKE_PLATFORM}</script>\n{tags}<script>{configure}</script>\n\
         <script>{DRIVER}</script>\n</body></html>\n"
    )
}

/// The drop-in script with the simulator preset's settings (its event log is always kept).
fn ours(h: &Harness) -> Result<Subject> {
    let page = page(
        "event path: well-client",
        &["/dist/well-client.js".to_owned()],
        "wellClient.useConfig('LOCAL');",
    );
    Ok(Subject {
        label: "well-client".to_owned(),
        page: h.add_page("bench-ours.html", &page)?,
    })
}

/// 1.3.7 on jQuery and stomp.js, copied from `dir` into this test's pages. Its preset is
/// `AWS-HTTPS`: it keeps its event log, the cause of its growing cost, under every preset but
/// `CMB-PRO`, as on real deployments. `Cookies` (js.cookie, which 1.3.7 calls to store the
/// session id) is a stand-in.
fn original(h: &Harness, dir: &Path) -> Result<Subject> {
    let mut scripts = Vec::new();
    for name in ORIGINAL_FILES {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading {} ({ORIGINAL_DIR_ENV})", path.display()))?;
        scripts.push(h.add_page(&format!("original-{name}"), &text)?);
    }
    let page = page(
        "event path: well-client.js 1.3.7",
        &scripts,
        "window.Cookies = { get: function () {}, set: function () {} };\n\
         wellClient.useConfig('AWS-HTTPS');",
    );
    Ok(Subject {
        label: "well-client.js".to_owned(),
        page: h.add_page("bench-original.html", &page)?,
    })
}

/// Runs `bench.<function>(calls)` in the page and returns its µs per event, once sure that
/// every event it dispatched was counted at the far end.
async fn timed(h: &Harness, function: &str, calls: u64) -> Result<f64> {
    let outcome = h.eval_js(&format!("bench.{function}({calls})")).await?;
    let events = calls * EVENTS_PER_CALL;
    ensure!(
        outcome["events"] == events && outcome["delivered"] == events,
        "bench.{function}: not every event dispatched was counted: {outcome}; last event at \
         wellClient.exports: {}",
        h.eval_js("bench.lastEvent").await?
    );
    let ms = outcome["ms"].as_f64().unwrap_or(f64::NAN);
    Ok(ms * 1000.0 / events as f64)
}

/// Loads the subject's page, logs in, and times a batch at each history point.
async fn measure(h: &Harness, subject: &mut Subject) -> Result<Timings> {
    h.goto(&subject.page).await?;
    h.wait_for("window.bench && window.bench.feed", LOGIN_TIMEOUT)
        .await?;
    if let Some(version) = h.eval_js("String(wellClient.getVersion())").await?.as_str() {
        subject.label = format!("{} {version}", subject.label);
    }
    let login = h.eval_js("bench.login()").await?;
    if !login.is_null() {
        bail!(
            "{}: {login}; requests: {}",
            subject.label,
            h.eval_js("bench.http").await?
        );
    }
    let logged_on = h.eval_js("bench.loggedOn()").await?;
    ensure!(
        logged_on["delivered"] == 2,
        "{}: agentLoggedOn and agentReady did not both reach exports: {logged_on}",
        subject.label
    );
    let mut done = 0;
    let mut timings = Vec::new();
    for point in HISTORY_POINTS {
        while done < point {
            let calls = CHUNK_CALLS.min((point - done) / EVENTS_PER_CALL).max(1);
            timed(h, "feed", calls).await?;
            done += calls * EVENTS_PER_CALL;
        }
        timings.push(timed(h, "feed", BATCH_CALLS).await?);
        done += BATCH_CALLS * EVENTS_PER_CALL;
    }
    ensure!(
        h.eval_js("bench.logged()").await? == true,
        "{}: the event log does not hold the last event, so its cost was not measured",
        subject.label
    );
    let dialogs = h.eval_js("bench.dialogs").await?;
    ensure!(
        dialogs.as_array().is_some_and(Vec::is_empty),
        "{}: the page opened dialogs: {dialogs}",
        subject.label
    );
    h.assert_no_page_errors()
        .await
        .with_context(|| subject.label.clone())?;
    Ok(timings)
}

/// `12.3` with a precision that suits the size (µs per event, ratios).
fn figure(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// `10000` as `10,000`.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn table(ours: &Subject, ours_us: &Timings, original: Option<(&Subject, &Timings)>) -> String {
    let mut out = format!("| events before the batch | {} µs/event |", ours.label);
    let mut rule = String::from("|---:|---:|");
    if let Some((subject, _)) = original {
        out += &format!(" {} µs/event | {} ÷ ours |", subject.label, subject.label);
        rule += "---:|---:|";
    }
    out += "\n";
    out += &rule;
    out += "\n";
    for (i, point) in HISTORY_POINTS.iter().enumerate() {
        let us = ours_us.get(i).copied().unwrap_or(f64::NAN);
        out += &format!("| {} | {} |", grouped(*point), figure(us));
        if let Some((_, theirs)) = original {
            let them = theirs.get(i).copied().unwrap_or(f64::NAN);
            out += &format!(" {} | {}× |", figure(them), figure(them / us));
        }
        out += "\n";
    }
    out
}

fn original_dir() -> Result<Option<PathBuf>> {
    let Some(dir) = std::env::var_os(ORIGINAL_DIR_ENV).filter(|dir| !dir.is_empty()) else {
        return Ok(None);
    };
    let dir = PathBuf::from(dir);
    for name in ORIGINAL_FILES {
        if !dir.join(name).is_file() {
            bail!(
                "{ORIGINAL_DIR_ENV}={} has no {name}: it must hold {}",
                dir.display(),
                ORIGINAL_FILES.join(", ")
            );
        }
    }
    Ok(Some(dir))
}

#[tokio::test]
#[ignore = "a benchmark: run by `cargo xtask bench`"]
async fn event_path_in_the_browser() -> Result<()> {
    let original_dir = original_dir()?;
    let h = Harness::start("bench_event_path").await?;
    let mut ours = ours(&h)?;
    let ours_us = measure(&h, &mut ours).await?;
    let floor_us = timed(&h, "floor", BATCH_CALLS).await?;
    let original = match &original_dir {
        Some(dir) => {
            let mut subject = original(&h, dir)?;
            let us = measure(&h, &mut subject).await?;
            Some((subject, us))
        }
        None => None,
    };
    let agent = h.eval_js("navigator.userAgent").await?;
    let browser = agent
        .as_str()
        .and_then(|agent| agent.split(' ').find(|word| word.contains("Chrome/")))
        .unwrap_or("the browser");
    let mut report = table(&ours, &ours_us, original.as_ref().map(|(s, us)| (s, us)));
    report += &format!(
        "Each row: the mean of one batch of {} events ({BATCH_CALLS} calls: delivered, \
         established, two connectionCleared), WebSocket message → wellClient.exports, timed \
         with performance.now() in {browser}.\n",
        grouped(BATCH_CALLS * EVENTS_PER_CALL),
    );
    report += &format!(
        "Of each figure, {} µs is the fake socket's own dispatch (measured with a listener that \
         only counts).\n",
        figure(floor_us)
    );
    if original.is_none() {
        report += &format!(
            "To compare with the original, set {ORIGINAL_DIR_ENV} (or pass `cargo xtask bench \
             --original DIR`) to a directory holding {}.\n",
            ORIGINAL_FILES.join(", ")
        );
    }
    // A blank line ends the report for `cargo xtask bench`, which reprints it.
    println!("\n{report}");
    Ok(())
}
