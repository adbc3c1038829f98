// Types of the well-client npm package and of the drop-in `window.wellClient` (the same object).
// Hand-written: they describe what pages see, which the Rust core produces as JSON.

// ---------------------------------------------------------------------------------------------
// Deferreds

/** A callback, or a (nested) list of callbacks, as jQuery's `done`/`fail`/`always` accept. */
export type Callbacks<A extends unknown[]> = ((...args: A) => unknown) | Callbacks<A>[];

/**
 * What every command returns: a jQuery 1.x-style promise (`jQuery.Deferred().promise()` when
 * jQuery is on the page, the SDK's own otherwise), also awaitable. Callbacks added after it
 * settled run at once. It always settles (at most `requestTimeoutMs` after the request), and a
 * rejection nobody handles raises no `unhandledrejection`.
 */
export interface WellPromise<T, E = Rejection> extends PromiseLike<T> {
  /** `'pending'`, then `'resolved'` or `'rejected'`. */
  state(): 'pending' | 'resolved' | 'rejected';
  /** Runs on success; returns this promise. */
  done(...callbacks: Callbacks<[T]>[]): this;
  /** Runs on failure; returns this promise. */
  fail(...callbacks: Callbacks<[E]>[]): this;
  /** Runs either way, with the value or the rejection; returns this promise. */
  always(...callbacks: Callbacks<[T | E]>[]): this;
  /** Never called (nothing reports progress); kept for jQuery-era chains. */
  progress(...callbacks: Callbacks<unknown[]>[]): this;
  /** A new promise for what a callback returns (a thenable returned is adopted). */
  then<R1 = T, R2 = never>(
    onDone?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onFail?: ((reason: E) => R2 | PromiseLike<R2>) | null,
  ): WellPromise<R1 | R2, unknown>;
  /** jQuery's old name of `then`. */
  pipe<R1 = T, R2 = never>(
    onDone?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onFail?: ((reason: E) => R2 | PromiseLike<R2>) | null,
  ): WellPromise<R1 | R2, unknown>;
  /** `then(undefined, onFail)`. */
  catch<R = never>(onFail?: ((reason: E) => R | PromiseLike<R>) | null): WellPromise<T | R, unknown>;
  /** This promise (or `target` made into one). */
  promise<U extends object>(target?: U): this & U;
}

/** The SDK's own Deferred (exported for tests and for code that wants one without jQuery). */
export interface Deferred<T = unknown, E = unknown> extends WellPromise<T, E> {
  resolve(value?: T, ...rest: unknown[]): this;
  reject(reason?: E, ...rest: unknown[]): this;
  resolveWith(context: unknown, args?: ArrayLike<unknown>): this;
  rejectWith(context: unknown, args?: ArrayLike<unknown>): this;
}

export declare const Deferred: {
  new <T = unknown, E = unknown>(beforeStart?: (deferred: Deferred<T, E>) => void): Deferred<T, E>;
  <T = unknown, E = unknown>(beforeStart?: (deferred: Deferred<T, E>) => void): Deferred<T, E>;
};

// ---------------------------------------------------------------------------------------------
// Failures

