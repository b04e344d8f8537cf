/** Service-account key files, in the JSON shape the Cloud console downloads, with fresh RSA keys. */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { SA_EMAIL } from './seed.js';
import type { Standin } from './server.js';
import { GOOGLE_TOKEN_URL } from './tokens.js';

export interface ServiceAccountKey {
  type: 'service_account';
  project_id: string;
  private_key_id: string;
  private_key: string;
  client_email: string;
  client_id: string;
  auth_uri: string;
  token_uri: string;
}

let pair: { publicKey: string; privateKey: string } | undefined;

/** A key the stand-in trusts for SA_EMAIL; `delegation` allows impersonating users (`sub`). */
export function serviceAccountKey(
  standin: Standin,
  options: { delegation?: boolean; tokenUri?: string } = {},
): ServiceAccountKey {
  // One key pair per process: generating RSA keys is slow on a shared machine.
  pair ??= generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  standin.auth.serviceAccounts.set(SA_EMAIL, {
    email: SA_EMAIL,
    publicKeyPem: pair.publicKey,
    delegation: options.delegation ?? false,
  });
  return {
    type: 'service_account',
    project_id: 'mcpkit-test',
    private_key_id: randomBytes(20).toString('hex'),
    private_key: pair.privateKey,
    client_email: SA_EMAIL,
    client_id: '100000000000000000001',
    auth_uri: 'https://accounts.google.com/o/oauth2/auth',
    token_uri: options.tokenUri ?? GOOGLE_TOKEN_URL,
  };
}
