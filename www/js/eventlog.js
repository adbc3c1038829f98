// The live event log: every server event (`exports`), every innerOn and listener event, the
// SDK's own log lines (`onLog`) and what the page asked for, newest first, with a filter.

import { byId, clockTime, downloadText, h, shortDevice } from './dom.js';

/** Entries kept in the page; older ones are dropped (the SDK keeps its own log). */
const MAX_ENTRIES = 2000;

/** Fields worth a glance in the one-line summary, in this order. */
const SUMMARY_FIELDS = [
  ['agentMode', (v) => v],
  ['reason', (v) => 'reason ' + v],
  ['callingDevice', (v) => 'from ' + shortDevice(v)],
  ['calledDevice', (v) => 'to ' + shortDevice(v)],
  ['alertingDevice', (v) => 'ringing ' + shortDevice(v)],
  ['answeringDevice', (v) => 'answered by ' + shortDevice(v)],
  ['releasingDevice', (v) => 'released ' + shortDevice(v)],
  ['holdingDevice', (v) => 'held by ' + shortDevice(v)],
  ['retrievingDevice', (v) => 'retrieved by ' + shortDevice(v)],
  ['transferredToDevice', (v) => 'to ' + shortDevice(v)],
  ['addedParty', (v) => 'added ' + shortDevice(v)],
  ['state', (v) => v],
  ['attempt', (v, e) => (e.maxAttempts ? 'try ' + v + '/' + e.maxAttempts : null)],
  ['msg', (v) => v],
  ['status', (v) => 'status ' + v],
  ['callId', (v) => '#' + String(v).slice(0, 8)],
];

function summary(payload) {
  if (typeof payload === 'string') {
    return payload;
  }
  if (!payload || typeof payload !== 'object') {
    return String(payload);
  }
  if (typeof payload.content === 'string' && typeof payload.type === 'string') {
    return payload.content; // an onLog message
  }
  const parts = [];
  for (const [field, describe] of SUMMARY_FIELDS) {
    const value = payload[field];
    if (value !== undefined && value !== null && value !== '') {
      const text = describe(value, payload);
      if (text) {
        parts.push(text);
      }
    }
  }
  return parts.join(' · ');
}

function asJson(payload) {
  if (typeof payload === 'string') {
    return payload;
  }
  try {
    return JSON.stringify(payload, null, 2);
  } catch (e) {
    return String(payload);
  }
}

export class EventLog {
  constructor(wellClient) {
    this.wc = wellClient;
    this.entries = [];
    this.list = byId('log');
    this.filter = byId('log-filter');
    this.kind = byId('log-kind');
    this.count = byId('log-count');
    this.filter.addEventListener('input', () => this.applyFilter());
    this.kind.addEventListener('change', () => this.applyFilter());
    byId('log-clear').addEventListener('click', () => this.clear());
    byId('log-download-sdk').addEventListener('click', () => this.wc.downloadLog());
    byId('log-download-page').addEventListener('click', () => this.download());
    this.showCount();
  }

  /** Records one entry: `kind` is `event`, `inner`, `sdk` or `page`. */
  add(kind, name, payload) {
    const entry = {
      at: new Date(),
      kind,
      name: String(name || '?'),
      summary: summary(payload),
      json: asJson(payload),
    };
    entry.search = (entry.name + ' ' + entry.json).toLowerCase();
    entry.row = this.row(entry);
    this.entries.push(entry);
    this.list.prepend(entry.row);
    this.show(entry);
    while (this.entries.length > MAX_ENTRIES) {
      this.entries.shift().row.remove();
    }
    this.showCount();
  }

  row(entry) {
    const tone = entry.kind === 'sdk' && entry.name === 'error' ? 'error' : entry.kind;
    const details = h('pre', { class: 'log-json', hidden: true }, entry.json);
    const line = h('div', { class: 'log-line' },
      h('span', { class: 'log-time' }, clockTime(entry.at)),
      h('span', { class: 'log-kind', dataset: { kind: tone } }, entry.kind),
      h('span', { class: 'log-name' }, entry.name),
      h('span', { class: 'log-summary' }, entry.summary));
    line.addEventListener('click', () => {
      details.hidden = !details.hidden;
    });
    return h('li', { dataset: { kind: entry.kind, name: entry.name } }, line, details);
  }

  show(entry) {
    const text = this.filter.value.trim().toLowerCase();
    const kind = this.kind.value;
    entry.row.hidden = (kind !== '' && entry.kind !== kind) ||
      (text !== '' && !entry.search.includes(text));
  }

  applyFilter() {
    for (const entry of this.entries) {
      this.show(entry);
    }
    this.showCount();
  }

  showCount() {
    const shown = this.entries.filter((e) => !e.row.hidden).length;
    this.count.textContent = shown === this.entries.length
      ? this.entries.length + ' entries'
      : shown + ' of ' + this.entries.length + ' entries';
  }

  clear() {
    for (const entry of this.entries) {
      entry.row.remove();
    }
    this.entries = [];
    this.showCount();
  }

  /** The page's own log as a text file, oldest first, one JSON payload per entry. */
  download() {
    const lines = this.entries.map((e) =>
      '[' + e.at.toISOString() + '] ' + e.kind + ' ' + e.name + ': ' +
      e.json.replace(/\n\s*/g, ' '));
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    downloadText('well-demo-events-' + stamp + '.txt', lines.join('\n') + '\n');
  }
}
