// The drop-in script's start-up paths (DECISIONS K1, M1), with the wasm glue replaced by a
// stand-in: a synchronous start on the page's own `wellClient`; a browser that refuses the
// synchronous compile (calls queue and settle once the core runs); a browser that cannot run
// WebAssembly at all (commands reject with `unsupported`, one console error); the embedded
// wasm read back byte for byte, and a damaged copy refused with one clear error.
// Run: node --test js-shim/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const classic = readFileSync(new URL('../classic.js', import.meta.url), 'utf8');
const shim = readFileSync(new URL('../shim.js', import.meta.url), 'utf8');

/** A stand-in for wasm-bindgen's no-modules glue: `wasm_bindgen` with `initSync` and a `Core`
 * that answers every call with a value, and `agentLogin` with a command it settles at once. */
const GLUE = `
let wasm_bindgen = (function () {
  const started = globalThis.__glue;
  function init(options) {
    started.asyncInit = options;
    return new Promise((resolve, reject) => { started.finishAsync = (ok) => (ok ? resolve() : reject(new Error('instantiate failed'))); });
  }
  init.initSync = function (options) { started.syncInit = options; };
  init.Core = class {
    constructor() { started.cores += 1; this.steps = []; }
    setUi() {}
    setTime() {}
    invoke(name, argsText) {
      const args = argsText === '' ? [] : argsText.split('\\n').map((line) => JSON.parse(line));
      started.calls.push([name, ...args]);
      if (name === 'agentLogin') {
        this.steps.push(JSON.stringify(['settle', 1, true, 'logged in']));
        return '["command",1]';
      }
      return JSON.stringify(['value', 'value of ' + name]);
    }
    poll() { return this.steps.shift(); }
    deadline() { return undefined; }
    statusClock() { return undefined; }
    clockSince() { return -1; }
  };
  return init;
})();
`;

/** `[length, checksum]` of `bytes`, as `cargo xtask dist` computes them. */
function check(bytes) {
  let sum = 0;
  for (const byte of bytes) {
    sum = (Math.imul(sum, 31) + byte) >>> 0;
  }
  return [bytes.length, sum];
}

/**
 * The composed drop-in script, as `cargo xtask dist` writes it: `text` is the wasm string as
 * the browser reads it (by default the characters of `bytes`, one per byte).
 */
function dropIn(bytes = [0, 0x61, 0x73, 0x6d], text = String.fromCharCode(...bytes)) {
  return classic
    .replace('/*@GLUE@*/', GLUE)
    .replace('/*@SHIM@*/', shim)
    .replace('"@WASM_BYTES@"', JSON.stringify(text))
    .replace('"@WASM_CHECK@"', JSON.stringify(check(bytes)));
}

/** Runs the drop-in script (by default the one of `dropIn()`) in a fresh context with this
 * `WebAssembly`. */
function load(webAssembly, pageGlobal, script = dropIn()) {
  const errors = [];
  const glue = { cores: 0, calls: [] };
  const window = { addEventListener() {} };
  if (pageGlobal !== undefined) {
    window.wellClient = pageGlobal;
  }
  const context = vm.createContext({
    window,
    performance,
    TextEncoder,
    Uint8Array,
    console: { error: (...args) => errors.push(args.join(' ')) },
    __glue: glue,
  });
  // Replaces the context's own WebAssembly (or removes it).
  vm.runInContext('delete globalThis.WebAssembly;', context);
  if (webAssembly !== undefined) {
    context.WebAssembly = webAssembly;
  }
  vm.runInContext(script, context, { filename: 'well-client.js' });
  return { window, glue, errors };
}

const compiles = {
  Module: class {
    constructor(bytes) {
      this.bytes = bytes;
    }
  },
};

