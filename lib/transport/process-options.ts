/** `--config` overrides: an object (values become TOML) or ready `key=value` strings. */
export type ConfigOverrides = Readonly<Record<string, unknown>> | readonly string[];

/**
 * How to start `codex app-server` as a local child process (Node only). Plain data: this file
 * is shared by the stdio transport and the client's configuration and imports nothing.
 */
export interface AppServerProcessOptions {
  /** Path to the codex binary; default: the one `@openai/codex` installs. */
  readonly codexBin?: string;
  /** Replaces the whole argv after the binary (default `[--config k=v…] app-server --listen stdio://`). */
  readonly launchArgsOverride?: readonly string[];
  /** `--config` overrides: `{ model: 'o3' }` or `['model="o3"']`. */
  readonly configOverrides?: ConfigOverrides;
  /** Working directory of the process. */
  readonly cwd?: string;
  /** Environment, merged over `process.env`; `undefined` removes a variable. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Longest line accepted from the server (default 64 MiB). */
  readonly maxLineBytes?: number;
  /** Characters of stderr kept for error messages, oldest dropped first (default 16 KiB). */
  readonly stderrTailChars?: number;
  /**
   * Bytes allowed to queue on stdin when the server stops reading (default 64 MiB); past it the
   * connection fails with ProtocolError and the process is killed.
   */
  readonly maxPendingWriteBytes?: number;
  /** How long close() waits for a graceful exit before SIGTERM, then SIGKILL (default 2000 ms each). */
  readonly closeGraceMs?: number;
}

/** Every key of {@link AppServerProcessOptions}: the options that only apply when spawning. */
export const APP_SERVER_PROCESS_KEYS: readonly (keyof AppServerProcessOptions)[] = [
  'codexBin',
  'launchArgsOverride',
  'configOverrides',
  'cwd',
  'env',
  'maxLineBytes',
  'stderrTailChars',
  'maxPendingWriteBytes',
  'closeGraceMs',
];
