export * from './api/index.js';
export { markdownToMrkdwn } from './format/mrkdwn.js';
export { CHANNEL_ID, PostPolicy, type SlackOptions, slackOptionsSchema } from './options.js';
export { createSlackServer, SlackConfigError, type SlackServerOptions, VERSION } from './server.js';
