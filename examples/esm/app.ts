// A typed softphone controller on the npm package, as a TypeScript app would write it (bundled
// by its own build). `cargo xtask test` type-checks it against the package's `index.d.ts`
// (`tsc -p examples/esm`), so a change of the published types that breaks apps breaks the build.
import createClient, {
  type AgentLogin,
  type AgentMode,
  type Call,
  type CallActions,
  type CallClearedInfo,
  type CallParty,
  type ConnectionState,
  type DeliveredEvent,
  type Rejection,
  type WellClient,
} from 'well-client';

/** Where the platform is: the simulator of `cargo xtask demo` by default. */
export interface Server {
  host: string;
  port: string;
}

/** One call as the app shows it. */
export interface CallView {
  callId: string;
  state: CallParty['connectionState'] | 'gone';
  others: string[];
  inbound: boolean;
  conference: boolean;
  /** ms since the epoch: answered, or else created. */
  since: number;
  actions: CallActions;
}

/** What the app tells the agent when a command fails: one sentence per reason code. */
export function reasonText(err: Rejection): string {
  switch (err.reason) {
    case 'invalid-argument':
      return 'Something is missing: ' + err.message;
    case 'not-logged-in':
      return 'Log in first.';
    case 'throttled':
      return 'Wait two seconds between calls.';
    case 'timeout':
      return 'The platform did not answer in time.';
    case 'network':
      return 'The platform cannot be reached.';
    case 'session-expired':
      return 'The session expired: log in again.';
    case 'unsupported':
      return 'This browser cannot run the softphone.';
    case 'cancelled':
      return 'A newer request replaced this one.';
    case 'call-in-progress':
      return 'Hang up first.';
    case 'agent-allocated':
      return 'The dialler has reserved you.';
    case 'declined':
      return 'You kept the other session.';
    case 'unauthorized':
      return 'Wrong job number, password or domain.';
    case 'agent-state-invalid':
      return 'This agent is disabled.';
    case 'device-not-registered':
      return 'Start your phone first: the extension is not registered.';
    case 'agent-invalid':
      return 'No such agent.';
    case 'device-invalid':
      return 'No such extension.';
    case 'agent-logged-in':
      return 'You are already logged in.';
    case 'agent-logged-in-elsewhere':
      return 'You are logged in on ' + (err.deviceId ?? 'another extension') + '.';
    case 'device-state-invalid':
      return 'The extension cannot be used now.';
    case 'device-not-authorized':
      return 'The extension is not yours to use.';
    case 'agent-logged-out':
      return 'You are already logged out.';
    case 'device-in-use':
      return 'Agent ' + (err.agentId ?? 'someone') + ' uses this extension.';
    case 'device-busy':
      return 'Not during a call.';
    case 'agent-limit-reached':
      return 'Too many agents are online.';
    case 'allocation-failed':
      return 'The reservation failed.';
    case 'auto-outbound-quota':
      return 'Your quota of dialler calls is used up.';
    case 'recording-disabled':
      return 'Recording control is disabled.';
    case 'task-not-assigned':
      return 'No task is assigned.';
    case 'bad-response':
      return 'The platform answered something unexpected.';
    case 'http-error':
      return 'The platform refused it (' + err.status + ').';
    default: {
      // Every reason is handled above: a new one in the package fails this line.
      const unhandled: never = err.reason;
      return unhandled;
    }
  }
}

function isParty(value: Call[string]): value is CallParty {
  return typeof value === 'object' && value !== null;
}

function deviceOf(party: CallParty): string {
  return party.deviceId ?? party.device ?? '';
}

/** The agent's side of the platform: session, state, calls, and what happened, typed. */
export class Softphone {
  mode: AgentMode | '' = '';
  connection: ConnectionState;
  lastCleared: CallClearedInfo | null = null;
  ringing: DeliveredEvent | null = null;
  private device = '';

  private constructor(readonly client: WellClient) {
    this.connection = client.getConnectionState();
    client.exports = (event) => {
      if (event.eventType === 'agent' && typeof event.agentMode === 'string') {
        this.mode = event.agentMode as AgentMode;
      }
    };
    client.on('agentLoggedOn', (event) => {
      this.device = event.deviceId;
    });
    client.on('delivered', (event) => {
      if (event.alertingDevice === this.device && event.callingDevice !== this.device) {
        this.ringing = event;
        const data = event.userData?.data;
        console.log('ringing from', event.callingDevice, data ? JSON.stringify(data) : '');
      }
    });
    client.innerOn('connectionCleared', (info) => {
      this.lastCleared = info;
      if (this.ringing && this.ringing.callId === info.data.callId) {
        this.ringing = null;
      }
    });
    client.innerOn('recoverStateSuccess', (event) => {
      this.mode = event.agentMode;
      this.device = event.extensionId;
    });
    client.innerOn('wsDisconnected', (event) => console.warn(event.msg));
    client.addEventListener('connectionStateChanged', (state) => {
      this.connection = state;
    });
    client.onLog = (message) => {
      if (message.type === 'error') {
        console.warn(message.content);
      }
    };
  }

