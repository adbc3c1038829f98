// The shim's browser side (`wellClientAdapter`) performs the steps the core returns and feeds
// the browser's answers back, with a scripted core and stand-ins for the browser: sockets,
// fetch, the timer, page storage, handlers in the core's order, page code that throws or calls
// back in, the notifier.
// Run: node --test js-shim/test/
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadShim } from './load-shim.mjs';
import { FakeCore } from './fake-core.mjs';

/** A WebSocket stand-in that records what it is told. */
class FakeSocket {
  constructor(url) {
    if (url.startsWith('bad:')) {
      throw new SyntaxError('bad URL');
    }
    this.url = url;
    this.sent = [];
    this.closed = false;
    FakeSocket.made.push(this);
  }

  send(text) {
    this.sent.push(text);
  }

  close() {
    this.closed = true;
  }
}

/** A page: window (timers, storage, fetch, listeners), document (cookie) and a client on a
 * scripted core. `answer(name, args, core)` answers page calls (default: a value). */
function page({ answer = () => ['value', null], storage = null, cookie = '', pageConsole } = {}) {
  FakeSocket.made = [];
  const timers = [];
  const fetches = [];
  const listeners = {};
  const stored = new Map(storage === null ? [] : [['wellclient-session-id', storage]]);
  const document = { cookie };
  const window = {
    document,
    location: { protocol: 'https:' },
    sessionStorage: {
      getItem: (key) => (stored.has(key) ? stored.get(key) : null),
      setItem: (key, value) => stored.set(key, value),
      removeItem: (key) => stored.delete(key),
    },
    addEventListener: (name, fn) => {
      listeners[name] = fn;
    },
    setTimeout: (fn, delay) => timers.push({ fn, delay }) - 1,
    clearTimeout: (handle) => {
      timers[handle].cleared = true;
    },
    fetch: (url, init) => {
      let settle;
      const answered = new Promise((resolve, reject) => {
        settle = { resolve, reject };
      });
      fetches.push({ url, init, settle });
      return answered;
    },
  };
  const shim = loadShim({
    window,
    WebSocket: FakeSocket,
    Headers: Map,
    AbortController,
    ArrayBuffer,
    ...(pageConsole ? { console: pageConsole } : {}),
  });
  let core;
  class Core extends FakeCore {
    constructor(...args) {
      super(answer, ...args);
      core = this;
    }
  }
  const host = { events: [], logs: [] };
  host.exports = function (e) {
    this.events.push(['exports', e.eventName]);
  };
  host.onLog = function (m) {
    this.logs.push(m);
  };
  const client = shim.wellClientAdapter(Core, host, shim.wellClientHooks());
  return { client, core, host, window, document, stored, timers, fetches, listeners };
}

/** Lets promise callbacks run. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

/** `value` as plain data of this realm (the shim's objects come from its own context). */
const plain = (value) => JSON.parse(JSON.stringify(value));

test('the core is made with what the page kept and a seed', () => {
  const { core } = page({ storage: 'sid-1', cookie: 'a=b' });
  assert.equal(core.made.securePage, true);
  assert.equal(core.made.storedSessionId, 'sid-1');
  assert.equal(core.made.cookies, 'a=b');
  assert.ok(core.made.seed >= 0 && core.made.seed < 2 ** 53);
});

test('sockets open, send, close and report their events by id', () => {
  const { client, core } = page();
  core.queue(['open', 4, 'wss://sdk/stomp']);
  client.invoke('getVersion', []);
  const [ws] = FakeSocket.made;
  assert.equal(ws.url, 'wss://sdk/stomp');
  assert.equal(ws.binaryType, 'arraybuffer');
  ws.onopen();
  ws.onmessage({ data: 'MESSAGE\n\n{}\0' });
  ws.onmessage({ data: new Uint8Array([10]).buffer });
  core.queue(['send', 4, 'SEND\n\n\0'], ['send', 9, 'lost']);
  client.invoke('getVersion', []);
  assert.deepEqual(ws.sent, ['SEND\n\n\0']);
  ws.onerror();
  assert.equal(ws.onclose, null, 'a closed socket reports nothing more');
  const inputs = core.inputs.map(([name, id, data]) => [name, id, data && [...data]]);
  assert.deepEqual(inputs, [
    ['wsOpen', 4, undefined],
    ['wsMessage', 4, [...Buffer.from('MESSAGE\n\n{}\0')]],
    ['wsMessage', 4, [10]],
    ['wsClose', 4, undefined],
  ]);

  // Closed on the core's request: its handlers are gone first.
  core.queue(['open', 5, 'wss://sdk/stomp']);
  client.invoke('getVersion', []);
  const second = FakeSocket.made[1];
  core.queue(['close', 5]);
  client.invoke('getVersion', []);
  assert.equal(second.closed, true);
  assert.equal(second.onmessage, null);

  // A socket the browser refuses to make is a closed one.
  core.queue(['open', 6, 'bad://']);
  client.invoke('getVersion', []);
  assert.deepEqual(core.inputs.at(-1), ['wsClose', 6]);
});

