// The second party: the simulator's admin API (`/admin` on the same server). An outside caller
// dials in, far parties answer or hang up, other phones answer by themselves, and the fault
// knobs break the connection on purpose. None of this is the SDK: a real platform has no such
// API, the page offers it so that one person can walk every scenario alone.

import { byId, h, setStatus, shortDevice } from './dom.js';

/** How often the live calls are re-read while their tab is open. */
const POLL_MS = 1500;

/** Calls `/admin{path}`; resolves with the JSON answer (or null), rejects with the reason. */
async function admin(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch('/admin' + path, init);
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch (e) {
    data = text;
  }
  if (!response.ok) {
    const message = data && typeof data === 'object' && data.message ? data.message : text;
    throw new Error(message || 'HTTP ' + response.status);
  }
  return data;
}

/** `key=value` lines as an object; blank lines are skipped. */
function parseUserData(text) {
  const data = {};
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) {
      data[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
    }
  }
  return data;
}

function numberOrNull(input) {
  const text = input.value.trim();
  return text === '' ? null : Number(text);
}

export class Simulator {
  constructor(app) {
    this.app = app;
    this.status = byId('sim-status');
    this.callsBox = byId('sim-calls');
    this.calls = [];
    this.shownCalls = '';
    this.listeners = [];
    this.polling = null;
    this.fillAgentChoices();
    const on = (id, fn) => byId(id).addEventListener('click', fn);
    on('sim-dial', () => this.dialIn(byId('sim-to').value.trim()));
    on('sim-dial-queue', () => this.dialIn('7000'));
    on('sim-refresh', () => this.refresh());
    on('behavior-set', () => this.setBehavior());
    on('fault-drop-me', () => this.act('drop my socket', 'POST', '/faults/ws/drop',
      { agentId: this.myAgent() }, (r) => 'dropped ' + (r ? r.dropped : 0) + ' connection(s)'));
    on('fault-drop-all', () => this.act('drop all sockets', 'POST', '/faults/ws/drop', {},
      (r) => 'dropped ' + (r ? r.dropped : 0) + ' connection(s)'));
    on('fault-broker-stop', () => this.act('stop the broker', 'POST', '/broker/stop'));
    on('fault-broker-start', () => this.act('start the broker', 'POST', '/broker/start'));
    on('fault-refuse', () => this.act('refuse connections', 'POST', '/faults/ws/refuse',
      { seconds: Number(byId('fault-refuse-secs').value) || 0 }));
    on('fault-http', () => {
      const rule = {
        count: Number(byId('fault-http-count').value) || 1,
        status: Number(byId('fault-http-status').value) || 503,
      };
      const path = byId('fault-http-path').value.trim();
      if (path) {
        rule.pathPrefix = path;
      }
      this.act('fail HTTP calls', 'POST', '/faults/http', rule);
    });
    on('fault-duplicate', () => this.eventFault('duplicate'));
    on('fault-reorder', () => this.eventFault('reorder'));
    on('fault-clear', () => this.act('clear faults', 'DELETE', '/faults'));
    on('tenant-set', () => {
      const acw = numberOrNull(byId('tenant-acw'));
      this.act('tenant settings', 'PATCH', '/tenants/' + encodeURIComponent(this.domain()), {
        afterCallWorkSecs: acw,
        recordByDefault: byId('tenant-record').checked,
      });
    });
    on('sim-allocate', () => {
      const agent = this.myAgent();
      if (agent) {
        this.act('reserve ' + shortDevice(agent), 'POST',
          '/agents/' + encodeURIComponent(agent) + '/allocate');
      } else {
        setStatus(this.status, 'Log in first: the dialler reserves a logged-in agent.', 'error');
      }
    });
    byId('peer-agent').addEventListener('change', () => this.updatePeerLink());
  }

  myAgent() {
    return this.app.me ? this.app.me.agentId : undefined;
  }

  domain() {
    return this.app.me ? this.app.me.domain : 'test.cc';
  }

  /** Called when someone is logged in or out: aim the panel at them. */
  sessionChanged() {
    if (this.app.me) {
      byId('sim-to').value = this.app.me.ext;
    }
    this.fillAgentChoices();
  }

  fillAgentChoices() {
    const me = this.app.me ? this.app.me.jobNumber : '5001';
    const peer = byId('peer-agent');
    const device = byId('behavior-device');
    const agents = [];
    for (let n = 5001; n <= 5010; n++) {
      agents.push(String(n));
    }
    const others = agents.filter((a) => a !== me);
    const wanted = others.includes(peer.value) ? peer.value : others[0];
    peer.replaceChildren(...others.map((a) =>
      h('option', { value: a }, 'agent ' + a + ' on ' + (Number(a) + 3000))));
    peer.value = wanted;
    if (!device.options.length) {
      device.replaceChildren(...agents.map((a) => {
        const ext = String(Number(a) + 3000);
        return h('option', { value: ext }, ext);
      }));
      device.value = '8002';
    }
    this.updatePeerLink();
  }

