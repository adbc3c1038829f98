// The list of my calls: built from `getCallMemory()` after every event, one card per call with
// its state, parties, direction and duration, and the buttons `getCallActions(callId)` allows.
// Also the data view/editor of the selected call.

import { byId, duration, h, setStatus, shortDevice } from './dom.js';
import { runCommand } from './commands.js';

/**
 * The call buttons. `action` is the `getCallActions` flag that enables it; `number` buttons take
 * the card's number field; `consult` buttons act on the held call and its consultation.
 */
const BUTTONS = [
  { id: 'answer', action: 'answer', label: 'Answer', tone: 'primary', method: 'answerCall' },
  { id: 'drop', action: 'drop', label: 'Hang up', tone: 'danger', method: 'dropConnection' },
  { id: 'hold', action: 'hold', label: 'Hold', method: 'holdCall' },
  { id: 'retrieve', action: 'retrieve', label: 'Retrieve', method: 'retrieveCall' },
  { id: 'startRecording', action: 'startRecording', label: 'Record', method: 'startRecording' },
  { id: 'stopRecording', action: 'stopRecording', label: 'Stop rec', method: 'stopRecording' },
  { id: 'consult', action: 'consult', label: 'Consult', method: 'consult', number: true },
  {
    id: 'singleStepTransfer', action: 'singleStepTransfer', label: 'Blind transfer',
    method: 'singleStepTransfer', number: true,
  },
  {
    id: 'singleStepConferenceActive', action: 'singleStepConference', label: 'Add (active)',
    method: 'singleStepConference', number: true, extra: 'Active',
  },
  {
    id: 'singleStepConferenceSilent', action: 'singleStepConference', label: 'Add (silent)',
    method: 'singleStepConference', number: true, extra: 'Silent',
  },
  { id: 'conference', action: 'conference', label: 'Conference', method: 'conference', consult: true },
  { id: 'transfer', action: 'transfer', label: 'Transfer', method: 'transferCall', consult: true },
  {
    id: 'cancelConsult', action: 'cancelConsult', label: 'Cancel consult',
    method: 'cancelConsult', consult: true,
  },
];

/** Which row each button sits in. */
const ROWS = [
  ['answer', 'drop', 'hold', 'retrieve', 'startRecording', 'stopRecording'],
  ['consult', 'singleStepTransfer', 'singleStepConferenceActive', 'singleStepConferenceSilent'],
  ['conference', 'transfer', 'cancelConsult'],
];

/** The party entries of a call-memory call (the other keys are the call's own fields). */
function partiesOf(call) {
  return Object.keys(call)
    .map((key) => call[key])
    .filter((v) => v && typeof v === 'object' && (v.deviceId || v.device));
}

function deviceOf(party) {
  return party.deviceId || party.device;
}

/** What a person calls the state of my leg. */
function stateLabel(leg, call, info, own) {
  if (!leg) {
    return 'Not on this call';
  }
  switch (leg.connectionState) {
    case 'originated':
      return 'Dialling';
    case 'delivered':
      return leg.isCalling ? 'Ringing out' : 'Ringing';
    case 'connected':
      return call.isConferenced ? 'Conference' : 'Talking';
    case 'held':
      if (call.isConferenced) {
        return 'Conference';
      }
      return info.heldBy && info.heldBy !== own
        ? 'Held by ' + shortDevice(info.heldBy)
        : 'On hold';
    default:
      return String(leg.connectionState || 'unknown');
  }
}

/** One call's card; built once, then updated in place so typing in it is never lost. */
class CallCard {
  constructor(list, callId) {
    this.list = list;
    this.callId = callId;
    this.buttons = new Map();
    this.number = h('input', {
      class: 'number',
      placeholder: 'number: 8002, 913900000000…',
      spellcheck: 'false',
      'aria-label': 'number for consult, transfer or conference',
    });
    for (const spec of BUTTONS) {
      const button = h('button', {
        type: 'button',
        class: spec.tone || '',
        dataset: { action: spec.id },
        onclick: (event) => {
          event.stopPropagation();
          this.run(spec);
        },
      }, spec.label);
      this.buttons.set(spec.id, button);
    }
    this.direction = h('span', { class: 'call-direction' });
    this.party = h('span', { class: 'call-party' });
    this.state = h('span', { class: 'state-badge' });
    this.recording = h('span', { class: 'rec', hidden: true, title: 'recordStarted' }, '● REC');
    this.timer = h('span', { class: 'timer' });
    this.meta = h('div', { class: 'call-meta' });
    this.status = h('p', { class: 'status' });
    this.rows = ROWS.map((ids, i) => ({
      ids,
      root: h('div', { class: 'row wrap call-buttons' },
        i === 1 ? this.number : null,
        ids.map((id) => this.buttons.get(id))),
    }));
    const rows = this.rows.map((row) => row.root);
    this.root = h('div', {
      class: 'call',
      dataset: { callId },
      onclick: () => list.select(callId),
    },
    h('div', { class: 'call-head' }, this.direction, this.party, this.state, this.recording,
      h('span', { class: 'spacer' }), this.timer),
    this.meta, rows, this.status);
  }

