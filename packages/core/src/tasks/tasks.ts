import { randomUUID } from 'node:crypto';
import {
  type CallToolResult,
  type ClientCapabilities,
  MissingRequiredClientCapabilityError,
  ProtocolError,
  ProtocolErrorCode,
} from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { answers } from '../ask/questions.js';
import { type Asker, type AskKind, ClientCannotAnswerError, type Question } from '../ask/types.js';
import { ToolError } from '../errors/tool-error.js';
import { isTerminal, MemoryTaskStore, type StoredTask, TASKS_EXTENSION, type TaskStore } from './store.js';

export interface TaskOptions {
  /** Where tasks are kept (default: in this process's memory). */
  store?: TaskStore;
  /** How long a task is kept after its last change (default 15 minutes). */
  ttlMs?: number;
  /** How often clients are told to poll tasks/get (default 1 s). */
  pollIntervalMs?: number;
  /** How long a task may run (default 30 minutes; the per-call timeout does not apply). */
  timeoutMs?: number;
  /** Most tasks one caller may have running at once (default 32). */
  maxRunningPerPrincipal?: number;
}

/** Whether a request's client declared the Tasks extension (per request, 2026-07-28 envelope). */
export function declaresTasks(capabilities: ClientCapabilities | undefined): boolean {
  const extensions = (capabilities as { extensions?: Record<string, unknown> } | undefined)?.extensions;
  return Boolean(extensions && typeof extensions === 'object' && extensions[TASKS_EXTENSION]);
}

/** The -32021 error for a request that needs the Tasks extension the client did not declare. */
export function tasksRequired(what: string): MissingRequiredClientCapabilityError {
  return new MissingRequiredClientCapabilityError(
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } as ClientCapabilities },
    `${what} needs the ${TASKS_EXTENSION} extension, which this request's client capabilities do not declare`,
  );
}

