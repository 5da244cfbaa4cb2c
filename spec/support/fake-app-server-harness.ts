/**
 * Runs spec/support/fake-app-server.js as `codexBin`, so tests go through the real
 * StdioTransport, Connection and Codex against a process that misbehaves on cue.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Codex } from '../../lib/node/index.js';
import type { CodexSpawnConfig } from '../../lib/codex-config.js';

/** Where the fake app-server script lives. */
export const FAKE_APP_SERVER = path.join(__dirname, 'fake-app-server.js');

/** One scripted action of the fake app-server (see fake-app-server.js). */
export type FakeAction = Record<string, unknown>;

/** What the fake app-server does (see fake-app-server.js). */
export interface FakeScenario {
  start?: FakeAction[];
  on?: Record<string, FakeAction[]>;
  stdinEnd?: 'exit' | 'ignore';
}

/** A temp dir holding an executable `codex` wrapper around the fake app-server; `dispose()` removes it. */
export function fakeCodexBin(): { bin: string; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-fake-'));
  const bin = path.join(dir, 'codex');
  writeFileSync(bin, `#!${process.execPath}\nrequire(${JSON.stringify(FAKE_APP_SERVER)});\n`);
  chmodSync(bin, 0o755);
  return { bin, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Environment that hands a scenario to the fake app-server. */
export function scenarioEnv(scenario: FakeScenario): Record<string, string> {
  return { FAKE_APP_SERVER_SCENARIO: JSON.stringify(scenario) };
}

/** A Codex that spawns the fake app-server (through the real StdioTransport) with `scenario`. */
export function fakeCodex(bin: string, scenario: FakeScenario, config: CodexSpawnConfig = {}): Codex {
  return new Codex({
    codexBin: bin,
    closeGraceMs: 500,
    requestTimeoutMs: 20_000,
    ...config,
    env: { ...scenarioEnv(scenario), ...config.env },
  });
}