  /** Brings the card up to date with the call memory entry `call`. */
  update(call, info, own, now) {
    const parties = partiesOf(call);
    const leg = parties.find((p) => deviceOf(p) === own);
    const others = parties.filter((p) => deviceOf(p) !== own);
    if (leg && typeof leg.isCalling === 'boolean' && info.direction === undefined) {
      info.direction = leg.isCalling ? 'out' : 'in';
    }
    this.root.dataset.state = leg ? String(leg.connectionState) : 'none';
    this.root.dataset.conferenced = call.isConferenced ? 'true' : 'false';
    this.root.dataset.selected = this.list.selected === this.callId ? 'true' : 'false';
    this.direction.textContent = info.direction === 'out' ? '↗ Outbound'
      : info.direction === 'in' ? '↙ Inbound' : '';
    this.direction.dataset.direction = info.direction || '';
    this.party.textContent = others.length
      ? others.map((p) => shortDevice(deviceOf(p))).join(' + ')
      : '—';
    this.state.textContent = stateLabel(leg, call, info, own);
    this.state.dataset.state = this.root.dataset.state;
    this.recording.hidden = !info.recording;
    const since = Number(call.establishedTimeId) || Number(call.createTimeId) || info.firstSeen;
    this.timer.textContent = duration(now - since);
    this.timer.title = call.establishedTimeId ? 'talking since answered' : 'since the call started';
    this.meta.textContent = 'call ' + this.callId + ' · ' +
      parties.map((p) => shortDevice(deviceOf(p)) + ' ' + p.connectionState).join(', ') +
      (info.callType ? ' · ' + info.callType : '') +
      (info.split ? ' · via ' + shortDevice(info.split) : '');
    this.updateButtons(info);
  }

  updateButtons(info) {
    const actions = this.list.wc.getCallActions(this.callId) || {};
    this.consultCallId = actions.consultCallId;
    for (const spec of BUTTONS) {
      let enabled = actions[spec.action] === true;
      if (spec.id === 'startRecording') {
        enabled = enabled && !info.recording;
      } else if (spec.id === 'stopRecording') {
        enabled = enabled && !!info.recording;
      }
      this.buttons.get(spec.id).disabled = !enabled;
    }
    // A row none of whose operations applies now is left out; the first row always shows.
    this.rows.forEach((row, i) => {
      row.root.hidden = i > 0 && row.ids.every((id) => this.buttons.get(id).disabled);
    });
  }

  run(spec) {
    const app = this.list.app;
    let args;
    if (spec.number) {
      const number = this.number.value.trim();
      if (!number) {
        setStatus(this.status, spec.label + ': type the number first.', 'error');
        this.number.focus();
        return;
      }
      args = [this.callId, number].concat(spec.extra ? [spec.extra] : []);
    } else if (spec.consult) {
      args = [this.callId, this.consultCallId];
    } else if (spec.method === 'startRecording' || spec.method === 'stopRecording') {
      args = [];
    } else {
      args = [this.callId];
    }
    runCommand(app, spec.method, args, this.status);
  }
}

