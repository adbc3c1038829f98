// The JavaScript side of well-client: jQuery-style Deferreds, the installation of the
// `wellClient` methods on a host object, and the browser effects the wasm core decides on
// (`wellClientAdapter`: sockets, fetch, timers, storage, dialogs, calls into page code).
// Nothing here knows the protocol or the client's state.
//
// This file holds top-level function declarations only: the drop-in script inlines it into its
// IIFE, and the npm package appends an `export` line and imports it as a module.

/**
 * A jQuery 1.x Deferred: `done/fail/always/then/catch/state/promise` (plus `pipe` and
 * `progress`). Callbacks added after settlement run at once, synchronously; `done/fail/always`
 * return the object they were called on; `then` returns a new promise that adopts a thenable
 * returned by its callback. Promises are awaitable, and a rejection that nobody handles raises no
 * `unhandledrejection` and logs nothing (no native Promise is involved).
 *
 * Callable with or without `new`; `beforeStart(deferred)` runs before it is returned, as in
 * jQuery.
 */
function Deferred(beforeStart) {
  if (!(this instanceof Deferred)) {
    return new Deferred(beforeStart);
  }
  var deferred = this;
  var state = 'pending';
  var settledWith = [];
  var onResolved = [];
  var onRejected = [];
  var promise = {};

  // Calls every callback, in order, even when one throws; then throws the first error, so a
  // failing page callback neither hides the others nor goes unnoticed.
  function fire(callbacks, args) {
    var failed = false;
    var error;
    for (var i = 0; i < callbacks.length; i++) {
      try {
        callbacks[i].apply(promise, args);
      } catch (e) {
        if (!failed) {
          failed = true;
          error = e;
        }
      }
    }
    if (failed) {
      throw error;
    }
  }

  // Flattens `fn, [fn, fn], ...` into functions, as jQuery.Callbacks#add does.
  function functionsIn(list, out) {
    for (var i = 0; i < list.length; i++) {
      var item = list[i];
      if (typeof item === 'function') {
        out.push(item);
      } else if (item && typeof item.length === 'number' && typeof item !== 'string') {
        functionsIn(item, out);
      }
    }
    return out;
  }

  function add(when, list) {
    var callbacks = functionsIn(list, []);
    if (state === 'pending') {
      Array.prototype.push.apply(when === 'resolved' ? onResolved : onRejected, callbacks);
    } else if (state === when) {
      fire(callbacks, settledWith);
    }
  }

  function settle(to, args) {
    if (state !== 'pending') {
      return;
    }
    state = to;
    settledWith = args;
    var callbacks = to === 'resolved' ? onResolved : onRejected;
    onResolved = [];
    onRejected = [];
    fire(callbacks, args);
  }

  // Settles `next` with what a `then` callback returned: a thenable is adopted.
  function adopt(next, value) {
    if (value === next.promise()) {
      next.reject(new TypeError('a promise cannot resolve to itself'));
      return;
    }
    var then;
    try {
      then = value !== null && (typeof value === 'object' || typeof value === 'function')
        ? value.then
        : undefined;
    } catch (e) {
      next.reject(e);
      return;
    }
    if (typeof then !== 'function') {
      next.resolve(value);
      return;
    }
    var called = false;
    try {
      then.call(
        value,
        function (v) {
          if (!called) {
            called = true;
            adopt(next, v);
          }
        },
        function (e) {
          if (!called) {
            called = true;
            next.reject(e);
          }
        }
      );
    } catch (e) {
      if (!called) {
        called = true;
        next.reject(e);
      }
    }
  }

  promise.state = function () {
    return state;
  };
  promise.done = function () {
    add('resolved', arguments);
    return this;
  };
  promise.fail = function () {
    add('rejected', arguments);
    return this;
  };
  promise.always = function () {
    add('resolved', arguments);
    add('rejected', arguments);
    return this;
  };
  promise.progress = function () {
    // Nothing here ever reports progress; kept so jQuery-era chains do not break.
    return this;
  };
  promise.then = function (onDone, onFail) {
    var next = new Deferred();
    function pass(callback, passOn) {
      return function () {
        if (typeof callback !== 'function') {
          passOn.apply(next, arguments);
          return;
        }
        var value;
        try {
          value = callback.apply(this, arguments);
        } catch (e) {
          next.reject(e);
          return;
        }
        adopt(next, value);
      };
    }
    add('resolved', [pass(onDone, next.resolve)]);
    add('rejected', [pass(onFail, next.reject)]);
    return next.promise();
  };
  promise.pipe = promise.then;
  promise['catch'] = function (onFail) {
    return promise.then(undefined, onFail);
  };
  promise.promise = function (target) {
    if (target === null || target === undefined) {
      return promise;
    }
    for (var name in promise) {
      if (Object.prototype.hasOwnProperty.call(promise, name)) {
        target[name] = promise[name];
      }
    }
    return target;
  };

  promise.promise(deferred);
  deferred.resolve = function () {
    settle('resolved', Array.prototype.slice.call(arguments));
    return deferred;
  };
  deferred.reject = function () {
    settle('rejected', Array.prototype.slice.call(arguments));
    return deferred;
  };
  deferred.resolveWith = function (context, args) {
    settle('resolved', args ? Array.prototype.slice.call(args) : []);
    return deferred;
  };
  deferred.rejectWith = function (context, args) {
    settle('rejected', args ? Array.prototype.slice.call(args) : []);
    return deferred;
  };

  if (typeof beforeStart === 'function') {
    beforeStart.call(deferred, deferred);
  }
}

