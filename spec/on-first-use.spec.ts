/** OnFirstUse: a module loaded on first use, once; a failed load is retried by the next call. */
import { firstValueFrom, of } from 'rxjs';
import { CodexError } from '../lib/errors.js';
import { OnFirstUse } from '../lib/on-first-use.js';

describe('OnFirstUse', () => {
  it('loads once, however many callers ask, and keeps the module in `now`', async () => {
    let loads = 0;
    const lazy = new OnFirstUse('validators', async () => ({ n: ++loads }));
    expect(lazy.now).toBeUndefined();
    const [a, b] = await Promise.all([lazy.get(), lazy.get()]);
    expect(a).toBe(b);
    expect(await lazy.get()).toBe(a);
    expect(lazy.now).toBe(a);
    expect(loads).toBe(1);
  });

  it('a failed load is a CodexError naming what failed, and the next call loads again', async () => {
    let calls = 0;
    const lazy = new OnFirstUse('streams', async () => {
      if (++calls === 1) throw new Error('chunk 404');
      return 'module';
    });
    const error = await lazy.get().catch((e: unknown) => e);
    expect(CodexError.is(error)).toBe(true);
    expect((error as Error).message).toBe('codex-rx could not load its streams (a chunk loaded on first use): chunk 404');
    expect((error as Error).cause).toEqual(new Error('chunk 404'));
    expect(await lazy.get()).toBe('module');
    expect(calls).toBe(2);
  });

  it('use(): a given module wins; else the loaded one; else it loads on subscription, not before', async () => {
    let loads = 0;
    const lazy = new OnFirstUse('x', async () => `loaded ${++loads}`);
    expect(await firstValueFrom(lazy.use('given', (m) => of(m)))).toBe('given');
    const later = lazy.use(undefined, (m) => of(`used ${m}`));
    expect(loads).toBe(0);
    expect(await firstValueFrom(later)).toBe('used loaded 1');
    expect(await firstValueFrom(lazy.use(undefined, (m) => of(m)))).toBe('loaded 1');
    expect(loads).toBe(1);
  });
});
