import { DestroyRef, Injectable, computed, effect, inject, signal, untracked, type Signal } from '@angular/core';
import { injectCodex, turnSignal, type TurnSignal } from 'codex-rx/angular';
import { turnIdOf, type protocol, type Thread, type TurnEvent, type TurnProgress } from 'codex-rx';
import { catchError, filter, finalize, map, of, tap, type Observable, type Subscription } from 'rxjs';
import { Session } from './session';
import { recordedTurn } from './recorded-turn';
import { Selection } from './selection';

/** One turn of the transcript: from the server's record, or followed live. */
export interface TranscriptTurn {
  /** The turn id (a placeholder until the server names a turn this page starts). */
  readonly key: string;
  readonly progress: Signal<TurnProgress>;
  /** Set while the turn is, or was, followed live: started here (`own`), or attached. */
  readonly live: (TurnSignal & { readonly own: boolean }) | null;
}

interface OpenThread {
  readonly thread: Thread;
  readonly turns: readonly TranscriptTurn[];
}

/**
 * The selected thread: its transcript (the server's record, then live), sending, Stop, and
 * following turns that started elsewhere (another tab of this user, or before a reload).
 */
@Injectable({ providedIn: 'root' })
export class Conversation {
  private readonly codex = injectCodex();
  private readonly selection = inject(Selection);
  private readonly session = inject(Session);
  private readonly destroyRef = inject(DestroyRef);
  /** Thread objects this page opened, by id: switching back does not resume again. */
  private readonly threads = new Map<string, Thread>();
  private opening?: Subscription;
  private watching?: Subscription;
  /** True from send() until the server names the new turn: a turn/started meanwhile is ours. */
  private sending = false;
  private localKeys = 0;

  private readonly open = signal<OpenThread | null>(null);
  readonly loading = signal(false);
  readonly error = signal<string | null>(null);
  readonly thread = computed(() => this.open()?.thread ?? null);
  readonly turns = computed(() => this.open()?.turns ?? []);
  /** The thread's workspace: paths are shown relative to it. */
  readonly workspace = computed(() => this.open()?.thread.info.cwd ?? null);
  /** The turn running now: the last one, while it is followed. */
  readonly running = computed(() => {
    const last = this.turns().at(-1);
    return last?.live?.following() ? last : null;
  });

  constructor() {
    effect(() => {
      const id = this.selection.threadId();
      untracked(() => this.show(id));
    });
  }

  /** Opens `thread`, just started by this page (no record to resume yet). */
  adopt(thread: Thread): void {
    this.threads.set(thread.id, thread);
    this.selection.select(thread.id);
  }

  /** Starts a turn on the open thread. */
  send(prompt: string): void {
    const open = this.open();
    if (!open) return;
    this.error.set(null);
    this.sending = true;
    const events$ = open.thread.turn(prompt).pipe(
      tap((e) => {
        if (turnIdOf(e)) this.sending = false;
      }),
      finalize(() => (this.sending = false)),
    );
    this.follow(open.thread, events$, true, `local-${++this.localKeys}`);
  }

  /** Interrupts the running turn (whoever started it): it ends as `interrupted` in every tab. */
  stop(): void {
    const thread = this.thread();
    const running = this.running();
    const turnId = running?.progress().turnId;
    if (thread && turnId) thread.interrupt(turnId).subscribe({ error: (e: unknown) => this.error.set(this.session.failed(e)) });
    // Not named yet (just sent): leaving our own turn interrupts it as soon as it starts.
    else if (running?.live?.own) running.live.stop();
  }

  private show(id: string | null): void {
    this.leave();
    this.error.set(null);
    if (!id) return;
    const known = this.threads.get(id);
    // A thread this page has open already: read its record again (it moved on while hidden).
    // Otherwise resume it: its record, and its live events from now on.
    const opening$ = known
      ? known.read({ includeTurns: true }).pipe(
          map((r) => ({ thread: known, record: r.thread.turns })),
          catchError(() => of({ thread: known, record: [] })), // started here, no turn yet: nothing recorded
        )
      : this.codex.threadResume(id).pipe(map((thread) => ({ thread, record: thread.info.turns })));
    this.loading.set(true);
    this.opening = opening$.subscribe({
      next: ({ thread, record }) => {
        this.threads.set(id, thread);
        this.loading.set(false);
        this.opened(thread, record);
      },
      error: (e: unknown) => {
        this.loading.set(false);
        this.error.set(this.session.failed(e));
      },
    });
  }

  private opened(thread: Thread, record: readonly protocol.v2.Turn[]): void {
    const turns = record.map((turn): TranscriptTurn => ({ key: turn.id, progress: signal(recordedTurn(thread.id, turn)), live: null }));
    this.open.set({ thread, turns });
    // A turn still running (started before a reload, in another tab, or here before a switch):
    // follow it to its end.
    const last = record.at(-1);
    const running = thread.runningTurnId ?? (last?.status === 'inProgress' ? last.id : undefined);
    if (running) this.follow(thread, thread.attach(running), false, running);
    // Turns that another tab of this user starts on this thread.
    this.watching = this.codex.notifications$.pipe(filter((n) => n.method === 'turn/started' && n.params.threadId === thread.id)).subscribe((n) => {
      const turnId = turnIdOf(n as TurnEvent);
      if (!turnId || this.sending || turnId === thread.activeTurn || this.turns().some((t) => t.key === turnId || t.progress().turnId === turnId)) return;
      this.follow(thread, thread.attach(turnId), false, turnId);
    });
  }

  private follow(thread: Thread, events$: Observable<TurnEvent>, own: boolean, key: string): void {
    const live = { ...turnSignal(events$, { destroyRef: this.destroyRef }), own };
    const followed: TranscriptTurn = { key, progress: live.progress, live };
    this.open.update((open) => (open?.thread === thread ? { thread, turns: [...open.turns.filter((t) => t.key !== key), followed] } : open));
  }

  /** Leaves the open thread: stops following its attached turns (they go on on the server); turns started here run on. */
  private leave(): void {
    this.opening?.unsubscribe();
    this.watching?.unsubscribe();
    for (const turn of this.open()?.turns ?? []) if (turn.live && !turn.live.own) turn.live.stop();
    this.open.set(null);
  }
}

