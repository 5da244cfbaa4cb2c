import { LineDecoder, DEFAULT_MAX_LINE_BYTES } from '../transport/line-decoder.js';
import { endChild, spawnAppServer } from '../transport/stdio-child.js';
import { failOnce, type StdioUpstreamConfig, type Upstream, type UpstreamEvents } from './upstream.js';

/** Default grace before SIGTERM (then SIGKILL after as long again) when a client leaves. */
const DEFAULT_GRACE_MS = 1000;
/** Bytes allowed to queue on the app-server's stdin when it stops reading; past it the upstream fails. */
export const MAX_PENDING_INPUT_BYTES = 64 * 1024 * 1024;

/**
 * Spawns `codex app-server --listen stdio://` (the same resolver and argv as StdioTransport) and
 * relays lines unparsed: one stdout line = one message. With `cleanEnv` the child gets
 * `config.env` only, nothing of this process's environment. `pid` is the child's. Throws when the binary cannot be found
 * or the config is invalid.
 */
export function openStdioUpstream(config: StdioUpstreamConfig, events: UpstreamEvents, onStderr: (text: string) => void, { cleanEnv = false } = {}): Upstream {
  const { child } = spawnAppServer(config, { cleanEnv });
  const failure = failOnce(events, () => child.kill('SIGKILL'));
  const exited = new Promise<void>((resolve) => {
    child.once('close', (code, signal) => {
      resolve();
      failure.fail(signal ? `the app-server was killed by ${signal}` : `the app-server exited with code ${code}`);
    });
    child.once('error', () => {
      resolve();
      failure.fail('the app-server could not be started');
    });
  });

  const decoder = new LineDecoder(config.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
  const onLine = (line: string) => events.message(line);
  child.stdout!.on('data', (chunk: Buffer) => {
    try {
      decoder.push(chunk, onLine);
    } catch {
      failure.fail('the app-server sent a line longer than the limit');
    }
  });
  child.stdout!.on('end', () => decoder.end(onLine));
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', onStderr);
  // EPIPE and friends surface as the process exiting.
  child.stdin!.on('error', () => undefined);

  return {
    pid: child.pid,
    send(text) {
      if (failure.ended || !child.stdin!.writable) return;
      // A raw newline can only be insignificant whitespace in JSON, but it would split the line.
      child.stdin!.write(text.includes('\n') || text.includes('\r') ? JSON.stringify(JSON.parse(text)) + '\n' : text + '\n');
      if (child.stdin!.writableLength > MAX_PENDING_INPUT_BYTES) failure.fail('the app-server stopped reading its input');
    },
    pause: () => child.stdout!.pause(),
    resume: () => child.stdout!.resume(),
    close() {
      failure.closing();
      if (child.pid === undefined) return exited;
      return endChild(child, exited, config.closeGraceMs ?? DEFAULT_GRACE_MS);
    },
  };
}
