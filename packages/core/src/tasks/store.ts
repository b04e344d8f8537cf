import type { CallToolResult } from '@modelcontextprotocol/server';

/** The Tasks extension's identifier (SEP-2663), as clients declare it under `extensions`. */
export const TASKS_EXTENSION = 'io.modelcontextprotocol/tasks';

export type TaskStatus = 'working' | 'input_required' | 'completed' | 'failed' | 'cancelled';

export const isTerminal = (status: TaskStatus) =>
  status === 'completed' || status === 'failed' || status === 'cancelled';

/** One task as stored: what tasks/get shows, plus who may see it. */
export interface StoredTask {
  taskId: string;
  /** Only this principal sees the task (tasks/get, update, cancel); others get "unknown task". */
  principal: string;
  status: TaskStatus;
  statusMessage?: string;
  /** ISO 8601 */
  createdAt: string;
  /** ISO 8601 */
  lastUpdatedAt: string;
  /** How long the task is kept after its last change, in milliseconds. */
  ttlMs: number;
  pollIntervalMs: number;
  /** The tool's result, once completed. */
  result?: CallToolResult;
  /** The protocol-level error, once failed (JSON-RPC error shape). */
  error?: { code: number; message: string; data?: unknown };
  /** The questions the task waits on, by key, while input_required. */
  inputRequests?: Record<string, { method: string; params: Record<string, unknown> }>;
}

/**
 * Where tasks are kept. In memory by default (`MemoryTaskStore`); a shared store (Redis) lets
 * every node answer tasks/get. A store expires a task `ttlMs` after its last change.
 */
export interface TaskStore {
  create(task: StoredTask): Promise<void>;
  get(taskId: string): Promise<StoredTask | undefined>;
  /** Applies `change` unless the task is gone or already terminal; returns the task as it is now. */
  update(
    taskId: string,
    change: Partial<Omit<StoredTask, 'taskId' | 'principal'>>,
  ): Promise<StoredTask | undefined>;
  close?(): Promise<void>;
}

/** Tasks in this process's memory, each dropped `ttlMs` after its last change. */
export class MemoryTaskStore implements TaskStore {
  private readonly tasks = new Map<string, { task: StoredTask; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly options: { maxTasks?: number; now?: () => number } = {},
    sweepMs = 30_000,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepMs);
    this.sweeper.unref();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  async create(task: StoredTask): Promise<void> {
    this.sweep();
    const max = this.options.maxTasks ?? 10_000;
    if (this.tasks.size >= max) throw new Error(`Too many tasks kept (${max}); try again later`);
    this.tasks.set(task.taskId, { task: { ...task }, expiresAt: this.now() + task.ttlMs });
  }

  async get(taskId: string): Promise<StoredTask | undefined> {
    const entry = this.tasks.get(taskId);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.tasks.delete(taskId);
      return undefined;
    }
    return structuredClone(entry.task);
  }

  async update(
    taskId: string,
    change: Partial<Omit<StoredTask, 'taskId' | 'principal'>>,
  ): Promise<StoredTask | undefined> {
    const entry = this.tasks.get(taskId);
    if (!entry || entry.expiresAt <= this.now()) return this.get(taskId);
    if (isTerminal(entry.task.status)) return structuredClone(entry.task);
    const task: StoredTask = { ...entry.task, ...change, lastUpdatedAt: new Date(this.now()).toISOString() };
    if (task.status !== 'input_required') delete task.inputRequests;
    this.tasks.set(taskId, { task, expiresAt: this.now() + task.ttlMs });
    return structuredClone(task);
  }

  /** Tasks kept right now (for tests and diagnostics). */
  get size(): number {
    return this.tasks.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, entry] of this.tasks) if (entry.expiresAt <= now) this.tasks.delete(id);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.tasks.clear();
  }
}
