/**
 * A config file that cannot be used. Its own module so that code which only recognises the error
 * (the CLI's exit codes) does not load the config schema at start-up.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