const unknownTask = (taskId: string) =>
  new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown task: ${JSON.stringify(taskId).slice(0, 80)}`);

/**
 * The tasks of one runtime: started by tools/call, then read, answered and cancelled by the
 * client that started them (tasks are visible only to their principal). The store keeps their
 * state; the runs themselves live in this process.
 */
export class Tasks {
  readonly store: TaskStore;
  readonly ttlMs: number;
  readonly pollIntervalMs: number;
  readonly timeoutMs: number;
  private readonly live = new Map<string, LiveTask>();
  private readonly running = new Map<string, number>();
  private readonly maxRunning: number;

  constructor(
    options: TaskOptions,
    private readonly logger: Logger,
  ) {
    this.maxRunning = options.maxRunningPerPrincipal ?? 32;
    this.store = options.store ?? new MemoryTaskStore();
    this.ttlMs = Math.round(options.ttlMs ?? 15 * 60_000);
    this.pollIntervalMs = Math.round(options.pollIntervalMs ?? 1000);
    this.timeoutMs = options.timeoutMs ?? 30 * 60_000;
  }

  /**
   * Creates a task (stored before this returns, so tasks/get finds it at once) and runs `run` in
   * the background; answers the CreateTaskResult.
   */
  async start(
    principal: string,
    capabilities: ClientCapabilities | undefined,
    run: (task: LiveTask) => Promise<CallToolResult>,
    known: Record<string, unknown> = {},
  ): Promise<Record<string, unknown>> {
    const running = this.running.get(principal) ?? 0;
    if (running >= this.maxRunning) {
      throw new ToolError(
        `${running} tasks of yours are still running, the most allowed at once: wait for one to finish, or cancel one (tasks/cancel)`,
      );
    }
    this.running.set(principal, running + 1);
    const now = new Date().toISOString();
    const task: StoredTask = {
      taskId: randomUUID(),
      principal,
      status: 'working',
      createdAt: now,
      lastUpdatedAt: now,
      ttlMs: this.ttlMs,
      pollIntervalMs: this.pollIntervalMs,
    };
    try {
      await this.store.create(task);
    } catch (error) {
      this.release(principal);
      throw error;
    }
    const live = new LiveTask(task.taskId, this.store, capabilities, this.logger, known);
    this.live.set(task.taskId, live);
    void run(live)
      .then(
        (result) => this.store.update(task.taskId, { status: 'completed', result }),
        (error: unknown) => this.store.update(task.taskId, { status: 'failed', error: wireError(error) }),
      )
      .catch((error) => this.logger.warn({ err: error, task: task.taskId }, 'task state not saved'))
      .finally(() => {
        live.stop();
        this.live.delete(task.taskId);
        this.release(principal);
      });
    return { resultType: 'task', ...view(task) };
  }

  private release(principal: string): void {
    const left = (this.running.get(principal) ?? 1) - 1;
    if (left > 0) this.running.set(principal, left);
    else this.running.delete(principal);
  }

  /** tasks/get: the task as its principal sees it (others: unknown task). */
  async get(principal: string, taskId: string): Promise<Record<string, unknown>> {
    return view(await this.visible(principal, taskId));
  }

  /** tasks/update: answers to the questions the task waits on; the new state shows on tasks/get. */
  async update(principal: string, taskId: string, inputResponses: unknown): Promise<Record<string, never>> {
    await this.visible(principal, taskId);
    if (inputResponses && typeof inputResponses === 'object' && !Array.isArray(inputResponses)) {
      await this.live.get(taskId)?.answer(inputResponses as Record<string, unknown>);
    }
    return {};
  }

  /** tasks/cancel: stops a running task (cancelled at once); a finished one is left as it is. */
  async cancel(principal: string, taskId: string): Promise<Record<string, never>> {
    const task = await this.visible(principal, taskId);
    if (!isTerminal(task.status)) {
      await this.store.update(taskId, { status: 'cancelled', statusMessage: 'Cancelled by the client' });
      this.live.get(taskId)?.abort();
    }
    return {};
  }

  private async visible(principal: string, taskId: string): Promise<StoredTask> {
    const task = typeof taskId === 'string' ? await this.store.get(taskId) : undefined;
    if (!task || task.principal !== principal) throw unknownTask(taskId);
    return task;
  }

  async close(): Promise<void> {
    for (const live of this.live.values()) live.abort();
    this.live.clear();
    await this.store.close?.();
  }
}

/** What the wire shows of a task: never the principal. */
function view(task: StoredTask): Record<string, unknown> {
  const { principal: _principal, ...shown } = task;
  return shown;
}

function wireError(error: unknown): { code: number; message: string; data?: unknown } {
  if (error instanceof ProtocolError) {
    return {
      code: error.code,
      message: error.message,
      ...(error.data !== undefined ? { data: error.data } : {}),
    };
  }
  return { code: ProtocolErrorCode.InternalError, message: 'Internal error' };
}

/**
 * One task running in this process. It is also the task's asker: a question puts the task in
 * `input_required` (the question shown on tasks/get) and waits for tasks/update to answer it,
 * so a handler's `await ctx.elicit(...)` simply resumes.
 */
export class LiveTask implements Asker {
  private readonly controller = new AbortController();
  private readonly waiting = new Map<
    string,
    { question: Question; resolve: (answer: unknown) => void; reject: (error: unknown) => void }
  >();
  private position = 0;

  constructor(
    readonly taskId: string,
    private readonly store: TaskStore,
    private readonly capabilities: ClientCapabilities | undefined,
    private readonly logger: Logger,
    /** Answers settled before the task was created (its prepare step), by question key. */
    private readonly known: Record<string, unknown> = {},
  ) {}

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(): void {
    this.controller.abort(new Error('The task was cancelled'));
    for (const waiter of this.waiting.values()) waiter.reject(new Error('The task was cancelled'));
    this.waiting.clear();
  }

  stop(): void {
    this.waiting.clear();
  }

  can(kind: AskKind): boolean {
    return Boolean(this.capabilities && (this.capabilities as Record<string, unknown>)[kind]);
  }

  ask(question: Question, key: string | undefined): Promise<unknown> {
    if (!this.can(question.kind)) return Promise.reject(new ClientCannotAnswerError(question.kind));
    if (this.signal.aborted) return Promise.reject(new Error('The task was cancelled'));
    const name = key ?? `ask_${++this.position}`;
    if (Object.hasOwn(this.known, name) && answers(question, this.known[name])) {
      return Promise.resolve(this.known[name]);
    }
    const answer = new Promise<unknown>((resolve, reject) => {
      this.waiting.set(name, { question, resolve, reject });
    });
    this.publish();
    return answer;
  }

  /** Takes the answers that match open questions; the others are ignored. */
  async answer(responses: Record<string, unknown>): Promise<void> {
    for (const [key, value] of Object.entries(responses)) {
      const waiter = this.waiting.get(key);
      if (!waiter || !answers(waiter.question, value)) continue;
      this.waiting.delete(key);
      waiter.resolve(value);
    }
    await this.publish();
  }

  /** Reports progress as the task's status message. */
  progress(progress: number, total?: number, message?: string): void {
    const count = total !== undefined ? `${progress}/${total}` : `${progress}`;
    this.store
      .update(this.taskId, { statusMessage: message ? `${count}: ${message}` : count })
      .catch((error) => this.logger.debug({ err: error }, 'task progress not saved'));
  }

  private publish(): Promise<void> {
    const inputRequests = Object.fromEntries(
      [...this.waiting].map(([key, { question }]) => [
        key,
        { method: question.method, params: question.params },
      ]),
    );
    return this.store
      .update(
        this.taskId,
        this.waiting.size ? { status: 'input_required', inputRequests } : { status: 'working' },
      )
      .then(() => undefined)
      .catch((error) => this.logger.debug({ err: error }, 'task state not saved'));
  }
}
