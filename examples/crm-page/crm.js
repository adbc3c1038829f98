// The CRM page's own softphone code, written the way pages written for well-client.js 1.3.7
// are: the `wellClient` global, `exports` for every event, `on` for one, `.done/.fail` on
// every command. Phone numbers with the class `well-canBeCalled` are dialled by the SDK itself
// when clicked (its click-to-dial), once the agent is logged in.
(function () {
  'use strict';

  var el = function (id) { return document.getElementById(id); };
  var myDevice = '';
  var currentCallId = '';

  function setState(text) {
    el('phone-state').textContent = text;
  }

  function number(device) {
    return String(device || '').split('@')[0];
  }

  // Every event: keep the agent state and the current call up to date.
  wellClient.exports = function (event) {
    switch (event.eventName) {
      case 'agentLoggedOn':
        myDevice = event.deviceId;
        el('login').disabled = true;
        el('logout').disabled = false;
        setState('logged in, ' + event.agentMode);
        break;
      case 'agentReady':
        setState('ready');
        break;
      case 'agentNotReady':
        setState('not ready');
        break;
      case 'agentLoggedOff':
        myDevice = '';
        el('login').disabled = false;
        el('logout').disabled = true;
        setState('offline');
        break;
      case 'originated':
        showCall(event.callId, 'Calling ' + number(event.calledDevice) + '…', false);
        break;
      case 'established':
        showCall(event.callId, 'Talking with ' + number(event.callingDevice === myDevice
          ? event.calledDevice : event.callingDevice), false);
        break;
      case 'connectionCleared':
        if (event.releasingDevice === myDevice && event.callId === currentCallId) {
          hideCall();
        }
        break;
      default:
    }
  };

  // A ringing inbound call: offer to answer it and show whose number it is.
  wellClient.on('delivered', function (event) {
    if (event.alertingDevice !== myDevice || event.callingDevice === myDevice) {
      return;
    }
    var caller = number(event.callingDevice);
    var rows = document.querySelectorAll('#customers tbody tr');
    var name = '';
    for (var i = 0; i < rows.length; i++) {
      var match = rows[i].getAttribute('data-phone') === caller;
      rows[i].className = match ? 'calling' : '';
      if (match) {
        name = rows[i].cells[0].textContent;
      }
    }
    showCall(event.callId, 'Incoming call from ' + caller + (name ? ' (' + name + ')' : ''), true);
  });

  wellClient.onLog = function (msg) {
    if (msg.type === 'error') {
      setState('error: ' + msg.content);
    }
  };

  function showCall(callId, text, ringing) {
    currentCallId = callId;
    el('call-text').textContent = text;
    el('answer').hidden = !ringing;
    el('call-bar').hidden = false;
  }

  function hideCall() {
    currentCallId = '';
    el('call-bar').hidden = true;
    var rows = document.querySelectorAll('#customers tbody tr');
    for (var i = 0; i < rows.length; i++) {
      rows[i].className = '';
    }
  }

  function failed(what) {
    return function (err) {
      setState(what + ' failed: ' + (err.reason || err.status) + (err.message ? ' (' + err.message + ')' : ''));
    };
  }

  el('phone-login').onsubmit = function (e) {
    e.preventDefault();
    setState('logging in…');
    wellClient.agentLogin({
      jobNumber: el('job').value,
      password: el('password').value,
      domain: 'test.cc',
      ext: el('ext').value,
      loginMode: 'force',
      agentMode: 'Ready'
    })
      .done(function () {
        // The agentLoggedOn event may have come first: then the state says more already.
        if (!myDevice) {
          setState('login accepted');
        }
      })
      .fail(failed('login'));
  };

  el('logout').onclick = function () {
    wellClient.logout()
      .done(function () {
        if (myDevice) {
          setState('logging out…');
        }
      })
      .fail(failed('logout'));
  };

  el('answer').onclick = function () {
    wellClient.answerCall(currentCallId)
      .done(function () { el('answer').hidden = true; })
      .fail(failed('answer'));
  };

  el('hangup').onclick = function () {
    wellClient.dropConnection(currentCallId)
      .done(function () { el('call-text').textContent = 'Hanging up…'; })
      .fail(failed('hang up'));
  };
})();
