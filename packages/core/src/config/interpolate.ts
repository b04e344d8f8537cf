/**
 * Replaces `${NAME}` and `${NAME:-default}` in every string of a parsed config with the
 * environment's values; `$${` is a literal `${`. A missing variable without a default is an
 * error naming it and where it was used, so a secret never silently becomes "".
 * Runs on parsed values, not on the raw text, so a value cannot inject config structure.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv = process.env, path = '$'): unknown {
  if (typeof value === 'string') return interpolateString(value, env, path);
  if (Array.isArray(value)) return value.map((item, i) => interpolateEnv(item, env, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, interpolateEnv(item, env, `${path}.${key}`)]),
    );
  }
  return value;
}

const PATTERN = /\$(\$?)\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

function interpolateString(text: string, env: NodeJS.ProcessEnv, path: string): string {
  return text.replace(PATTERN, (whole, escaped: string, name: string, fallback: string | undefined) => {
    if (escaped) return whole.slice(1);
    const found = env[name];
    if (found !== undefined && found !== '') return found;
    if (fallback !== undefined) return fallback;
    throw new Error(
      `Config ${path}: environment variable ${name} is not set (use \${${name}:-default} for a default)`,
    );
  });
}
