// codex-rx against the oldest app-server it supports (MIN_SERVER_VERSION = 0.169.0, installed as
// the `codex-0169` npm alias), with the scripted model: turns work; methods that server lacks fail
// with its own error, typed, at once; methods no server of that age has are never sent.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { firstValueFrom, lastValueFrom, mergeMap } from 'rxjs';
import { MethodNotFoundError, ValidationError } from '../../lib/index';
import { message } from '../../lib/testing/index';
import { MIN_SERVER_VERSION } from '../../lib/version';
import { IDLE_STATS, eventually, processGone, startE2E, type E2E } from '../support/e2e';

jest.setTimeout(60_000);

/** The native binary of the `codex-0169` alias (its own platform package, nested under it). */
function codex0169Binary(): string {
  const aliasRequire = createRequire(require.resolve('codex-0169/package.json'));
  const vendor = path.join(path.dirname(aliasRequire.resolve(`@openai/codex-${process.platform}-${process.arch}/package.json`)), 'vendor');
  const [triple] = readdirSync(vendor);
  const bin = path.join(vendor, triple!, 'bin', process.platform === 'win32' ? 'codex.exe' : 'codex');
  if (!existsSync(bin)) throw new Error(`codex-0169 binary not found at ${bin}`);
  return bin;
}

describe(`codex-rx against codex ${MIN_SERVER_VERSION} (the oldest supported server)`, () => {
  let e2e: E2E;

  beforeAll(async () => {
    e2e = await startE2E({ codex: { codexBin: codex0169Binary() } });
  });

  afterEach(async () => {
    await eventually(() => expect(e2e.codex.stats).toEqual(IDLE_STATS));
  });

  afterAll(async () => {
    const pid = e2e.transport.pid;
    await e2e.dispose();
    if (pid !== undefined) expect(processGone(pid)).toBe(true);
  });

  it('connects (no VersionMismatchError) and runs a turn', async () => {
    e2e.model.enqueue(message('Hello from 0.169.'));
    const result = await lastValueFrom(e2e.codex.threadStart().pipe(mergeMap((t) => t.run('Say hello'))));
    expect(e2e.codex.metadata?.userAgent).toMatch(/^codex_rx\/0\.169\.0 /);
    expect(result.status).toBe('completed');
    expect(result.finalResponse).toBe('Hello from 0.169.');
  });

  it('a method added after 0.169.0 (thread/realtime/list) fails with the server\'s own error as MethodNotFoundError, not a hang', async () => {
    const thread = await firstValueFrom(e2e.codex.threadStart());
    const started = Date.now();
    const error = await firstValueFrom(e2e.codex.request('thread/realtime/list', { threadId: thread.id })).catch((e: unknown) => e);
    expect(MethodNotFoundError.is(error)).toBe(true);
    expect(error).toMatchObject({ code: -32600, method: 'thread/realtime/list' });
    expect((error as Error).message).toContain('unknown variant `thread/realtime/list`');
    expect((error as Error).message.length).toBeLessThan(300); // the server's list of every method it has stays out
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a method no protocol of codex-rx knows is refused before sending: the server is not newer', async () => {
    await firstValueFrom(e2e.codex.connect());
    const sentBefore = e2e.sent.length;
    const error = await firstValueFrom(e2e.codex.request('thread/realtime/lists', { threadId: 'x' })).catch((e: unknown) => e);
    expect(ValidationError.is(error)).toBe(true);
    expect((error as Error).message).toContain('the server (codex 0.169.0) is not newer. Did you mean "thread/realtime/list" or');
    expect(e2e.sent.slice(sentBefore)).toEqual([]);
  });
});