/** Why a command failed: stable codes to switch on (never the message text). */
export type Reason =
  /** An argument is missing or malformed. */
  | 'invalid-argument'
  /** The command needs a logged-in agent. */
  | 'not-logged-in'
  /** `makeCall` within 2 s of the previous one. */
  | 'throttled'
  /** No answer within `requestTimeoutMs`. */
  | 'timeout'
  /** The request could not be sent, or the connection failed. */
  | 'network'
  /** The session expired (HTTP 426) and could not be renewed. */
  | 'session-expired'
  /** This browser cannot run the SDK, or the member is no longer supported. */
  | 'unsupported'
  /** A later call replaced this one (a second `agentLogin`). */
  | 'cancelled'
  /** The agent has a call in progress (`makeCall`, `logout`). */
  | 'call-in-progress'
  /** The agent is reserved by the dialler (`makeCall`, `logout`). */
  | 'agent-allocated'
  /** The user declined the forced login of `loginMode: 'ask'`. */
  | 'declined'
  /** HTTP 401: wrong job number, password or domain. */
  | 'unauthorized'
  /** HTTP 423: illegal agent state (deleted or disabled agent). */
  | 'agent-state-invalid'
  /** HTTP 451: the extension is not registered. */
  | 'device-not-registered'
  /** HTTP 452: illegal agent job number. */
  | 'agent-invalid'
  /** HTTP 453: illegal extension. */
  | 'device-invalid'
  /** HTTP 454: the agent is already logged in. */
  | 'agent-logged-in'
  /** HTTP 455: the agent is logged in on another extension (`deviceId` says which). */
  | 'agent-logged-in-elsewhere'
  /** HTTP 456: illegal extension state. */
  | 'device-state-invalid'
  /** HTTP 457: unauthorized extension. */
  | 'device-not-authorized'
  /** HTTP 458: the agent is already logged out. */
  | 'agent-logged-out'
  /** HTTP 459: another agent uses the extension (`agentId` says who). */
  | 'device-in-use'
  /** HTTP 460: cannot change the agent state during a call. */
  | 'device-busy'
  /** HTTP 461: too many agents online. */
  | 'agent-limit-reached'
  /** HTTP 462: reserving the agent failed. */
  | 'allocation-failed'
  /** HTTP 465: the automatic outbound quota is reached. */
  | 'auto-outbound-quota'
  /** HTTP 466: starting or stopping the recording is disabled. */
  | 'recording-disabled'
  /** HTTP 483: task not assigned. */
  | 'task-not-assigned'
  /** A 2xx answer whose body was not the JSON expected. */
  | 'bad-response'
  /** Any other HTTP error status. */
  | 'http-error';

/** What a failed command rejects with: the fields of jQuery's jqXHR pages read, and more. */
export interface Rejection {
  /** HTTP status; `0` when no response was involved (validation, timeout, network). */
  status: number;
  statusText: string;
  /** The response body as text (`''` without one). */
  responseText: string;
  /** The response body parsed, when it was JSON (for 459 it has `agentId` as well as `agent`). */
  responseJSON?: any;
  /** Why, as a stable code. */
  reason: Reason;
  /** A sentence for people; never contains a password. */
  message: string;
  /** HTTP 459: the agent using the extension, e.g. `'5002@test.cc'`. */
  agentId?: string;
  /** HTTP 455: the extension the agent is logged in on, e.g. `'8003@test.cc'`. */
  deviceId?: string;
}

// ---------------------------------------------------------------------------------------------
// Configuration

/** `setConfig` fields; each takes effect both ways. */
export interface SetConfigOptions {
  /** Mirror `log`/`error` and the SDK's log lines to the console. */
  debug?: boolean;
  /**
   * Show every STOMP frame sent (`>>> `) and WebSocket message received (`<<< `) on the
   * console (a `passcode` header hidden); never through `onLog` or the event log.
   */
  useWsLog?: boolean;
  /** Show the login error dialogs 1.3.7 showed with `useErrorAlert` (default false). */
  useErrorAlert?: boolean;
  /** Keep received events in the event log (`getLog`). */
  useEventLog?: boolean;
  /** Run the status clock in `#well-time-clock`. */
  useClock?: boolean;
  /** Log out (keepalive request) when the page is closed; default: only close the socket. */
  logoutOnUnload?: boolean;
  /** Answer ringing inbound calls; the core answers only when the page set this itself. */
  autoAnswer?: boolean;
  /** Delay of that answer after `delivered`, ms (default 500). */
  autoAnswerDelayMs?: number;
  /** Class of click-to-dial elements (default `'well-canBeCalled'`). */
  clickCallClass?: string;
  /** Ids of elements to hide (class `well-dn`). */
  hideButton?: string[] | null;
  /** Origins allowed to use the postMessage control API (default none: it is off). */
  postMessageOrigins?: string[] | null;
  /** Platform host (and optional port or path prefix), e.g. `'api.wellcloud.cc/sdk'`. */
  SDK?: string;
  /** Appended to `SDK` for REST, with its colon: `':5088'`, or `''`. */
  cstaPort?: string;
  /** Appended to `SDK` for the WebSocket. */
  eventPort?: string;
  /** Host and path of the token login, e.g. `'api.wellcloud.cc/agent/login'`. */
  TPI?: string;
  /** `'https://'` or `'http://'`. */
  protocol?: string;
  /** `'wss://'` or `'ws://'`. */
  wsProtocol?: string;
  /** WebSocket path prefix (default `'/mvc/stomp'`). */
  eventBasePath?: string;
  /** STOMP topic prefix (default `'/topic/event.agent.*.'`). */
  newWsTopic?: string;
  /** HTTP heartbeat interval, ms (at least 1000; default 60000). */
  heartbeatLength?: number;
  /** How long a command may wait for its answer before it rejects with `timeout`, ms. */
  requestTimeoutMs?: number;
  /** 1.3.7's reconnect delay, seconds (maps onto `reconnect.delayMs`). */
  timeout?: number;
  /** 1.3.7's reconnect attempts (maps onto `reconnect.tries`). */
  maxReconnectTimes?: number;
  /** Reconnect policy: `tries` about `delayMs` apart, then `wsDisconnected`, then (when
   * `background`) capped backoff up to `maxDelayMs` until logout. */
  reconnect?: { tries?: number; delayMs?: number; background?: boolean; maxDelayMs?: number };
  /** STOMP CONNECT headers; none are sent unless set. */
  stomp?: { host?: string | null; login?: string | null; passcode?: string | null };
  /** Replaces `window.alert`/`window.confirm` for the SDK's dialogs; for a confirm, return
   * true for yes. `null` puts the browser's dialogs back. */
  notify?: ((message: Notification) => boolean | void) | null;
}

