// Runs one `wellClient` command the way the page always does: logged as a page action,
// progress and outcome on a status line, the failure in words.

import { setStatus } from './dom.js';
import { commandFailure } from './messages.js';

/**
 * Calls `wellClient[name](...args)` and chains `.done/.fail` on the Deferred it returns.
 * `status` is the status line to write to (may be null); `okText(result)` what success says.
 * Returns the Deferred.
 */
export function runCommand(app, name, args, status, okText) {
  app.log.add('page', name, { args });
  if (status) {
    setStatus(status, name + '…', 'busy');
  }
  return app.wc[name](...args)
    .done((result) => {
      if (status) {
        setStatus(status, okText ? okText(result) : name + ': accepted', 'ok');
      }
    })
    .fail((err) => {
      const text = name + ': ' + commandFailure(err);
      app.log.add('page', name + ' failed', err);
      if (status) {
        setStatus(status, text, 'error');
      }
    });
}
