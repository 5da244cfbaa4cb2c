// Results the binary generates no type for, typed by hand in scripts/generate-protocol.mjs
// (RESULT_OVERRIDES): checked here against what the real pinned app-server answers.
import { firstValueFrom } from 'rxjs';
import type { ResultOf } from '../../lib/protocol/methods';
import type { ConfigWriteResponse } from '../../lib/protocol/generated/v2/ConfigWriteResponse';
import { assertType, type Equals } from '../support/type-assert';
import { startE2E, type E2E } from '../support/e2e';

jest.setTimeout(60_000);

describe('hand-typed results against the real app-server', () => {
  let e2e: E2E;
  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(() => e2e.dispose());

  it('modelProvider/default/set answers a ConfigWriteResponse', async () => {
    assertType<Equals<ResultOf<'modelProvider/default/set'>, ConfigWriteResponse>>();
    const result = await firstValueFrom(e2e.codex.request('modelProvider/default/set', { providerId: 'mock' }));
    expect(result).toEqual({ status: 'ok', version: expect.stringMatching(/^sha256:/), filePath: expect.stringMatching(/config\.toml$/), overriddenMetadata: null });
  });
});
