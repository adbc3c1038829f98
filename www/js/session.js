// Who is logged in and in which state: the login form (with a reason for every failure), the
// recovery of this tab's session after a reload, the agent state with its timer, logout.

import { byId, duration, setStatus, shortDevice } from './dom.js';
import { runCommand } from './commands.js';
import { loginFailure } from './messages.js';

/** This tab's last login (never the password); `sessionStorage` is per tab. */
const IDENTITY_KEY = 'well-demo.identity';

const MODE_LABEL = {
  Ready: 'Ready',
  NotReady: 'Not ready',
  WorkNotReady: 'After-call work',
  Allocated: 'Allocated',
  Logout: 'Logged out',
};

/** The events that change the agent state, and the state they mean. */
const MODE_OF_EVENT = {
  agentLoggedOn: null, // carries its own agentMode
  agentReady: 'Ready',
  agentNotReady: 'NotReady',
  agentWorkingAfterCall: 'WorkNotReady',
  agentAllocated: 'Allocated',
};

function readIdentity() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(IDENTITY_KEY) || 'null');
    return saved && saved.jobNumber && saved.ext && saved.domain ? saved : null;
  } catch (e) {
    return null;
  }
}

export class Session {
  constructor(app) {
    this.app = app;
    this.wc = app.wc;
    this.loggedIn = false;
    this.mode = '';
    this.modeSince = Date.now();
    this.form = byId('login-form');
    this.loginCard = byId('login-card');
    this.agentCard = byId('agent-card');
    this.loginStatus = byId('login-status');
    this.agentStatus = byId('agent-status');
    this.badge = byId('agent-badge');
    this.stateBadge = byId('agent-state');
    this.timer = byId('agent-timer');
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.login();
    });
    byId('btn-ready').addEventListener('click', () =>
      runCommand(app, 'setAgentMode', ['Ready'], this.agentStatus, modeAccepted));
    byId('btn-notready').addEventListener('click', () => {
      const reason = byId('notready-reason').value;
      runCommand(app, 'setAgentMode', reason ? ['NotReady', reason] : ['NotReady'],
        this.agentStatus, modeAccepted);
    });
    byId('btn-logout').addEventListener('click', () =>
      runCommand(app, 'logout', [], this.agentStatus, () => 'Logging out…'));
    byId('btn-release').addEventListener('click', () =>
      runCommand(app, 'releaseAllocatedAgent', [app.me.agentId], this.agentStatus));
  }

  /** On page load: recover this tab's session, else log in as the URL asks, else wait. */
  start(params) {
    this.prefill(params);
    const saved = readIdentity();
    if (saved) {
      this.recover(saved, params);
    } else if (params.get('agent')) {
      this.login();
    }
  }

  /** `?agent=5002&ext=8002[&domain=&password=&mode=&state=]` fill the form. */
  prefill(params) {
    const fields = {
      agent: 'login-job',
      ext: 'login-ext',
      domain: 'login-domain',
      password: 'login-password',
      mode: 'login-mode',
      state: 'login-state',
    };
    for (const [param, id] of Object.entries(fields)) {
      const value = params.get(param);
      if (value) {
        byId(id).value = value;
      }
    }
  }

  formValues() {
    const data = new FormData(this.form);
    const value = (name) => String(data.get(name) || '').trim();
    return {
      jobNumber: value('jobNumber'),
      password: String(data.get('password') || ''),
      domain: value('domain'),
      ext: value('ext'),
      loginMode: value('loginMode'),
      agentMode: value('agentMode'),
    };
  }

  login() {
    const agent = this.formValues();
    const who = { jobNumber: agent.jobNumber, ext: agent.ext, domain: agent.domain };
    this.app.setMe(who);
    this.app.log.add('page', 'agentLogin', Object.assign({}, agent, { password: '•••' }));
    setStatus(this.loginStatus, 'Logging in as ' + who.jobNumber + ' on ' + who.ext + '…', 'busy');
    byId('login-submit').disabled = true;
    this.wc.agentLogin(agent)
      .done(() => {
        if (!this.loggedIn) {
          setStatus(this.loginStatus, 'Login accepted; waiting for agentLoggedOn…', 'busy');
        }
      })
      .fail((err) => {
        this.app.log.add('page', 'agentLogin failed', err);
        setStatus(this.loginStatus, loginFailure(err, who), 'error');
      })
      .always(() => {
        byId('login-submit').disabled = false;
      });
  }

  recover(saved, params) {
    this.app.setMe(saved);
    setStatus(this.loginStatus,
      'Restoring the session of ' + saved.jobNumber + ' on ' + saved.ext + '…', 'busy');
    this.app.log.add('page', 'checkRecoverStateAbility', saved);
    this.wc.checkRecoverStateAbility(saved)
      .done((state) => {
        // recoverStateSuccess normally did this already; the client state says the same.
        const mode = state && state.agent && state.agent.agentMode;
        if (!this.loggedIn && mode && mode !== 'Logout') {
          this.loggedOn(saved, mode);
        }
      })
      .fail(() => {
        sessionStorage.removeItem(IDENTITY_KEY);
        setStatus(this.loginStatus, 'The earlier session has ended: log in again.', 'error');
        if (params.get('agent')) {
          this.login();
        }
      });
  }

  loggedOn(who, mode) {
    this.loggedIn = true;
    this.app.setMe(who);
    sessionStorage.setItem(IDENTITY_KEY, JSON.stringify({
      jobNumber: who.jobNumber, ext: who.ext, domain: who.domain,
    }));
    this.setMode(mode);
    setStatus(this.loginStatus, '');
    setStatus(this.agentStatus, '');
    byId('agent-who').textContent = 'Agent ' + this.app.me.agentId + ' on ' + this.app.me.deviceId;
    this.badge.textContent = who.jobNumber + ' · ' + who.ext;
    this.badge.hidden = false;
    this.loginCard.hidden = true;
    this.agentCard.hidden = false;
    document.body.dataset.session = 'logged-in';
    this.app.sessionChanged();
  }

  loggedOff() {
    this.loggedIn = false;
    sessionStorage.removeItem(IDENTITY_KEY);
    this.setMode('Logout');
    this.badge.hidden = true;
    this.loginCard.hidden = false;
    this.agentCard.hidden = true;
    setStatus(this.loginStatus, 'Logged out.', 'ok');
    document.body.dataset.session = 'logged-out';
    this.app.sessionChanged();
  }

  setMode(mode, reason) {
    if (mode !== this.mode) {
      this.modeSince = Date.now();
    }
    this.mode = mode;
    this.stateBadge.textContent = MODE_LABEL[mode] || mode || '—';
    this.stateBadge.dataset.mode = mode || '';
    byId('agent-reason').textContent = mode === 'NotReady' && reason ? 'Reason: ' + reason : '';
    byId('btn-release').hidden = mode !== 'Allocated';
    this.tick();
  }

  /** Refreshes the time since the last state change. */
  tick() {
    this.timer.textContent = duration(Date.now() - this.modeSince);
  }

  /** Server events: the agent-state ones concern this panel. */
  onEvent(event) {
    const name = event.eventName;
    if (name === 'agentLoggedOn') {
      this.loggedOn(this.app.me || identityOf(event), event.agentMode || 'NotReady');
    } else if (name === 'agentLoggedOff') {
      this.loggedOff();
    } else if (Object.prototype.hasOwnProperty.call(MODE_OF_EVENT, name)) {
      this.setMode(MODE_OF_EVENT[name], event.reason);
    }
  }

  /** innerOn events that change the session. */
  onInner(event) {
    if (event.eventName === 'recoverStateSuccess') {
      const who = identityOf(event) || this.app.me;
      this.loggedOn(who, event.agentMode);
    } else if (event.eventName === 'wsReconnectSucceed' && event.agentMode) {
      if (event.agentMode !== 'Logout') {
        this.setMode(event.agentMode);
      }
    }
  }
}

/** `{jobNumber, ext, domain}` from an event's `agentId` and `extensionId`/`deviceId`. */
function identityOf(event) {
  const agent = event.agentId || '';
  const device = event.extensionId || event.deviceId || '';
  const at = agent.indexOf('@');
  if (at < 0 || !device) {
    return null;
  }
  return { jobNumber: agent.slice(0, at), domain: agent.slice(at + 1), ext: shortDevice(device) };
}

/** What `setAgentMode` says when it succeeds: the platform may apply it after the call. */
function modeAccepted(result) {
  return result && result.pendingMode
    ? 'The platform applies it when the call ends.'
    : 'setAgentMode: accepted';
}
