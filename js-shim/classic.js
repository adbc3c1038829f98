/*! well-client: drop-in softphone SDK (WebAssembly). https://github.com/well-client/well-client (MIT) */
// The drop-in classic script: wasm-bindgen's `no-modules` glue, the shim and the wasm in one
// IIFE. `window.wellClient` exists when this script has run, so the page's next script can use
// it (DECISIONS K1). `cargo xtask dist` fills the four placeholders and puts a UTF-8 byte order
// mark first.
(function () {
  'use strict';

  /*@GLUE@*/

  /*@SHIM@*/

  // The wasm, one character per byte (U+0000 to U+00FF: a third smaller under gzip than
  // base64), and [its length, its checksum]. The byte order mark makes browsers read this file
  // as UTF-8 whatever the page's charset; a copy re-encoded without it fails the check.
  var WASM_BYTES = "@WASM_BYTES@";
  var WASM_CHECK = "@WASM_CHECK@";

  // The bytes of the wasm string, or null when they are not the bytes dist wrote.
  function decodeWasm(text, check) {
    var bytes = new Uint8Array(text.length);
    var sum = 0;
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      bytes[i] = code;
      sum = (Math.imul(sum, 31) + code) | 0;
    }
    return text.length === check[0] && sum >>> 0 === check[1] ? bytes : null;
  }

  // Every method exists at once; calls made before the core runs wait in a queue, and their
  // Deferreds settle once it does (DECISIONS M1: a browser that refuses a synchronous compile).
  function installQueue(host, queue) {
    var surface = wellClientSurface();
    var hooks = wellClientHooks();
    function waiting(name, isCommand) {
      return function () {
        var call = { name: name, args: Array.prototype.slice.call(arguments), deferred: null };
        if (isCommand) {
          call.deferred = hooks.deferred();
        }
        queue.push(call);
        return call.deferred ? call.deferred.promise : undefined;
      };
    }
    for (var i = 0; i < surface.commands.length; i++) {
      host[surface.commands[i]] = waiting(surface.commands[i], true);
    }
    for (var j = 0; j < surface.others.length; j++) {
      host[surface.others[j]] = waiting(surface.others[j], false);
    }
  }

  function replay(host, queue) {
    for (var i = 0; i < queue.length; i++) {
      var call = queue[i];
      var result = host[call.name].apply(host, call.args);
      if (call.deferred && result && typeof result.then === 'function') {
        result.then(settler(call.deferred, true), settler(call.deferred, false));
      }
    }
  }

  function settler(deferred, ok) {
    return function (value) {
      deferred.settle(ok, value);
    };
  }

  // WebAssembly cannot run here at all (no WebAssembly, or a CSP without 'wasm-unsafe-eval'),
  // or the file reached the page damaged: every method still exists; commands reject with
  // reason `unsupported`, the rest give `undefined`, and one console error names the cause and
  // what to do (`advice`, by default about the CSP) (DECISIONS M1).
  function installUnsupported(host, cause, advice) {
    var surface = wellClientSurface();
    var hooks = wellClientHooks();
    var message = 'well-client cannot run in this page: ' + cause + '. ' + (advice ||
      'With a Content-Security-Policy, script-src must allow \'wasm-unsafe-eval\'.');
    function rejecting() {
      var d = hooks.deferred();
      d.settle(false, {
        status: 0,
        statusText: 'unsupported',
        responseText: '',
        reason: 'unsupported',
        message: message
      });
      return d.promise;
    }
    function nothing() {
      return undefined;
    }
    for (var i = 0; i < surface.commands.length; i++) {
      host[surface.commands[i]] = rejecting;
    }
    for (var j = 0; j < surface.others.length; j++) {
      host[surface.others[j]] = nothing;
    }
    if (typeof console !== 'undefined' && console.error) {
      console.error(message);
    }
  }

  function describe(error) {
    return error && error.message ? String(error.message) : String(error);
  }

  // The page may have made `window.wellClient` first (and assigned `exports`, `ui`, ...).
  var existing = window.wellClient;
  var host = existing && (typeof existing === 'object' || typeof existing === 'function')
    ? existing
    : {};
  window.wellClient = host;

  if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') {
    installUnsupported(host, 'this browser has no WebAssembly');
    return;
  }
  var bytes = decodeWasm(WASM_BYTES, WASM_CHECK);
  if (!bytes) {
    installUnsupported(host, 'its embedded WebAssembly did not read back intact',
      'Serve well-client.js byte for byte as built: it must be read as UTF-8, which its ' +
      'byte order mark ensures; a copy without it, or re-encoded, breaks in non-UTF-8 pages.');
    return;
  }
  var module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    if (!e || e.name !== 'RangeError') {
      installUnsupported(host, 'WebAssembly was refused (' + describe(e) + ')');
      return;
    }
    // Too large to compile on the main thread in this browser: compile asynchronously.
    var queue = [];
    installQueue(host, queue);
    wasm_bindgen({ module_or_path: bytes }).then(
      function () {
        createWellClient(wasm_bindgen, host);
        replay(host, queue);
      },
      function (error) {
        installUnsupported(host, 'WebAssembly was refused (' + describe(error) + ')');
        for (var i = 0; i < queue.length; i++) {
          var call = queue[i];
          var result = host[call.name].apply(host, call.args);
          if (call.deferred && result && typeof result.fail === 'function') {
            result.fail(settler(call.deferred, false));
          }
        }
      }
    );
    return;
  }
  try {
    wasm_bindgen.initSync({ module: module });
  } catch (e) {
    installUnsupported(host, 'WebAssembly could not start (' + describe(e) + ')');
    return;
  }
  createWellClient(wasm_bindgen, host);
})();
