// The CRM page's own script, as such pages were written for well-client.js 1.3.7: it assigns
// `exports` and `onLog`, registers handlers, picks the platform with `useConfig` and logs the
// agent in through the UI layer's controller (`?agent=5001&ext=8001[&password=..][&mode=Ready]`).
//
// With `&recover=1` it re-attaches to the agent's session after a reload instead
// (`checkRecoverStateAbility`); `&autoAnswer=1` turns auto-answer on first (K16).
//
// What the test reads: `window.__onLog` (every onLog message), `window.__exports` and
// `window.__inner` (event objects), `window.__dispatch` (who was called, in order),
// `window.__assigned` (the objects the page assigned, to compare by identity),
// `window.__useConfig` (what `useConfig` returned and the connection fields right after).
(function (window) {
  'use strict';

  var wellClient = window.wellClient;
  window.__onLog = [];
  window.__exports = [];
  window.__inner = [];
  window.__dispatch = window.__dispatch || [];

  wellClient.exports = function (event) {
    window.__exports.push(event);
    window.__dispatch.push('exports:' + event.eventName);
  };
  wellClient.onLog = function (message) {
    window.__onLog.push({ type: message.type, content: String(message.content) });
  };

  var serverEvents = [
    'agentLoggedOn', 'agentLoggedOff', 'agentReady', 'agentNotReady', 'agentAllocated',
    'originated', 'delivered', 'established', 'held', 'retrieved', 'connectionCleared'
  ];
  serverEvents.forEach(function (name) {
    wellClient.on(name, function (event) {
      window.__dispatch.push('on:' + event.eventName);
    });
  });
  // wsReconnectSucceed is registered as pages with the UI layer did: only then does the core
  // send the UI the rebuild events after a reconnect (DECISIONS.md §2 row 27).
  var innerEvents = [
    'loginFailed', 'connectionCleared', 'wsReconnectSucceed', 'wsDisconnected',
    'recoverStateSuccess'
  ];
  innerEvents.forEach(function (name) {
    wellClient.innerOn(name, function (event) {
      window.__inner.push(JSON.parse(JSON.stringify(event)));
      window.__dispatch.push('inner:' + event.eventName);
    });
  });

  window.__assigned = {
    ui: wellClient.ui,
    ctrl: wellClient.ctrl,
    exports: wellClient.exports,
    onLog: wellClient.onLog
  };

  // Two presets, the last one wins (DECISIONS.md K15).
  var results = [wellClient.useConfig('AWS-HTTPS'), wellClient.useConfig('LOCAL')];
  var config = wellClient.getConfig();
  window.__useConfig = {
    results: results,
    SDK: config.SDK,
    cstaPort: config.cstaPort,
    eventPort: config.eventPort,
    TPI: config.TPI,
    protocol: config.protocol,
    wsProtocol: config.wsProtocol,
    autoAnswer: config.autoAnswer
  };

  // LOCAL is the simulator on port 8088; this test's simulator has a port of its own, and a
  // 1.3.7 page points the client at its platform by writing getConfig() fields (K16).
  var port = window.location.port;
  if (port && port !== '8088') {
    config.cstaPort = ':' + port;
    config.eventPort = ':' + port;
    config.TPI = window.location.hostname + ':' + port + '/login';
  }

  var query = new URLSearchParams(window.location.search);
  if (query.get('autoAnswer') === '1') {
    config.autoAnswer = true;
  }
  if (query.get('agent') && query.get('recover') === '1') {
    wellClient.checkRecoverStateAbility({
      jobNumber: query.get('agent'),
      domain: 'test.cc',
      ext: query.get('ext')
    });
  } else if (query.get('agent')) {
    wellClient.ctrl.login({
      jobNumber: query.get('agent'),
      password: query.get('password') || '123456',
      domain: 'test.cc',
      ext: query.get('ext'),
      loginMode: 'force',
      agentMode: query.get('mode') || 'NotReady'
    });
  }
})(window);