/**
 * What the wasm core asks of the page side: `deferred()` makes a Deferred and returns
 * `{promise, settle(ok, value)}`. It uses `jQuery.Deferred` when jQuery is on the page at that
 * moment (so `$.when`, `pipe` and `progress` behave as they did with 1.3.7) and gives its promises
 * a `catch`; otherwise the built-in `Deferred`.
 */
function wellClientHooks() {
  return {
    deferred: function () {
      var jq = typeof window !== 'undefined' ? window.jQuery : undefined;
      var d = jq && typeof jq.Deferred === 'function' ? jq.Deferred() : new Deferred();
      var p = d instanceof Deferred ? d.promise() : wellClientWithCatch(d.promise());
      return {
        promise: p,
        settle: function (ok, value) {
          if (ok) {
            d.resolve(value);
          } else {
            d.reject(value);
          }
        }
      };
    }
  };
}

/**
 * Gives a jQuery promise that lacks one (jQuery < 3) a `catch`, and does the same to every
 * promise its `then` and `pipe` return, so `await` and `.catch` work at any depth of a chain.
 */
function wellClientWithCatch(p) {
  if (!p || typeof p.then !== 'function' || typeof p['catch'] === 'function') {
    return p;
  }
  var then = p.then;
  var pipe = p.pipe;
  p.then = function () {
    return wellClientWithCatch(then.apply(this, arguments));
  };
  if (typeof pipe === 'function') {
    p.pipe = function () {
      return wellClientWithCatch(pipe.apply(this, arguments));
    };
  }
  p['catch'] = function (onFail) {
    return p.then(undefined, onFail);
  };
  return p;
}

/**
 * The names of the `wellClient` methods (`src/client/surface.rs`: `COMMANDS`, then `VALUES`,
 * `RETIRED` and the handler registrations), and the `setConfig` keys a write to a `getConfig()`
 * field applies (`SETTABLE_KEYS` in `src/config.rs`). A test checks them against those lists.
 */
