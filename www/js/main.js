// The demo softphone: wires the page's panels to the one `wellClient` the drop-in script made.
// Every telephony action goes through the public `wellClient` API; the Simulator tab alone talks
// to the simulator's admin API, to play the other parties.

import { byId, h, toast } from './dom.js';
import { CallList } from './calls.js';
import { showConnection } from './connection.js';
import { DialPad } from './dialpad.js';
import { EventLog } from './eventlog.js';
import { Session } from './session.js';
import { Simulator } from './simulator.js';
import { Supervisor } from './supervisor.js';

/** The innerOn events of the API, all five. */
const INNER_EVENTS = [
  'connectionCleared', 'loginFailed', 'wsDisconnected', 'recoverStateSuccess',
  'wsReconnectSucceed',
];

/** Where the auto-answer setting is kept for this tab. */
const AUTO_ANSWER_KEY = 'well-demo.autoAnswer';

const wc = window.wellClient;
if (!wc) {
  document.body.prepend(h('p', { class: 'fatal' },
    '/dist/well-client.js did not load: build it with `cargo xtask dist`.'));
  throw new Error('wellClient is missing');
}

// The LOCAL preset is the simulator on 127.0.0.1:8088; when the page is served from another
// address, point the SDK at the server that served it.
wc.useConfig('LOCAL');
if (location.host !== '127.0.0.1:8088') {
  const port = location.port ? ':' + location.port : '';
  wc.setConfig({
    SDK: location.hostname,
    cstaPort: port,
    eventPort: port,
    TPI: location.host + '/login',
    protocol: location.protocol + '//',
    wsProtocol: location.protocol === 'https:' ? 'wss://' : 'ws://',
  });
}
// Alerts become notices in the corner; the one question (`loginMode: 'ask'`) stays a dialog,
// because the SDK needs its answer at once.
wc.setConfig({
  notify: (message) => {
    if (message.type === 'confirm') {
      return window.confirm(message.text);
    }
    toast(message.text, 'error');
    return undefined;
  },
});

const log = new EventLog(wc);
const app = {
  wc,
  log,
  /** `{jobNumber, ext, domain, agentId, deviceId}` of this tab's agent, or null. */
  me: null,
  setMe(who) {
    this.me = who
      ? Object.assign({}, who, {
        agentId: who.jobNumber + '@' + who.domain,
        deviceId: who.ext + '@' + who.domain,
      })
      : null;
  },
  deviceId() {
    return this.me ? this.me.deviceId : '';
  },
  sessionChanged() {
    simulator.sessionChanged();
    supervisor.sessionChanged();
    dialPad.refreshPrefixes();
    calls.render();
  },
};

const session = new Session(app);
const calls = new CallList(app);
const dialPad = new DialPad(app);
const simulator = new Simulator(app);
const supervisor = new Supervisor(app);
simulator.listeners.push((live) => supervisor.showCalls(live));

// Server events: every one is logged, then each panel takes what concerns it. The SDK calls
// this after it has applied the event, so getCallMemory() already includes it.
wc.exports = (event) => {
  log.add('event', event.eventName, event);
  session.onEvent(event);
  calls.onEvent(event);
  if (simulator.polling) {
    simulator.refresh();
  }
};
for (const name of INNER_EVENTS) {
  wc.innerOn(name, (event) => {
    log.add('inner', name, event);
    session.onInner(event);
    calls.render();
  });
}
wc.addEventListener('connectionStateChanged', (state) => {
  log.add('inner', 'connectionStateChanged', state);
  showConnection(state);
});
wc.addEventListener('delivered', (event) => {
  const me = app.deviceId();
  if (me && event.alertingDevice === me && event.callingDevice !== me) {
    toast('Incoming call from ' + String(event.callingDevice).split('@')[0], 'info');
  }
});
wc.onLog = (message) => log.add('sdk', message.type, message);

// Tabs of the right-hand column; the live calls are polled while a tab shows them.
const tabs = document.querySelectorAll('[data-tab]');
for (const tab of tabs) {
  tab.addEventListener('click', () => {
    for (const other of tabs) {
      other.setAttribute('aria-selected', String(other === tab));
    }
    for (const panel of document.querySelectorAll('[data-panel]')) {
      panel.hidden = panel.dataset.panel !== tab.dataset.tab;
    }
    simulator.setPolling(tab.dataset.tab !== 'events');
  });
}

// Settings.
const params = new URLSearchParams(location.search);
const autoAnswer = byId('set-autoanswer');
const autoAnswerDelay = byId('set-autoanswer-delay');
function applyAutoAnswer() {
  const delay = Math.max(0, Number(autoAnswerDelay.value) || 0);
  wc.setConfig({ autoAnswer: autoAnswer.checked, autoAnswerDelayMs: delay });
  sessionStorage.setItem(AUTO_ANSWER_KEY, JSON.stringify({ on: autoAnswer.checked, delay }));
  log.add('page', 'setConfig', { autoAnswer: autoAnswer.checked, autoAnswerDelayMs: delay });
}
try {
  const saved = JSON.parse(sessionStorage.getItem(AUTO_ANSWER_KEY) || 'null');
  if (saved) {
    autoAnswer.checked = !!saved.on;
    autoAnswerDelay.value = String(saved.delay);
  }
} catch (e) {
  sessionStorage.removeItem(AUTO_ANSWER_KEY);
}
if (params.has('autoAnswer')) {
  autoAnswer.checked = params.get('autoAnswer') === '1' || params.get('autoAnswer') === 'true';
}
if (autoAnswer.checked) {
  applyAutoAnswer();
}
autoAnswer.addEventListener('change', applyAutoAnswer);
autoAnswerDelay.addEventListener('change', applyAutoAnswer);

byId('sdk-version').textContent = 'SDK ' + wc.getVersion();
showConnection(wc.getConnectionState());
setInterval(() => {
  session.tick();
  calls.render();
  dialPad.refreshPrefixes();
}, 1000);

session.start(params);
document.body.dataset.ready = 'true';
