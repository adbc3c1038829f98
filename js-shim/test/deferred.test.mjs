// The built-in Deferred keeps jQuery 1.x semantics (DECISIONS K4, N5, §2 row 17).
// Run: node --test js-shim/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadShim } from './load-shim.mjs';

const { Deferred } = loadShim();

test('callbacks run in order, synchronously, with the settled value', () => {
  const d = Deferred();
  const seen = [];
  d.done((v) => seen.push(`done1 ${v}`))
    .done([(v) => seen.push(`done2 ${v}`), (v) => seen.push(`done3 ${v}`)])
    .fail(() => seen.push('fail'))
    .always((v) => seen.push(`always ${v}`));
  assert.equal(d.state(), 'pending');
  assert.deepEqual(seen, []);
  d.resolve(7);
  assert.equal(d.state(), 'resolved');
  assert.deepEqual(seen, ['done1 7', 'done2 7', 'done3 7', 'always 7']);
});

test('callbacks added after settlement fire at once; a second settle is ignored', () => {
  const d = new Deferred();
  d.reject('no');
  d.resolve('yes');
  let got = null;
  d.promise().fail((e) => {
    got = e;
  });
  assert.equal(got, 'no');
  assert.equal(d.state(), 'rejected');
  let done = false;
  d.done(() => {
    done = true;
  });
  assert.equal(done, false);
});

test('done/fail/always return the object they were called on', () => {
  const d = Deferred();
  const p = d.promise();
  assert.equal(p.done(() => {}), p);
  assert.equal(p.fail(() => {}), p);
  assert.equal(p.always(() => {}), p);
  assert.equal(d.done(() => {}), d);
  assert.equal(p.promise(), p);
  assert.equal(typeof p.resolve, 'undefined');
});

test('then returns a new promise, maps values, and passes through what it does not handle', () => {
  const d = Deferred();
  const mapped = d.then((v) => v * 2);
  const passed = d.then(null, () => 'not called');
  assert.notEqual(mapped, d.promise());
  d.resolve(21);
  let a;
  let b;
  mapped.done((v) => {
    a = v;
  });
  passed.done((v) => {
    b = v;
  });
  assert.equal(a, 42);
  assert.equal(b, 21);

  const r = Deferred();
  const recovered = r.then(null, (e) => `recovered from ${e}`);
  r.reject('boom');
  assert.equal(recovered.state(), 'resolved');
});

test('then adopts thenables, including other Deferreds, and turns a throw into a rejection', () => {
  const outer = Deferred();
  const inner = Deferred();
  const chained = outer.then(() => inner.promise());
  outer.resolve();
  assert.equal(chained.state(), 'pending');
  inner.resolve('inner value');
  let value;
  chained.done((v) => {
    value = v;
  });
  assert.equal(value, 'inner value');

  const thrower = Deferred();
  const failed = thrower.then(() => {
    throw new Error('bad');
  });
  thrower.resolve();
  let reason;
  failed.fail((e) => {
    reason = e.message;
  });
  assert.equal(reason, 'bad');

  const thenable = { then: (ok) => ok('from thenable') };
  const adopted = Deferred().resolve().then(() => thenable);
  adopted.done((v) => {
    value = v;
  });
  assert.equal(value, 'from thenable');
});

test('catch handles a rejection and returns a new promise', () => {
  const d = Deferred();
  let seen;
  const after = d.promise().catch((e) => {
    seen = e;
    return 'handled';
  });
  d.reject({ reason: 'timeout' });
  assert.equal(seen.reason, 'timeout');
  let v;
  after.done((x) => {
    v = x;
  });
  assert.equal(v, 'handled');
});

test('promises are awaitable', async () => {
  const ok = Deferred();
  setTimeout(() => ok.resolve('value'), 1);
  assert.equal(await ok.promise(), 'value');
  const bad = Deferred();
  setTimeout(() => bad.reject({ reason: 'network' }), 1);
  await assert.rejects(async () => bad.promise(), (e) => e.reason === 'network');
  assert.equal(await ok.then((v) => `${v}!`), 'value!');
});

test('a rejection nobody handles raises no unhandledrejection', async () => {
  let unhandled = 0;
  const count = () => {
    unhandled += 1;
  };
  process.on('unhandledRejection', count);
  try {
    Deferred().reject({ reason: 'not-logged-in' });
    Deferred().promise().then(() => {});
    const d = Deferred();
    d.then((v) => v);
    d.reject('ignored');
    await new Promise((resolve) => setTimeout(resolve, 20));
  } finally {
    process.off('unhandledRejection', count);
  }
  assert.equal(unhandled, 0);
});

test('a throwing callback does not stop the others, and its error reaches the settler', () => {
  const d = Deferred();
  const seen = [];
  d.done(() => {
    throw new Error('first');
  });
  d.done(() => seen.push('second ran'));
  assert.throws(() => d.resolve(), /first/);
  assert.deepEqual(seen, ['second ran']);
  assert.equal(d.state(), 'resolved');
});

test('promise(target) makes target a promise; beforeStart runs first', () => {
  let started = null;
  const d = Deferred(function (self) {
    started = self;
  });
  assert.equal(started, d);
  const target = { name: 'target' };
  assert.equal(d.promise(target), target);
  let v;
  target.done((x) => {
    v = x;
  });
  d.resolveWith(null, ['via resolveWith']);
  assert.equal(v, 'via resolveWith');
  assert.equal(target.state(), 'resolved');
});
