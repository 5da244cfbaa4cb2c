import { Injectable, computed, inject, signal } from '@angular/core';
import { injectCodex } from 'codex-rx/angular';
import type { protocol } from 'codex-rx';
import { debounceTime, filter, merge, of, switchMap, catchError, EMPTY } from 'rxjs';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';
import { Conversation } from './conversation';
import { Session } from './session';
import { Selection } from './selection';

type ThreadInfo = protocol.v2.Thread;

/** Notifications after which the list may have changed (here or in another tab of this user). */
const CHANGES = new Set(['thread/started', 'thread/name/updated', 'thread/archived', 'thread/unarchived', 'turn/completed', 'turn/started']);

/** The user's threads for the sidebar: listed by the server, newest activity first. */
@Injectable({ providedIn: 'root' })
export class ThreadStore {
  private readonly codex = injectCodex();
  private readonly conversation = inject(Conversation);
  private readonly selection = inject(Selection);
  private readonly session = inject(Session);
  private readonly listed = signal<readonly ThreadInfo[]>([]);
  /** Threads started on this page that the server does not list yet (no turn yet). */
  private readonly started = signal<readonly ThreadInfo[]>([]);
  readonly error = signal<string | null>(null);
  readonly threads = computed(() => {
    const listed = this.listed();
    return [...this.started().filter((s) => !listed.some((t) => t.id === s.id)), ...listed];
  });

  constructor() {
    merge(of(null), this.codex.notifications$.pipe(filter((n) => CHANGES.has(n.method)), debounceTime(150)))
      .pipe(
        switchMap(() =>
          this.codex.threadList({ sortKey: 'updated_at', limit: 50 }).pipe(
            catchError((e: unknown) => {
              this.error.set(this.session.failed(e));
              return EMPTY;
            }),
          ),
        ),
        takeUntilDestroyed(),
      )
      .subscribe((page) => {
        this.error.set(null);
        this.listed.set(page.data);
      });
  }

  create(): void {
    this.codex.threadStart().subscribe({
      next: (thread) => {
        this.started.update((list) => [thread.info, ...list]);
        this.conversation.adopt(thread);
      },
      error: (e: unknown) => this.error.set(this.session.failed(e)),
    });
  }

  rename(id: string, name: string): void {
    this.codex.request('thread/name/set', { threadId: id, name }).subscribe({
      next: () => this.patch(id, { name }),
      error: (e: unknown) => this.error.set(this.session.failed(e)),
    });
  }

  archive(id: string): void {
    this.codex.threadArchive(id).subscribe({
      next: () => {
        this.listed.update((list) => list.filter((t) => t.id !== id));
        this.started.update((list) => list.filter((t) => t.id !== id));
        if (this.selection.threadId() === id) this.selection.select(null);
      },
      error: (e: unknown) => this.error.set(this.session.failed(e)),
    });
  }

  private patch(id: string, change: Partial<ThreadInfo>): void {
    const apply = (list: readonly ThreadInfo[]) => list.map((t) => (t.id === id ? { ...t, ...change } : t));
    this.listed.update(apply);
    this.started.update(apply);
  }
}
