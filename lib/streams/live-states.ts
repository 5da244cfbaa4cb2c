import { EMPTY, expand, map, of, reduce, type Observable } from 'rxjs';
import type { GetAccountRateLimitsResponse } from '../protocol/generated/v2/GetAccountRateLimitsResponse.js';
import type { McpServerStatus } from '../protocol/generated/v2/McpServerStatus.js';
import type { McpServerStatusUpdatedNotification } from '../protocol/generated/v2/McpServerStatusUpdatedNotification.js';
import type { RateLimitSnapshot } from '../protocol/generated/v2/RateLimitSnapshot.js';
import type { RemoteControlStatusReadResponse } from '../protocol/generated/v2/RemoteControlStatusReadResponse.js';
import type { ThreadStatus } from '../protocol/generated/v2/ThreadStatus.js';
import type { ThreadTokenUsage } from '../protocol/generated/v2/ThreadTokenUsage.js';
import { liveState, stateChange } from './live-state.js';
import type { StreamHost } from './stream-host.js';

// Every live state is a read plus the notifications that change it: one table row each.

/** `thread.status$`: `thread/read` → `thread.status`, then each `thread/status/changed`. */
export function threadStatus(host: StreamHost, threadId: string): Observable<ThreadStatus> {
  return liveState(host, () => host.request('thread/read', { threadId, includeTurns: false }).pipe(map((r) => r.thread.status)), [
    stateChange({ method: 'thread/status/changed', key: threadId, apply: (_, p) => p.status }),
  ]);
}

/** `thread.name$`: `thread/read` → `thread.name` (null when unnamed), then each `thread/name/updated`. */
export function threadName(host: StreamHost, threadId: string): Observable<string | null> {
  return liveState(host, () => host.request('thread/read', { threadId, includeTurns: false }).pipe(map((r) => r.thread.name ?? null)), [
    stateChange({ method: 'thread/name/updated', key: threadId, apply: (_, p) => p.threadName ?? null }),
  ]);
}

/**
 * `thread.tokenUsage$`: null (the protocol has no read for a thread's usage: 0.171.0), then each
 * `thread/tokenUsage/updated` of the thread.
 */
export function threadTokenUsage(host: StreamHost, threadId: string): Observable<ThreadTokenUsage | null> {
  return liveState<ThreadTokenUsage | null>(host, () => of(null), [
    stateChange({ method: 'thread/tokenUsage/updated', key: threadId, apply: (_, p) => p.tokenUsage }),
  ]);
}

/**
 * `codex.rateLimits$`: `account/rateLimits/read`, then each `account/rateLimits/updated` merged in
 * as the protocol asks (an update is sparse: null fields keep the value known before).
 */
export function rateLimits(host: StreamHost): Observable<GetAccountRateLimitsResponse> {
  return liveState(host, () => host.request('account/rateLimits/read', {}), [
    stateChange({ method: 'account/rateLimits/updated', apply: (state, p) => mergeRateLimits(state, p.rateLimits) }),
  ]);
}

/** What `codex.mcpServerStatus$` emits: the listed servers, and the latest startup status of each by name. */
export interface McpServersState {
  /** Every server `mcpServerStatus/list` listed (all pages). */
  readonly servers: readonly McpServerStatus[];
  /** The latest `mcpServer/startupStatus/updated` per server name. */
  readonly startup: Readonly<Record<string, McpServerStatusUpdatedNotification>>;
}

/** `codex.mcpServerStatus$`: `mcpServerStatus/list` (every page), then each `mcpServer/startupStatus/updated`. */
export function mcpServerStatus(host: StreamHost): Observable<McpServersState> {
  const list = () =>
    host.request('mcpServerStatus/list', {}).pipe(
      expand((page) => (page.nextCursor ? host.request('mcpServerStatus/list', { cursor: page.nextCursor }) : EMPTY)),
      reduce((servers: McpServerStatus[], page) => servers.concat(page.data), []),
      map((servers): McpServersState => ({ servers, startup: {} })),
    );
  return liveState(host, list, [
    stateChange({ method: 'mcpServer/startupStatus/updated', apply: (state, p) => ({ ...state, startup: { ...state.startup, [p.name]: p } }) }),
  ]);
}

/** `codex.remoteControlStatus$`: `remoteControl/status/read`, then each `remoteControl/status/changed`. */
export function remoteControlStatus(host: StreamHost): Observable<RemoteControlStatusReadResponse> {
  return liveState(host, () => host.request('remoteControl/status/read', undefined), [
    stateChange({ method: 'remoteControl/status/changed', apply: (_, p) => p }),
  ]);
}

/** A sparse snapshot over the known one: non-null fields win. */
function mergeSnapshot(known: RateLimitSnapshot, update: RateLimitSnapshot): RateLimitSnapshot {
  const merged: Record<string, unknown> = { ...known };
  for (const [key, value] of Object.entries(update)) if (value !== null && value !== undefined) merged[key] = value;
  return merged as RateLimitSnapshot;
}

/** Folds an update into the bucket it names (`limitId`), and into the single-bucket view when that is the same bucket. */
export function mergeRateLimits(state: GetAccountRateLimitsResponse, update: RateLimitSnapshot): GetAccountRateLimitsResponse {
  const id = update.limitId;
  const sameAsMain = id === null || state.rateLimits.limitId === null || state.rateLimits.limitId === id;
  const byId = state.rateLimitsByLimitId;
  const bucket = id !== null && byId ? byId[id] : undefined;
  return {
    ...state,
    rateLimits: sameAsMain ? mergeSnapshot(state.rateLimits, update) : state.rateLimits,
    rateLimitsByLimitId: id !== null && byId ? { ...byId, [id]: bucket ? mergeSnapshot(bucket, update) : update } : byId,
  };
}
