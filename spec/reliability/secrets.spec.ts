/**
 * Secrets never appear in what codex-rx reports: API keys given to loginApiKey, and values listed
 * in `CodexConfig.secrets` (an API key passed in `env`, a bearer token in `configOverrides`) are
 * `[REDACTED]` in error messages, stderr tails, stderr$ and warnings — even when the app-server
 * echoes them to stderr, in a JSON-RPC error, or in a line that is not JSON, and even when the
 * echo arrives split across two reads. Real processes: spec/support/fake-app-server.js.
 */
import { firstValueFrom } from 'rxjs';
import { JsonRpcError, TransportClosedError } from '../../lib/errors.js';
import { StdioTransport } from '../../lib/transport/stdio-transport.js';
import { scenarioEnv } from '../support/fake-app-server-harness.js';
import { allText, eventually, useFakeAppServer } from './support.js';

jest.setTimeout(30_000);

const API_KEY = 'sk-test-4f9a1c2b7e6d5a3f8b0c9d1e2f3a4b5c';
const ENV_KEY = 'sk-env-0a1b2c3d4e5f60718293a4b5c6d7e8f9';
const BEARER = 'bearer-tok-71c3e9d02f5b48a6';

describe('reliability: secrets are redacted', () => {
  const fakeServer = useFakeAppServer();
  const open = fakeServer.open;

  function expectClean(text: string, ...secrets: string[]) {
    for (const s of secrets) {
      expect(text).not.toContain(s);
      // Nor a telling piece of it.
      expect(text).not.toContain(s.slice(0, 12));
      expect(text).not.toContain(s.slice(-12));
    }
  }

  it('loginApiKey: the app-server echoes the key to stderr and dies → TransportClosedError message and stderrTail say [REDACTED]', async () => {
    const { codex } = open({
      on: { 'account/login/start': [{ stderr: 'ERROR auth: rejected api key ${params.apiKey} (401)\n' }, { exit: 1 }] },
    });
    const e = (await firstValueFrom(codex.loginApiKey(API_KEY)).catch((x) => x)) as TransportClosedError;
    expect(TransportClosedError.is(e)).toBe(true);
    expect(e.exitCode).toBe(1);
    expect(e.stderrTail).toContain('rejected api key [REDACTED] (401)');
    expect(e.message).toContain('[REDACTED]');
    expectClean(allText(e), API_KEY);
  });

  it('the key split across two stderr writes is still redacted (stderr is redacted line by line)', async () => {
    const cut = 10;
    const { codex } = open({
      on: {
        'account/login/start': [
          { stderr: `auth: trying ${API_KEY.slice(0, cut)}` },
          { sleep: 100 },
          { stderr: `${API_KEY.slice(cut)} now\n` },
          { sleep: 50 },
          { exit: 1 },
        ],
      },
    });
    const e = (await firstValueFrom(codex.loginApiKey(API_KEY)).catch((x) => x)) as TransportClosedError;
    expect(TransportClosedError.is(e)).toBe(true);
    expect(e.stderrTail).toContain('auth: trying [REDACTED] now');
    expectClean(allText(e), API_KEY);
  });

  it('StdioTransport.stderr$ (the live stream, not only the tail) never carries a key split across reads', async () => {
    const transport = new StdioTransport({
      codexBin: fakeServer.bin(),
      env: scenarioEnv({ start: [{ stderr: `auth: ${API_KEY.slice(0, 10)}` }, { sleep: 100 }, { stderr: `${API_KEY.slice(10)} ok\n` }, { stderr: 'no newline at the end' }] }),
      redact: (t) => t.split(API_KEY).join('[REDACTED]'),
      closeGraceMs: 500,
    });
    const chunks: string[] = [];
    transport.stderr$.subscribe((t) => chunks.push(t));
    transport.messages$.subscribe({ error: () => undefined });
    await eventually(() => expect(chunks.join('')).toContain('auth: [REDACTED] ok\n'));
    await transport.close();
    expect(chunks.join('')).toBe('auth: [REDACTED] ok\nno newline at the end'); // the last partial line is flushed at exit
    expect(chunks.length).toBe(2);
  });

  it('a key the app-server printed before loginApiKey was called is masked in the tail of the error', async () => {
    const { codex } = open({ start: [{ stderr: `config: api key ${API_KEY}\n` }], on: { 'account/login/start': [{ exit: 2 }] } });
    await firstValueFrom(codex.connect());
    const e = (await firstValueFrom(codex.loginApiKey(API_KEY)).catch((x) => x)) as TransportClosedError;
    expect(TransportClosedError.is(e)).toBe(true);
    expect(e.stderrTail).toContain('config: api key [REDACTED]');
    expectClean(allText(e), API_KEY);
  });

  it('a JSON-RPC error echoing the key (message and data) → JsonRpcError without it', async () => {
    const { codex } = open({
      on: { 'account/login/start': [{ error: { code: -32600, message: 'invalid api key ${params.apiKey}', data: { key: '${params.apiKey}', nested: ['${params.apiKey}'] } } }] },
    });
    const e = (await firstValueFrom(codex.loginApiKey(API_KEY)).catch((x) => x)) as JsonRpcError;
    expect(JsonRpcError.is(e)).toBe(true);
    expect(e.message).toContain('invalid api key [REDACTED]');
    expect(e.data).toEqual({ key: '[REDACTED]', nested: ['[REDACTED]'] });
    expectClean(allText(e), API_KEY);
    // The connection is fine: only that request failed.
    expect(await firstValueFrom(codex.models())).toEqual({ data: [], nextCursor: null });
  });

  it('warnings: the key in a line that is not JSON, in JSON that is not JSON-RPC, in an unknown response → [REDACTED]', async () => {
    const { codex, warnings } = open({
      on: {
        'account/login/start': [
          { raw: 'panic: bad key ${params.apiKey} at line 1\n' },
          { raw: '{"oops": "${params.apiKey}"}\n' },
          { send: { id: 4242, result: { echoed: '${params.apiKey}' } } },
          { raw: '{"key": "${params.apiKey}", "broken\n' },
          { respond: { type: 'apiKey' } },
        ],
      },
    });
    await firstValueFrom(codex.loginApiKey(API_KEY));
    expect(warnings.map((w) => w.kind)).toEqual(['malformed-line', 'invalid-message', 'unknown-response', 'malformed-line']);
    expect(warnings[0].detail).toBe('panic: bad key [REDACTED] at line 1');
    expect(warnings[1].detail).toEqual({ oops: '[REDACTED]' });
    expect(warnings[2].detail).toEqual({ id: 4242, result: { echoed: '[REDACTED]' } });
    expectClean(JSON.stringify(warnings), API_KEY);
  });

  it('CodexConfig.secrets: an API key passed in env and a bearer token passed on the command line, echoed by the server → [REDACTED]', async () => {
    const { codex } = open(
      { on: { 'model/list': [{ stderr: 'env OPENAI_API_KEY=${env.OPENAI_API_KEY}\n' }, { stderr: 'argv: ${argv}\n' }, { exit: 9 }] } },
      {
        env: { OPENAI_API_KEY: ENV_KEY },
        configOverrides: { 'model_providers.mock.http_headers': { Authorization: `Bearer ${BEARER}` } },
        secrets: [ENV_KEY, BEARER],
      },
    );
    const e = (await firstValueFrom(codex.models()).catch((x) => x)) as TransportClosedError;
    expect(TransportClosedError.is(e)).toBe(true);
    expect(e.stderrTail).toContain('env OPENAI_API_KEY=[REDACTED]');
    expect(e.stderrTail).toContain('Bearer [REDACTED]');
    expectClean(allText(e), ENV_KEY, BEARER);
  });
});