function wellClientSurface() {
  return {
    commands: [
      'agentLogin', 'login', 'logout', 'superLogout', 'setAgentMode',
      'checkRecoverStateAbility', 'getClientState', 'makeCall', 'answerCall', 'dropConnection',
      'holdCall', 'retrieveCall', 'singleStepTransfer', 'singleTransferWaitReturn',
      'singleStepConference', 'consult', 'conference', 'cancelConsult', 'transferCall',
      'transferWaitReturn', 'agentGreeting', 'setCallData', 'getCallData', 'startRecording',
      'stopRecording', 'forceDrop', 'forceJoin', 'forceTake', 'forceListen', 'forceReady',
      'forceNotReady', 'forceLogout', 'releaseAllocatedAgent', 'uploadLog'
    ],
    others: [
      'getVersion', 'getCallMemory', 'getCallActions', 'getConnectionState', 'log', 'error',
      'setDebug', 'setConfig', 'useConfig', 'getConfig', 'getWs', 'getSessionId', 'getEnv',
      'isPhoneNumber', 'findItem', 'isLogined', 'getMyPrefix', 'getLog', 'getEventLog',
      'clearLog', 'enableLog', 'disableLog', 'downloadLog', 'insertClock', 'triggerInnerOn',
      'setSessionId', 'deliverEvent', 'trigger', 'get', 'render', 'isFunction', 'isArray',
      'getCache', 'seacchLog', 'createLogName', 'relogin', 'heartbeat', 'outputLog',
      'sendPendingMode', 'ieInit',
      'on', 'innerOn', 'addEventListener', 'removeEventListener', 'once'
    ],
    settable: [
      'debug', 'useWsLog', 'useErrorAlert', 'useEventLog', 'useClock', 'logoutOnUnload',
      'autoAnswer', 'autoAnswerDelayMs', 'clickCallClass', 'hideButton', 'postMessageOrigins',
      'SDK', 'cstaPort', 'eventPort', 'TPI', 'protocol', 'wsProtocol', 'eventBasePath',
      'newWsTopic', 'heartbeatLength', 'requestTimeoutMs', 'timeout', 'maxReconnectTimes',
      'reconnect', 'stomp'
    ]
  };
}

/**
 * Makes a client for `host` and installs every `wellClient` method on `host`; returns `host`.
 * `bindings` is wasm-bindgen's initialised module (it has `Core`). Properties the page assigns
 * (`exports`, `onLog`, `ui`, `ctrl`, ...) stay plain properties: they are read when needed.
 */
function createWellClient(bindings, host) {
  var client = wellClientAdapter(bindings.Core, host, wellClientHooks());
  var surface = wellClientSurface();
  var names = surface.commands.concat(surface.others);
  for (var i = 0; i < names.length; i++) {
    host[names[i]] = wellClientMethod(client, names[i]);
  }
  host.getConfig = function () {
    return wellClientConfigView(client, client.invoke('getConfig', []), surface.settable);
  };
  return host;
}

function wellClientMethod(client, name) {
  return function () {
    return client.invoke(name, Array.prototype.slice.call(arguments));
  };
}

/**
 * `getConfig()`'s snapshot, where a write to a field `setConfig` accepts applies it as
 * `setConfig({[field]: value})` would (DECISIONS K16); the other fields are plain copies.
 */
function wellClientConfigView(client, snapshot, settable) {
  if (!snapshot || typeof snapshot !== 'object') {
    return snapshot;
  }
  for (var i = 0; i < settable.length; i++) {
    if (Object.prototype.hasOwnProperty.call(snapshot, settable[i])) {
      wellClientConfigField(client, snapshot, settable[i]);
    }
  }
  return snapshot;
}

function wellClientConfigField(client, snapshot, key) {
  var value = snapshot[key];
  Object.defineProperty(snapshot, key, {
    enumerable: true,
    configurable: true,
    get: function () {
      return value;
    },
    set: function (v) {
      var conf = {};
      conf[key] = v;
      client.invoke('setConfig', [conf]);
      var fresh = client.invoke('getConfig', []);
      value = fresh ? fresh[key] : v;
    }
  });
}

/**
 * The browser side of one client: a wasm `Core` (made here with `new Core(...)`) that decides
 * everything, and the browser effects it asks for. Returns `{invoke(name, args)}`, which runs
 * a `wellClient` method and returns what the page gets: `undefined`, a value, or a Deferred's
 * promise (from `hooks.deferred()`). Never throws.
 *
 * Every browser input (a page call, a WebSocket event, a `fetch` result, the timer, a click on
 * a click-to-dial element, `postMessage`, `pagehide`) becomes one `Core` call, stamped with the
 * time read just before; then `drive` performs the steps the core returns one at a time
 * (`src/web/steps.rs` lists them) until it has none, arms one timer for the core's next
 * deadline and refreshes the status clock. Page code (handlers, `onLog`, the notifier, Deferred
 * settlements) runs only from `drive`, each call guarded so that a throw is reported through
 * `onLog` and the loop goes on. A page call made from inside page code only reaches the core:
 * the running loop performs what it produced, so page code never sees half-applied state.
 *
 * Nothing here decides: which socket to open, which request to send, who gets an event and
 * what a Deferred settles with all come from the core.
 */
