import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { injectCodex } from 'codex-rx/angular';

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
  /** `codex.state$` has a current value: toSignal reads it at once. */
  protected readonly state = toSignal(injectCodex().state$, { requireSync: true });
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
