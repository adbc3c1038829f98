// A UI layer in the shape of well-client-ui.js, the optional UI layer of well-client.js 1.3.7
// (PROTOCOL.md §0.4), written for the end-to-end test of pages that keep such a layer: loaded
// by a plain script tag after well-client.js, it installs `wellClient.ui` and `wellClient.ctrl`
// at once, keeps its own model of the calls from the UI events, renders the agent state and
// the call buttons, answers a ringing inbound call itself 500 ms after `delivered` when
// `autoAnswer` is set, and reports a failed login as the innerOn event `loginFailed`.
// It needs no jQuery.
//
// What the test reads: every UI event as received, in `window.__uiEvents`, and when it came
// (`performance.now()`), in `window.__uiEventTimes`; the order in which page code was called,
// in `window.__dispatch` (`'ui:<eventName>'` entries); failed commands in
// `window.__uiFailures`; when each auto-answer was sent, by call id, in
// `window.__uiAutoAnswers`.
(function (window, document) {
  'use strict';

  var wellClient = window.wellClient;
  if (!wellClient) {
    throw new Error('ui-layer.js needs well-client.js to be loaded first');
  }

  window.__uiEvents = window.__uiEvents || [];
  window.__uiEventTimes = window.__uiEventTimes || [];
  window.__dispatch = window.__dispatch || [];
  window.__uiFailures = window.__uiFailures || [];
  window.__uiAutoAnswers = window.__uiAutoAnswers || {};

  // English labels: the test browser has no CJK fonts, and its screenshots are read.
  var LOGGED_OUT = 'Logged out';
  var STATE_TEXT = {
    Ready: 'Ready',
    NotReady: 'Not ready',
    WorkNotReady: 'After-call work',
    Allocated: 'Allocated'
  };

  // The layer's own model, built from UI events only (1.3.7's UI kept one too).
  var model = {
    loggedIn: false,
    deviceId: '',
    agentState: '',
    reason: '',
    pendingMode: false,
    recording: false,
    disconnected: false,
    failure: '',
    // callId -> {callId, deviceId, device, isCalling, state, conferenced}
    calls: {},
    order: []
  };
  var autoAnswerDelayMs = 500;
  var answerTimers = {};

  function copy(value) {
    return JSON.parse(JSON.stringify(value));
  }

  function byId(id) {
    return document.getElementById(id);
  }

  // ---------------------------------------------------------------------------------------
  // The call model

  function putCall(e, state) {
    var call = model.calls[e.callId];
    if (!call) {
      call = model.calls[e.callId] = {
        callId: e.callId,
        deviceId: e.deviceId,
        device: e.device,
        isCalling: !!e.isCalling,
        state: state,
        conferenced: false
      };
      model.order.push(e.callId);
    }
    return call;
  }

  function removeCall(callId) {
    delete model.calls[callId];
    model.order = model.order.filter(function (id) {
      return id !== callId;
    });
    cancelAutoAnswer(callId);
  }

  function clearCalls() {
    for (var i = 0; i < model.order.length; i++) {
      cancelAutoAnswer(model.order[i]);
    }
    model.calls = {};
    model.order = [];
  }

  // The call whose other party is `deviceId` (held/retrieved/connectionCleared carry no call id).
  function callWith(deviceId) {
    for (var i = 0; i < model.order.length; i++) {
      var call = model.calls[model.order[i]];
      if (call.deviceId === deviceId) {
        return call;
      }
    }
    return null;
  }

  function firstCall(test) {
    for (var i = 0; i < model.order.length; i++) {
      var call = model.calls[model.order[i]];
      if (test(call)) {
        return call;
      }
    }
    return null;
  }

  function scheduleAutoAnswer(callId) {
    cancelAutoAnswer(callId);
    answerTimers[callId] = window.setTimeout(function () {
      delete answerTimers[callId];
      window.__uiAutoAnswers[callId] = performance.now();
      track('answerCall', wellClient.answerCall(callId));
    }, autoAnswerDelayMs);
  }

  function cancelAutoAnswer(callId) {
    if (answerTimers[callId] !== undefined) {
      window.clearTimeout(answerTimers[callId]);
      delete answerTimers[callId];
    }
  }

  // ---------------------------------------------------------------------------------------
  // wellClient.ui: one function per UI event, called through main

  var ui = {};

  /** Called by the core for every UI event: dispatches to `ui[e.eventName](e)`. */
  ui.main = function (e) {
    window.__uiEvents.push(copy(e));
    window.__uiEventTimes.push(performance.now());
    window.__dispatch.push('ui:' + e.eventName);
    var handler = e && typeof e.eventName === 'string' && e.eventName !== 'main'
      ? ui[e.eventName]
      : undefined;
    if (typeof handler === 'function') {
      handler.call(ui, e);
    }
    render();
  };

  /** How long after `delivered` a ringing inbound call is answered (1.3.7: 500 ms). */
  ui.setAutoAnswerDelayMs = function (ms) {
    autoAnswerDelayMs = ms;
  };

  ui.agentLoggedOn = function (e) {
    clearCalls();
    model.loggedIn = true;
    model.deviceId = e.deviceId || model.deviceId;
    model.agentState = '';
    model.failure = '';
    model.disconnected = false;
  };

  ui.agentLoggedOff = function () {
    clearCalls();
    model.loggedIn = false;
    model.agentState = '';
    model.reason = '';
    model.pendingMode = false;
    model.recording = false;
  };

  ui.agentReady = function (e) {
    model.agentState = 'Ready';
    model.reason = e.reason || '';
    model.pendingMode = false;
  };

  ui.agentNotReady = function (e) {
    model.agentState = 'NotReady';
    model.reason = e.reason || '';
    model.pendingMode = false;
  };

  ui.agentWorkingAfterCall = function () {
    model.agentState = 'WorkNotReady';
    model.reason = '';
  };

  ui.agentAllocated = function () {
    model.agentState = 'Allocated';
    model.reason = '';
  };

  ui.recordStarted = function () {
    model.recording = true;
  };

  ui.recordStopped = function () {
    model.recording = false;
  };

  ui.originated = function (e) {
    putCall(e, 'originated');
  };

  ui.delivered = function (e) {
    var call = putCall(e, 'delivered');
    if (call.state === 'originated') {
      call.state = 'delivered';
    }
    if (!e.isCalling && e.autoAnswer) {
      scheduleAutoAnswer(e.callId);
    }
  };

  ui.established = function (e) {
    putCall(e, 'connected').state = 'connected';
  };

  ui.held = function (e) {
    var call = callWith(e.deviceId);
    if (call) {
      call.state = 'held';
    }
  };

  ui.retrieved = function (e) {
    var call = callWith(e.deviceId);
    if (call) {
      call.state = 'connected';
    }
  };

  ui.transferred = function (e) {
    var call = model.calls[e.secondaryOldCall];
    if (!call) {
      return;
    }
    delete model.calls[e.secondaryOldCall];
    call.callId = e.newCall;
    model.calls[e.newCall] = call;
    model.order = model.order.map(function (id) {
      return id === e.secondaryOldCall ? e.newCall : id;
    });
    if (answerTimers[e.secondaryOldCall] !== undefined) {
      cancelAutoAnswer(e.secondaryOldCall);
      scheduleAutoAnswer(e.newCall);
    }
  };

  ui.conferenced = function (e) {
    var call = model.calls[e.callId];
    if (call) {
      call.conferenced = true;
    }
  };

  ui.connectionCleared = function (e) {
    if (e.isClearAll) {
      clearCalls();
      return;
    }
    var call = callWith(e.deviceId);
    if (call) {
      removeCall(call.callId);
    }
  };

  ui.cancelConferenced = function () {};

  ui.setPendingMode = function () {
    model.pendingMode = true;
  };

  ui.wsDisconnected = function () {
    model.disconnected = true;
  };

  /** The reconnect rebuild starts: forget what the UI showed; the events that follow restore it. */
  ui.removeUiState = function () {
    clearCalls();
    model.agentState = '';
    model.reason = '';
    model.disconnected = false;
  };

  // ---------------------------------------------------------------------------------------
  // Rendering

  function stateText() {
    if (!model.loggedIn) {
      return model.failure ? LOGGED_OUT + ' (' + model.failure + ')' : LOGGED_OUT;
    }
    var text = STATE_TEXT[model.agentState] || 'Logged in';
    if (model.agentState === 'NotReady' && model.reason) {
      text += ' (' + model.reason + ')';
    }
    if (model.pendingMode) {
      text += ' · change pending';
    }
    if (model.disconnected) {
      text += ' · disconnected';
    }
    return text;
  }

  function setEnabled(id, enabled) {
    var button = byId(id);
    if (button) {
      button.disabled = !enabled;
    }
  }

  function render() {
    var nowState = byId('well-now-state');
    if (nowState) {
      nowState.textContent = stateText();
      nowState.setAttribute('data-state', model.loggedIn ? model.agentState : 'Logout');
    }
    var hasCall = model.order.length > 0;
    var ringingIn = firstCall(function (c) {
      return c.state === 'delivered' && !c.isCalling;
    });
    var talking = firstCall(function (c) {
      return c.state === 'connected';
    });
    var held = firstCall(function (c) {
      return c.state === 'held';
    });
    setEnabled('well-ready', model.loggedIn && model.agentState !== 'Ready');
    setEnabled('well-notready', model.loggedIn);
    setEnabled('well-logout', model.loggedIn && !hasCall);
    setEnabled('well-makecall', model.loggedIn && !hasCall && model.agentState !== 'Allocated');
    setEnabled('well-answer', !!ringingIn);
    setEnabled('well-hangup', hasCall);
    setEnabled('well-hold', !!talking);
    setEnabled('well-retrieve', !!held);
    renderCalls();
  }

  // One line per call: the layer's view beside the core's call memory.
  function renderCalls() {
    var list = byId('well-calls');
    if (!list) {
      return;
    }
    var memory = wellClient.getCallMemory() || { length: 0 };
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    for (var i = 0; i < model.order.length; i++) {
      var call = model.calls[model.order[i]];
      var legs = memory[call.callId];
      var own = legs && legs[model.deviceId];
      var item = document.createElement('li');
      item.setAttribute('data-call-id', call.callId);
      item.setAttribute('data-state', call.state);
      item.textContent = (call.isCalling ? 'out → ' : 'in ← ') + call.device +
        ' · ' + call.state + ' · callMemory: ' + (own ? own.connectionState : '—');
      list.appendChild(item);
    }
    var length = byId('well-memory-length');
    if (length) {
      length.textContent = String(memory.length);
    }
  }

  // ---------------------------------------------------------------------------------------
  // wellClient.ctrl: what the buttons do

  function track(what, deferred) {
    if (deferred && typeof deferred.fail === 'function') {
      deferred.fail(function (err) {
        window.__uiFailures.push({
          what: what,
          status: err && err.status,
          reason: err && err.reason
        });
      });
    }
    return deferred;
  }

  var ctrl = {};

  /** Logs in; a failure becomes the innerOn event `loginFailed` (the core leaves it to us). */
  ctrl.login = function (agent) {
    model.failure = '';
    var login = wellClient.agentLogin(agent);
    login.fail(function (err) {
      var status = err ? err.status : 0;
      var responseText = err ? err.responseText : '';
      model.failure = 'login failed: ' + status;
      render();
      wellClient.triggerInnerOn({
        eventName: 'loginFailed',
        status: status,
        responseText: responseText
      });
    });
    return login;
  };

  ctrl.ready = function () {
    return track('setAgentMode', wellClient.setAgentMode('Ready'));
  };

  ctrl.notReady = function (reason) {
    var d = wellClient.setAgentMode('NotReady', reason || '');
    d.fail(function (err) {
      // 460: the platform refused the change during a call; show what is true again.
      if (err && err.status === 460) {
        render();
      }
    });
    return track('setAgentMode', d);
  };

  ctrl.makeCall = function (number) {
    return track('makeCall', wellClient.makeCall(number));
  };

  ctrl.answer = function () {
    var call = firstCall(function (c) {
      return c.state === 'delivered' && !c.isCalling;
    });
    return call ? track('answerCall', wellClient.answerCall(call.callId)) : undefined;
  };

  ctrl.hangup = function () {
    var call = firstCall(function (c) {
      return c.state === 'connected';
    }) || firstCall(function () {
      return true;
    });
    return call ? track('dropConnection', wellClient.dropConnection(call.callId)) : undefined;
  };

  ctrl.hold = function () {
    var call = firstCall(function (c) {
      return c.state === 'connected';
    });
    return call ? track('holdCall', wellClient.holdCall(call.callId)) : undefined;
  };

  ctrl.retrieve = function () {
    var call = firstCall(function (c) {
      return c.state === 'held';
    });
    return call ? track('retrieveCall', wellClient.retrieveCall(call.callId)) : undefined;
  };

  ctrl.logout = function () {
    return track('logout', wellClient.logout());
  };

  /** 1.3.7's UI uploaded the event log when the state label was clicked. */
  ctrl.uploadLog = function () {
    return track('uploadLog', wellClient.uploadLog());
  };

  // ---------------------------------------------------------------------------------------
  // Installation: synchronous, as the original's

  wellClient.ui = ui;
  wellClient.ctrl = ctrl;

  function bind(id, action) {
    var element = byId(id);
    if (element) {
      element.addEventListener('click', action);
    }
  }

  function bindAll() {
    bind('well-ready', function () {
      ctrl.ready();
    });
    bind('well-notready', function () {
      var reason = byId('well-notready-reason');
      ctrl.notReady(reason ? reason.value : '');
    });
    bind('well-makecall', function () {
      var number = byId('well-number');
      ctrl.makeCall(number ? number.value : '');
    });
    bind('well-answer', function () {
      ctrl.answer();
    });
    bind('well-hangup', function () {
      ctrl.hangup();
    });
    bind('well-hold', function () {
      ctrl.hold();
    });
    bind('well-retrieve', function () {
      ctrl.retrieve();
    });
    bind('well-logout', function () {
      ctrl.logout();
    });
    var show = document.querySelector('.well-show-state');
    if (show) {
      show.addEventListener('click', function () {
        ctrl.uploadLog();
      });
    }
    render();
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', bindAll);
  } else {
    bindAll();
  }
})(window, document);