/** What the notifier of `setConfig({notify})` receives. */
export interface Notification {
  type: 'alert' | 'confirm';
  /** The dialog text (the original's Chinese texts). */
  text: string;
}

/** Preset names of `useConfig`. */
export type PresetName =
  | 'CMB-PRO'
  | 'CMB-PRO-443'
  | 'CMB-PRO2'
  | 'CMB-DEV'
  | 'CMB-UAT'
  | 'CMB-TEST'
  | 'CMB-INNER'
  | 'CMB-OFFICE'
  | 'AWS-PRO'
  | 'AWS-HTTPS'
  | 'SUN-INNER'
  | 'TX'
  | 'LOCAL'
  | (string & {});

/**
 * `getConfig()`: a snapshot with the original's field names. Writing one of the fields
 * `setConfig` accepts applies it; the other fields are copies. No secrets.
 */
export interface ConfigSnapshot {
  version: string;
  ENV_NAME: string;
  sessionIdCookieName: string;
  SDK: string;
  cstaPort: string;
  eventPort: string;
  TPI: string;
  protocol: string;
  wsProtocol: string;
  autoAnswer: boolean;
  autoAnswerDelayMs: number;
  useErrorAlert: boolean;
  newWsTopic: string;
  debug: boolean;
  useWsLog: boolean;
  eventBasePath: string;
  clickCallClass: string;
  timeout: number;
  maxReconnectTimes: number;
  reconnect: { tries: number; delayMs: number; background: boolean; maxDelayMs: number };
  isLogined: boolean;
  heartbeatLength: number;
  requestTimeoutMs: number;
  useEventLog: boolean;
  useClock: boolean;
  hideButton: string[];
  logoutOnUnload: boolean;
  postMessageOrigins: string[];
  stomp: { host: string | null; login: string | null };
}

// ---------------------------------------------------------------------------------------------
// Command arguments and results

/** `agentLogin` argument. */
export interface AgentLogin {
  /** Job number, e.g. `'5001'`. */
  jobNumber: string;
  password: string;
  /** Tenant domain, e.g. `'test.cc'` (default: the preset's). */
  domain?: string;
  /** Extension, e.g. `'8001'`. */
  ext: string;
  /** When the agent or extension is in use: `force` (default) logs in anyway, `ask` asks,
   * `stop` fails. */
  loginMode?: 'force' | 'ask' | 'stop';
  /** State after login (default `'NotReady'`). */
  agentMode?: 'Ready' | 'NotReady';
}

