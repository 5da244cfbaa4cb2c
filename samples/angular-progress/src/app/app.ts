import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { Approvals } from './approvals';
import { ConnectionBanner } from './connection-banner';
import { Session } from './session';
import { Sidebar } from './sidebar';
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
  // First, before anything connects: approvals re-sent to a new connection (after a reload) find
  // their subscriber (without one, codex-rx answers the safe way at once: decline).
  protected readonly approvals = inject(Approvals);
  /** A refused token shows in the banner: the first call fails with AuthenticationError. */
  protected readonly signedOut = inject(Session).signedOut;
}
