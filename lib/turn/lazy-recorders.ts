import { EMPTY } from 'rxjs';
import type { Thread as ThreadInfo } from '../protocol/generated/v2/Thread.js';
import type { Connection, RoutedMessage } from '../rpc/connection.js';
import type { ClientStreams, Streams } from '../streams/lazy-streams.js';
import type { TurnRecorders } from './attach-stream.js';
import { MAX_TURN_REPLAY } from './turn-event.js';

// Why this file: the recorders of attached turns (lib/turn/attach-stream.ts and what it uses)
// load with the streams chunk, not with the page. A thread opened with a turn in progress must
// still hear what a gateway replays right after the `thread/resume` answer: until the chunk is
// here, that turn's messages are kept here and handed to its recorder once it exists.

/** What was heard of one running turn before its recorder could exist. */
interface Early {
  readonly messages: RoutedMessage[];
  readonly unwatch: () => void;
}

/** One thread's recorders of attached turns: built from the streams (given or loaded on first use). */
export class LazyTurnRecorders {
  private recorders?: TurnRecorders;
  /** The latest description the thread was opened with while the chunk loaded, and its running turns' messages. */
  private early?: { info: ThreadInfo; readonly turns: Map<string, Early> };

  constructor(
    private readonly connection: Connection,
    private readonly streams: ClientStreams,
    /** Told when a followed turn completed (the thread's running turn is over). */
    private readonly completed: (turnId: string) => void,
  ) {}

  /** The recorders, from the loaded streams; what was kept while they loaded is handed over first. */
  of(streams: Streams): TurnRecorders {
    const recorders = (this.recorders ??= new streams.TurnRecorders(this.connection, this.completed));
    const early = this.early;
    if (early) {
      this.early = undefined;
      recorders.opened(early.info);
      for (const [turnId, kept] of early.turns) {
        const recorder = recorders.recorder(early.info.id, turnId);
        if (recorder) for (const message of kept.messages) recorder.next(message);
        kept.unwatch();
      }
    }
    return recorders;
  }

  /** The thread was opened (started, resumed, forked; again after a reconnect) with a turn in progress. */
  opened(info: ThreadInfo): void {
    const now = this.streams.now;
    if (now) return this.of(now).opened(info);
    const early = (this.early ??= { info, turns: new Map() });
    early.info = info;
    for (const turn of info.turns ?? []) {
      if (turn.status !== 'inProgress' || early.turns.has(turn.id)) continue;
      const messages: RoutedMessage[] = [];
      try {
        const unwatch = this.connection.watchTurn(turn.id, {
          next: (m) => {
            if (messages.length < MAX_TURN_REPLAY || m.method === 'turn/completed') messages.push(m);
          },
          error: () => undefined, // the recorder hears the connection's end itself
        });
        early.turns.set(turn.id, { messages, unwatch });
      } catch {
        // closed: an attach fails with the connection's error
      }
    }
    this.streams
      .use((s) => {
        this.of(s);
        return EMPTY;
      })
      .subscribe({ error: () => this.drop() });
  }

  /** The chunk failed to load: stop keeping; an `attach` loads it again and reads the turn's record. */
  private drop(): void {
    for (const kept of this.early?.turns.values() ?? []) kept.unwatch();
    this.early = undefined;
  }
}
