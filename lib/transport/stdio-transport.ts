import type { ChildProcess } from 'node:child_process';
import { Observable, Subject } from 'rxjs';
import { CodexError, ProtocolError, TransportClosedError } from '../errors.js';
import { DEFAULT_MAX_LINE_BYTES, LineDecoder } from './line-decoder.js';
import { TextRingBuffer } from './ring-buffer.js';
import type { AppServerProcessOptions } from './process-options.js';
import { endChild, spawnAppServer } from './stdio-child.js';
import { parseJsonMessage } from './json-message.js';
import type { InboundMessage, Transport } from './transport.js';

/** How to start `codex app-server` as a child process, and how to treat its stderr. */
export interface StdioTransportOptions extends AppServerProcessOptions {
  /**
   * Applied to every stderr text the transport keeps or reports (e.g. to mask secrets). stderr is
   * redacted line by line, so a secret split across two reads is still masked (lines longer
   * than 64 Ki characters are cut into pieces first).
   */
  readonly redact?: (text: string) => string;
}

/** Longest stderr line held back for line-wise redaction; longer ones are passed on in pieces. */
const MAX_STDERR_LINE = 64 * 1024;

/** Runs `codex app-server` as a child process and speaks JSONL over its stdin/stdout. */
export class StdioTransport implements Transport {
  readonly messages$: Observable<InboundMessage>;
  /** stderr of the app-server as it arrives (hot; not printed anywhere by default). */
  readonly stderr$ = new Subject<string>();

  private child?: ChildProcess;
  private exited?: Promise<void>;
  private readonly stderrTail: TextRingBuffer;
  private closing = false;
  private alive = true;
  private fail?: (error: CodexError) => void;

  constructor(private readonly options: StdioTransportOptions = {}) {
    this.stderrTail = new TextRingBuffer(options.stderrTailChars ?? 16 * 1024);
    this.messages$ = new Observable<InboundMessage>((subscriber) => {
      if (this.child || this.closing) {
        subscriber.error(new CodexError('StdioTransport.messages$ supports one subscription'));
        return;
      }
      const redact = options.redact ?? ((t: string) => t);
      let child: ChildProcess;
      let binaryPath: string;
      try {
        ({ child, binaryPath } = spawnAppServer(options));
      } catch (e) {
        subscriber.error(e);
        return;
      }
      this.child = child;
      this.applyKeepAlive();
      let done = false;
      const finish = (error?: CodexError) => {
        if (done) return;
        done = true;
        if (error) subscriber.error(error);
        else subscriber.complete();
      };
      this.fail = (error) => {
        finish(error);
        child.kill('SIGKILL');
      };
      this.exited = new Promise<void>((resolve) => {
        child.once('close', (code, signal) => {
          resolve();
          if (this.closing) finish();
          else {
            const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
            finish(
              new TransportClosedError(`codex app-server ${how}`, { exitCode: code, signal, stderrTail: redact(this.stderrTail.toString()) }),
            );
          }
        });
      });
      child.once('error', (err) => {
        finish(new TransportClosedError(`could not start ${binaryPath}: ${err.message}`, { cause: err, stderrTail: redact(this.stderrTail.toString()) }));
      });

      const decoder = new LineDecoder(options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
      const onLine = (line: string) => subscriber.next(parseJsonMessage(line));
      child.stdout!.on('data', (chunk: Buffer) => {
        if (done) return;
        try {
          decoder.push(chunk, onLine);
        } catch (e) {
          this.fail?.(e as CodexError);
        }
      });
      child.stdout!.on('end', () => {
        if (!done) decoder.end(onLine);
      });
      // Redacted line by line: a secret split across two reads is still found.
      let stderrPartial = '';
      const onStderr = (text: string) => {
        const clean = redact(text);
        this.stderrTail.append(clean);
        this.stderr$.next(clean);
      };
      child.stderr!.setEncoding('utf8');
      child.stderr!.on('data', (text: string) => {
        const all = stderrPartial + text;
        const nl = all.lastIndexOf('\n');
        stderrPartial = nl === -1 ? all : all.slice(nl + 1);
        if (nl !== -1) onStderr(all.slice(0, nl + 1));
        if (stderrPartial.length > MAX_STDERR_LINE) {
          onStderr(stderrPartial);
          stderrPartial = '';
        }
      });
      child.stderr!.on('end', () => {
        if (stderrPartial) onStderr(stderrPartial);
        stderrPartial = '';
      });
      // EPIPE and friends surface as the process exiting; the exit is what we report.
      child.stdin!.on('error', () => undefined);

      return () => {
        if (!done) void this.close();
      };
    });
  }

  /** The process id of the running app-server, if any. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Whether the child process and its pipes keep the Node process alive (ref/unref). The
   * connection turns this off while nothing is in flight; `close()` turns it on until the
   * process is gone.
   */
  keepAlive(alive: boolean): void {
    this.alive = alive || this.closing;
    this.applyKeepAlive();
  }

  private applyKeepAlive(): void {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    if (this.alive) child.ref();
    else child.unref();
    for (const stream of [child.stdin, child.stdout, child.stderr]) {
      const socket = stream as unknown as { destroyed?: boolean; ref?(): void; unref?(): void } | null;
      if (!socket || socket.destroyed) continue;
      if (this.alive) socket.ref?.();
      else socket.unref?.();
    }
  }

  send(message: object): void {
    const child = this.child;
    if (!child || this.closing || child.exitCode !== null || child.signalCode !== null || !child.stdin?.writable) {
      const redact = this.options.redact ?? ((t: string) => t);
      throw new TransportClosedError('codex app-server is not running', { stderrTail: redact(this.stderrTail.toString()) });
    }
    child.stdin.write(JSON.stringify(message) + '\n');
    const limit = this.options.maxPendingWriteBytes ?? 64 * 1024 * 1024;
    if (child.stdin.writableLength > limit) {
      this.fail?.(new ProtocolError(`codex app-server stopped reading its input (${child.stdin.writableLength} bytes queued)`));
    }
  }

  close(): Promise<void> {
    this.closing = true;
    this.keepAlive(true); // a graceful exit is awaited: bounded by the escalation below
    const child = this.child;
    if (!child || !this.exited) return Promise.resolve();
    return endChild(child, this.exited, this.options.closeGraceMs ?? 2000);
  }
}
