// The drop-in script's start-up paths (DECISIONS K1, M1), with the wasm glue replaced by a
// stand-in: a synchronous start on the page's own `wellClient`; a browser that refuses the
// synchronous compile (calls queue and settle once the core runs); a browser that cannot run
// WebAssembly at all (commands reject with `unsupported`, one console error).
// Run: node --test js-shim/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const classic = readFileSync(new URL('../classic.js', import.meta.url), 'utf8');
const shim = readFileSync(new URL('../shim.js', import.meta.url), 'utf8');

/** A stand-in for wasm-bindgen's no-modules glue: `wasm_bindgen` with `initSync` and `Core`. */
const GLUE = `
let wasm_bindgen = (function () {
  const started = globalThis.__glue;
  function init(options) {
    started.asyncInit = options;
    return new Promise((resolve, reject) => { started.finishAsync = (ok) => (ok ? resolve() : reject(new Error('instantiate failed'))); });
  }
  init.initSync = function (options) { started.syncInit = options; };
  init.Core = class {
    constructor(host, hooks) { this.hooks = hooks; started.cores += 1; }
    invoke(name, args) {
      started.calls.push([name, ...args]);
      if (name === 'agentLogin') { const d = this.hooks.deferred(); d.settle(true, 'logged in'); return d.promise; }
      return 'value of ' + name;
    }
  };
  return init;
})();
`;

/** The composed drop-in script, as `cargo xtask dist` writes it. */
function dropIn() {
  return classic
    .replace('/*@GLUE@*/', GLUE)
    .replace('/*@SHIM@*/', shim)
    .replace('"@WASM_BASE64@"', JSON.stringify(Buffer.from('\0asm').toString('base64')));
}

/** Runs the drop-in script in a fresh context with this `WebAssembly`. */
function load(webAssembly, pageGlobal) {
  const errors = [];
  const glue = { cores: 0, calls: [] };
  const window = pageGlobal === undefined ? {} : { wellClient: pageGlobal };
  const context = vm.createContext({
    window,
    atob: (s) => Buffer.from(s, 'base64').toString('binary'),
    Uint8Array,
    console: { error: (...args) => errors.push(args.join(' ')) },
    __glue: glue,
  });
  // Replaces the context's own WebAssembly (or removes it).
  vm.runInContext('delete globalThis.WebAssembly;', context);
  if (webAssembly !== undefined) {
    context.WebAssembly = webAssembly;
  }
  vm.runInContext(dropIn(), context, { filename: 'well-client.js' });
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
