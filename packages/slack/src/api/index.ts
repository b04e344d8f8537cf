export { TtlCache } from './cache.js';
export { type ClientOptions, createWebClient, DEFAULT_API_URL, MAX_RETRIES } from './client.js';
export { redactTokens, SlackApiError, type SlackErrorData, slackErrorData } from './errors.js';
export {
  type Clamp,
  type MarketplaceSetting,
  NON_MARKETPLACE_MAX_MESSAGES,
  RateMode,
  type RateModeState,
} from './rate-mode.js';
export {
  type ChannelDirectory,
  type ChannelSummary,
  type MessagePage,
  type SearchMatch,
  type SearchPage,
  SlackApi,
  type SlackApiOptions,
  type SlackFile,
  type SlackMessage,
  type UserSummary,
} from './slack-api.js';
export { toSlackTs, tsToIso } from './timestamps.js';
