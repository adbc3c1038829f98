// Why a command failed, in words a person can act on. The SDK rejects with a jqXHR-like object
// plus a stable `reason` code (`err.status` is 0 when no response was involved).

import { shortDevice } from './dom.js';

/** What the platform's login statuses mean (the original API doc's table). */
const LOGIN_STATUS = {
  401: 'The job number, password or domain is wrong.',
  423: 'This agent is disabled or has been deleted.',
  426: 'Could not obtain an access token; try again.',
  451: 'The extension is not registered: start the phone (wellPhone) for it first.',
  452: 'There is no agent with this job number.',
  453: 'There is no such extension.',
  454: 'The agent is already logged in.',
  456: 'The extension is in a state that does not allow a login.',
  457: 'This extension is not authorised for the tenant.',
  458: 'The agent is already logged out.',
  460: 'The extension is on a call; hang up before logging in.',
  461: 'The tenant has reached its limit of online agents.',
  462: 'Reserving the agent failed.',
  483: 'No task is assigned.',
};

/** What other statuses mean for the command that got them. */
const COMMAND_STATUS = {
  460: 'The agent state cannot be changed during a call.',
  465: 'The quota of auto-outbound answers is reached: cannot go Ready.',
  466: 'Recording start/stop is disabled for this tenant.',
  404: 'The platform does not know this call or connection (it may have ended).',
  409: 'The call is not in a state that allows this.',
};

/** The SDK's local reasons (no HTTP response involved). */
const LOCAL_REASON = {
  'invalid-argument': 'A required value is missing or malformed.',
  'not-logged-in': 'You are not logged in.',
  throttled: 'Wait two seconds between two calls.',
  timeout: 'The server did not answer in time.',
  network: 'The server cannot be reached.',
  'session-expired': 'The session has expired: log in again.',
  unsupported: 'This browser cannot run the softphone.',
  cancelled: 'A newer request replaced this one.',
  'call-in-progress': 'There is a call in progress: hang up first.',
  'agent-allocated': 'The dialler has reserved this agent: release the allocation first.',
  declined: 'You chose not to take over the extension.',
};

/**
 * The sentence for a failed `agentLogin`; `who` is the form's `{jobNumber, ext, domain}`.
 */
export function loginFailure(err, who) {
  const e = err || {};
  if (e.status === 459) {
    const holder = e.agentId || (e.responseJSON && (e.responseJSON.agentId || e.responseJSON.agent));
    return 'Extension ' + who.ext + ' is in use by agent ' +
      (holder ? shortDevice(holder) : 'another agent') + ' (459).';
  }
  if (e.status === 455) {
    const device = e.deviceId || (e.responseJSON && e.responseJSON.deviceId);
    return 'Agent ' + who.jobNumber + ' is already logged in on extension ' +
      (device ? shortDevice(device) : 'another extension') + ' (455).';
  }
  if (LOGIN_STATUS[e.status]) {
    return LOGIN_STATUS[e.status] + ' (' + e.status + ')';
  }
  return commandFailure(e);
}

/** The sentence for any other failed command. */
export function commandFailure(err) {
  const e = err || {};
  const server = e.responseJSON && typeof e.responseJSON.message === 'string'
    ? e.responseJSON.message
    : '';
  if (e.status && COMMAND_STATUS[e.status]) {
    return COMMAND_STATUS[e.status] + (server ? ' Server: ' + server + '.' : '') +
      ' (' + e.status + ')';
  }
  if (!e.status && LOCAL_REASON[e.reason]) {
    return e.message && e.reason === 'invalid-argument'
      ? LOCAL_REASON[e.reason] + ' ' + e.message
      : LOCAL_REASON[e.reason];
  }
  if (e.status) {
    const detail = server || e.message || e.statusText || e.reason || 'error';
    return 'The platform refused it: ' + detail + ' (' + e.status + ')';
  }
  return e.message || e.reason || 'It failed for an unknown reason.';
}