test('the core starts synchronously on the page\'s own wellClient object', () => {
  const page = { exports: 'kept' };
  const { window, glue, errors } = load(compiles, page);
  assert.equal(window.wellClient, page);
  assert.equal(page.exports, 'kept');
  assert.equal(glue.cores, 1);
  assert.ok(glue.syncInit.module instanceof compiles.Module);
  assert.deepEqual([...glue.syncInit.module.bytes], [0, 0x61, 0x73, 0x6d]);
  assert.equal(page.getVersion(), 'value of getVersion');
  let value;
  page.agentLogin({}).done((v) => {
    value = v;
  });
  assert.equal(value, 'logged in');
  assert.deepEqual(errors, []);
});

test('a refused synchronous compile queues calls until the asynchronous start', () => {
  const { window, glue, errors } = load({
    Module: class {
      constructor() {
        throw new RangeError('WebAssembly.Compile is disallowed on the main thread');
      }
    },
  });
  const client = window.wellClient;
  assert.equal(typeof client.makeCall, 'function');
  assert.equal(glue.cores, 0);
  const login = client.agentLogin({ jobNumber: '5001' });
  assert.equal(login.state(), 'pending');
  assert.equal(client.useConfig('LOCAL'), undefined);
  glue.finishAsync(true);
  return new Promise((resolve) => setTimeout(resolve, 0)).then(() => {
    assert.equal(glue.cores, 1);
    assert.deepEqual(
      glue.calls.map((c) => c[0]),
      ['agentLogin', 'useConfig']
    );
    assert.equal(login.state(), 'resolved');
    assert.equal(client.getVersion(), 'value of getVersion');
    assert.deepEqual(errors, []);
  });
});

test('where WebAssembly is refused every method exists; commands reject with unsupported', () => {
  const { window, glue, errors } = load({
    Module: class {
      constructor() {
        throw new Error('Refused to compile: wasm-unsafe-eval is not allowed');
      }
    },
  });
  const client = window.wellClient;
  assert.equal(glue.cores, 0);
  let reason;
  client.makeCall('8002').fail((e) => {
    reason = e.reason;
  });
  assert.equal(reason, 'unsupported');
  assert.equal(client.isLogined(), undefined);
  assert.equal(typeof client.on, 'function');
  assert.equal(errors.length, 1);
  assert.match(errors[0], /wasm-unsafe-eval/);
});

test('a browser without WebAssembly still gets the global', () => {
  const { window, errors } = load(undefined);
  assert.equal(window.wellClient.agentLogin({}).state(), 'rejected');
  assert.equal(errors.length, 1);
  assert.match(errors[0], /no WebAssembly/);
});

test('every byte of the embedded wasm reads back as itself', () => {
  const bytes = [...Array(256).keys(), 0, 0x37, 0x0d, 0x0a, 0x22, 0x5c, 0xff];
  const { glue, errors } = load(compiles, undefined, dropIn(bytes));
  assert.deepEqual([...glue.syncInit.module.bytes], bytes);
  assert.equal(glue.cores, 1);
  assert.deepEqual(errors, []);
});

test('a drop-in script read in another encoding is refused with one clear error', () => {
  const bytes = [0, 0x61, 0x73, 0x6d, 0xc3, 0xa9, 0xe4, 0xb8, 0xad];
  // What the UTF-8 text of bytes from 0x80 becomes when a GBK page decodes it: other
  // characters, fewer of them.
  const asGbk = String.fromCharCode(0, 0x61, 0x73, 0x6d) + '脙漏盲赂\u00ad';
  // Same length, one character changed (a transcoder that maps bytes it does not know).
  const substituted = String.fromCharCode(0, 0x61, 0x73, 0x6d, 0xc3, 0xa9, 0xe4, 0x3f, 0xad);
  for (const text of [asGbk, substituted]) {
    const { window, glue, errors } = load(compiles, undefined, dropIn(bytes, text));
    assert.equal(glue.cores, 0);
    assert.equal(glue.syncInit, undefined);
    assert.equal(window.wellClient.agentLogin({}).state(), 'rejected');
    assert.equal(errors.length, 1);
    assert.match(errors[0], /did not read back intact/);
    assert.match(errors[0], /byte order mark/);
    assert.doesNotMatch(errors[0], /wasm-unsafe-eval/);
  }
});
