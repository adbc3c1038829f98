// The thin JavaScript side of well-client: jQuery-style Deferreds, and the installation of the
// `wellClient` methods on a host object. Every method forwards to the wasm core (`Core.invoke`);
// nothing here knows the protocol or the client's state.
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
 * Makes a wasm `Core` for `host` and installs every `wellClient` method on `host`; returns
 * `host`. `bindings` is wasm-bindgen's initialised module (it has `Core`). Properties the page
 * assigns (`exports`, `onLog`, `ui`, `ctrl`, ...) stay plain properties: the core reads them when
 * it needs them.
 */
function createWellClient(bindings, host) {
  var core = new bindings.Core(host, wellClientHooks());
  var surface = wellClientSurface();
  var names = surface.commands.concat(surface.others);
  for (var i = 0; i < names.length; i++) {
    host[names[i]] = wellClientMethod(core, names[i]);
  }
  host.getConfig = function () {
    return wellClientConfigView(core, core.invoke('getConfig', []), surface.settable);
  };
  return host;
}

function wellClientMethod(core, name) {
  return function () {
    return core.invoke(name, Array.prototype.slice.call(arguments));
  };
}

/**
 * `getConfig()`'s snapshot, where a write to a field `setConfig` accepts applies it as
 * `setConfig({[field]: value})` would (DECISIONS K16); the other fields are plain copies.
 */
function wellClientConfigView(core, snapshot, settable) {
  if (!snapshot || typeof snapshot !== 'object') {
    return snapshot;
  }
  for (var i = 0; i < settable.length; i++) {
    if (Object.prototype.hasOwnProperty.call(snapshot, settable[i])) {
      wellClientConfigField(core, snapshot, settable[i]);
    }
  }
  return snapshot;
}

function wellClientConfigField(core, snapshot, key) {
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
      core.invoke('setConfig', [conf]);
      var fresh = core.invoke('getConfig', []);
      value = fresh ? fresh[key] : v;
    }
  });
}
