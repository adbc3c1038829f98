// Type-level test of index.d.ts: what pages write must compile, and misuse must not.
// Run: tools/node_modules/.bin/tsc -p js-shim/test/types
import createClient, { Deferred, type Rejection, type WellClient } from '../../index.js';

async function main(): Promise<void> {
  const client: WellClient = await createClient({ useConfig: 'LOCAL', debug: true });
  client.exports = (event) => console.log(event.eventName, event.serial);
  client.onLog = ({ type, content }) => console.log(type, content);
  client.setConfig({ notify: (m) => m.type === 'confirm', autoAnswer: true });

  const login = client.agentLogin({ jobNumber: '5001', password: '123456', domain: 'test.cc', ext: '8001' });
  login.done((res) => console.log(res)).fail((err: Rejection) => {
    if (err.reason === 'device-in-use') console.log(err.agentId);
  });
  await login;
  try {
    const { callId } = await client.makeCall('913800000000', { prefix: '9' });
    client.getCallActions(callId).hold satisfies boolean;
  } catch (e) {
    console.log((e as Rejection).status);
  }
  // Without a call id these act on the only call.
  client.answerCall().done(() => client.holdCall()).done(() => client.retrieveCall());
  client.on('delivered', (e) => console.log(e.callingDevice, e.userData?.data));
  client.innerOn('connectionCleared', (e) => console.log(e.isEstatblished, e.data.releasingDevice));
  client.addEventListener('connectionStateChanged', (e) => console.log(e.state, e.attempt));
  client.once('agentReady', (e) => console.log(e.agentMode));
  client.getConfig().debug = false;
  const state: 'pending' | 'resolved' | 'rejected' = client.logout().state();
  console.log(state, client.getConnectionState().heartbeatFailing, client.getVersion());
  const chained = client.setAgentMode('Ready').then(() => 1).catch(() => 2);
  console.log(await chained);

  const d = Deferred<number, string>();
  d.resolve(1);
  const n: number = await d.promise();
  console.log(n);

  // @ts-expect-error: setAgentMode takes 'Ready' or 'NotReady'
  client.setAgentMode('Busy');
  // @ts-expect-error: reasons are a closed set
  const r: Rejection['reason'] = 'whatever';
  console.log(r);
}

void main();