/** `makeCall` options. */
export interface MakeCallOptions {
  /** Dial prefix, e.g. `'9'`. */
  prefix?: string;
  /** Caller number shown to the called party (the carrier decides in the end). */
  originForDisplay?: string;
  /** Number shown on the agent's phone (default: the own extension). */
  destForDisplay?: string;
  /** Call progress analysis: `'1'` on, `'0'` off. */
  cpa?: '0' | '1';
  contextId?: string;
}

/** `checkRecoverStateAbility` argument: whom the page expects to recover. */
export interface RecoverOption {
  jobNumber?: string;
  domain?: string;
  ext?: string;
}

/** The platform's `client-state` answer (`getClientState`, `checkRecoverStateAbility`). */
export interface ClientState {
  agent: {
    agentId: string;
    extensionId: string;
    namespace: string;
    agentMode: AgentMode;
    agentName?: string;
    activeCall?: {
      callId: string;
      ani: string;
      dnis: string;
      state: string;
      direction: 'In' | 'Out';
      ringTime?: string;
      answerTime?: string;
      otherSide?: string;
    };
    [field: string]: unknown;
  };
  extension: Record<string, unknown>;
  [field: string]: unknown;
}

export type AgentMode = 'Ready' | 'NotReady' | 'WorkNotReady' | 'Allocated' | 'Logout' | 'Unknown';

/** One party of a call in the call memory. */
export interface CallParty {
  /** Full device id (`'8001@test.cc'`); conference-created entries have `device` instead. */
  deviceId?: string;
  device?: string;
  connectionState: 'originated' | 'delivered' | 'connected' | 'held';
  callId: string;
  /** This party placed the call (absent on conference-added parties). */
  isCalling?: boolean;
  callingDevice: string;
  calledDevice: string;
  /** On the own entry, after conferencing an external party. */
  addDevice?: string;
}

/** One call of the call memory: its parties keyed by device id, and a few fields. */
export type Call = {
  deviceCount: number;
  /** ms since the epoch. */
  createTimeId: number;
  establishedTimeId?: number;
  isConferenced?: boolean;
} & { [deviceId: string]: CallParty | number | boolean | undefined };

/** `getCallMemory()`: calls keyed by call id, and their count. */
export type CallMemory = { length: number } & { [callId: string]: Call | number };

/** `getCallActions(callId)`: the operations valid on that call now. */
export interface CallActions {
  answer: boolean;
  drop: boolean;
  hold: boolean;
  retrieve: boolean;
  consult: boolean;
  conference: boolean;
  transfer: boolean;
  cancelConsult: boolean;
  singleStepTransfer: boolean;
  singleStepConference: boolean;
  startRecording: boolean;
  stopRecording: boolean;
  /** The consultation call of a held call, for `conference`/`transferCall`/`cancelConsult`. */
  consultCallId?: string;
}

/** `getConnectionState()` and the `connectionStateChanged` event. */
export interface ConnectionState {
  state: 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'disconnected';
  /** Reconnect attempt under way (0 when none). */
  attempt: number;
  /** Attempts before `wsDisconnected`. */
  maxAttempts: number;
  /** Two or more HTTP heartbeats in a row failed. */
  heartbeatFailing: boolean;
}

/** `getEnv()`: the session, without the password. */
export interface Env {
  user: { number: string; domain: string; ext: string; loginMode: string; agentMode: string };
  loginId: string;
  deviceId: string;
  sessionId: string;
  isAgentAllocated: boolean;
}

/** `getWs()`: `{}` before the first connection. */
export type WsInfo = {} | { connected: boolean; ws: { readyState: 0 | 1 | 2 | 3 } };

/** A command's success value: the platform's JSON answer (`undefined` for 204). */
export type Answer = any;

// ---------------------------------------------------------------------------------------------
// Events

/** Fields of every server event (after `params`, `_type`, `topics` are removed). */
export interface EventBase {
  eventName: string;
  /** `'YYYY.MM.DD HH:mm:ss'`, server local time. */
  eventTime: string;
  eventType: 'agent' | 'csta';
  serial: number;
  namespace: string;
  /** The subscribed device this copy is for. */
  srcDeviceId: string;
  deviceId: string;
  /** The event's own serial (as 1.3.7 set it). */
  lastEventSerial: number;
  /** Per-connection receive counter, 1..999. */
  brs: number;
  [field: string]: unknown;
}

