/**
 * Token-like strings that must not reach a status view or a log line: vendor token prefixes, bearer
 * credentials, JWTs, `key=value` pairs whose key names a secret, and the values of the upstream's
 * own `env` block (its secrets, whatever their shape).
 */
const PATTERNS: RegExp[] = [
  /\b(?:gh[pousr]_[A-Za-z0-9]{16,}|github_pat_[A-Za-z0-9_]{20,})\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{8,}/g,
  /\bya29\.[A-Za-z0-9_-]{10,}/g,
  /\bsk-[A-Za-z0-9_-]{16,}/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g,
  /\b(?:Bearer|Basic)\s+[A-Za-z0-9\-._~+/]{8,}=*/gi,
  /\b((?:api[_-]?key|access[_-]?token|auth[_-]?token|refresh[_-]?token|client[_-]?secret|password|passwd|secret|token)["']?\s*[:=]\s*["']?)[^\s"',;&]{4,}/gi,
  /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]{3,}@/gi, // credentials in a URL
];

export type Redactor = (text: string) => string;

/** A redactor that also hides the given literal secrets (values of 6 characters or more). */
export function createRedactor(known: Iterable<string> = []): Redactor {
  const literals = [...new Set([...known].filter((value) => value.length >= 6))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => {
    let out = text;
    for (const secret of literals) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    for (const pattern of PATTERNS) {
      out = out.replace(pattern, (match, prefix?: unknown) => {
        if (typeof prefix === 'string' && match.startsWith(prefix) && prefix !== match) {
          return `${prefix}[redacted]${match.endsWith('@') ? '@' : ''}`;
        }
        return /^(Bearer|Basic)\s/i.test(match) ? `${match.split(/\s/)[0]} [redacted]` : '[redacted]';
      });
    }
    return out;
  };
}
