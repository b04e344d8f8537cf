/**
 * The variables an upstream inherits from the gateway: enough to find programs, a home and a locale,
 * never the gateway's whole environment (which holds other servers' secrets). Everything else an
 * upstream needs comes from its own `env` block.
 */
export const INHERITED_ENV_VARS: readonly string[] = [
  'HOME',
  'LOGNAME',
  'PATH',
  'SHELL',
  'TERM',
  'USER',
  'LANG',
  'LC_ALL',
  'LC_CTYPE',
  'TMPDIR',
  'TZ',
];

/**
 * The child's environment: the allow-listed variables present in `parent`, then the entry's own
 * `env` on top. Values that look like exported shell functions (`() {…`) are skipped, as the SDK does.
 */
export function upstreamEnvironment(
  own: Readonly<Record<string, string>> = {},
  parent: NodeJS.ProcessEnv = process.env,
  inherit: readonly string[] = INHERITED_ENV_VARS,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const key of inherit) {
    const value = parent[key];
    if (value === undefined || value.startsWith('()')) continue;
    env[key] = value;
  }
  return { ...env, ...own };
}
