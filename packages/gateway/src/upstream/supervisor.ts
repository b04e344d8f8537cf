import { EventEmitter } from 'node:events';
import {
  Client,
  type ClientCapabilities,
  type Implementation,
  type LoggingMessageNotification,
  type Transport,
} from '@modelcontextprotocol/client';
import { upstreamEnvironment } from './env.js';
import { ProcessGroupTransport } from './process-group-transport.js';
import { createRedactor, type Redactor } from './redact.js';
import { remoteTransports } from './remote.js';
import {
  describeTarget,
  type Lifecycle,
  type LifecycleInput,
  lifecycleSchema,
  type UpstreamTarget,
} from './spec.js';
import { StderrRing } from './stderr-ring.js';

export type UpstreamState = 'idle' | 'starting' | 'ready' | 'backoff' | 'failed' | 'stopped';
export type ListKind = 'tools' | 'resources' | 'prompts';

/** A use of an upstream that is not running; the message names the server and says what to do. */
export class UpstreamUnavailableError extends Error {
  constructor(
    readonly server: string,
    readonly state: UpstreamState,
    message: string,
  ) {
    super(message);
    this.name = 'UpstreamUnavailableError';
  }
}

export interface UpstreamStatus {
  name: string;
  target: string;
  state: UpstreamState;
  /** Which transport carries the connection: stdio, http or sse. */
  transport?: 'stdio' | 'http' | 'sse';
  pid?: number;
  /** Restarts after a crash since the gateway started (or since a manual restart). */
  restarts: number;
  crashesLastMinute: number;
  lastError?: string;
  readySince?: string;
  /** When the next start attempt is due (state "backoff"). */
  retryAt?: string;
  /** Lines on stdout that were not JSON-RPC, for the current process. */
  garbageLines?: number;
  stderrTail: string[];
}

export interface SupervisorOptions {
  name: string;
  target: UpstreamTarget;
  lifecycle?: LifecycleInput;
  clientInfo?: Implementation;
  capabilities?: ClientCapabilities;
  /** Called with each new client before it connects (request handlers for sampling, roots, …). */
  prepare?: (client: Client) => void;
  /** Variables an stdio upstream inherits from the gateway's environment (default: the allow-list). */
  inheritEnv?: readonly string[];
  /** Each stderr line after redaction (to log it with the server's name). */
  onStderrLine?: (line: string) => void;
  /** Ping a ready upstream this often; a failed ping counts as a crash. 0 (default) turns it off. */
  pingIntervalMs?: number;
}

type Events = {
  state: [UpstreamStatus];
  listChanged: [ListKind];
  log: [LoggingMessageNotification['params']];
  resourceUpdated: [string];
};

const MINUTE = 60_000;
const ALL_LISTS: ListKind[] = ['tools', 'resources', 'prompts'];

/**
 * Owns one upstream connection: starts it (lazily or at once), notices when it dies, restarts it
 * with backoff, and parks it as failed after too many crashes in a minute. Nothing an upstream
 * does throws out of here: failures become state, status and `UpstreamUnavailableError`s for the
 * callers of `client()`, which name the server.
 */
export class UpstreamSupervisor {
  readonly name: string;
  readonly lifecycle: Lifecycle;
  readonly #options: SupervisorOptions;
  readonly #events = new EventEmitter();
  readonly #redact: Redactor;
  readonly #stderr: StderrRing;
  #state: UpstreamState = 'idle';
  #generation = 0;
  #client?: Client;
  #transport?: Transport;
  #transportKind?: 'stdio' | 'http' | 'sse';
  #starting?: Promise<void>;
  /** The transport of a start in progress, so that stop() can end it without waiting for it. */
  #pending?: Transport;
  #timer?: NodeJS.Timeout;
  #pinger?: NodeJS.Timeout;
  #crashes: number[] = [];
  #restarts = 0;
  #lastError?: string;
  #readySince?: number;
  #retryAt?: number;

  constructor(options: SupervisorOptions) {
    this.name = options.name;
    this.#options = options;
    this.lifecycle = lifecycleSchema.parse(options.lifecycle ?? {});
    const secrets =
      options.target.kind === 'stdio'
        ? Object.values(options.target.env)
        : [...Object.values(options.target.headers), ...credentialsInUrl(options.target.url)];
    const redact = createRedactor(secrets);
    const home = process.env.HOME;
    this.#redact = home && home.length > 1 ? (text) => redact(text).split(home).join('~') : redact;
    this.#stderr = new StderrRing(this.#redact, this.lifecycle.stderrLines, 1000, options.onStderrLine);
    this.#events.setMaxListeners(0);
  }

  get state(): UpstreamState {
    return this.#state;
  }

