import { defer, Observable, Subscription } from 'rxjs';
import type { ProcessExitedNotification } from '../protocol/generated/v2/ProcessExitedNotification.js';
import type { ProcessSpawnParams } from '../protocol/generated/v2/ProcessSpawnParams.js';
import { OutputDecoder, OutputLimitExceededError, outputLimit, type OutputChunk } from './output-chunk.js';
import { checkProcessInput, pumpInput, type ProcessInput } from './process-input.js';
import { givenOrClientId, notificationsOf, sendTeardown, type StreamHost } from './stream-host.js';

/** Options of `codex.spawn()`: the `process/spawn` params (as on the wire) plus input and a bound. */
export interface SpawnOptions extends Omit<ProcessSpawnParams, 'command' | 'processHandle' | 'streamStdoutStderr' | 'streamStdin'>, ProcessInput {
  /** The connection-scoped handle of the process (default: a fresh one). */
  readonly processHandle?: string;
  /** Output bytes (stdout + stderr) this stream emits at most; beyond, the process is killed and the stream errors with OutputLimitExceededError. Default 64 MiB. */
  readonly maxOutputBytes?: number;
}

/** The end of a process (`process/exited`). */
export interface ProcessExit extends ProcessExitedNotification {
  readonly type: 'exit';
}

/** What `codex.spawn()` emits: output chunks as they arrive, then one exit. */
export type ProcessEvent = OutputChunk | ProcessExit;

/**
 * Spawns a process on the app-server's host (`process/spawn`, no sandbox) with streamed output.
 * Cold: subscribing spawns it; emits `output` chunks, then `exit` (`process/exited`), then
 * completes. Unsubscribing before the exit sends `process/kill` (once, after the spawn was
 * accepted); after it, nothing.
 */
export function processSpawn(host: StreamHost, command: readonly string[], options: SpawnOptions): Observable<ProcessEvent> {
  return defer(() => {
    const { stdin, resize, maxOutputBytes, processHandle: givenHandle, ...rest } = options ?? ({} as SpawnOptions);
    checkProcessInput({ stdin, resize }, 'spawn options');
    const max = outputLimit(maxOutputBytes, 'spawn options');
    const processHandle = givenOrClientId(givenHandle, 'process', 'spawn options', 'processHandle');
    const params = { ...rest, command: command as string[], processHandle, streamStdoutStderr: true, ...(stdin ? { streamStdin: true } : {}) } as ProcessSpawnParams;
    return new Observable<ProcessEvent>((subscriber) => {
      let state: 'spawning' | 'running' | 'ended' = 'spawning';
      let killWhenSpawned = false;
      let sent = false;
      const decoder = new OutputDecoder(max);
      const kill = () => {
        if (state === 'ended') return;
        if (state === 'spawning') {
          if (!sent) {
            state = 'ended';
            return spawn.unsubscribe(); // never sent: nothing runs
          }
          killWhenSpawned = true; // a kill before the spawn is registered would miss it
          return;
        }
        state = 'ended';
        sendTeardown(host, 'process/kill', { processHandle });
      };
      const end = () => {
        state = 'ended';
        input.unsubscribe();
      };
      const input = new Subscription();
      const events = notificationsOf(host, 'process/outputDelta', processHandle).subscribe({
        next: (p) => {
          const chunk = decoder.decode(p.stream, p.deltaBase64, p.capReached);
          if (chunk) return subscriber.next(chunk);
          kill();
          subscriber.error(new OutputLimitExceededError(max, `process ${JSON.stringify(command[0] ?? '')}`));
        },
        error: (e) => {
          end();
          subscriber.error(e);
        },
      });
      events.add(
        notificationsOf(host, 'process/exited', processHandle).subscribe({
          next: (p) => {
            end();
            subscriber.next({ type: 'exit', ...p });
            subscriber.complete();
          },
          error: () => undefined, // reported by the output subscription
        }),
      );
      // Not tied to the subscriber: an unsubscribe before the answer still kills the process then.
      const spawn = host.request('process/spawn', params, { onSent: () => (sent = true) }).subscribe({
        next: () => {
          if (state !== 'spawning') return; // exited already
          state = 'running';
          if (killWhenSpawned) return kill();
          input.add(
            pumpInput(
              { stdin, resize },
              {
                write: (deltaBase64, closeStdin) =>
                  host.request('process/writeStdin', { processHandle, ...(deltaBase64 !== undefined ? { deltaBase64 } : {}), ...(closeStdin ? { closeStdin } : {}) }),
                resize: (size) => host.request('process/resizePty', { processHandle, size }),
              },
              (e) => {
                if (state !== 'running') return;
                kill();
                subscriber.error(e);
              },
            ),
          );
        },
        error: (e) => {
          end();
          subscriber.error(e);
        },
      });
      return () => {
        events.unsubscribe();
        input.unsubscribe();
        kill();
      };
    });
  });
}