export interface AgentEvent extends EventBase {
  eventType: 'agent';
  agentId: string;
  agentMode: AgentMode;
  devices?: { Voice: string };
  queueId?: string;
  reason?: string;
}

export interface CstaEvent extends EventBase {
  eventType: 'csta';
  eventSrc: string;
  callId: string;
  localState: string;
  /** `'<device>|<callId>'`. */
  connectionId: string;
  cause: string;
  agentStatus?: string;
  originCallInfo?: { callId: string; callingDevice: string; calledDevice: string };
}

export interface ServiceInitiatedEvent extends CstaEvent {
  initiatedDevice: string;
}

export interface OriginatedEvent extends CstaEvent {
  callingDevice: string;
  calledDevice: string;
}

export interface DeliveredEvent extends CstaEvent {
  alertingDevice: string;
  callingDevice: string;
  calledDevice: string;
  lastRedirectionDevice?: string;
  trunkGroup?: string;
  trunkMember?: string;
  originalCallId?: string;
  /** Call-associated data; pages read `userData.data`. */
  userData?: { data?: Record<string, unknown>; [field: string]: unknown };
  split?: string;
  callCause?: string;
  callType?:
    | 'Inbound'
    | 'Outbound'
    | 'Internal'
    | 'PreOccupied'
    | 'PreDictive'
    | 'AgentAutoCall'
    | 'PreView'
    | 'SMART_IVR'
    | (string & {});
}

export interface EstablishedEvent extends CstaEvent {
  answeringDevice: string;
  callingDevice: string;
  calledDevice: string;
  trunkGroup?: string;
  trunkMember?: string;
  split?: string;
  userData?: { data?: Record<string, unknown>; [field: string]: unknown };
  sipCallId?: string;
}

export interface ConnectionClearedEvent extends CstaEvent {
  releasingDevice: string;
  /** Who hung up first. */
  hangupDevice: string;
}

export interface HeldEvent extends CstaEvent {
  holdingDevice: string;
}

export interface RetrievedEvent extends CstaEvent {
  retrievingDevice: string;
  sipCallId?: string;
}

export interface TransferredEvent extends CstaEvent {
  primaryOldCall: string;
  secondaryOldCall: string;
  transferringDevice: string;
  transferredToDevice: string;
  newCall: string;
}

export interface ConferencedEvent extends CstaEvent {
  primaryOldCall: string;
  secondaryOldCall: string;
  conferencingDevice: string;
  addedParty: string;
  newCall: string;
}

export interface RecordStartedEvent extends CstaEvent {
  recordId: string;
  fileName: string;
  isSuccess: boolean;
}

export interface RecordStoppedEvent extends CstaEvent {
  recordId: string;
  isSuccess: boolean;
}

export interface FailedEvent extends CstaEvent {
  calledDevice: string;
  /** 1 busy now, 2 call reminder, 3 not reachable, 4 barring of incoming, 5 forwarded,
   * 6 power off, 7 out of service, 8 does not exist, 9 hold on, 10 line busy, 11 no answer,
   * 14 unknown. */
  failedCode: number | string;
  failedMsg: string;
}

/** Server events by name (`on`, `exports`, `addEventListener`). */
export interface ServerEvents {
  agentLoggedOn: AgentEvent;
  agentLoggedOff: AgentEvent;
  agentReady: AgentEvent;
  agentNotReady: AgentEvent;
  agentWorkingAfterCall: AgentEvent;
  agentAllocated: AgentEvent;
  serviceInitiated: ServiceInitiatedEvent;
  originated: OriginatedEvent;
  delivered: DeliveredEvent;
  established: EstablishedEvent;
  connectionCleared: ConnectionClearedEvent;
  held: HeldEvent;
  retrieved: RetrievedEvent;
  transferred: TransferredEvent;
  conferenced: ConferencedEvent;
  recordStarted: RecordStartedEvent;
  recordStopped: RecordStoppedEvent;
  failed: FailedEvent;
  callEnd: CstaEvent;
}

