export { INHERITED_ENV_VARS, upstreamEnvironment } from './env.js';
export { type PoolOptions, UpstreamPool, type UpstreamScope } from './pool.js';
export { ProcessGroupTransport, type ProcessGroupTransportOptions } from './process-group-transport.js';
export { groupAlive, trackedGroups } from './process-groups.js';
export { createRedactor, type Redactor } from './redact.js';
export { remoteTransports } from './remote.js';
export * from './spec.js';
export { StderrRing } from './stderr-ring.js';
export {
  type ListKind,
  type SupervisorOptions,
  type UpstreamState,
  type UpstreamStatus,
  UpstreamSupervisor,
  UpstreamUnavailableError,
} from './supervisor.js';
