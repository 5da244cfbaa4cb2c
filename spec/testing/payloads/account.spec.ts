import * as account from '../../../lib/testing/payloads/account.js';
import { accountResponse, modelInfo, modelListResponse } from '../../../lib/testing/payloads/account.js';
import { FAKE_MODEL } from '../../../lib/testing/payloads/threads.js';
import { coveredBuilders, expectValid, exportedFunctions, v2 } from '../../support/payload-schemas.js';

const ROWS = [
  ['modelInfo', 'Model', modelInfo()],
  ['modelInfo (another, not default)', 'Model', modelInfo({ id: 'gpt-x', isDefault: false })],
  ['modelListResponse', 'ModelListResponse', modelListResponse()],
  ['modelListResponse (two models)', 'ModelListResponse', modelListResponse([modelInfo(), modelInfo({ id: 'gpt-x', isDefault: false, hidden: true })])],
  ['accountResponse', 'GetAccountResponse', accountResponse()],
  ['accountResponse (signed out)', 'GetAccountResponse', accountResponse({ account: null })],
] as const;

describe('model and account payloads conform to the pinned schema', () => {
  it.each(ROWS)('%s', (_label, definition, value) => expectValid(v2, definition, value));

  it('the check bites: a wrong value is reported', () => {
    expect(v2.check('Model', { ...modelInfo(), hidden: 'no' })).toBeDefined();
    expect(v2.check('GetAccountResponse', { ...accountResponse(), account: { type: 'password' } })).toBeDefined();
  });

  it('covers every builder of payloads/account', () => {
    expect(coveredBuilders(ROWS)).toEqual(exportedFunctions(account));
  });
});

describe('model and account payloads: defaults and overrides', () => {
  it('modelInfo describes the fake model as the default, with efforts low/medium/high', () => {
    expect(modelInfo()).toMatchObject({
      id: FAKE_MODEL,
      model: FAKE_MODEL,
      displayName: FAKE_MODEL,
      description: `${FAKE_MODEL} (fake)`,
      isDefault: true,
      hidden: false,
      defaultReasoningEffort: 'medium',
      supportedReasoningEfforts: [
        { reasoningEffort: 'low', description: 'low' },
        { reasoningEffort: 'medium', description: 'medium' },
        { reasoningEffort: 'high', description: 'high' },
      ],
    });
  });

  it('modelInfo derives model, display name and description from the id; overrides win', () => {
    expect(modelInfo({ id: 'gpt-x' })).toMatchObject({ id: 'gpt-x', model: 'gpt-x', displayName: 'gpt-x', description: 'gpt-x (fake)' });
    expect(modelInfo({ id: 'gpt-x', displayName: 'GPT X', model: 'gpt-x-2026' })).toMatchObject({ id: 'gpt-x', model: 'gpt-x-2026', displayName: 'GPT X' });
  });

  it('modelListResponse is one page holding a copy of the models', () => {
    const models = [modelInfo({ id: 'a' })];
    const page = modelListResponse(models);
    expect(page).toEqual({ data: models, nextCursor: null });
    page.data.push(modelInfo());
    expect(models).toHaveLength(1);
    expect(modelListResponse([])).toEqual({ data: [], nextCursor: null });
  });

  it('accountResponse: signed in with an API key by default; fields are overridable', () => {
    expect(accountResponse()).toEqual({ account: { type: 'apiKey' }, userId: null, requiresOpenaiAuth: true, workspaceRouting: null });
    expect(accountResponse({ account: null, requiresOpenaiAuth: false })).toEqual({ account: null, userId: null, requiresOpenaiAuth: false, workspaceRouting: null });
  });
});
