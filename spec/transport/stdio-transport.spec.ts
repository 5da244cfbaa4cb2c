import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { filter, firstValueFrom, toArray } from 'rxjs';
import { CodexError, ProtocolError, TransportClosedError } from '../../lib/errors.js';
import { Connection } from '../../lib/rpc/connection.js';
import { BinaryNotFoundError } from '../../lib/transport/stdio-binary.js';
import { StdioTransport, type StdioTransportOptions } from '../../lib/transport/stdio-transport.js';
import { MalformedLine } from '../../lib/transport/transport.js';
import { ObservableStream } from '../support/observable-stream.js';
import { clientInfo } from '../rpc/support.js';

// stdio-module-url.ts reads import.meta.url, which CommonJS (jest) cannot parse: use the stand-in.
jest.mock('../../lib/transport/stdio-module-url', () => jest.requireActual('../support/stdio-module-url.cjs.js'));

// A stand-in for `codex app-server`: a node script speaking JSONL on stdin/stdout. It answers
// `initialize`, echoes `echo`, and misbehaves on request. (How the binary is started, argv, env and
// cwd, is spec/transport/stdio-child.spec.ts.)
const FAKE_SERVER = String.raw`#!/usr/bin/env node
const readline = require('node:readline');
const out = (m) => process.stdout.write(JSON.stringify(m) + '\n');
const mode = process.env.FAKE_MODE || 'serve';
if (mode === 'crash') {
  process.stderr.write('panic: the fake server crashed\n');
  process.exit(3);
}
if (mode === 'long-line') {
  process.stdout.write('{"method":"x","params":"' + 'y'.repeat(5000) + '"}\n');
}
if (mode === 'split') {
  // One notification in three writes, split inside a multi-byte character, then a bad line.
  const bytes = Buffer.from(JSON.stringify({ method: 'warning', params: { message: 'héllo 😀' } }) + '\nnot json\n');
  const cut1 = bytes.indexOf(0xc3) + 1;
  const cut2 = bytes.indexOf(0xf0) + 2;
  process.stdout.write(bytes.subarray(0, cut1));
  setTimeout(() => process.stdout.write(bytes.subarray(cut1, cut2)), 10);
  setTimeout(() => process.stdout.write(bytes.subarray(cut2)), 20);
}
if (mode === 'ignore-stdin-close') {
  process.on('SIGTERM', () => { process.stderr.write('got SIGTERM\n'); process.exit(0); });
  setInterval(() => undefined, 1000);
}
process.stderr.write('fake app-server ready secret-token-123\n');
const rl = readline.createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const m = JSON.parse(line);
  if (m.id === undefined) return;
  switch (m.method) {
    case 'initialize': return out({ id: m.id, result: { userAgent: 'fake', codexHome: '/tmp', platformFamily: 'unix', platformOs: 'linux' } });
    case 'echo': return out({ id: m.id, result: m.params });
    case 'exit': process.stderr.write('exiting on request\n'); return process.exit(7);
    default: return out({ id: m.id, error: { code: -32601, message: 'unknown ' + m.method } });
  }
});
rl.on('close', () => { if (mode !== 'ignore-stdin-close') process.exit(0); });
`;


