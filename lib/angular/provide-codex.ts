import { DestroyRef, inject, InjectionToken, makeEnvironmentProviders, type EnvironmentProviders } from '@angular/core';
import { Codex } from '../codex.js';
import type { CodexConfig } from '../codex-config.js';

/**
 * What `provideCodex()` accepts: the config itself, or a function that returns it. The function
 * runs once, on first injection, inside an injection context — it may call `inject()` (e.g. to
 * read a token from an auth service).
 */
export type CodexConfigSource = CodexConfig | (() => CodexConfig);

/** The `Codex` client of an injector; provided by `provideCodex()`. */
export const CODEX = new InjectionToken<Codex>('codex-rx Codex');

/**
 * Provides one `Codex` client to an environment injector (the app's root, or a route's).
 *
 * The client is created when something first injects it — not at bootstrap — and closed when
 * the injector is destroyed (app teardown, a lazy route going away), which ends its connection
 * and everything still running on it.
 *
 * @example
 * bootstrapApplication(App, { providers: [provideCodex({ url: '/codex', token })] });
 */
export function provideCodex(config: CodexConfigSource): EnvironmentProviders {
  return makeEnvironmentProviders([{ provide: CODEX, useFactory: () => createClient(config) }]);
}

/** The `Codex` client of the current injector; call it in an injection context (a field initializer, a constructor). */
export function injectCodex(): Codex {
  return inject(CODEX);
}

function createClient(source: CodexConfigSource): Codex {
  const destroyRef = inject(DestroyRef);
  const codex = new Codex(typeof source === 'function' ? source() : source);
  // close() settles every pending call with an error; the injector is going away, nobody awaits it.
  destroyRef.onDestroy(() => void codex.close().catch(() => undefined));
  return codex;
}