/** innerOn `connectionCleared`: the own device left a known call. */
export interface CallClearedInfo {
  eventName: 'connectionCleared';
  /** [sic] The own leg was connected when it was cleared (false if it was on hold). */
  isEstatblished: boolean;
  createTimeId: number;
  /** `''` if never answered. */
  establishedTimeId: number | '';
  /** The other party of a two-party call; `''` otherwise. */
  partyDevice: string;
  /** Two-party: the own device placed the call; `''` for three or more parties. */
  isCaller: boolean | '';
  isOutCall: boolean;
  /** The raw event. */
  data: ConnectionClearedEvent;
}

/** Events that are not server frames (`innerOn`, `addEventListener`; never `exports`/`on`). */
export interface InnerEvents {
  connectionCleared: CallClearedInfo;
  wsDisconnected: { eventName: 'wsDisconnected'; msg: string };
  recoverStateSuccess: {
    eventName: 'recoverStateSuccess';
    agentId: string;
    extensionId: string;
    agentMode: AgentMode;
    agentName: string;
    call?: {
      callId: string;
      callingDevice: string;
      calledDevice: string;
      state: 'delivered' | 'established' | '';
    };
  };
  wsReconnectSucceed: {
    eventName: 'wsReconnectSucceed';
    agentMode: AgentMode;
    activeCall?: {
      callingDevice: string;
      calledDevice: string;
      state: string;
      callId: string;
      direction: 'In' | 'Out';
      createTimeId?: number;
      establishedTimeId?: number;
    };
  };
  /** An `agentLogin` failed (emitted by the UI layer instead when one is installed). */
  loginFailed: { eventName: 'loginFailed'; status: number; responseText: string };
  connectionStateChanged: ConnectionState & { eventName: 'connectionStateChanged' };
}

/** Every event name a handler can be registered for. */
export type EventName = keyof ServerEvents | keyof InnerEvents | (string & {});

/** The payload `on(K)` handlers get: the server event, or any event for other names. */
export type EventOf<K> = K extends keyof ServerEvents ? ServerEvents[K] : EventBase;

/** The payload `innerOn(K)` handlers get. */
export type InnerEventOf<K> = K extends keyof InnerEvents
  ? InnerEvents[K]
  : { eventName: string; [field: string]: unknown };

/** The payloads listeners of `K` get: server and processed events of that name alike. */
export type ListenerEventOf<K> =
  | (K extends keyof ServerEvents ? ServerEvents[K] : never)
  | (K extends keyof InnerEvents ? InnerEvents[K] : never)
  | (K extends keyof ServerEvents | keyof InnerEvents ? never : EventBase);

/** The UI events a UI layer (`wellClient.ui.main`) receives, as the original UI expects. */
export type UiEvent =
  | { eventName: 'agentLoggedOn'; deviceId: string }
  | { eventName: 'agentLoggedOff' }
  | { eventName: 'agentReady' | 'agentNotReady'; reason?: string }
  | { eventName: 'agentWorkingAfterCall' | 'agentAllocated' }
  | { eventName: 'recordStarted' | 'recordStopped' }
  | { eventName: 'originated'; deviceId: string; device: string; callId: string; isCalling: boolean }
  | {
      eventName: 'delivered';
      deviceId: string;
      device: string;
      callId: string;
      isCalling: boolean;
      autoAnswer: boolean;
    }
  | { eventName: 'established'; deviceId: string; device: string; callId: string }
  | { eventName: 'held' | 'retrieved'; deviceId: string; device: string }
  | { eventName: 'transferred'; newCall: string; secondaryOldCall: string }
  | { eventName: 'conferenced'; callId: string }
  | { eventName: 'connectionCleared'; deviceId: string; isClearAll: boolean }
  | { eventName: 'cancelConferenced' | 'setPendingMode' | 'wsDisconnected' | 'removeUiState' };

/** What `onLog` receives. */
export interface LogMessage {
  type: 'log' | 'error' | 'alert';
  content: string;
}

// ---------------------------------------------------------------------------------------------
// The client

/** `window.wellClient`, or what `createClient()` resolves with. */
export interface WellClient {
  // --- assignable properties (read when needed, never reset by the SDK)

