// Waiters: what the recording test clients (spec/gateway, spec/support/e2e, the raw app-server) wait with.
import { Waiters } from './waiters';

describe('Waiters', () => {
  it('resolves at once when the probe already hits', async () => {
    await expect(new Waiters().until(() => 'here', 1000, () => 'never')).resolves.toBe('here');
  });

  it('re-checks at each poke and resolves with the first hit; a settled wait is not probed again', async () => {
    const waiters = new Waiters();
    const seen: number[] = [];
    let probes = 0;
    const hit = waiters.until(
      () => {
        probes++;
        return seen.find((n) => n > 1);
      },
      1000,
      () => 'never',
    );
    seen.push(1);
    waiters.poke();
    seen.push(2);
    waiters.poke();
    await expect(hit).resolves.toBe(2);
    waiters.poke();
    expect(probes).toBe(3);
  });

  it('rejects after the timeout with the failure text as it is then', async () => {
    const waiters = new Waiters();
    let got = 'nothing';
    const miss = waiters.until(() => undefined, 30, () => `no hit; got ${got}`);
    got = 'something else';
    await expect(miss).rejects.toThrow('no hit; got something else');
  });
});
