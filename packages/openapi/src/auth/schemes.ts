import type { JsonObject } from '../spec/types.js';

/** One security scheme and the environment variables that supply it. */
export type AuthScheme =
  | { kind: 'bearer'; scheme: string; prefix: string; tokenVar: string }
  | { kind: 'basic'; scheme: string; userVar: string; passwordVar: string }
  | { kind: 'apiKey'; scheme: string; in: 'header' | 'query' | 'cookie'; name: string; keyVar: string }
  | {
      kind: 'oauth2';
      scheme: string;
      tokenVar: string;
      /** Set when the scheme has a client-credentials flow. */
      clientCredentials?: { tokenUrl: string; clientIdVar: string; clientSecretVar: string };
    }
  | { kind: 'unsupported'; scheme: string; reason: string };

/** `petstore_auth` -> `PETSTORE_AUTH`. */
export function envName(text: string): string {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/** Each `securitySchemes` entry mapped to `<PREFIX>_<SCHEME>_<PART>` variables. */
export function readSchemes(document: JsonObject, prefix = 'OPENAPI'): Map<string, AuthScheme> {
  const out = new Map<string, AuthScheme>();
  const schemes = (document.components?.securitySchemes ?? {}) as JsonObject;
  for (const [scheme, raw] of Object.entries(schemes)) {
    const s = raw as JsonObject;
    const base = `${prefix}_${envName(scheme) || 'SCHEME'}`;
    if (s?.type === 'http' && typeof s.scheme === 'string' && s.scheme.toLowerCase() === 'basic') {
      out.set(scheme, { kind: 'basic', scheme, userVar: `${base}_USER`, passwordVar: `${base}_PASSWORD` });
    } else if (s?.type === 'http') {
      const name = typeof s.scheme === 'string' ? s.scheme.toLowerCase() : 'bearer';
      const prefixWord = name === 'bearer' ? 'Bearer' : name.charAt(0).toUpperCase() + name.slice(1);
      out.set(scheme, { kind: 'bearer', scheme, prefix: prefixWord, tokenVar: `${base}_TOKEN` });
    } else if (
      s?.type === 'apiKey' &&
      typeof s.name === 'string' &&
      ['header', 'query', 'cookie'].includes(s.in)
    ) {
      out.set(scheme, { kind: 'apiKey', scheme, in: s.in, name: s.name, keyVar: `${base}_KEY` });
    } else if (s?.type === 'oauth2') {
      const cc = s.flows?.clientCredentials;
      out.set(scheme, {
        kind: 'oauth2',
        scheme,
        tokenVar: `${base}_TOKEN`,
        ...(cc && typeof cc.tokenUrl === 'string'
          ? {
              clientCredentials: {
                tokenUrl: cc.tokenUrl,
                clientIdVar: `${base}_CLIENT_ID`,
                clientSecretVar: `${base}_CLIENT_SECRET`,
              },
            }
          : {}),
      });
    } else if (s?.type === 'openIdConnect') {
      out.set(scheme, { kind: 'oauth2', scheme, tokenVar: `${base}_TOKEN` });
    } else {
      out.set(scheme, { kind: 'unsupported', scheme, reason: `type ${String(s?.type)} is not supported` });
    }
  }
  return out;
}

/** What a scheme needs, in words a model can relay: "set OPENAPI_API_KEY_KEY". */
export function describeNeed(scheme: AuthScheme): string {
  switch (scheme.kind) {
    case 'bearer':
      return `${scheme.tokenVar} (${scheme.prefix.toLowerCase()} token for scheme ${scheme.scheme})`;
    case 'basic':
      return `${scheme.userVar} and ${scheme.passwordVar} (basic auth for scheme ${scheme.scheme})`;
    case 'apiKey':
      return `${scheme.keyVar} (API key sent as ${scheme.in} ${scheme.name}, scheme ${scheme.scheme})`;
    case 'oauth2':
      return scheme.clientCredentials
        ? `${scheme.clientCredentials.clientIdVar} and ${scheme.clientCredentials.clientSecretVar} ` +
            `(OAuth2 client credentials, scheme ${scheme.scheme}) or ${scheme.tokenVar} (an access token)`
        : `${scheme.tokenVar} (an OAuth2 access token for scheme ${scheme.scheme})`;
    default:
      return `scheme ${scheme.scheme}: ${scheme.reason}`;
  }
}

/** The variables a scheme reads, for documentation. */
export function schemeVariables(scheme: AuthScheme): string[] {
  switch (scheme.kind) {
    case 'bearer':
      return [scheme.tokenVar];
    case 'basic':
      return [scheme.userVar, scheme.passwordVar];
    case 'apiKey':
      return [scheme.keyVar];
    case 'oauth2':
      return scheme.clientCredentials
        ? [scheme.tokenVar, scheme.clientCredentials.clientIdVar, scheme.clientCredentials.clientSecretVar]
        : [scheme.tokenVar];
    default:
      return [];
  }
}
