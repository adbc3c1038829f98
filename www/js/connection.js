// The connection pill: what `getConnectionState()` and `connectionStateChanged` say, in words.

import { byId } from './dom.js';

/** `{state, attempt, maxAttempts, heartbeatFailing}` → a short sentence. */
export function describeConnection(c) {
  const state = c && c.state ? c.state : 'idle';
  let text;
  switch (state) {
    case 'idle':
      text = 'not connected';
      break;
    case 'connecting':
      text = 'connecting…';
      break;
    case 'connected':
      text = 'connected';
      break;
    case 'reconnecting':
      text = c.maxAttempts && c.attempt <= c.maxAttempts
        ? 'reconnecting ' + c.attempt + '/' + c.maxAttempts
        : 'reconnecting in the background' + (c.attempt ? ' (try ' + c.attempt + ')' : '');
      break;
    case 'disconnected':
      text = 'disconnected';
      break;
    default:
      text = String(state);
  }
  if (c && c.heartbeatFailing) {
    text += ' · heartbeat failing';
  }
  return text;
}

export function showConnection(c) {
  const pill = byId('connection');
  pill.textContent = describeConnection(c);
  pill.dataset.state = c && c.state ? c.state : 'idle';
  pill.dataset.heartbeat = c && c.heartbeatFailing ? 'failing' : 'ok';
}
