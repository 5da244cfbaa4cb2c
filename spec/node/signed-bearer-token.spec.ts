/**
 * The HS256 tokens of `--ws-auth signed-bearer-token`: what signBearerToken puts in them (checked
 * by verifying them with jose, as the app-server would), and the option check that runs before
 * anything is sent. The real app-server accepting one is in spec/e2e/websocket.e2e.spec.ts.
 */
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { CodexError, ValidationError } from '../../lib/errors';
import { checkSignedBearerTokenOptions, MIN_SHARED_SECRET_BYTES, signBearerToken } from '../../lib/node/signed-bearer-token';
import { thrown } from '../support/thrown';

const SECRET = 'a-shared-secret-of-at-least-32-bytes!';
const NOW = Date.UTC(2026, 11, 7, 1, 2, 3, 456);
const NOW_S = Math.floor(NOW / 1000);

async function verify(token: string, secret: string | Uint8Array = SECRET) {
  const key = typeof secret === 'string' ? new TextEncoder().encode(secret) : secret;
  return jwtVerify(token, key, { currentDate: new Date(NOW) });
}

describe('signBearerToken', () => {
  it('mints an HS256 JWT with iat and nbf at now (whole seconds) and exp 300 s later by default; no iss or aud unless given', async () => {
    const token = await signBearerToken({ sharedSecret: SECRET }, NOW);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const { payload } = await verify(token);
    expect(payload).toEqual({ iat: NOW_S, nbf: NOW_S, exp: NOW_S + 300 });
  });

  it('adds iss and aud when given and takes ttlSeconds for exp', async () => {
    const token = await signBearerToken({ sharedSecret: SECRET, issuer: 'codex-rx-tests', audience: 'app-server', ttlSeconds: 60 }, NOW);
    const { payload } = await verify(token);
    expect(payload).toEqual({ iat: NOW_S, nbf: NOW_S, exp: NOW_S + 60, iss: 'codex-rx-tests', aud: 'app-server' });
  });

  it('signs with the bytes of a Uint8Array secret as it does with a string; another secret does not verify', async () => {
    const bytes = new Uint8Array(40).map((_, i) => i * 7);
    const token = await signBearerToken({ sharedSecret: bytes }, NOW);
    await expect(verify(token, bytes)).resolves.toBeDefined();
    await expect(verify(token, SECRET)).rejects.toThrow(/signature/);
    expect(token).not.toContain(SECRET);
  });

  it('uses the clock when no time is given', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { payload } = await jwtVerify(await signBearerToken({ sharedSecret: SECRET }), new TextEncoder().encode(SECRET));
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp).toBe(payload.iat! + 300);
  });

  describe('without jose installed', () => {
    afterEach(() => jest.dontMock('jose'));

    async function signWithJose(load: () => unknown): Promise<unknown> {
      let sign!: typeof signBearerToken;
      jest.isolateModules(() => {
        jest.doMock('jose', load);
        sign = (require('../../lib/node/signed-bearer-token') as typeof import('../../lib/node/signed-bearer-token')).signBearerToken;
      });
      return sign({ sharedSecret: SECRET }, NOW).then(
        () => undefined,
        (e: unknown) => e,
      );
    }

    it('fails with a CodexError naming the install command', async () => {
      const error = await signWithJose(() => {
        throw Object.assign(new Error("Cannot find module 'jose' from 'signed-bearer-token.ts'"), { code: 'MODULE_NOT_FOUND' });
      });
      expect(CodexError.is(error)).toBe(true);
      expect((error as Error).message).toBe('signedBearerToken needs the optional peer dependency `jose`: npm install jose');
    });

    it('passes on any other failure of loading it as it is', async () => {
      const broken = new Error('jose: something inside failed');
      expect(await signWithJose(() => {
        throw broken;
      })).toBe(broken);
    });
  });
});

describe('checkSignedBearerTokenOptions', () => {
  const issuesOf = (options: unknown) => {
    const e = thrown(() => checkSignedBearerTokenOptions(options));
    expect(ValidationError.is(e)).toBe(true);
    return (e as ValidationError).issues;
  };

  it('accepts a secret of at least 32 bytes (string or Uint8Array) with the optional fields', () => {
    expect(() => checkSignedBearerTokenOptions({ sharedSecret: 'x'.repeat(MIN_SHARED_SECRET_BYTES) })).not.toThrow();
    expect(() => checkSignedBearerTokenOptions({ sharedSecret: new Uint8Array(32), issuer: 'i', audience: 'a', ttlSeconds: 1 })).not.toThrow();
    expect(() => checkSignedBearerTokenOptions({ sharedSecret: 'é'.repeat(16) })).not.toThrow(); // 32 bytes in 16 characters
  });

  it('refuses what is not an options object', () => {
    for (const bad of [null, undefined, 'secret', 42]) {
      expect(issuesOf(bad)).toEqual([{ path: 'signedBearerToken', message: 'must be { sharedSecret, issuer?, audience?, ttlSeconds? }' }]);
    }
  });

  it('counts the secret in bytes and never shows its value', () => {
    const short = 'é'.repeat(15);
    const issues = issuesOf({ sharedSecret: short });
    expect(issues).toEqual([{ path: 'signedBearerToken.sharedSecret', message: 'must be at least 32 bytes (it has 30)' }]);
    expect(JSON.stringify(issues)).not.toContain(short);
    expect(issuesOf({ sharedSecret: new Uint8Array(31) })).toEqual([{ path: 'signedBearerToken.sharedSecret', message: 'must be at least 32 bytes (it has 31)' }]);
    expect(issuesOf({ sharedSecret: 12345 })).toEqual([{ path: 'signedBearerToken.sharedSecret', message: 'must be a string or a Uint8Array' }]);
    expect(issuesOf({})).toEqual([{ path: 'signedBearerToken.sharedSecret', message: 'must be a string or a Uint8Array' }]);
  });

  it('lists every bad field at once: empty or non-string issuer and audience, a ttl that is not a positive integer, unknown keys', () => {
    const issues = issuesOf({ sharedSecret: SECRET, issuer: '', audience: 7, ttlSeconds: 1.5, secret: SECRET });
    expect(issues).toEqual([
      { path: 'signedBearerToken.issuer', message: 'must be a non-empty string' },
      { path: 'signedBearerToken.audience', message: 'must be a non-empty string' },
      { path: 'signedBearerToken.ttlSeconds', message: 'must be a positive integer' },
      { path: 'signedBearerToken.secret', message: 'is not an option' },
    ]);
    for (const ttlSeconds of [0, -5, '60', Number.NaN]) {
      expect(issuesOf({ sharedSecret: SECRET, ttlSeconds }).map((i) => i.path)).toEqual(['signedBearerToken.ttlSeconds']);
    }
  });
});
