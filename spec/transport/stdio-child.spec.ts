import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BinaryNotFoundError, ValidationError } from '../../lib/errors.js';
import { endChild, spawnAppServer } from '../../lib/transport/stdio-child.js';
import * as binaryModule from '../../lib/transport/stdio-binary.js';

// A stand-in for the codex binary that reports how it was started (argv, environment, cwd) and
// exits. Its interpreter is named by absolute path, so it runs even with an empty environment.
const REPORTER = `#!${process.execPath}
process.stdout.write(JSON.stringify({ argv: process.argv.slice(2), env: process.env, cwd: process.cwd() }));
`;

interface Report {
  argv: string[];
  env: Record<string, string>;
  cwd: string;
}

/** Everything the child printed on stdout, once it exited. */
function reportOf(child: ChildProcess): Promise<Report> {
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', () => resolve(JSON.parse(out) as Report));
  });
}

describe('spawnAppServer', () => {
  let dir: string;
  let bin: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-stdio-child-'));
    bin = path.join(dir, 'fake-codex');
    writeFileSync(bin, REPORTER);
    chmodSync(bin, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('launches `app-server --listen stdio://` after the --config overrides', async () => {
    const { child, binaryPath } = spawnAppServer({ codexBin: bin, configOverrides: { model: 'mock-model', 'features.x': true } });
    expect(binaryPath).toBe(bin);
    expect((await reportOf(child)).argv).toEqual([
      '--config',
      'model="mock-model"',
      '--config',
      'features.x=true',
      'app-server',
      '--listen',
      'stdio://',
    ]);
  });

  it('uses launchArgsOverride verbatim', async () => {
    const { child } = spawnAppServer({ codexBin: bin, launchArgsOverride: ['app-server', '--custom'] });
    expect((await reportOf(child)).argv).toEqual(['app-server', '--custom']);
  });

  it('merges env over process.env, removes undefined variables, and honours cwd', async () => {
    process.env.REMOVED = 'present in the parent';
    try {
      const { child } = spawnAppServer({ codexBin: bin, env: { FOO: 'bar', REMOVED: undefined }, cwd: dir });
      const { env, cwd } = await reportOf(child);
      expect(env.FOO).toBe('bar');
      expect(env.REMOVED).toBeUndefined();
      expect(cwd).toBe(dir);
      expect(env.PATH).toBe(process.env.PATH);
    } finally {
      delete process.env.REMOVED;
    }
  });

  it('with cleanEnv passes `env` alone: nothing of this process environment', async () => {
    process.env.PARENT_ONLY = 'secret of the parent';
    try {
      const { child } = spawnAppServer({ codexBin: bin, env: { FOO: 'bar', DROPPED: undefined } }, { cleanEnv: true });
      expect((await reportOf(child)).env).toEqual({ FOO: 'bar' });
    } finally {
      delete process.env.PARENT_ONLY;
    }
  });

  it('prepends the PATH entry of the binary package (its bundled tools) to PATH', async () => {
    const resolve = jest.spyOn(binaryModule, 'resolveCodexBinary').mockReturnValue({ path: bin, extraPath: '/opt/codex-path' });
    try {
      const merged = spawnAppServer({});
      expect((await reportOf(merged.child)).env.PATH).toBe(['/opt/codex-path', process.env.PATH].filter(Boolean).join(path.delimiter));
      const clean = spawnAppServer({ env: { FOO: 'x' } }, { cleanEnv: true });
      expect((await reportOf(clean.child)).env).toEqual({ FOO: 'x', PATH: '/opt/codex-path' });
      expect(resolve).toHaveBeenCalledWith(undefined);
    } finally {
      resolve.mockRestore();
    }
  });

  it('pipes stdin, stdout and stderr', async () => {
    const { child } = spawnAppServer({ codexBin: bin });
    expect([child.stdin, child.stdout, child.stderr].every((s) => s !== null)).toBe(true);
    await reportOf(child);
  });

  it('throws BinaryNotFoundError for a codexBin that does not exist, before spawning', () => {
    const missing = path.join(dir, 'missing');
    let error: unknown;
    try {
      spawnAppServer({ codexBin: missing });
    } catch (e) {
      error = e;
    }
    expect(BinaryNotFoundError.is(error)).toBe(true);
    expect((error as BinaryNotFoundError).tried).toEqual([`codexBin: ${missing} (does not exist)`]);
  });

  it('throws the ValidationError of bad config overrides, before spawning', () => {
    expect(() => spawnAppServer({ codexBin: bin, configOverrides: { retries: Number.NaN } })).toThrow(ValidationError);
    expect(() => spawnAppServer({ codexBin: bin, configOverrides: ['no equals sign'] })).toThrow(ValidationError);
  });

  it('on Windows refuses a .cmd/.bat launcher (it would need a shell): only the native codex.exe', () => {
    const launcher = path.join(dir, 'codex.CMD');
    writeFileSync(launcher, '@echo off\n');
    const platform = Object.getOwnPropertyDescriptor(process, 'platform')!;
    Object.defineProperty(process, 'platform', { ...platform, value: 'win32' });
    try {
      expect(() => spawnAppServer({ codexBin: launcher })).toThrow(ValidationError);
      expect(() => spawnAppServer({ codexBin: launcher })).toThrow(/native codex\.exe/);
    } finally {
      Object.defineProperty(process, 'platform', platform);
    }
  });
});

/** A ChildProcess stand-in: records what endChild does to it. */
function stubChild(state: { exitCode?: number | null; signalCode?: NodeJS.Signals | null } = {}) {
  const calls: string[] = [];
  const child = {
    exitCode: state.exitCode ?? null,
    signalCode: state.signalCode ?? null,
    stdin: { end: () => calls.push('stdin.end') },
    kill: (signal: NodeJS.Signals) => {
      calls.push(signal);
      return true;
    },
  };
  return { child, asChild: child as unknown as ChildProcess, calls };
}

/** A promise to settle by hand, standing for "the child is gone". */
function exitSignal() {
  let resolve!: () => void;
  const exited = new Promise<void>((r) => (resolve = r));
  return { exited, resolve };
}

describe('endChild', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it.each([
    ['exited', { exitCode: 0 }],
    ['was killed', { signalCode: 'SIGKILL' as const }],
  ])('a child that already %s is left alone: its `exited` is returned as is', (_how, state) => {
    const { asChild, calls } = stubChild(state);
    const { exited } = exitSignal();
    expect(endChild(asChild, exited, 100)).toBe(exited);
    expect(calls).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('closes stdin at once, then SIGTERM after graceMs, then SIGKILL after as long again', async () => {
    const { asChild, calls } = stubChild();
    const gone = exitSignal();
    const ended = endChild(asChild, gone.exited, 100);
    expect(calls).toEqual(['stdin.end']);
    jest.advanceTimersByTime(99);
    expect(calls).toEqual(['stdin.end']);
    jest.advanceTimersByTime(1);
    expect(calls).toEqual(['stdin.end', 'SIGTERM']);
    jest.advanceTimersByTime(99);
    expect(calls).toEqual(['stdin.end', 'SIGTERM']);
    jest.advanceTimersByTime(1);
    expect(calls).toEqual(['stdin.end', 'SIGTERM', 'SIGKILL']);
    gone.resolve();
    await expect(ended).resolves.toBeUndefined();
  });

  it('a child that exits on the end of its input gets no signal, and no timer is left', async () => {
    const { child, asChild, calls } = stubChild();
    const gone = exitSignal();
    const ended = endChild(asChild, gone.exited, 100);
    child.exitCode = 0;
    gone.resolve();
    await ended;
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(1000);
    expect(calls).toEqual(['stdin.end']);
  });

  it('sends no SIGKILL to a child that ended on SIGTERM, even before `exited` settles', () => {
    const { child, asChild, calls } = stubChild();
    void endChild(asChild, exitSignal().exited, 100);
    jest.advanceTimersByTime(100);
    child.signalCode = 'SIGTERM';
    jest.advanceTimersByTime(100);
    expect(calls).toEqual(['stdin.end', 'SIGTERM']);
  });

  it('rejects as `exited` does, and clears its timers then too', async () => {
    const { asChild } = stubChild();
    const failed = Promise.reject(new Error('wait failed'));
    await expect(endChild(asChild, failed, 100)).rejects.toThrow('wait failed');
    expect(jest.getTimerCount()).toBe(0);
  });

  it('copes with a child that has no stdin pipe', () => {
    const { child, asChild, calls } = stubChild();
    (child as { stdin: unknown }).stdin = null;
    void endChild(asChild, exitSignal().exited, 100);
    jest.advanceTimersByTime(100);
    expect(calls).toEqual(['SIGTERM']);
  });
});

describe('endChild with a real process', () => {
  it('escalates to SIGKILL for a child that ignores both the end of its input and SIGTERM', async () => {
    const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => process.stdout.write('ignored SIGTERM\\n')); process.stdin.resume(); process.stdin.on('end', () => undefined); setInterval(() => undefined, 1000); process.stdout.write('ready\\n');"], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += d.toString()), out.includes('ready') && resolve())));
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    await ready;
    await endChild(child, exited, 100);
    expect(child.signalCode).toBe('SIGKILL');
    expect(out).toContain('ignored SIGTERM');
  });
});
