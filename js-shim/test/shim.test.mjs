// createWellClient installs the whole surface and forwards every call to the core (arguments as
// JSON text); the hooks use
// jQuery's Deferred when the page has jQuery; the shim's name lists match the Rust ones.
// Run: node --test js-shim/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadShim } from './load-shim.mjs';
import { fakeBindings } from './fake-core.mjs';

/** A fake core that answers `getConfig` from `config`, applies `setConfig` to it, and settles
 * an `agentLogin` command at once. */
function configBindings(config) {
  const { bindings, made } = fakeBindings((name, args, core) => {
    if (name === 'getConfig') {
      return ['value', { ...config }];
    }
    if (name === 'setConfig') {
      Object.assign(config, args[0]);
    }
    if (name === 'agentLogin') {
      core.queue(['settle', 7, true, { ok: true }]);
      return ['command', 7];
    }
    return ['value', `result of ${name}`];
  });
  return {
    bindings,
    core: () => made.at(-1),
    calls: () => made.at(-1).calls,
  };
}

/** The string literals of a `pub const NAME: &[&str] = &[...]` in a Rust source file. */
function rustList(path, name) {
  const text = readFileSync(new URL(path, import.meta.url), 'utf8');
  const start = text.indexOf(`pub const ${name}: &[&str] = &[`);
  assert.notEqual(start, -1, `${name} in ${path}`);
  const body = text.slice(start, text.indexOf('];', start));
  return [...body.matchAll(/"([^"]+)"/g)].map((m) => m[1]);
}

test('every method of the surface is installed and forwards its arguments', () => {
  const { createWellClient, wellClientSurface } = loadShim();
  const { bindings, calls } = configBindings({});
  const host = { exports: 'kept' };
  assert.equal(createWellClient(bindings, host), host);
  const surface = wellClientSurface();
  for (const name of [...surface.commands, ...surface.others]) {
    assert.equal(typeof host[name], 'function', name);
  }
  assert.equal(host.exports, 'kept');
  assert.equal(host.makeCall('8002', { prefix: '9' }), 'result of makeCall');
  assert.equal(JSON.stringify(calls().at(-1)), '["makeCall","8002",{"prefix":"9"}]');
  host.dropConnection();
  assert.equal(JSON.stringify(calls().at(-1)), '["dropConnection"]');
  // What JSON cannot express reaches the core as null, one argument at a time.
  const cyclic = {};
  cyclic.self = cyclic;
  host.findItem([{ a: 1 }], 'a', undefined, () => 1, cyclic, 10n);
  assert.equal(
    JSON.stringify(calls().at(-1)),
    '["findItem",[{"a":1}],"a",null,null,null,null]'
  );
});

test('the name lists are those of src/client/surface.rs and src/config.rs', () => {
  const { wellClientSurface } = loadShim();
  const surface = wellClientSurface();
  const handlers = ['on', 'innerOn', 'addEventListener', 'removeEventListener', 'once'];
  const surfaceRs = '../../src/client/surface.rs';
  assert.deepEqual([...surface.commands], rustList(surfaceRs, 'COMMANDS'));
  assert.deepEqual(
    [...surface.others],
    [...rustList(surfaceRs, 'VALUES'), ...rustList(surfaceRs, 'RETIRED'), ...handlers]
  );
  assert.deepEqual([...surface.settable], rustList('../../src/config.rs', 'SETTABLE_KEYS'));
});

test('a write to a settable getConfig() field is a setConfig; others are plain copies', () => {
  const { createWellClient } = loadShim();
  const { bindings, calls } = configBindings({ debug: false, isLogined: false, SDK: 'a' });
  const client = createWellClient(bindings, {});
  const conf = client.getConfig();
  assert.equal(conf.debug, false);
  conf.debug = true;
  assert.equal(JSON.stringify(calls().find((c) => c[0] === 'setConfig')), '["setConfig",{"debug":true}]');
  assert.equal(conf.debug, true);
  conf.SDK = 'b';
  assert.equal(client.getConfig().SDK, 'b');
  const before = calls().length;
  conf.isLogined = true;
  assert.equal(calls().length, before, 'no setConfig for a read-only field');
  assert.equal(JSON.stringify(Object.keys(conf)), '["debug","isLogined","SDK"]');
});

test('without jQuery the hooks make built-in Deferreds', () => {
  const { wellClientHooks, Deferred } = loadShim({ window: {} });
  const d = wellClientHooks().deferred();
  assert.equal(d.promise.state(), 'pending');
  d.settle(false, { reason: 'timeout' });
  let reason;
  d.promise.fail((e) => {
    reason = e.reason;
  });
  assert.equal(reason, 'timeout');
  assert.equal(typeof Deferred, 'function');
});

test('with jQuery on the page the hooks use jQuery.Deferred and add catch at every depth', () => {
  const win = {};
  const shim = loadShim({ window: win });
  let made = 0;
  // A jQuery 1.x-like Deferred: no `catch` on its promises, nor on those `then` returns.
  function legacy(p) {
    delete p.catch;
    const then = p.then;
    p.then = function (...args) {
      return legacy(then.apply(this, args));
    };
    return p;
  }
  function JqDeferred() {
    made += 1;
    const d = shim.Deferred();
    const promise = legacy(d.promise());
    return { resolve: d.resolve, reject: d.reject, promise: () => promise };
  }
  // jQuery may be loaded after the SDK: the hooks look for it at each call.
  const hooks = shim.wellClientHooks();
  win.jQuery = { Deferred: JqDeferred };
  const d = hooks.deferred();
  assert.equal(made, 1);
  assert.equal(typeof d.promise.catch, 'function');
  const deeper = d.promise.then((v) => v).then((v) => v);
  assert.equal(typeof deeper.catch, 'function');
  let caught;
  deeper.catch((e) => {
    caught = e;
  });
  d.settle(false, 'rejected');
  assert.equal(caught, 'rejected');
});

test('a Deferred the core returns settles through the hooks', () => {
  // A page without jQuery (and without a DOM: the adapter only listens to the window).
  const { createWellClient } = loadShim({ window: { addEventListener() {} } });
  const { bindings } = configBindings({});
  const client = createWellClient(bindings, {});
  let value;
  client.agentLogin({}).done((v) => {
    value = v;
  });
  assert.equal(value.ok, true);
});
