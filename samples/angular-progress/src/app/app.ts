import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { ConnectionBanner } from './connection-banner';
import { Conversation } from './conversation';
import { Sidebar } from './sidebar';
import { ThreadStore } from './thread-store';
import { Transcript } from './transcript';

/** The page: the connection banner, the user's threads, the selected thread's transcript. */
@Component({
  selector: 'app-root',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ConnectionBanner, Sidebar, Transcript],
  template: `
    <app-connection-banner [signedOut]="signedOut()" />
    <div class="layout">
      <aside>
        <h1>codex-rx</h1>
        <app-sidebar />
      </aside>
      <main>
        <app-transcript />
      </main>
    </div>
  `,
})
export class App {
  private readonly store = inject(ThreadStore);
  private readonly conversation = inject(Conversation);
  /** A refused token shows as the banner: the first call fails with AuthenticationError. */
  protected readonly signedOut = computed(() => [this.store.error(), this.conversation.error()].find((e) => e?.startsWith('Signed out')) ?? null);
}