  /** Called with every server event. */
  exports?: (event: EventBase) => void;
  /** Called with every log line. */
  onLog?: (message: LogMessage) => void;
  /** A UI layer (`well-client-ui.js` assigns one); `main` receives the UI events. */
  ui?: { main: (event: UiEvent) => void; [member: string]: unknown };
  /** The UI layer's controllers. */
  ctrl?: unknown;

  // --- configuration

  /** Points the client at a platform preset; false (and an `onLog` error) for an unknown name. */
  useConfig(name: PresetName): boolean;
  setConfig(config: SetConfigOptions): void;
  getConfig(): ConfigSnapshot;
  /** `setDebug()` or `setDebug(true)` turns console output on, `setDebug(false)` off. */
  setDebug(on?: boolean): void;
  getVersion(): string;

  // --- session

  /** Logs the agent in: resolves when the platform accepted the login (the `agentLoggedOn`
   * event follows). */
  agentLogin(agent: AgentLogin): WellPromise<Answer>;
  /** Logs out (rejects with `call-in-progress`/`agent-allocated` during a call or a
   * reservation). */
  logout(sessionId?: string): WellPromise<Answer>;
  /** Logs out another agent of the tenant. */
  superLogout(agentNumber: string): WellPromise<Answer>;
  setAgentMode(mode: 'Ready' | 'NotReady', reason?: string): WellPromise<Answer>;
  /** After a reload: re-attaches to the session kept in this tab (resolves once the socket is
   * subscribed and the state rebuilt). */
  checkRecoverStateAbility(option?: RecoverOption): WellPromise<ClientState>;
  getClientState(): WellPromise<ClientState>;
  isLogined(): boolean;
  getSessionId(): string;
  getEnv(): Env;
  getMyPrefix(): string[];
  getWs(): WsInfo;
  getConnectionState(): ConnectionState;

  // --- calls

  /** Dials (one call per 2 s; a second one rejects with `throttled`). Resolves with
   * `{callId}`. */
  makeCall(phoneNumber: string, options?: MakeCallOptions): WellPromise<{ callId: string }>;
  /** Answers; without a call id, the only call. */
  answerCall(callId?: string): WellPromise<Answer>;
  /** Hangs up; without a call id, the only call. */
  dropConnection(callId?: string): WellPromise<Answer>;
  /** Holds; without a call id, the only call. */
  holdCall(callId?: string): WellPromise<Answer>;
  /** Retrieves; without a call id, the only call. */
  retrieveCall(callId?: string): WellPromise<Answer>;
  singleStepTransfer(callId: string, phoneNumber: string): WellPromise<Answer>;
  singleStepConference(
    callId: string,
    phoneNumber: string,
    type?: 'Active' | 'Silent',
  ): WellPromise<Answer>;
  /** Puts the call on hold and calls `phoneNumber`. */
  consult(holdCallId: string, phoneNumber: string): WellPromise<Answer>;
  conference(holdCallId: string, consultCallId: string): WellPromise<Answer>;
  cancelConsult(holdCallId: string, consultCallId: string): WellPromise<Answer>;
  transferCall(holdCallId: string, consultCallId: string): WellPromise<Answer>;
  /** Experimental. */
  transferWaitReturn(holdCallId: string, consultCallId: string): WellPromise<Answer>;
  /** Experimental ("call parking"); without a call id, the only call. */
  singleTransferWaitReturn(callId: string | undefined, ivr: string): WellPromise<Answer>;
  /** Experimental; without a call id, the only call. */
  agentGreeting(callId: string | undefined, message: string): WellPromise<Answer>;
  /** Deprecated by the platform. */
  setCallData(
    callId: string,
    data: Array<{ key: string; value: unknown }> | Record<string, unknown>,
  ): WellPromise<Answer>;
  /** Deprecated by the platform. */
  getCallData(callId: string): WellPromise<Answer>;
  startRecording(): WellPromise<Answer>;
  stopRecording(): WellPromise<Answer>;
  getCallMemory(): CallMemory;
  getCallActions(callId: string): CallActions;
  /** Digits with an optional leading `+`, `*`/`#` codes, or `main-Wext`. */
  isPhoneNumber(text: string): boolean;

