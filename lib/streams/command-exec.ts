import { defer, Observable, Subscription } from 'rxjs';
import type { CommandExecParams } from '../protocol/generated/v2/CommandExecParams.js';
import type { CommandExecResponse } from '../protocol/generated/v2/CommandExecResponse.js';
import { OutputDecoder, OutputLimitExceededError, outputLimit, type OutputChunk } from './output-chunk.js';
import { checkProcessInput, pumpInput, type ProcessInput } from './process-input.js';
import { givenOrClientId, notificationsOf, sendTeardown, type StreamHost } from './stream-host.js';

/** Options of `codex.exec()`: the `command/exec` params (camelCase, as on the wire) plus input and a bound. */
export interface ExecOptions extends Omit<CommandExecParams, 'command' | 'processId' | 'streamStdoutStderr' | 'streamStdin'>, ProcessInput {
  /** The connection-scoped id of the process (default: a fresh one). */
  readonly processId?: string;
  /** Output bytes (stdout + stderr) this stream emits at most; beyond, the command is terminated and the stream errors with OutputLimitExceededError. Default 64 MiB. */
  readonly maxOutputBytes?: number;
}

/** The end of a command: its exit code (and, for streamed output, empty captures). */
export interface CommandExit extends CommandExecResponse {
  readonly type: 'exit';
}

/** What `codex.exec()` emits: output chunks as they arrive, then one exit. */
export type CommandEvent = OutputChunk | CommandExit;

/**
 * Runs a command on the app-server's host (`command/exec`, in its sandbox) with streamed output.
 * Cold: subscribing starts it; emits `output` chunks, then `exit`, then completes. Unsubscribing
 * before the exit sends `command/exec/terminate` (once); after it, nothing.
 */
export function commandExec(host: StreamHost, command: readonly string[], options: ExecOptions = {}): Observable<CommandEvent> {
  return defer(() => {
    const { stdin, resize, maxOutputBytes, processId: givenId, ...rest } = options ?? {};
    checkProcessInput({ stdin, resize }, 'exec options');
    const max = outputLimit(maxOutputBytes, 'exec options');
    const processId = givenOrClientId(givenId, 'exec', 'exec options', 'processId');
    const params = { ...rest, command: command as string[], processId, streamStdoutStderr: true, ...(stdin ? { streamStdin: true } : {}) } as CommandExecParams;
    return new Observable<CommandEvent>((subscriber) => {
      let running = true; // until the exit answer, an error, or the limit
      let sent = false;
      const decoder = new OutputDecoder(max);
      const stop = () => {
        if (!running) return;
        running = false;
        if (!sent) return exec.unsubscribe(); // never sent: nothing runs
        sendTeardown(host, 'command/exec/terminate', { processId });
      };
      const output = notificationsOf(host, 'command/exec/outputDelta', processId).subscribe({
        next: (p) => {
          const chunk = decoder.decode(p.stream, p.deltaBase64, p.capReached);
          if (chunk) return subscriber.next(chunk);
          stop();
          subscriber.error(new OutputLimitExceededError(max, `command ${JSON.stringify(command[0] ?? '')}`));
        },
        error: (e) => {
          running = false;
          subscriber.error(e);
        },
      });
      const input = new Subscription();
      // No request deadline: a command runs as long as it runs (its own `timeoutMs` bounds it on the server).
      // Not tied to the subscriber: after a terminate, the server still answers, and that answer must find its request.
      const exec = host.request('command/exec', params, { timeoutMs: 0, onSent: () => ((sent = true), input.add(startInput())) }).subscribe({
        next: (result) => {
          running = false;
          subscriber.next({ type: 'exit', ...result });
          subscriber.complete();
        },
        error: (e) => {
          running = false;
          subscriber.error(e);
        },
      });
      function startInput() {
        return pumpInput(
          { stdin, resize },
          {
            write: (deltaBase64, closeStdin) => host.request('command/exec/write', { processId, ...(deltaBase64 !== undefined ? { deltaBase64 } : {}), ...(closeStdin ? { closeStdin } : {}) }),
            resize: (size) => host.request('command/exec/resize', { processId, size }),
          },
          (e) => {
            if (!running) return;
            stop();
            subscriber.error(e);
          },
        );
      }
      return () => {
        output.unsubscribe();
        input.unsubscribe();
        stop();
      };
    });
  });
}