  on<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): () => void {
    this.#events.on(event, listener as (...args: unknown[]) => void);
    return () => this.#events.off(event, listener as (...args: unknown[]) => void);
  }

  /** Starts the upstream if it is idle or stopped; resolves when that attempt settles, never rejects. */
  start(): Promise<void> {
    if (this.#state === 'idle' || this.#state === 'stopped') {
      this.#starting = this.#connect();
    }
    return this.#starting ?? Promise.resolve();
  }

  /** Starts it again after it was parked as failed (or to apply a change): the crash count resets. */
  async restart(): Promise<void> {
    await this.stop();
    this.#crashes = [];
    this.#restarts = 0;
    this.#lastError = undefined;
    await this.start();
  }

  /** The connected client; starts a lazy upstream. Rejects with `UpstreamUnavailableError`. */
  async client(): Promise<Client> {
    if (this.#state === 'idle') void this.start();
    if (this.#state === 'starting') await this.#starting;
    if (this.#state === 'ready' && this.#client) return this.#client;
    throw this.unavailable();
  }

  /** The error a call to this upstream gets in its current state. */
  unavailable(): UpstreamUnavailableError {
    const name = this.name;
    const detail = this.#lastError ? ` Last error: ${this.#lastError}.` : '';
    switch (this.#state) {
      case 'backoff': {
        const seconds = Math.max(1, Math.ceil(((this.#retryAt ?? Date.now()) - Date.now()) / 1000));
        return new UpstreamUnavailableError(
          name,
          'backoff',
          `Upstream server "${name}" crashed and restarts in about ${seconds} s; retry then.${detail}`,
        );
      }
      case 'failed':
        return new UpstreamUnavailableError(
          name,
          'failed',
          `Upstream server "${name}" has failed (${this.#crashes.length} crashes within a minute) and is ` +
            `parked until restarted; see the gateway status for its stderr.${detail}`,
        );
      case 'stopped':
        return new UpstreamUnavailableError(name, 'stopped', `Upstream server "${name}" is stopped.`);
      default:
        return new UpstreamUnavailableError(
          name,
          this.#state,
          `Upstream server "${name}" is not available (${this.#state}).${detail}`,
        );
    }
  }

  /** Stops the upstream (its whole process group for stdio); no restart follows. */
  async stop(): Promise<void> {
    this.#generation++;
    clearTimeout(this.#timer);
    clearInterval(this.#pinger);
    const client = this.#client;
    const transport = this.#transport;
    const pending = this.#pending;
    const wasReady = this.#state === 'ready';
    this.#client = undefined;
    this.#transport = undefined;
    this.#pending = undefined;
    this.#starting = undefined;
    this.#setState('stopped');
    if (wasReady) for (const kind of ALL_LISTS) this.#emit('listChanged', kind);
    await client?.close().catch(() => {});
    await transport?.close().catch(() => {});
    await pending?.close().catch(() => {});
  }

  status(stderrLines = 50): UpstreamStatus {
    const now = Date.now();
    const transport = this.#transport ?? this.#pending;
    return {
      name: this.name,
      target: describeTarget(this.#options.target),
      state: this.#state,
      ...(this.#transportKind ? { transport: this.#transportKind } : {}),
      ...(transport instanceof ProcessGroupTransport && transport.pid ? { pid: transport.pid } : {}),
      restarts: this.#restarts,
      crashesLastMinute: this.#crashes.filter((t) => now - t < MINUTE).length,
      ...(this.#lastError ? { lastError: this.#lastError } : {}),
      ...(this.#readySince && this.#state === 'ready'
        ? { readySince: new Date(this.#readySince).toISOString() }
        : {}),
      ...(this.#state === 'backoff' && this.#retryAt
        ? { retryAt: new Date(this.#retryAt).toISOString() }
        : {}),
      ...(transport instanceof ProcessGroupTransport ? { garbageLines: transport.garbageLines } : {}),
      stderrTail: this.#stderr.tail(stderrLines),
    };
  }

  /** Tells listeners; one that throws is not the upstream's failure, and stops nothing here. */
  #emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    for (const listener of this.#events.listeners(event)) {
      try {
        (listener as (...a: Events[E]) => void)(...args);
      } catch {}
    }
  }

  #setState(state: UpstreamState): void {
    this.#state = state;
    this.#emit('state', this.status());
  }

  #attempts(): Array<{ kind: 'stdio' | 'http' | 'sse'; create: () => Transport }> {
    const target = this.#options.target;
    if (target.kind === 'remote') return remoteTransports(target);
    return [
      {
        kind: 'stdio',
        create: () =>
          new ProcessGroupTransport({
            command: target.command,
            args: target.args,
            env: upstreamEnvironment(target.env, process.env, this.#options.inheritEnv),
            ...(target.cwd ? { cwd: target.cwd } : {}),
            stderr: this.#stderr,
          }),
      },
    ];
  }

  async #connect(): Promise<void> {
    const generation = ++this.#generation;
    this.#setState('starting');
    let lastError: unknown;
    for (const attempt of this.#attempts()) {
      const client = this.#newClient(generation);
      let transport: Transport;
      try {
        transport = attempt.create();
      } catch (error) {
        lastError = error;
        break;
      }
      let connected = false;
      client.onclose = () => {
        if (connected) this.#crashed(generation, this.#exitReason(transport) ?? 'the connection closed');
      };
      this.#pending = transport;
      try {
        await client.connect(transport, { timeout: this.lifecycle.connectTimeoutMs });
      } catch (error) {
        if (this.#pending === transport) this.#pending = undefined;
        lastError = this.#exitReason(transport) ?? error;
        await client.close().catch(() => {});
        await transport.close().catch(() => {});
        if (generation !== this.#generation) return;
        if (isAuthError(error)) break;
        continue;
      }
      if (this.#pending === transport) this.#pending = undefined;
      if (generation !== this.#generation) {
        await client.close().catch(() => {});
        return;
      }
      connected = true;
      this.#client = client;
      this.#transport = transport;
      this.#transportKind = attempt.kind;
      this.#readySince = Date.now();
      this.#startPinger(generation, client);
      this.#setState('ready');
      for (const kind of ALL_LISTS) this.#emit('listChanged', kind);
      return;
    }
    this.#crashed(generation, lastError ?? 'no transport could connect');
  }

  #newClient(generation: number): Client {
    const client = new Client(this.#options.clientInfo ?? { name: 'mcpkit-gateway', version: '0.1.0' }, {
      capabilities: this.#options.capabilities ?? {},
    });
    const current = () => generation === this.#generation;
    for (const kind of ALL_LISTS) {
      client.setNotificationHandler(`notifications/${kind}/list_changed`, () => {
        if (current()) this.#emit('listChanged', kind);
      });
    }
    client.setNotificationHandler('notifications/message', (notification) => {
      if (current()) this.#emit('log', notification.params);
    });
    client.setNotificationHandler('notifications/resources/updated', (notification) => {
      if (current()) this.#emit('resourceUpdated', notification.params.uri);
    });
    this.#options.prepare?.(client);
    return client;
  }

  #startPinger(generation: number, client: Client): void {
    const every = this.#options.pingIntervalMs ?? 0;
    if (every <= 0) return;
    this.#pinger = setInterval(() => {
      client.ping({ timeout: Math.min(every, 10_000) }).catch((error: unknown) => {
        if (generation !== this.#generation) return;
        this.#crashed(generation, `no answer to a ping (${this.#message(error)})`);
        void client.close().catch(() => {});
      });
    }, every);
    this.#pinger.unref();
  }

  #exitReason(transport: Transport): string | undefined {
    if (!(transport instanceof ProcessGroupTransport) || !transport.exitInfo) return undefined;
    const { code, signal } = transport.exitInfo;
    return signal ? `the process was ended by ${signal}` : `the process exited with code ${code}`;
  }

  #message(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    // Absolute paths of this machine are not the caller's business; keep the file name.
    return this.#redact(text.replace(/(?:\/[^\s/'"():]+)+\/([^\s/'"():]+)/g, '…/$1')).slice(0, 500);
  }

  #crashed(generation: number, reason: unknown): void {
    if (generation !== this.#generation || this.#state === 'stopped' || this.#state === 'failed') return;
    const wasReady = this.#state === 'ready';
    this.#generation++; // late events of this connection are stale from now on
    clearInterval(this.#pinger);
    const client = this.#client;
    this.#client = undefined;
    if (client) void client.close().catch(() => {});
    const now = Date.now();
    this.#crashes = [...this.#crashes.filter((t) => now - t < MINUTE), now];
    this.#lastError = this.#message(reason);
    this.#stderr.push(`[gateway] ${wasReady ? 'crashed' : 'failed to start'}: ${this.#lastError}`);
    const { maxCrashesPerMinute, backoffMs } = this.lifecycle.restart;
    if (this.#crashes.length >= maxCrashesPerMinute) {
      this.#setState('failed');
    } else {
      const delay = Math.min(backoffMs[1], backoffMs[0] * 2 ** (this.#crashes.length - 1));
      this.#retryAt = now + delay;
      const next = this.#generation;
      this.#timer = setTimeout(() => {
        if (next !== this.#generation || this.#state !== 'backoff') return;
        this.#restarts++;
        this.#starting = this.#connect();
      }, delay);
      this.#timer.unref();
      this.#setState('backoff');
    }
    if (wasReady) for (const kind of ALL_LISTS) this.#emit('listChanged', kind);
  }
}

function credentialsInUrl(url: string): string[] {
  try {
    const parsed = new URL(url);
    return [decodeURIComponent(parsed.password), ...[...parsed.searchParams.values()]].filter(Boolean);
  } catch {
    return [];
  }
}

function isAuthError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : '';
  return /Unauthorized|\b401\b|\b403\b/.test(text);
}
