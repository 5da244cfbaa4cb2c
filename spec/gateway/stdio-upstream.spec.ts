/**
 * openStdioUpstream against a real child process: the scriptable stand-in app-server
 * (spec/support/fake-app-server.js) as `codexBin`. Lines are relayed unparsed, a message with a
 * raw newline still goes as one line, stderr goes to its own callback, the environment is the
 * config's alone with `cleanEnv`, each way of ending unasked is reported once, and a close asked
 * for is not a failure. With the real binary behind the gateway: gateway-e2e.spec.ts.
 */
import { BinaryNotFoundError } from '../../lib/errors.js';
import { MAX_PENDING_INPUT_BYTES, openStdioUpstream } from '../../lib/gateway/stdio-upstream.js';
import type { StdioUpstreamConfig, Upstream } from '../../lib/gateway/upstream.js';
import { processGone } from '../support/e2e.js';
import { fakeCodexBin, scenarioEnv, type FakeScenario } from '../support/fake-app-server-harness.js';
import { thrown } from '../support/thrown.js';
import { Waiters } from '../support/waiters.js';
import { upstreamRecorder } from './support.js';

describe('openStdioUpstream', () => {
  let fake: ReturnType<typeof fakeCodexBin>;
  const opened: Upstream[] = [];
  beforeAll(() => (fake = fakeCodexBin()));
  afterAll(() => fake.dispose());
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((u) => u.close()));
  });

  function open(scenario: FakeScenario = {}, config: Partial<StdioUpstreamConfig> = {}, options?: { cleanEnv?: boolean }) {
    const r = upstreamRecorder();
    let stderr = '';
    const waiters = new Waiters();
    const onStderr = (text: string) => {
      stderr += text;
      waiters.poke();
    };
    const upstream = openStdioUpstream({ codexBin: fake.bin, closeGraceMs: 200, ...config, env: { ...scenarioEnv(scenario), ...config.env } }, r.events, onStderr, options);
    opened.push(upstream);
    /** Resolves with all stderr so far once it includes `text`. */
    const stderrWith = (text: string) => waiters.until(() => (stderr.includes(text) ? stderr : undefined), 20_000, () => `stderr so far: ${stderr}`);
    return { upstream, stderrWith, ...r };
  }

  it("relays each stdout line as it came, unparsed; pid is the child's", async () => {
    const { upstream, message } = open();
    upstream.send('{"id":1,"method":"fake/pid"}');
    const line = await message();
    expect(typeof line).toBe('string');
    expect(line).toBe(`{"id":1,"result":${upstream.pid}}`);
  });

  it('sends a message with a raw newline in it (insignificant whitespace) as one line', async () => {
    const { upstream, message } = open();
    upstream.send('{"id":2,\n"method":"echo",\r\n"params":{"a":"x\\ny"}}');
    expect(await message()).toBe('{"id":2,"result":{"a":"x\\ny"}}');
  });

  it('hands stderr to its own callback, never as a message', async () => {
    const { upstream, stderrWith, message, messages } = open({ start: [{ stderr: 'warming up\n' }], on: { 'x/go': [{ stderr: 'working\n' }, { respond: 'ok' }] } });
    upstream.send('{"id":1,"method":"x/go"}');
    expect(await stderrWith('working\n')).toBe('warming up\nworking\n');
    await message();
    expect(messages).toEqual(['{"id":1,"result":"ok"}']);
  });

  it("with cleanEnv the child sees the config's env only, nothing of this process's", async () => {
    process.env.CODEX_RX_STDIO_UPSTREAM_SPEC = 'from-the-gateway';
    try {
      const scenario = { on: { 'x/env': [{ respond: { inherited: '${env.CODEX_RX_STDIO_UPSTREAM_SPEC}', given: '${env.GIVEN}' } }] } };
      const clean = open(scenario, { env: { GIVEN: 'by-config' } }, { cleanEnv: true });
      const merged = open(scenario, { env: { GIVEN: 'by-config' } });
      clean.upstream.send('{"id":1,"method":"x/env"}');
      merged.upstream.send('{"id":1,"method":"x/env"}');
      expect(JSON.parse(String(await clean.message())).result).toEqual({ inherited: '${env.CODEX_RX_STDIO_UPSTREAM_SPEC}', given: 'by-config' }); // not set: the template stays
      expect(JSON.parse(String(await merged.message())).result).toEqual({ inherited: 'from-the-gateway', given: 'by-config' });
    } finally {
      delete process.env.CODEX_RX_STDIO_UPSTREAM_SPEC;
    }
  });

  it('reports an exit and a kill by a signal, once each', async () => {
    const exited = open({ start: [{ exit: 3 }] });
    expect(await exited.failed()).toBe('the app-server exited with code 3');
    const killed = open({ start: [{ kill: 'SIGKILL' }] });
    expect(await killed.failed()).toBe('the app-server was killed by SIGKILL');
    await Promise.all([exited.upstream.close(), killed.upstream.close()]);
    expect([exited.failures, killed.failures]).toEqual([['the app-server exited with code 3'], ['the app-server was killed by SIGKILL']]);
  });

  it('fails on a line longer than maxLineBytes and kills the child', async () => {
    const { upstream, failed, failures, messages } = open({ start: [{ raw: `"${'x'.repeat(2000)}"\n` }], stdinEnd: 'ignore' }, { maxLineBytes: 1000 });
    expect(await failed()).toBe('the app-server sent a line longer than the limit');
    await upstream.close();
    expect(processGone(upstream.pid!)).toBe(true);
    expect(failures).toHaveLength(1); // the exit that follows is not a second failure
    expect(messages).toEqual([]);
  });

  it(`fails when the child stops reading and more than ${MAX_PENDING_INPUT_BYTES} bytes wait for it`, async () => {
    const { upstream, failed } = open({ start: [{ stopReading: true }] });
    upstream.send(`{"id":1,"method":"echo","params":{"pad":"${'x'.repeat(MAX_PENDING_INPUT_BYTES)}"}}`);
    expect(await failed()).toBe('the app-server stopped reading its input');
    await upstream.close();
    expect(processGone(upstream.pid!)).toBe(true);
  });

  it('close(): ends the child (stdin closed, then SIGTERM for one that stays) and reports nothing', async () => {
    const polite = open();
    const stubborn = open({ stdinEnd: 'ignore' });
    await Promise.all([polite.upstream.close(), stubborn.upstream.close()]);
    for (const u of [polite, stubborn]) {
      expect(processGone(u.upstream.pid!)).toBe(true);
      expect(u.failures).toEqual([]);
    }
  });

  it('throws BinaryNotFoundError for a codexBin that does not exist, before spawning anything', () => {
    const r = upstreamRecorder();
    const e = thrown(() => openStdioUpstream({ codexBin: '/nonexistent/codex' }, r.events, () => undefined));
    expect(BinaryNotFoundError.is(e)).toBe(true);
    expect(r.failures).toEqual([]);
  });
});
