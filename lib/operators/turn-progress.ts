import { scan, type OperatorFunction } from 'rxjs';
import type { ServerRequestMessage } from '../protocol/methods.js';
import type { ThreadItem } from '../protocol/generated/v2/ThreadItem.js';
import type { ThreadTokenUsage } from '../protocol/generated/v2/ThreadTokenUsage.js';
import type { TurnPlanStep } from '../protocol/generated/v2/TurnPlanStep.js';
import type { TurnError } from '../protocol/generated/v2/TurnError.js';
import { isServerRequest, type TurnEvent } from '../turn/turn-event.js';

/** One item as a UI shows it: live status and, for agent messages, the text so far. */
export interface ItemProgress {
  readonly id: string;
  readonly type: ThreadItem['type'];
  /** `incomplete`: the turn ended without this item's `item/completed` (e.g. a steered message). */
  readonly status: 'inProgress' | 'completed' | 'incomplete';
  readonly item: ThreadItem;
  /** Agent message text (or command output) streamed so far. */
  readonly text: string;
}

/** A UI-ready snapshot of a turn; each event yields a new object (safe for OnPush change detection). */
export interface TurnProgress {
  readonly turnId: string | null;
  readonly status: 'starting' | 'inProgress' | 'completed' | 'interrupted' | 'failed';
  /** Items by id, in the order they started. */
  readonly items: readonly ItemProgress[];
  /** The agent message text streaming now (or the last one). */
  readonly text: string;
  readonly plan: readonly TurnPlanStep[];
  readonly diff: string | null;
  readonly usage: ThreadTokenUsage | null;
  /** Server requests (approvals, questions) of this turn not yet resolved. */
  readonly pendingRequests: readonly ServerRequestMessage[];
  readonly error: TurnError | null;
}

/** The snapshot before any event. */
export const INITIAL_TURN_PROGRESS: TurnProgress = Object.freeze({
  turnId: null,
  status: 'starting',
  items: [],
  text: '',
  plan: [],
  diff: null,
  usage: null,
  pendingRequests: [],
  error: null,
});

function upsert(items: readonly ItemProgress[], id: string, update: (old: ItemProgress | undefined) => ItemProgress): readonly ItemProgress[] {
  const i = items.findIndex((it) => it.id === id);
  if (i < 0) return [...items, update(undefined)];
  const next = items.slice();
  next[i] = update(items[i]);
  return next;
}

/** Folds one event into a new snapshot (pure). */
export function reduceTurnProgress(state: TurnProgress, event: TurnEvent): TurnProgress {
  if (isServerRequest(event)) return { ...state, pendingRequests: [...state.pendingRequests, event] };
  switch (event.method) {
    case 'turn/started':
      return { ...state, turnId: event.params.turn.id, status: 'inProgress' };
    case 'item/started': {
      const item = event.params.item;
      return { ...state, status: 'inProgress', items: upsert(state.items, item.id, () => ({ id: item.id, type: item.type, status: 'inProgress', item, text: '' })) };
    }
    case 'item/agentMessage/delta':
    case 'item/commandExecution/outputDelta': {
      const { itemId, delta } = event.params;
      const items = upsert(state.items, itemId, (old) =>
        old ? { ...old, text: old.text + delta } : ({ id: itemId, type: event.method === 'item/agentMessage/delta' ? 'agentMessage' : 'commandExecution', status: 'inProgress', item: undefined as unknown as ThreadItem, text: delta } as ItemProgress),
      );
      return event.method === 'item/agentMessage/delta' ? { ...state, items, text: items.find((i) => i.id === itemId)!.text } : { ...state, items };
    }
    case 'item/completed': {
      const item = event.params.item;
      const text = item.type === 'agentMessage' ? item.text : undefined;
      const items = upsert(state.items, item.id, (old) => ({ id: item.id, type: item.type, status: 'completed', item, text: text ?? old?.text ?? '' }));
      return text === undefined ? { ...state, items } : { ...state, items, text };
    }
    case 'turn/plan/updated':
      return { ...state, plan: event.params.plan };
    case 'turn/diff/updated':
      return { ...state, diff: event.params.diff };
    case 'thread/tokenUsage/updated':
      return { ...state, usage: event.params.tokenUsage };
    case 'serverRequest/resolved': {
      const id = event.params.requestId;
      return { ...state, pendingRequests: state.pendingRequests.filter((r) => r.id !== id) };
    }
    case 'turn/completed': {
      const turn = event.params.turn;
      const status = turn.status === 'inProgress' ? 'completed' : turn.status;
      // Items the server dropped (a steered turn cuts its streaming message) must not spin forever.
      const items = state.items.some((i) => i.status === 'inProgress') ? state.items.map((i) => (i.status === 'inProgress' ? { ...i, status: 'incomplete' as const } : i)) : state.items;
      return { ...state, turnId: turn.id, status, error: turn.error, pendingRequests: [], items };
    }
    default:
      return state;
  }
}

/**
 * Scans a turn's events into UI-ready snapshots: items with live status, streaming text, plan,
 * diff, token usage and pending approvals.
 *
 * @example thread.turn('Fix the tests').pipe(turnProgress()).subscribe((p) => render(p));
 */
export function turnProgress(): OperatorFunction<TurnEvent, TurnProgress> {
  return scan(reduceTurnProgress, INITIAL_TURN_PROGRESS);
}