  // --- supervisor

  forceDrop(deviceId: string, callId: string): WellPromise<Answer>;
  forceJoin(deviceId: string, callId: string, phoneNumber: string): WellPromise<Answer>;
  forceTake(deviceId: string, callId: string, phoneNumber: string): WellPromise<Answer>;
  /** Note the argument order. */
  forceListen(callId: string, deviceId: string): WellPromise<Answer>;
  forceReady(agentId: string, deviceId: string): WellPromise<Answer>;
  forceNotReady(agentId: string, deviceId: string): WellPromise<Answer>;
  forceLogout(agentId: string, deviceId: string): WellPromise<Answer>;
  releaseAllocatedAgent(agentId: string): WellPromise<Answer>;

  // --- events

  /** The one handler of a server event; a later call replaces it. */
  on<K extends EventName>(eventName: K, handler: (event: EventOf<K>) => void): void;
  /** The one handler of a processed event (`connectionCleared`, `wsDisconnected`, ...). */
  innerOn<K extends EventName>(eventName: K, handler: (event: InnerEventOf<K>) => void): void;
  /** Any number of handlers per event name (server and processed events), called after `on`'s
   * and `innerOn`'s. */
  addEventListener<K extends EventName>(
    eventName: K,
    handler: (event: ListenerEventOf<K>) => void,
  ): void;
  /** Removes every registration of `handler` for `eventName`. */
  removeEventListener<K extends EventName>(
    eventName: K,
    handler: (event: ListenerEventOf<K>) => void,
  ): void;
  /** Like `addEventListener`, for the next such event only. */
  once<K extends EventName>(eventName: K, handler: (event: ListenerEventOf<K>) => void): void;
  /** Calls the innerOn handler and listeners of `event.eventName` with `event`. */
  triggerInnerOn(event: { eventName: string; [field: string]: unknown }): void;

  // --- logs

  /** `onLog({type: 'log', content})`, and the console when debugging. */
  log(message: unknown): void;
  error(message: unknown): void;
  /** The event log: a header line, the entries `[MM-DD HH:mm:ss.mmm]: ...`, footer lines. */
  getLog(): string;
  getEventLog(): string;
  clearLog(): void;
  enableLog(): void;
  disableLog(): void;
  /** Offers the event log as a text file download. */
  downloadLog(): void;
  /** Uploads the event log to the platform. */
  uploadLog(): WellPromise<Answer>;
  /** Adds `#well-time-clock` after `#well-now-state`. */
  insertClock(): void;
  findItem(list: unknown[], key: string, value: unknown): number | false;

  // --- retired (kept so old pages do not break; they log a deprecation)

  /** Retired: use `agentLogin`. Rejects with `unsupported`. */
  login(...args: unknown[]): WellPromise<never>;
  setSessionId(...args: unknown[]): void;
  deliverEvent(...args: unknown[]): void;
  trigger(...args: unknown[]): void;
  get(...args: unknown[]): void;
  render(...args: unknown[]): void;
  isFunction(...args: unknown[]): void;
  isArray(...args: unknown[]): void;
  getCache(...args: unknown[]): void;
  seacchLog(...args: unknown[]): void;
  createLogName(...args: unknown[]): void;
  relogin(...args: unknown[]): void;
  heartbeat(...args: unknown[]): void;
  outputLog(...args: unknown[]): void;
  sendPendingMode(...args: unknown[]): void;
  ieInit(...args: unknown[]): void;

  /** Any other property a page assigns is kept as it is. */
  [property: string]: unknown;
}

/** `createClient` options: `setConfig` fields, plus where the wasm comes from. */
export interface CreateClientOptions extends SetConfigOptions {
  /** Applied first: a preset name. */
  useConfig?: PresetName;
  /** The module, its bytes, or a URL/Response to load it from (default: the package's
   * `well_client_bg.wasm`, next to the entry). */
  wasm?: WebAssembly.Module | BufferSource | URL | string | Response | Promise<Response>;
}

/** Loads the SDK (once) and returns a new client; clients share nothing. */
export declare function createClient(options?: CreateClientOptions): Promise<WellClient>;
export default createClient;
