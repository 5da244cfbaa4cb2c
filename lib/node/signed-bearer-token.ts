import { ValidationError } from '../errors.js';
import type { SignedBearerTokenOptions } from '../platform.js';
import { isMissingModule, missingPeerError } from './optional-peer.js';

/** The app-server refuses shared secrets shorter than this (`--ws-shared-secret-file`). */
export const MIN_SHARED_SECRET_BYTES = 32;

/**
 * Mints an HS256 JWT for an app-server started with `--ws-auth signed-bearer-token`: `iat`,
 * `nbf` (now) and `exp` (now + ttl), plus `iss`/`aud` when given. Signed by `jose`.
 */
export async function signBearerToken(options: SignedBearerTokenOptions, now = Date.now()): Promise<string> {
  // Loaded on first use: jose is an optional peer and ships only ES modules (the CommonJS build
  // then needs Node ≥ 20.19).
  const { SignJWT } = await import('jose').catch((e: unknown) => {
    throw isMissingModule(e, 'jose') ? missingPeerError('jose', 'signedBearerToken', e) : e;
  });
  const secret = typeof options.sharedSecret === 'string' ? new TextEncoder().encode(options.sharedSecret) : options.sharedSecret;
  const ttl = options.ttlSeconds ?? 300;
  const iat = Math.floor(now / 1000);
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuedAt(iat).setNotBefore(iat).setExpirationTime(iat + ttl);
  if (options.issuer !== undefined) jwt = jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt = jwt.setAudience(options.audience);
  return jwt.sign(secret);
}

/** Checks the options before anything is sent; never mentions the secret's value. */
export function checkSignedBearerTokenOptions(options: unknown): asserts options is SignedBearerTokenOptions {
  const path = 'signedBearerToken';
  if (options === null || typeof options !== 'object') throw new ValidationError(path, [{ path, message: 'must be { sharedSecret, issuer?, audience?, ttlSeconds? }' }]);
  const o = options as Record<string, unknown>;
  const issues = [];
  const secret = o.sharedSecret;
  const bytes = typeof secret === 'string' ? new TextEncoder().encode(secret).length : secret instanceof Uint8Array ? secret.length : -1;
  if (bytes < 0) issues.push({ path: `${path}.sharedSecret`, message: 'must be a string or a Uint8Array' });
  else if (bytes < MIN_SHARED_SECRET_BYTES) issues.push({ path: `${path}.sharedSecret`, message: `must be at least ${MIN_SHARED_SECRET_BYTES} bytes (it has ${bytes})` });
  for (const key of ['issuer', 'audience'] as const) {
    if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === '')) issues.push({ path: `${path}.${key}`, message: 'must be a non-empty string' });
  }
  if (o.ttlSeconds !== undefined && !(typeof o.ttlSeconds === 'number' && Number.isInteger(o.ttlSeconds) && o.ttlSeconds > 0)) {
    issues.push({ path: `${path}.ttlSeconds`, message: 'must be a positive integer' });
  }
  for (const key of Object.keys(o)) {
    if (!['sharedSecret', 'issuer', 'audience', 'ttlSeconds'].includes(key)) issues.push({ path: `${path}.${key}`, message: 'is not an option' });
  }
  if (issues.length > 0) throw new ValidationError(path, issues);
}
