import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { injectCodex } from 'codex-rx/angular';
import { NEVER, type Observable } from 'rxjs';

type ConnectionState = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

/** A line at the top when the page is not connected: reconnecting, disconnected, or signed out. */
@Component({
  selector: 'app-connection-banner',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (message(); as text) {
      <p class="banner" data-testid="banner" role="status" [attr.data-state]="signedOut() ? 'signed-out' : state()">{{ text }}</p>
    }
  `,
})
export class ConnectionBanner {
  /** The text of an AuthenticationError the page met (the gateway closed with 4401/4403), if any. */
  readonly signedOut = input<string | null>(null);
  // TODO(ngapp): codex.state$ comes with the client branch; the cast goes when it is merged.
  protected readonly state = toSignal((injectCodex() as unknown as { state$?: Observable<ConnectionState> }).state$ ?? NEVER, { initialValue: 'idle' as ConnectionState });
  protected readonly message = computed(() => {
    if (this.signedOut()) return this.signedOut();
    switch (this.state()) {
      case 'reconnecting':
        return 'Connection lost: reconnecting…';
      case 'closed':
        return 'Disconnected from the server. Reload the page to connect again.';
      default:
        return null;
    }
  });
}
