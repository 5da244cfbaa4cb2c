/** Protocol-valid answers of `model/list` and `account/read`. */
import type { GetAccountResponse } from '../../protocol/generated/v2/GetAccountResponse.js';
import type { Model } from '../../protocol/generated/v2/Model.js';
import type { ModelListResponse } from '../../protocol/generated/v2/ModelListResponse.js';
import { FAKE_MODEL } from './threads.js';

/** One model as `model/list` describes it (default: `mock-model`, efforts low/medium/high). */
export function modelInfo(overrides: Partial<Model> = {}): Model {
  const id = overrides.id ?? FAKE_MODEL;
  return {
    id,
    model: id,
    upgrade: null,
    upgradeInfo: null,
    availabilityNux: null,
    displayName: id,
    description: `${id} (fake)`,
    modelSpecialty: null,
    hidden: false,
    supportedReasoningEfforts: ['low', 'medium', 'high'].map((reasoningEffort) => ({ reasoningEffort, description: reasoningEffort })),
    defaultReasoningEffort: 'medium',
    inputModalities: ['text', 'image'],
    supportsPersonality: false,
    multiAgentVersion: null,
    additionalSpeedTiers: [],
    serviceTiers: [],
    defaultServiceTier: null,
    availableAccessPrograms: null,
    isDefault: true,
    ...overrides,
  };
}

/** The answer of `model/list`: one page holding `models`. */
export function modelListResponse(models: readonly Model[] = [modelInfo()]): ModelListResponse {
  return { data: [...models], nextCursor: null };
}

/** The answer of `account/read` (default: signed in with an API key). */
export function accountResponse(overrides: Partial<GetAccountResponse> = {}): GetAccountResponse {
  return { account: { type: 'apiKey' }, userId: null, requiresOpenaiAuth: true, workspaceRouting: null, ...overrides };
}
