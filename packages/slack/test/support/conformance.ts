import { loadSlackContract, type SlackContract } from '../contract/slack-contract.js';
import type { LoggedRequest } from '../standin/server.js';

let contract: SlackContract | undefined;

export function slackContract(): SlackContract {
  contract ??= loadSlackContract();
  return contract;
}

/** Every answer the stand-in gave for a method the spec knows, with its violations. */
export function violations(log: LoggedRequest[], fromSeq = 0): string[] {
  const c = slackContract();
  const known = new Set(c.methods);
  return log
    .filter((e) => e.seq > fromSeq && known.has(e.method))
    .flatMap((e) => c.check(e.method, e.response).map((v) => `#${e.seq} ${v}`));
}
