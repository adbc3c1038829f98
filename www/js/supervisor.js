// The supervisor's tools: the seven force operations and releaseAllocatedAgent, aimed at
// another agent's extension or call.

import { byId, h, shortDevice } from './dom.js';
import { runCommand } from './commands.js';

/** The arguments each operation takes, in the order the API wants them. */
const ARGUMENTS = {
  forceListen: (f) => [f.callId, f.myDevice],
  forceJoin: (f) => [f.device, f.callId, f.number],
  forceTake: (f) => [f.device, f.callId, f.number],
  forceDrop: (f) => [f.device, f.callId],
  forceReady: (f) => [f.agent, f.device],
  forceNotReady: (f) => [f.agent, f.device],
  forceLogout: (f) => [f.agent, f.device],
  releaseAllocatedAgent: (f) => [f.agent],
};

export class Supervisor {
  constructor(app) {
    this.app = app;
    this.status = byId('sup-status');
    this.callSelect = byId('sup-call');
    for (const button of document.querySelectorAll('[data-force]')) {
      button.addEventListener('click', () => this.run(button.dataset.force));
    }
  }

  fields() {
    const value = (id) => byId(id).value.trim();
    const me = this.app.me;
    return {
      agent: value('sup-agent'),
      device: value('sup-device'),
      callId: this.callSelect.value,
      number: value('sup-number'),
      myDevice: me ? me.deviceId : value('sup-number') + '@test.cc',
    };
  }

  run(method) {
    runCommand(this.app, method, ARGUMENTS[method](this.fields()), this.status);
  }

  /** The platform's live calls, offered as targets (`Simulator` reads them). */
  showCalls(calls) {
    const chosen = this.callSelect.value;
    const options = calls.map((call) => h('option', { value: call.callId },
      String(call.callId).slice(0, 8) + '… ' + shortDevice(call.callingDevice) + ' → ' +
      shortDevice(call.calledDevice)));
    this.callSelect.replaceChildren(h('option', { value: '' }, '—'), ...options);
    this.callSelect.value = calls.some((c) => c.callId === chosen) ? chosen : '';
    if (!this.callSelect.value && calls.length) {
      this.callSelect.value = calls[calls.length - 1].callId;
    }
  }

  /** Aims the forms at agent 5002 on 8002, or 5001 on 8001 when I am 5002. */
  sessionChanged() {
    const me = this.app.me;
    if (!me) {
      return;
    }
    const peer = me.jobNumber === '5002' ? '5001' : '5002';
    byId('sup-agent').value = peer + '@' + me.domain;
    byId('sup-device').value = String(Number(peer) + 3000) + '@' + me.domain;
    byId('sup-number').value = me.ext;
  }
}
