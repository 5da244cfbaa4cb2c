import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { Selection } from './selection';
import { ThreadStore } from './thread-store';

/** The user's threads: newest activity first; new thread, rename, archive. */
@Component({
  selector: 'app-sidebar',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button type="button" class="new" data-testid="new-thread" (click)="store.create()">+ New thread</button>
    <ul class="threads">
      @for (t of store.threads(); track t.id) {
        <li data-testid="thread" [class.selected]="t.id === selection.threadId()" [attr.data-id]="t.id">
          @if (editing() === t.id) {
            <form (submit)="$event.preventDefault(); rename(t.id)">
              <input data-testid="rename-input" [value]="draft()" (input)="draft.set($any($event.target).value)" (keydown.escape)="editing.set(null)" />
            </form>
          } @else {
            <button type="button" class="pick" data-testid="thread-name" (click)="selection.select(t.id)">{{ t.name || t.preview || 'New thread' }}</button>
            <span class="when" data-testid="thread-activity">{{ ago(t.updatedAt) }}</span>
            <span class="actions">
              <button type="button" data-testid="rename" (click)="edit(t.id, t.name || t.preview)">rename</button>
              <button type="button" data-testid="archive" (click)="store.archive(t.id)">archive</button>
            </span>
          }
        </li>
      } @empty {
        <li class="hint">No threads yet.</li>
      }
    </ul>
    @if (store.error(); as error) {
      <p class="error" data-testid="threads-error">{{ error }}</p>
    }
  `,
})
export class Sidebar {
  protected readonly store = inject(ThreadStore);
  protected readonly selection = inject(Selection);
  protected readonly editing = signal<string | null>(null);
  protected readonly draft = signal('');

  protected edit(id: string, name: string): void {
    this.draft.set(name);
    this.editing.set(id);
  }

  protected rename(id: string): void {
    const name = this.draft().trim();
    if (name) this.store.rename(id, name);
    this.editing.set(null);
  }

  /** Last activity, roughly: "just now", "5 min ago", "3 h ago", or the date. */
  protected ago(seconds: number): string {
    const s = Math.max(0, Date.now() / 1000 - seconds);
    if (s < 60) return 'just now';
    if (s < 3600) return `${Math.floor(s / 60)} min ago`;
    if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
    return new Date(seconds * 1000).toLocaleDateString();
  }
}