test('fetch answers come back by request id, aborted ones never', async () => {
  const { client, core, fetches } = page();
  core.queue(
    ['fetch', 7, 'POST', 'https://sdk/api', [['sessionId', 's1']], '{"a":1}', true],
    ['fetch', 8, 'GET', 'https://sdk/b', [], null, false],
    ['fetch', 9, 'GET', 'https://sdk/c', [], null, false]
  );
  client.invoke('getVersion', []);
  assert.equal(fetches.length, 3);
  const { url, init } = fetches[0];
  assert.equal(url, 'https://sdk/api');
  assert.equal(init.method, 'POST');
  assert.equal(init.headers.get('sessionId'), 's1');
  assert.equal(init.body, '{"a":1}');
  assert.equal(init.keepalive, true);
  assert.equal('body' in fetches[1].init, false);
  assert.equal('keepalive' in fetches[1].init, false);

  fetches[0].settle.resolve({ status: 201, statusText: 'Created', text: async () => '{"b":2}' });
  fetches[1].settle.reject(new TypeError('Failed to fetch'));
  core.queue(['abort', 9]);
  client.invoke('getVersion', []);
  assert.equal(fetches[2].init.signal.aborted, true);
  fetches[2].settle.resolve({ status: 200, statusText: 'OK', text: async () => 'late' });
  await settled();
  const answers = core.inputs.filter(([name]) => name === 'http' || name === 'httpFailed');
  assert.deepEqual(answers, [
    ['httpFailed', 8],
    ['http', 7, 201, 'Created', '{"b":2}'],
  ]);
});

test('one timer is armed for the earliest deadline', () => {
  const { client, core, timers } = page();
  let deadline;
  core.deadline = () => deadline;
  deadline = Math.floor(performance.now()) + 5000;
  client.invoke('getVersion', []);
  assert.equal(timers.length, 1);
  assert.ok(timers[0].delay > 4000 && timers[0].delay <= 5000, `${timers[0].delay}`);
  // A later deadline keeps the armed timer; an earlier one replaces it.
  deadline += 1000;
  client.invoke('getVersion', []);
  assert.equal(timers.length, 1);
  deadline -= 3000;
  client.invoke('getVersion', []);
  assert.equal(timers.length, 2);
  assert.equal(timers[0].cleared, true);
  timers[1].fn();
  assert.deepEqual(core.inputs.at(-1), ['timeout']);
});

test('the session id is kept in sessionStorage and the cookie the core wrote', () => {
  const { client, core, stored, document } = page();
  core.queue(['persist', 'sid-2', 'name=sid-2; path=/']);
  client.invoke('getVersion', []);
  assert.equal(stored.get('wellclient-session-id'), 'sid-2');
  assert.equal(document.cookie, 'name=sid-2; path=/');
  core.queue(['persist', null, 'name=; expires=Thu, 01 Jan 1970 00:00:00 GMT']);
  client.invoke('getVersion', []);
  assert.equal(stored.has('wellclient-session-id'), false);
});

