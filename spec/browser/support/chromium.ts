import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { findChromium, CHROMIUM_ARGS, CHROMIUM_HINT } = require('../../../scripts/web/chromium.cjs') as { findChromium(): string | undefined; CHROMIUM_ARGS: readonly string[]; CHROMIUM_HINT: string };

/** A Chromium with a fresh, throw-away profile; `close()` ends it and removes the profile. */
export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Debian's Chromium (headless, as root: no sandbox) through playwright-core. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(CHROMIUM_HINT);
  const profile = mkdtempSync(path.join(os.tmpdir(), 'codex-rx-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: [...CHROMIUM_ARGS], viewport: { width: 1100, height: 900 } });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