export class CallList {
  constructor(app) {
    this.app = app;
    this.wc = app.wc;
    this.cards = new Map();
    /** What the page learns from events about each call (the memory does not keep it). */
    this.info = new Map();
    this.recordCalls = new Map();
    this.selected = null;
    this.container = byId('calls');
    this.empty = byId('calls-empty');
    this.count = byId('calls-count');
    this.dataCard = byId('calldata-card');
    this.dataTable = byId('calldata-table');
    this.dataCall = byId('calldata-call');
    this.dataResult = byId('calldata-result');
    byId('calldata-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.setCallData();
    });
    byId('calldata-get').addEventListener('click', () => this.getCallData());
  }

  infoOf(callId) {
    let info = this.info.get(callId);
    if (!info) {
      info = { firstSeen: Date.now(), recording: false };
      this.info.set(callId, info);
    }
    return info;
  }

  /** Learns what the memory does not keep from a server event, then redraws. */
  onEvent(event) {
    const id = event.callId;
    switch (event.eventName) {
      case 'delivered': {
        const info = this.infoOf(id);
        if (event.userData && event.userData.data && typeof event.userData.data === 'object') {
          info.userData = event.userData.data;
        }
        info.callType = info.callType || event.callType;
        info.split = info.split || event.split;
        break;
      }
      case 'held':
        this.infoOf(id).heldBy = event.holdingDevice;
        break;
      case 'retrieved':
        this.infoOf(id).heldBy = null;
        break;
      case 'recordStarted':
        if (id) {
          this.infoOf(id).recording = true;
          this.recordCalls.set(event.recordId, id);
        }
        break;
      case 'recordStopped': {
        const callId = id || this.recordCalls.get(event.recordId);
        if (callId) {
          this.infoOf(callId).recording = false;
        }
        break;
      }
      case 'transferred':
      case 'conferenced':
        // The call may live on under a new id: keep what we knew about it.
        if (event.newCall && event.secondaryOldCall && event.newCall !== event.secondaryOldCall &&
            this.info.has(event.secondaryOldCall) && !this.info.has(event.newCall)) {
          this.info.set(event.newCall, this.info.get(event.secondaryOldCall));
        }
        break;
      default:
    }
    this.render();
  }

  select(callId) {
    this.selected = callId;
    this.render();
  }

  /** Redraws every card from the call memory. */
  render() {
    const memory = this.wc.getCallMemory() || {};
    const own = this.app.deviceId();
    const now = Date.now();
    const ids = Object.keys(memory)
      .filter((key) => key !== 'length' && memory[key] && typeof memory[key] === 'object')
      .sort((a, b) => (Number(memory[a].createTimeId) || 0) - (Number(memory[b].createTimeId) || 0));
    for (const [id, card] of this.cards) {
      if (!ids.includes(id)) {
        card.root.remove();
        this.cards.delete(id);
      }
    }
    if (!ids.includes(this.selected)) {
      this.selected = ids.length ? ids[ids.length - 1] : null;
    }
    ids.forEach((id, i) => {
      let card = this.cards.get(id);
      if (!card) {
        card = new CallCard(this, id);
        this.cards.set(id, card);
      }
      // Oldest first; a card is moved only when out of place, as moving it drops the focus.
      const there = this.container.children[i];
      if (there !== card.root) {
        this.container.insertBefore(card.root, there || null);
      }
      card.update(memory[id], this.infoOf(id), own, now);
    });
    // What the events told about calls that have left the memory is of no more use (a
    // re-keyed call took its entry along in onEvent).
    for (const id of [...this.info.keys()]) {
      if (!ids.includes(id)) {
        this.info.delete(id);
      }
    }
    this.empty.hidden = ids.length > 0;
    this.count.textContent = ids.length ? '(' + ids.length + ')' : '';
    this.renderCallData();
  }

  /** The selected call's data: what `delivered` carried in `userData.data`. */
  renderCallData() {
    const id = this.selected;
    this.dataCard.hidden = !id;
    if (!id) {
      return;
    }
    if (this.dataCall.textContent !== id) {
      this.dataCall.textContent = id;
      this.dataResult.hidden = true;
    }
    const data = this.infoOf(id).userData || {};
    const rows = Object.keys(data).map((key) => {
      const value = data[key];
      return h('tr', {}, h('th', {}, key),
        h('td', {}, typeof value === 'string' ? value : JSON.stringify(value)));
    });
    if (!rows.length) {
      rows.push(h('tr', {}, h('td', { class: 'muted' }, 'The call carried no user data.')));
    }
    this.dataTable.replaceChildren(...rows);
  }

  setCallData() {
    const id = this.selected;
    const key = byId('calldata-key').value.trim();
    if (!id || !key) {
      return;
    }
    const entry = { key, value: byId('calldata-value').value };
    runCommand(this.app, 'setCallData', [id, [entry]], this.dataStatus(),
      () => 'setCallData: stored ' + key)
      .done(() => this.getCallData());
  }

  getCallData() {
    const id = this.selected;
    if (!id) {
      return;
    }
    runCommand(this.app, 'getCallData', [id], this.dataStatus(), () => 'getCallData: done')
      .done((data) => {
        this.dataResult.hidden = false;
        this.dataResult.textContent = JSON.stringify(data, null, 2);
      });
  }

  dataStatus() {
    this.dataResult.hidden = false;
    return this.dataResult;
  }
}