  /** Loads the SDK and points a new client at `server`. */
  static async start(server: Server, autoAnswer: boolean): Promise<Softphone> {
    const client = await createClient({
      useConfig: 'LOCAL',
      SDK: server.host,
      cstaPort: ':' + server.port,
      eventPort: ':' + server.port,
      TPI: server.host + ':' + server.port + '/login',
      autoAnswer,
      notify: (note) => (note.type === 'confirm' ? window.confirm(note.text) : undefined),
    });
    return new Softphone(client);
  }

  /** Logs in, or recovers this tab's session when it is still alive. */
  async login(agent: AgentLogin): Promise<string | null> {
    try {
      await this.client.checkRecoverStateAbility({
        jobNumber: agent.jobNumber,
        ext: agent.ext,
        domain: agent.domain,
      });
      return null;
    } catch {
      // Nothing to recover: a fresh login.
    }
    try {
      await this.client.agentLogin(agent);
      return null;
    } catch (err) {
      return reasonText(err as Rejection);
    }
  }

  /** Every call of the call memory, oldest first. */
  calls(): CallView[] {
    const memory = this.client.getCallMemory();
    const views: CallView[] = [];
    for (const callId of Object.keys(memory)) {
      const call = memory[callId];
      if (typeof call !== 'object') {
        continue;
      }
      const parties = Object.values(call).filter(isParty);
      const own = parties.find((p) => deviceOf(p) === this.device);
      views.push({
        callId,
        state: own ? own.connectionState : 'gone',
        others: parties.filter((p) => p !== own).map(deviceOf),
        inbound: own?.isCalling === false,
        conference: call.isConferenced === true,
        since: call.establishedTimeId ?? call.createTimeId,
        actions: this.client.getCallActions(callId),
      });
    }
    return views.sort((a, b) => a.since - b.since);
  }

  /** Dials, with the tenant's first trunk prefix for outside numbers. */
  async dial(number: string, outside: boolean): Promise<string> {
    if (!this.client.isPhoneNumber(number)) {
      throw new Error(number + ' cannot be dialled');
    }
    const prefix = outside ? this.client.getMyPrefix()[0] : undefined;
    const { callId } = await this.client.makeCall(number, { prefix, cpa: '1' });
    return callId;
  }

  /** Consults `number` about `callId`; once it answers, `joinConsultation` merges the calls. */
  async consult(callId: string, number: string): Promise<void> {
    if (this.client.getCallActions(callId).consult) {
      await this.client.consult(callId, number);
    }
  }

  /** Conference (or transfer) the held call with its consultation. */
  async joinConsultation(heldCallId: string, transfer: boolean): Promise<boolean> {
    const actions = this.client.getCallActions(heldCallId);
    const consultCallId = actions.consultCallId;
    if (consultCallId === undefined) {
      return false;
    }
    if (transfer && actions.transfer) {
      await this.client.transferCall(heldCallId, consultCallId);
    } else if (!transfer && actions.conference) {
      await this.client.conference(heldCallId, consultCallId);
    } else {
      await this.client.cancelConsult(heldCallId, consultCallId);
    }
    return true;
  }

  /** A supervisor listens in silently on `callId`. */
  listenIn(callId: string, number: string): PromiseLike<unknown> {
    return this.client.singleStepConference(callId, number, 'Silent');
  }

  /** Tags the call for the CRM, then reads back what the platform holds for it. */
  async tag(callId: string, customerId: string): Promise<unknown> {
    await this.client.setCallData(callId, { customerId });
    return this.client.getCallData(callId);
  }

  /** Hold, or retrieve, whichever the call allows now; the jQuery-style chain of 1.3.7 pages. */
  toggleHold(callId: string, done: (held: boolean) => void): void {
    const actions = this.client.getCallActions(callId);
    if (actions.hold) {
      this.client.holdCall(callId).done(() => done(true)).fail((err) => console.warn(reasonText(err)));
    } else if (actions.retrieve) {
      this.client
        .retrieveCall(callId)
        .done(() => done(false))
        .fail((err) => console.warn(reasonText(err)))
        .always(() => console.log('retrieve settled'));
    }
  }

  /** Not ready with a reason, and the recording of the current call stopped. */
  async takeBreak(reason: string): Promise<void> {
    await this.client.setAgentMode('NotReady', reason);
    for (const call of this.calls()) {
      if (call.actions.stopRecording) {
        await this.client.stopRecording();
      }
    }
  }

  /** Hangs up every call, then logs out. */
  async logout(): Promise<string | null> {
    for (const call of this.calls()) {
      if (call.actions.drop) {
        await this.client.dropConnection(call.callId);
      }
    }
    const request = this.client.logout();
    const settled: 'pending' | 'resolved' | 'rejected' = request.state();
    console.log('logout request', settled);
    try {
      await request;
      return null;
    } catch (err) {
      return reasonText(err as Rejection);
    }
  }
}
