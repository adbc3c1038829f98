// The npm package in a plain page: `createClient()` loads the wasm and gives a client of its
// own (no global), whose commands are awaited; failures are switched on `err.reason`.
import { createClient } from '/dist/npm/index.js';

const $ = (id) => document.getElementById(id);
const port = location.port ? ':' + location.port : '';

// LOCAL is the simulator; the other fields point the client at the server of this page.
const client = await createClient({
  useConfig: 'LOCAL',
  SDK: location.hostname,
  cstaPort: port,
  eventPort: port,
  TPI: location.host + '/login',
});

let callId = '';

function say(text, isError) {
  $('message').textContent = text;
  $('message').className = isError ? 'error' : '';
}

function showState(text, loggedIn) {
  $('state').textContent = text;
  $('state').dataset.loggedIn = String(loggedIn);
}

/** Runs a command; a failure is reported by its stable reason code. */
async function run(what, command) {
  try {
    const result = await command();
    say(what + ': done');
    return result;
  } catch (err) {
    say(what + ' failed: ' + err.reason + ' (' + err.message + ')', true);
    return undefined;
  }
}

// `exports` sees every server event; listeners (any number per name) take what they need.
client.exports = (event) => {
  const line = event.eventName + (event.callId ? ' ' + event.callId.slice(0, 8) : '') +
    (event.agentMode ? ' ' + event.agentMode : '');
  $('events').textContent = line + '\n' + $('events').textContent;
};
client.addEventListener('agentLoggedOn', (event) => showState('logged in, ' + event.agentMode, true));
client.addEventListener('agentReady', () => showState('Ready', true));
client.addEventListener('agentNotReady', () => showState('Not ready', true));
client.addEventListener('agentLoggedOff', () => showState('logged out', false));
client.addEventListener('originated', (event) => {
  callId = event.callId;
});
client.addEventListener('delivered', (event) => {
  callId = event.callId;
});
client.innerOn('connectionCleared', (info) => {
  if (info.data.callId === callId) {
    callId = '';
  }
});
client.addEventListener('connectionStateChanged', (c) => {
  document.title = 'well-client · ' + c.state;
});

$('login-form').addEventListener('submit', (e) => {
  e.preventDefault();
  run('login', () => client.agentLogin({
    jobNumber: $('job').value,
    password: $('password').value,
    domain: 'test.cc',
    ext: $('ext').value,
    loginMode: 'force',
    agentMode: 'Ready',
  }));
});
$('logout').addEventListener('click', () => run('logout', () => client.logout()));
$('ready').addEventListener('click', () => run('ready', () => client.setAgentMode('Ready')));
$('not-ready').addEventListener('click', () =>
  run('not ready', () => client.setAgentMode('NotReady', '1')));
$('call').addEventListener('click', async () => {
  const result = await run('call', () => client.makeCall($('number').value));
  if (result) {
    callId = result.callId;
  }
});
$('hangup').addEventListener('click', () => run('hang up', () => client.dropConnection(callId)));

showState('SDK ' + client.getVersion() + ' loaded; not logged in', false);
