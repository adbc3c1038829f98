// The dial pad: a trunk prefix from `getMyPrefix()`, a number typed or keyed in (extension-dial
// numbers such as `938834600-WW8001` included), and `makeCall`.

import { byId, h, setStatus } from './dom.js';
import { runCommand } from './commands.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export class DialPad {
  constructor(app) {
    this.app = app;
    this.wc = app.wc;
    this.prefix = byId('dial-prefix');
    this.number = byId('dial-number');
    this.status = byId('dial-status');
    this.shownPrefixes = '';
    const keypad = byId('keypad');
    for (const key of KEYS) {
      keypad.append(h('button', {
        type: 'button',
        dataset: { key },
        onclick: () => {
          this.number.value += key;
          this.number.focus();
        },
      }, key));
    }
    byId('dial-call').addEventListener('click', () => this.call());
    this.number.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        this.call();
      }
    });
  }

  /** Shows the prefixes the SDK knows now (it fetches them after login and recovery). */
  refreshPrefixes() {
    const prefixes = [...new Set(this.wc.getMyPrefix() || [])];
    const key = prefixes.join(',');
    if (key === this.shownPrefixes) {
      return;
    }
    this.shownPrefixes = key;
    const chosen = this.prefix.value;
    this.prefix.replaceChildren(h('option', { value: '' }, 'no prefix'),
      ...prefixes.map((p) => h('option', { value: p }, 'prefix ' + p)));
    this.prefix.value = prefixes.includes(chosen) ? chosen : '';
  }

  call() {
    const number = this.number.value.replace(/\s+/g, '');
    if (!this.wc.isPhoneNumber(number)) {
      setStatus(this.status, number
        ? number + ' is not a number the platform can dial.'
        : 'Type a number first.', 'error');
      return;
    }
    const prefix = this.prefix.value;
    const options = prefix ? { prefix } : {};
    runCommand(this.app, 'makeCall', [number, options], this.status, (result) =>
      'Calling ' + prefix + number + (result && result.callId ? ' (call ' +
        String(result.callId).slice(0, 8) + '…)' : ''));
  }
}