describe('StdioTransport (against a fake app-server process)', () => {
  let dir: string;
  let bin: string;
  const live: Connection[] = [];

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-stdio-'));
    bin = path.join(dir, 'fake-codex');
    writeFileSync(bin, FAKE_SERVER);
    chmodSync(bin, 0o755);
  });
  afterEach(async () => {
    await Promise.all(live.splice(0).map((c) => c.close()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function open(options: StdioTransportOptions = {}) {
    const transport = new StdioTransport({ codexBin: bin, closeGraceMs: 200, ...options });
    const connection = new Connection(transport, { clientInfo, requestTimeoutMs: 10_000 });
    live.push(connection);
    return { transport, connection };
  }

  it('does not spawn until the inbound stream is subscribed', () => {
    const transport = new StdioTransport({ codexBin: bin });
    expect(transport.pid).toBeUndefined();
    expect(() => transport.send({ method: 'x' })).toThrow(TransportClosedError);
  });

  it('speaks JSONL both ways: handshake and a request round trip', async () => {
    const { transport, connection } = open();
    expect(await firstValueFrom(connection.connect())).toMatchObject({ userAgent: 'fake' });
    expect(transport.pid).toEqual(expect.any(Number));
    const params = { text: 'héllo 😀', n: [1, 2, 3], nested: { ok: true } };
    expect(await firstValueFrom(connection.request('echo', params))).toEqual(params);
  });

  it('reassembles lines split across writes (also inside UTF-8 characters) and reports bad lines', async () => {
    const transport = new StdioTransport({ codexBin: bin, env: { FAKE_MODE: 'split' }, closeGraceMs: 200 });
    const stream = new ObservableStream(transport.messages$);
    expect(await stream.takeNext(5000)).toEqual({ method: 'warning', params: { message: 'héllo 😀' } });
    const bad = await stream.takeNext(5000);
    expect(bad).toBeInstanceOf(MalformedLine);
    expect((bad as MalformedLine).text).toBe('not json');
    await transport.close();
    await stream.takeComplete(5000);
  });

  it('a process that exits errors everything with TransportClosedError carrying exit code and stderr tail', async () => {
    const { connection } = open();
    await firstValueFrom(connection.connect());
    const notes = new ObservableStream(connection.notifications$);
    const exit = (await firstValueFrom(connection.request('exit', {})).catch((e) => e)) as TransportClosedError;
    expect(TransportClosedError.is(exit)).toBe(true);
    expect(exit.exitCode).toBe(7);
    expect(exit.signal).toBeNull();
    expect(exit.stderrTail).toContain('exiting on request');
    expect(exit.message).toContain('exited with code 7');
    expect(exit.message).toContain('exiting on request');
    expect(await notes.takeError(5000)).toBe(exit);
    expect(connection.state).toBe('closed');
  });

  it('a process that dies at start fails connect() with its stderr', async () => {
    const { connection } = open({ env: { FAKE_MODE: 'crash' } });
    const e = (await firstValueFrom(connection.connect()).catch((x) => x)) as TransportClosedError;
    expect(TransportClosedError.is(e)).toBe(true);
    expect(e.exitCode).toBe(3);
    expect(e.stderrTail).toContain('panic: the fake server crashed');
  });

  it('keeps only a bounded stderr tail, redacted', async () => {
    const { transport, connection } = open({ env: { FAKE_MODE: 'crash' }, stderrTailChars: 12, redact: (t) => t.replace(/panic/g, '[redacted]') });
    const stderr: string[] = [];
    transport.stderr$.subscribe((t) => stderr.push(t));
    const e = (await firstValueFrom(connection.connect()).catch((x) => x)) as TransportClosedError;
    expect(e.stderrTail.length).toBeLessThanOrEqual(12);
    expect(stderr.join('')).toContain('[redacted]: the fake server crashed');
    expect(stderr.join('')).not.toContain('panic');
  });

  it('a missing binary errors the inbound stream with BinaryNotFoundError', async () => {
    const transport = new StdioTransport({ codexBin: path.join(dir, 'missing') });
    const e = await firstValueFrom(transport.messages$).catch((x) => x);
    expect(BinaryNotFoundError.is(e)).toBe(true);
  });

  it('a line over maxLineBytes fails with ProtocolError and kills the process', async () => {
    const transport = new StdioTransport({ codexBin: bin, env: { FAKE_MODE: 'long-line' }, maxLineBytes: 1000 });
    const e = await firstValueFrom(transport.messages$).catch((x) => x);
    expect(ProtocolError.is(e)).toBe(true);
    await transport.close();
  });

  it('close() ends the process gracefully and completes the inbound stream; send then throws', async () => {
    const transport = new StdioTransport({ codexBin: bin, closeGraceMs: 200 });
    const stream = new ObservableStream(transport.messages$);
    transport.send({ id: 1, method: 'initialize', params: {} });
    expect(await stream.takeNext(5000)).toMatchObject({ id: 1 });
    await transport.close();
    await stream.takeComplete(5000);
    expect(() => transport.send({ method: 'x' })).toThrow(TransportClosedError);
    await transport.close(); // idempotent
  });

  it('close() escalates to SIGTERM when the process ignores the end of its input', async () => {
    const transport = new StdioTransport({ codexBin: bin, env: { FAKE_MODE: 'ignore-stdin-close' }, closeGraceMs: 100 });
    const stderr: string[] = [];
    transport.stderr$.subscribe((t) => stderr.push(t));
    const ready = firstValueFrom(transport.stderr$.pipe(filter((t) => t.includes('ready'))));
    const all = firstValueFrom(transport.messages$.pipe(toArray()));
    await ready; // the SIGTERM handler is installed
    const started = Date.now();
    await transport.close();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await all).toEqual([]);
    expect(stderr.join('')).toContain('got SIGTERM');
  });

  it('supports one subscription to messages$', async () => {
    const transport = new StdioTransport({ codexBin: bin, closeGraceMs: 200 });
    const first = transport.messages$.subscribe();
    const e = await firstValueFrom(transport.messages$).catch((x) => x);
    expect(CodexError.is(e)).toBe(true);
    first.unsubscribe();
    await transport.close();
  });
});
