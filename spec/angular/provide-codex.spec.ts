import { createEnvironmentInjector, EnvironmentInjector, inject, InjectionToken, runInInjectionContext, type EnvironmentProviders, type Provider } from '@angular/core';
import { firstValueFrom } from 'rxjs';
import { CODEX, injectCodex, provideCodex } from '../../lib/angular/index.js';
import { Codex, TransportClosedError } from '../../lib/index.js';
import { FAKE_INITIALIZE_RESPONSE, InMemoryTransport } from '../../lib/testing/index.js';

/** A fake app-server; its version is left out of the user agent so no version check applies. */
const fakeServer = () => new InMemoryTransport({ initializeResponse: { ...FAKE_INITIALIZE_RESPONSE, userAgent: 'codex (in-memory)' } });

/** A root environment injector like an app's: createEnvironmentInjector needs a parent. */
function rootInjector(providers: Array<Provider | EnvironmentProviders>): EnvironmentInjector {
  const platform = createEnvironmentInjector([], null as unknown as EnvironmentInjector);
  return createEnvironmentInjector(providers, platform);
}

describe('provideCodex', () => {
  test('creates the client on first injection, not before, and once per injector', () => {
    let created = 0;
    const transport = fakeServer();
    const injector = rootInjector([provideCodex(() => (created++, { transport }))]);
    expect(created).toBe(0);

    const a = runInInjectionContext(injector, () => injectCodex());
    const b = injector.get(CODEX);
    expect(a).toBeInstanceOf(Codex);
    expect(b).toBe(a);
    expect(created).toBe(1);
    expect(transport.started).toBe(false); // constructing a Codex does no I/O
    injector.destroy();
  });

  test('a config object works as well as a function', async () => {
    const transport = fakeServer();
    const injector = rootInjector([provideCodex({ transport })]);
    const codex = runInInjectionContext(injector, injectCodex);
    await expect(firstValueFrom(codex.connect())).resolves.toMatchObject({ userAgent: expect.stringContaining('in-memory') });
    injector.destroy();
  });

  test('the config function runs in an injection context, so it may inject()', () => {
    const TRANSPORT = new InjectionToken<InMemoryTransport>('transport');
    const transport = fakeServer();
    const injector = rootInjector([{ provide: TRANSPORT, useValue: transport }, provideCodex(() => ({ transport: inject(TRANSPORT) }))]);
    runInInjectionContext(injector, injectCodex);
    expect(transport.started).toBe(false);
    injector.destroy();
  });

  test("destroying the injector closes the client: its connection ends and later calls fail with a typed error", async () => {
    const transport = fakeServer();
    const injector = rootInjector([provideCodex({ transport })]);
    const codex = injector.get(CODEX);
    await firstValueFrom(codex.connect());
    expect(transport.closedByClient).toBe(false);

    injector.destroy();
    expect(transport.closedByClient).toBe(true);
    await expect(firstValueFrom(codex.request('model/list', {}))).rejects.toBeInstanceOf(TransportClosedError);
  });

  test('an injector that never injected the client creates none and closes none', () => {
    let created = 0;
    const injector = rootInjector([provideCodex(() => (created++, { transport: fakeServer() }))]);
    injector.destroy();
    expect(created).toBe(0);
  });

  test('each child environment injector with its own provideCodex gets its own client, closed with it', async () => {
    const rootTransport = fakeServer();
    const childTransport = fakeServer();
    const root = rootInjector([provideCodex({ transport: rootTransport })]);
    const child = createEnvironmentInjector([provideCodex({ transport: childTransport })], root);
    const rootCodex = root.get(CODEX);
    const childCodex = child.get(CODEX);
    expect(childCodex).not.toBe(rootCodex);
    await firstValueFrom(rootCodex.connect());
    await firstValueFrom(childCodex.connect());

    child.destroy(); // e.g. a lazy route's injector
    expect(childTransport.closedByClient).toBe(true);
    expect(rootTransport.closedByClient).toBe(false);
    root.destroy();
    expect(rootTransport.closedByClient).toBe(true);
  });

  test('injectCodex outside an injection context fails with Angular’s own error', () => {
    expect(() => injectCodex()).toThrow(/injection context/);
  });
});