  updatePeerLink() {
    const agent = byId('peer-agent').value;
    const params = new URLSearchParams({
      agent,
      ext: String(Number(agent) + 3000),
      domain: this.domain(),
    });
    byId('peer-link').href = '/?' + params.toString();
  }

  /** Runs one admin call; the outcome goes to the panel's status line and the event log. */
  act(label, method, path, body, describe) {
    this.app.log.add('page', 'simulator: ' + label, body === undefined ? { method, path }
      : { method, path, body });
    setStatus(this.status, label + '…', 'busy');
    return admin(method, path, body).then((result) => {
      setStatus(this.status, label + ': ' + (describe ? describe(result) : 'done'), 'ok');
      this.refresh();
      return result;
    }, (error) => {
      setStatus(this.status, label + ' failed: ' + error.message, 'error');
      this.app.log.add('page', 'simulator: ' + label + ' failed', String(error.message));
      return null;
    });
  }

  dialIn(to) {
    if (!to) {
      setStatus(this.status, 'Say which extension or queue to call.', 'error');
      return;
    }
    const call = {
      from: byId('sim-from').value.trim() || '13800000000',
      to,
      userData: parseUserData(byId('sim-userdata').value),
    };
    const answer = numberOrNull(byId('sim-answer-after'));
    const hangup = numberOrNull(byId('sim-hangup-after'));
    if (answer !== null) {
      call.answerAfterMs = answer;
    }
    if (hangup !== null) {
      call.hangupAfterMs = hangup;
    }
    this.act(call.from + ' dials ' + to, 'POST', '/calls', call,
      (r) => 'call ' + (r && r.callId ? String(r.callId).slice(0, 8) + '…' : 'placed'));
  }

  setBehavior() {
    const device = byId('behavior-device').value + '@' + this.domain();
    const answer = numberOrNull(byId('behavior-answer'));
    this.act(shortDevice(device) + ' answers ' + (answer === null ? 'never by itself'
      : 'after ' + answer + ' ms'), 'PUT', '/devices/' + encodeURIComponent(device) + '/behavior',
    { answerAfterMs: answer });
  }

  eventFault(action) {
    const rule = { action, count: Number(byId('fault-events-count').value) || 1 };
    const agent = this.myAgent();
    if (agent) {
      rule.agentId = agent;
    }
    this.act(action + ' events', 'POST', '/faults/events', rule);
  }

  /** Re-reads the platform's live calls; `listener(calls)` hears of every change. */
  refresh() {
    return admin('GET', '/calls').then((calls) => {
      this.calls = Array.isArray(calls) ? calls : [];
      const key = JSON.stringify(this.calls);
      if (key !== this.shownCalls) {
        this.shownCalls = key;
        this.renderCalls();
        for (const listener of this.listeners) {
          listener(this.calls);
        }
      }
    }, (error) => {
      setStatus(this.status, 'Reading the live calls failed: ' + error.message, 'error');
    });
  }

  /** Polls while a panel that shows the live calls is open. */
  setPolling(on) {
    if (on && !this.polling) {
      this.refresh();
      this.polling = setInterval(() => this.refresh(), POLL_MS);
    } else if (!on && this.polling) {
      clearInterval(this.polling);
      this.polling = null;
    }
  }

  renderCalls() {
    if (!this.calls.length) {
      this.callsBox.replaceChildren(h('p', { class: 'muted' }, 'No live calls.'));
      return;
    }
    this.callsBox.replaceChildren(...this.calls.map((call) => {
      const data = call.userData && Object.keys(call.userData).length
        ? ' · ' + Object.entries(call.userData).map(([k, v]) => k + '=' + v).join(', ')
        : '';
      const parties = (call.parties || []).map((party) => h('div', {
        class: 'sim-party', dataset: { device: party.device, state: party.state },
      },
      h('span', { class: 'mono' }, shortDevice(party.device)),
      h('span', { class: 'muted' }, party.state + (party.outside ? ' · outside' : '') +
        (party.listenOnly ? ' · listening' : '') + (party.recording ? ' · recording' : '')),
      h('span', { class: 'spacer' }),
      party.state === 'Alerting'
        ? h('button', {
          type: 'button', class: 'small', dataset: { simAction: 'answer' },
          onclick: () => this.act(shortDevice(party.device) + ' answers', 'POST',
            '/calls/' + encodeURIComponent(call.callId) + '/answer', { device: party.device }),
        }, 'Answer')
        : null,
      h('button', {
        type: 'button', class: 'small', dataset: { simAction: 'hangup' },
        onclick: () => this.act(shortDevice(party.device) + ' hangs up', 'POST',
          '/calls/' + encodeURIComponent(call.callId) + '/hangup', { device: party.device }),
      }, 'Hang up')));
      return h('div', { class: 'sim-call', dataset: { callId: call.callId } },
        h('div', { class: 'sim-call-head' },
          h('span', { class: 'mono' }, String(call.callId).slice(0, 8) + '…'),
          ' ' + shortDevice(call.callingDevice) + ' → ' + shortDevice(call.calledDevice) +
          (call.conferenced ? ' · conference' : '') +
          (call.waitingInQueue ? ' · waiting in ' + call.waitingInQueue : '') + data),
        parties);
    }));
  }
}