function wellClientAdapter(Core, host, hooks) {
  // Where the per-tab copy of the session id is kept (DECISIONS.md §2 row 6).
  var SESSION_STORAGE_KEY = 'wellclient-session-id';
  // The status clock element, inserted after #well-now-state, and its text when stopped
  // (PROTOCOL.md §11.1).
  var CLOCK_ID = 'well-time-clock';
  var NOW_STATE_ID = 'well-now-state';
  var CLOCK_RESET = '0:00:00';
  var CLOCK_TICK_MS = 1000;
  // `exports` among an event's targets; handler ids start at 1.
  var EXPORTS = 0;

  var win = typeof window !== 'undefined' ? window : undefined;
  var doc = win ? win.document : undefined;
  var core = new Core(
    // Below 2^53: every integer there is exact in a double.
    Math.random() * 9007199254740992,
    attempt(function () { return win.location.protocol === 'https:'; }, false),
    attempt(function () { return win.sessionStorage.getItem(SESSION_STORAGE_KEY); }, null),
    attempt(function () { return doc.cookie; }, null)
  );

  var handlers = new Map(); // handler id -> the page's function
  var settles = new Map(); // command id -> the settle function of its Deferred
  var lastHandler = 0;
  var notify = null; // setConfig({notify})
  var sockets = new Map(); // socket id -> WebSocket
  var requests = new Map(); // request id -> its AbortController (or null)
  var timer = { at: undefined, handle: undefined };
  // The status clock: its ticker, the text shown, and since when the core counted for it.
  var clock = { ticker: undefined, shown: '', since: undefined };
  var uiSet = false; // what the core was last told by setUi (it starts without a UI layer)
  var clickClass = null;
  var downloadUrl = null;
  var driving = false;
  var encoder = new TextEncoder();
  // Text messages are encoded into this buffer, grown as needed: a fresh array per message
  // costs several times what encoding does.
  var textBuffer = new Uint8Array(4096);

  if (win) {
    win.addEventListener('pagehide', function () {
      input().unload();
      drive();
    });
    win.addEventListener('message', function (event) {
      if (typeof event.data === 'string') {
        input().postMessage(event.origin, event.data);
        drive();
      }
    });
  }

  // ---------------------------------------------------------------------------------------
  // Reaching the core

  // The core, told the time of the input about to be made and whether a UI layer is there.
  function input() {
    syncUi();
    var date = new Date();
    core.setTime(performance.now(), date.getTime(), date.getTimezoneOffset());
    return core;
  }

  // Tells the core whether a UI layer is there, when that changed.
  function syncUi() {
    var installed = uiInstalled();
    if (installed !== uiSet) {
      uiSet = installed;
      core.setUi(installed);
    }
  }

  // `typeof host.ui.main === 'function'`: a page may install or remove a UI layer any time.
  function uiInstalled() {
    return typeof property(property(host, 'ui'), 'main') === 'function';
  }

  // A page function threw: reported through onLog (DECISIONS.md §2 row 25).
  function failed(what, error) {
    core.handlerFailed(what, errorText(error));
  }

  // ---------------------------------------------------------------------------------------
  // Page calls

  function invoke(name, args) {
    var result;
    if (name === 'on' || name === 'innerOn' || name === 'addEventListener' || name === 'once') {
      register(name, args);
    } else if (name === 'removeEventListener') {
      unregister(args);
    } else {
      result = call(name, args);
    }
    drive();
    return result;
  }

  function call(name, args) {
    if (name === 'setConfig') {
      takeNotifier(args[0]);
    }
    var answer = JSON.parse(input().invoke(name, argumentsText(args)));
    if (answer[0] === 'value') {
      return answer[1];
    }
    return answer[0] === 'command' ? deferred(answer[1]) : undefined;
  }

  // Each argument as `JSON.stringify` sees it, one per line; what it cannot express (a
  // function, `undefined`, a cycle, a BigInt) is null, so the core rejects it in its own words.
  function argumentsText(args) {
    var lines = [];
    for (var i = 0; i < args.length; i++) {
      lines.push(attempt(function () { return JSON.stringify(args[i]); }, undefined) || 'null');
    }
    return lines.join('\n');
  }

  // A Deferred for a command, its settle function kept before anything can settle it.
  function deferred(command) {
    var made = attempt(function () { return hooks.deferred(); }, null);
    if (!made || typeof made.settle !== 'function') {
      consoleError('well-client: the shim could not make a Deferred');
      return undefined;
    }
    settles.set(command, made.settle);
    return made.promise;
  }

  // setConfig({notify}): a function replaces the browser's dialogs, anything else puts them
  // back. Functions do not cross into the core; it is kept here.
  function takeNotifier(conf) {
    if (conf !== null && typeof conf === 'object' &&
        attempt(function () { return 'notify' in conf; }, false)) {
      var value = property(conf, 'notify');
      notify = typeof value === 'function' ? value : null;
    }
  }

  // on, innerOn, addEventListener, once: (name, fn).
  function register(method, args) {
    var name = args[0];
    var handler = args[1];
    if (typeof name !== 'string' || typeof handler !== 'function') {
      core.report(true, method + '(name, handler): needs an event name and a function');
      return;
    }
    lastHandler = lastHandler >= 0xffffffff ? 1 : lastHandler + 1;
    handlers.set(lastHandler, handler);
    var replaced = core.register(method, name, lastHandler);
    if (replaced !== EXPORTS) {
      forgetIfUnregistered(replaced);
    }
  }

  // removeEventListener(name, fn): every registration of fn for name.
  function unregister(args) {
    var name = args[0];
    var handler = args[1];
    if (typeof name !== 'string') {
      core.report(true, 'removeEventListener(name, handler): needs an event name');
      return;
    }
    var ids = [];
    handlers.forEach(function (fn, id) {
      if (fn === handler) {
        ids.push(id);
      }
    });
    var removed = core.unregister(name, new Uint32Array(ids));
    for (var i = 0; i < removed.length; i++) {
      forgetIfUnregistered(removed[i]);
    }
  }

  function forgetIfUnregistered(id) {
    if (!core.isRegistered(id)) {
      handlers.delete(id);
    }
  }

  // ---------------------------------------------------------------------------------------
  // The loop

  // Performs everything the core has to do, unless a loop further up the stack is doing it.
  function drive() {
    if (driving) {
      return;
    }
    driving = true;
    try {
      syncUi();
      for (var step = core.poll(); step !== undefined; step = core.poll()) {
        perform(JSON.parse(step));
      }
      armTimer();
      updateStatusClock(false);
    } finally {
      driving = false;
    }
  }

  function perform(step) {
    switch (step[0]) {
      case 'open': openSocket(step[1], step[2]); break;
      case 'send': send(step[1], step[2]); break;
      case 'close': closeSocket(step[1]); break;
      case 'fetch': startFetch(step[1], step[2], step[3], step[4], step[5], step[6]); break;
      case 'abort': abortFetch(step[1]); break;
      case 'persist': persist(step[1], step[2]); break;
      case 'clickToDial': listenForClicks(step[1]); break;
      case 'hide': hideButtons(step[1]); break;
      case 'download': download(step[1], step[2]); break;
      case 'alert': alertText(step[1]); break;
      case 'confirm': input().confirm(step[1], confirmText(step[2])); break;
      case 'insertClock': insertClock(); break;
      case 'ui': deliverUi(step[1]); break;
      case 'event': deliverEvent(step[1], step[2]); break;
      case 'log': deliverLog(step[1], step[2], step[3]); break;
      case 'console': attempt(function () { console.log(step[1]); }); break;
      case 'settle': settle(step[1], step[2], step[3]); break;
    }
  }

  // Re-arms the timer when the core's next deadline is earlier than the armed one. A later
  // deadline keeps the armed timer: waking early is harmless, and a socket that receives many
  // messages moves its deadline on each of them.
  function armTimer() {
    if (!win) {
      return;
    }
    var at = core.deadline();
    if (at !== undefined && timer.at !== undefined && timer.at <= at) {
      return;
    }
    if (timer.handle !== undefined) {
      win.clearTimeout(timer.handle);
    }
    timer = { at: undefined, handle: undefined };
    if (at !== undefined) {
      var delay = Math.min(Math.max(at - Math.floor(performance.now()), 0), 2147483647);
      var handle = attempt(function () { return win.setTimeout(onTimer, delay); }, undefined);
      if (handle !== undefined) {
        timer = { at: at, handle: handle };
      }
    }
  }

  function onTimer() {
    timer = { at: undefined, handle: undefined };
    input().timeout();
    drive();
  }

  // Shows the core's status clock in #well-time-clock while the page has that element
  // (PROTOCOL.md §11.1); pages without it see no DOM write. Between ticks the text changes
  // only when the core restarts the clock, so only then is it asked for.
  function updateStatusClock(tick) {
    if (!win || !doc) {
      return;
    }
    var since = core.clockSince();
    var element;
    if (since < 0) {
      if (clock.ticker !== undefined) {
        win.clearInterval(clock.ticker);
        clock.ticker = undefined;
        element = doc.getElementById(CLOCK_ID);
        if (element) {
          element.textContent = CLOCK_RESET;
        }
      }
      clock.shown = '';
      clock.since = undefined;
      return;
    }
    if (!tick && clock.ticker !== undefined && clock.since === since) {
      return;
    }
    element = doc.getElementById(CLOCK_ID);
    if (!element) {
      if (clock.ticker !== undefined) {
        win.clearInterval(clock.ticker);
        clock.ticker = undefined;
      }
      clock.shown = '';
      clock.since = undefined;
      return;
    }
    var text = core.statusClock(performance.now());
    clock.since = since;
    if (text !== clock.shown) {
      element.textContent = text;
      clock.shown = text;
    }
    if (clock.ticker === undefined) {
      clock.ticker = attempt(function () {
        return win.setInterval(function () { updateStatusClock(true); }, CLOCK_TICK_MS);
      }, undefined);
    }
  }

  // ---------------------------------------------------------------------------------------
  // WebSockets, by the core's socket ids

  // A WebSocket that cannot be made (a bad URL, a blocked port) is a closed one for the core.
  function openSocket(id, url) {
    var ws = attempt(function () { return new WebSocket(url); }, null);
    if (!ws) {
      input().wsClose(id);
      return;
    }
    ws.binaryType = 'arraybuffer';
    ws.onopen = function () {
      input().wsOpen(id);
      drive();
    };
    // Text as UTF-8, binary as is: STOMP frames are UTF-8 either way.
    ws.onmessage = function (event) {
      var data = event.data;
      var bytes = data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : utf8(typeof data === 'string' ? data : '');
      input().wsMessage(id, bytes);
      drive();
    };
    // An error is always followed by a close, which then no longer reaches the core.
    ws.onclose = ws.onerror = function () {
      forgetSocket(id);
      input().wsClose(id);
      drive();
    };
    sockets.set(id, ws);
  }

  // `text` as UTF-8, in the shim's buffer: valid until the next call (the core copies it).
  function utf8(text) {
    // Each UTF-16 unit takes at most three bytes.
    if (textBuffer.length < text.length * 3) {
      textBuffer = new Uint8Array(text.length * 3);
    }
    return textBuffer.subarray(0, encoder.encodeInto(text, textBuffer).written);
  }

  // A socket that is closing drops the frame (its close event follows).
  function send(id, text) {
    var ws = sockets.get(id);
    if (ws) {
      attempt(function () { ws.send(text); });
    }
  }

  // Closes a socket on the core's request; its later events are not reported.
  function closeSocket(id) {
    var ws = forgetSocket(id);
    if (ws) {
      attempt(function () { ws.close(); });
    }
  }

  function forgetSocket(id) {
    var ws = sockets.get(id);
    if (ws) {
      sockets.delete(id);
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
    }
    return ws;
  }

  // ---------------------------------------------------------------------------------------
  // fetch, by the core's request ids. A request the core abandoned is aborted and forgotten,
  // so a late answer is dropped.

  function startFetch(id, method, url, headers, body, keepalive) {
    var init = { method: method };
    if (body !== null) {
      init.body = body;
    }
    if (keepalive) {
      init.keepalive = true;
    }
    var controller = attempt(function () { return new AbortController(); }, null);
    if (controller) {
      init.signal = controller.signal;
    }
    requests.set(id, controller);
    // No browser, or a header value it rejects: a network failure for the core.
    var answer = win && attempt(function () {
      init.headers = new Headers(headers);
      return win.fetch(url, init);
    }, null);
    if (!answer) {
      fetchDone(id, null);
      return;
    }
    answer.then(function (response) {
      return requests.has(id)
        ? response.text().then(function (text) {
          return [response.status, String(response.statusText), text];
        })
        : null;
    }).then(function (result) {
      fetchDone(id, result);
    }, function () {
      fetchDone(id, null);
    });
  }

  // The answer ([status, statusText, body]) or the failure (null) of a request still in flight.
  function fetchDone(id, result) {
    if (!requests.delete(id)) {
      return;
    }
    if (result) {
      input().http(id, result[0], result[1], typeof result[2] === 'string' ? result[2] : '');
    } else {
      input().httpFailed(id);
    }
    drive();
  }

  // The core gave up on a request (its timeout).
  function abortFetch(id) {
    var controller = requests.get(id);
    if (requests.delete(id) && controller) {
      attempt(function () { controller.abort(); });
    }
  }

  // ---------------------------------------------------------------------------------------
  // The page: storage, click-to-dial, buttons, downloads, dialogs, the status clock

  // Keeps (a string) or forgets (null) the session id. Storage that refuses (private mode, a
  // sandboxed frame) is ignored: the session then just cannot be recovered after a reload.
  function persist(sessionId, cookie) {
    if (!win) {
      return;
    }
    attempt(function () { doc.cookie = cookie; });
    attempt(function () {
      var storage = win.sessionStorage;
      if (sessionId === null) {
        storage.removeItem(SESSION_STORAGE_KEY);
      } else {
        storage.setItem(SESSION_STORAGE_KEY, sessionId);
      }
    });
  }

  // Installs (a class) or removes (null) the one click-to-dial listener, delegated to document.
  function listenForClicks(cls) {
    var wasOn = clickClass !== null;
    clickClass = cls;
    if (doc && (cls !== null) !== wasOn) {
      if (cls !== null) {
        doc.addEventListener('click', onClick);
      } else {
        doc.removeEventListener('click', onClick);
      }
    }
  }

  // A click inside an element with the class (on it or on a descendant) dials its
  // data-well-number, or its text.
  function onClick(event) {
    var element = clickClass === null ? null : clickTarget(event.target, clickClass);
    if (!element) {
      return;
    }
    event.stopPropagation();
    input().click(element.textContent || '', element.getAttribute('data-well-number'));
    drive();
  }

  function clickTarget(node, cls) {
    var element = typeof Element !== 'undefined' && node instanceof Element ? node : null;
    while (element && !element.classList.contains(cls)) {
      element = element.parentElement;
    }
    return element;
  }

  // setConfig({hideButton}): adds class well-dn to the elements with these ids.
  function hideButtons(ids) {
    for (var i = 0; doc && i < ids.length; i++) {
      var element = doc.getElementById(ids[i]);
      if (element) {
        element.classList.add('well-dn');
      }
    }
  }

  // Offers text as a file through a temporary <a download>. Its object URL must stay valid
  // until the browser has read it: it is revoked at the next download instead of now.
  function download(fileName, text) {
    if (downloadUrl !== null) {
      var old = downloadUrl;
      attempt(function () { URL.revokeObjectURL(old); });
      downloadUrl = null;
    }
    if (!doc) {
      return;
    }
    downloadUrl = attempt(function () {
      return URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    }, null);
    if (downloadUrl === null) {
      return;
    }
    var link = doc.createElement('a');
    link.setAttribute('href', downloadUrl);
    link.setAttribute('download', fileName);
    link.setAttribute('style', 'display:none');
    if (doc.body) {
      doc.body.appendChild(link);
      // The click runs page listeners synchronously.
      link.click();
      link.remove();
    }
  }

  // notify({type: 'alert', text}) when the page set a notifier, else window.alert.
  function alertText(text) {
    if (notify) {
      try {
        notify.call(host, { type: 'alert', text: text });
      } catch (e) {
        failed('notify', e);
      }
    } else if (win) {
      attempt(function () { win.alert(text); });
    }
  }

  // notify({type: 'confirm', text}) (truthy means yes) or window.confirm. A notifier that
  // throws, or a browser that refuses dialogs, answers no.
  function confirmText(text) {
    if (notify) {
      try {
        return !!notify.call(host, { type: 'confirm', text: text });
      } catch (e) {
        failed('notify', e);
        return false;
      }
    }
    return !!win && attempt(function () { return !!win.confirm(text); }, false);
  }

  // Adds the status clock after #well-now-state, when the page has that and no clock yet.
  function insertClock() {
    if (!doc || doc.getElementById(CLOCK_ID)) {
      return;
    }
    var anchor = doc.getElementById(NOW_STATE_ID);
    if (anchor) {
      var element = doc.createElement('span');
      element.id = CLOCK_ID;
      element.textContent = CLOCK_RESET;
      attempt(function () { anchor.after(element); });
    }
  }

  // ---------------------------------------------------------------------------------------
  // Deliveries: calls into page code

  function deliverUi(event) {
    var ui = property(host, 'ui');
    var main = property(ui, 'main');
    if (typeof main === 'function') {
      try {
        main.call(ui, event);
      } catch (e) {
        failed('ui.main', e);
      }
    }
  }

  // One event object, to each target in the core's order.
  function deliverEvent(event, targets) {
    for (var i = 0; i < targets.length; i++) {
      var handler = targets[i] === EXPORTS ? property(host, 'exports') : handlers.get(targets[i]);
      if (typeof handler !== 'function') {
        continue;
      }
      try {
        handler.call(host, event);
      } catch (e) {
        var name = property(event, 'eventName');
        name = typeof name === 'string' ? name : '';
        failed(targets[i] === EXPORTS ? 'exports (' + name + ')' : 'of ' + name, e);
      }
    }
    // `once` listeners are gone from the core after this delivery.
    for (var j = 0; j < targets.length; j++) {
      if (targets[j] !== EXPORTS) {
        forgetIfUnregistered(targets[j]);
      }
    }
  }

  function deliverLog(kind, content, toConsole) {
    var onLog = property(host, 'onLog');
    if (typeof onLog === 'function') {
      try {
        onLog.call(host, { type: kind, content: content });
      } catch (e) {
        // Not through onLog itself: a throwing onLog would be called forever.
        consoleError('well-client: onLog threw: ' + errorText(e));
      }
    }
    if (toConsole) {
      if (kind === 'error') {
        consoleError(content);
      } else {
        attempt(function () { console.log(content); });
      }
    }
  }

  function settle(command, ok, value) {
    var settleDeferred = settles.get(command);
    if (settleDeferred) {
      settles.delete(command);
      try {
        settleDeferred.call(null, ok, value);
      } catch (e) {
        failed('of a Deferred', e);
      }
    }
  }

  // ---------------------------------------------------------------------------------------
  // Helpers

  // What `run()` returns, or `fallback` if it throws (a browser that refuses, a page getter
  // that throws).
  function attempt(run, fallback) {
    try {
      return run();
    } catch (e) {
      return fallback;
    }
  }

  // target[key] read now (pages assign exports, onLog, ui at any time: DECISIONS K3); a
  // target that is not an object, or a getter that throws, reads as undefined.
  function property(target, key) {
    if (target === null || (typeof target !== 'object' && typeof target !== 'function')) {
      return undefined;
    }
    // Not through `attempt`: this runs several times per event, and a closure each time adds up.
    try {
      return target[key];
    } catch (e) {
      return undefined;
    }
  }

  // The text of anything page code can throw ("TypeError: x is not a function").
  function errorText(error) {
    return attempt(function () { return String(error); }, 'a value that cannot be turned into text');
  }

  // A console that is missing or throws only loses the line.
  function consoleError(text) {
    attempt(function () { console.error(text); });
  }

  return { invoke: invoke };
}