test('events reach their targets in the core\'s order; page errors are reported', () => {
  const { client, core, host } = page();
  const seen = [];
  const on = function (e) {
    seen.push(['on', e.eventName, this === host]);
  };
  const listener = () => {
    throw new TypeError('page bug');
  };
  client.invoke('on', ['agentReady', on]);
  client.invoke('addEventListener', ['agentReady', listener]);
  assert.deepEqual(core.inputs.slice(0, 2), [
    ['register', 'on', 'agentReady', 1],
    ['register', 'addEventListener', 'agentReady', 2],
  ]);
  core.queue(['event', { eventName: 'agentReady' }, [0, 1, 2]]);
  client.invoke('getVersion', []);
  assert.deepEqual(host.events, [['exports', 'agentReady']]);
  assert.deepEqual(seen, [['on', 'agentReady', true]]);
  assert.deepEqual(core.inputs.at(-1), ['handlerFailed', 'of agentReady', 'TypeError: page bug']);

  // A handler the core no longer knows (a `once`, say) is let go after the delivery.
  core.registered.delete(1);
  core.queue(['event', { eventName: 'agentReady' }, [1]], ['event', { eventName: 'x' }, [1]]);
  client.invoke('getVersion', []);
  assert.equal(seen.length, 2);

  // removeEventListener names the function: every id it was registered under.
  client.invoke('removeEventListener', ['agentReady', listener]);
  assert.deepEqual(core.inputs.at(-1), ['unregister', 'agentReady', [2]]);

  // Misuse is reported, not thrown.
  client.invoke('on', ['agentReady', 'not a function']);
  assert.deepEqual(core.inputs.at(-1), [
    'report',
    true,
    'on(name, handler): needs an event name and a function',
  ]);
});

test('a handler that calls back in only reaches the core; its Deferred settles after it', () => {
  const { client, core, host } = page({
    answer: (name, args, c) => {
      if (name === 'makeCall') {
        c.queue(['settle', 11, false, { reason: 'not-logged-in' }]);
        return ['command', 11];
      }
      return ['value', null];
    },
  });
  const states = [];
  let inner;
  host.exports = () => {
    inner = client.invoke('makeCall', ['8002']);
    states.push(inner.state());
  };
  core.queue(['event', { eventName: 'agentReady' }, [0]]);
  client.invoke('getVersion', []);
  assert.deepEqual(states, ['pending']);
  assert.equal(inner.state(), 'rejected');
});

test('dialogs go to the page\'s notifier, or to the browser', () => {
  const { client, core, window } = page();
  const shown = [];
  window.alert = (text) => shown.push(['alert', text]);
  window.confirm = (text) => {
    shown.push(['confirm', text]);
    return true;
  };
  core.queue(['alert', 'A'], ['confirm', 3, 'Q']);
  client.invoke('getVersion', []);
  assert.deepEqual(shown, [['alert', 'A'], ['confirm', 'Q']]);
  assert.deepEqual(core.inputs.at(-1), ['confirm', 3, true]);

  const notes = [];
  client.invoke('setConfig', [{ notify: (m) => void notes.push(m) }]);
  core.queue(['alert', 'B'], ['confirm', 4, 'R']);
  client.invoke('getVersion', []);
  assert.deepEqual(plain(notes), [{ type: 'alert', text: 'B' }, { type: 'confirm', text: 'R' }]);
  assert.deepEqual(core.inputs.at(-1), ['confirm', 4, false]);
  assert.equal(shown.length, 2);
});

test('onLog gets every message; one that throws is not told about itself', () => {
  const { client, core, host } = page();
  core.queue(['log', 'error', 'oops', false]);
  client.invoke('getVersion', []);
  assert.deepEqual(plain(host.logs), [{ type: 'error', content: 'oops' }]);
  let calls = 0;
  host.onLog = () => {
    calls += 1;
    throw new Error('onLog bug');
  };
  core.queue(['log', 'log', 'again', false]);
  client.invoke('getVersion', []);
  assert.equal(calls, 1);
  assert.equal(core.inputs.some(([name]) => name === 'handlerFailed'), false);
});

test('useWsLog frame lines go to the console, never to onLog', () => {
  const printed = [];
  const { client, core, host } = page({ pageConsole: { log: (line) => void printed.push(line) } });
  core.queue(['console', '>>> SEND'], ['log', 'log', 'note', false]);
  client.invoke('getVersion', []);
  assert.deepEqual(printed, ['>>> SEND']);
  assert.deepEqual(plain(host.logs), [{ type: 'log', content: 'note' }]);
});

test('page life: postMessage strings and pagehide reach the core', () => {
  const { core, listeners } = page();
  listeners.message({ origin: 'https://crm', data: '{"method":"logout"}' });
  listeners.message({ origin: 'https://crm', data: { not: 'a string' } });
  listeners.pagehide();
  assert.deepEqual(core.inputs, [
    ['postMessage', 'https://crm', '{"method":"logout"}'],
    ['unload'],
  ]);
});
