/**
 * Token-like strings that must never reach a log line, an error or a model: vendor token
 * prefixes (GitHub, Slack, Google, OpenAI-style keys), bearer/basic credentials, JWTs, and
 * `key=value` pairs whose key names a secret.
 */
const PATTERNS: RegExp[] = [
  /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{8,}\b/g,
  /\bya29\.[A-Za-z0-9_-]{10,}/g,
  /\b1\/\/[A-Za-z0-9_-]{20,}/g, // Google refresh tokens
  /\bsk-[A-Za-z0-9_-]{16,}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
  /\b(Bearer|Basic|token)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi,
  /\b((?:api[_-]?key|access[_-]?token|refresh[_-]?token|client[_-]?secret|password|secret|token)["']?\s*[:=]\s*["']?)[^\s"',;&]{4,}/gi,
];

/** Replaces every known secret and every token-like string in `text` with `[redacted]`. */
export function redactSecrets(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const secret of known) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  for (const pattern of PATTERNS) {
    out = out.replace(pattern, (match, prefix?: string) =>
      typeof prefix === 'string' && match.startsWith(prefix) && prefix !== match
        ? `${prefix}${/^(Bearer|Basic|token)$/i.test(prefix) ? ' ' : ''}[redacted]`
        : '[redacted]',
    );
  }
  return out;
}
