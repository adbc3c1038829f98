// A stand-in for the wasm `Core` (src/web/mod.rs) for the shim's tests: it records every call,
// answers page calls with `answer(name, args)`, and hands out the steps a test queues, as the
// real core would after an input.

export class FakeCore {
  /** `answer(name, args, core)` returns `['value', v]`, `['command', id]` or `['undefined']`. */
  constructor(answer, seed, securePage, storedSessionId, cookies) {
    this.answer = answer;
    this.made = { seed, securePage, storedSessionId, cookies };
    this.calls = []; // page calls: [name, ...args]
    this.inputs = []; // every other call: [method, ...args]
    this.steps = []; // what poll() hands out, in order
    this.registered = new Set();
    this.ui = false;
    this.time = null;
  }

  /** Queues steps (arrays, as src/web/steps.rs writes them) for the next drive. */
  queue(...steps) {
    for (const step of steps) {
      this.steps.push(JSON.stringify(step));
    }
  }

  setUi(installed) {
    this.ui = installed;
  }

  setTime(mono, epoch, offset) {
    this.time = { mono, epoch, offset };
  }

  invoke(name, argsText) {
    const args = argsText === '' ? [] : argsText.split('\n').map((line) => JSON.parse(line));
    this.calls.push([name, ...args]);
    return JSON.stringify(this.answer(name, args, this));
  }

  register(method, name, id) {
    this.inputs.push(['register', method, name, id]);
    this.registered.add(id);
    return 0;
  }

  unregister(name, ids) {
    this.inputs.push(['unregister', name, [...ids]]);
    for (const id of ids) {
      this.registered.delete(id);
    }
    return ids;
  }

  isRegistered(id) {
    return this.registered.has(id);
  }

  poll() {
    return this.steps.shift();
  }

  deadline() {
    return undefined;
  }

  statusClock() {
    return undefined;
  }

  clockSince() {
    return -1;
  }
}

for (const method of [
  'handlerFailed', 'report', 'wsOpen', 'wsMessage', 'wsClose', 'http', 'httpFailed',
  'timeout', 'confirm', 'click', 'postMessage', 'unload',
]) {
  FakeCore.prototype[method] = function (...args) {
    this.inputs.push([method, ...args]);
  };
}

/** `{Core}` as wasm-bindgen's module has it, making FakeCores that answer with `answer`. */
export function fakeBindings(answer) {
  const made = [];
  class Core extends FakeCore {
    constructor(...args) {
      super(answer, ...args);
      made.push(this);
    }
  }
  return { bindings: { Core }, made };
}
