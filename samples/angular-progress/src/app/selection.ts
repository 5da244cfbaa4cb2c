import { Injectable, signal } from '@angular/core';

/**
 * The selected thread, kept in the URL (`?thread=<id>`): a reload, a bookmark or a second tab
 * opens the same thread.
 */
@Injectable({ providedIn: 'root' })
export class Selection {
  readonly threadId = signal<string | null>(new URLSearchParams(location.search).get('thread'));

  select(id: string | null): void {
    this.threadId.set(id);
    const url = new URL(location.href);
    if (id) url.searchParams.set('thread', id);
    else url.searchParams.delete('thread');
    history.replaceState(history.state, '', url);
  }
}
