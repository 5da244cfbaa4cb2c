import { ChangeDetectionStrategy, Component, input, output } from '@angular/core';
import type { PendingServerRequest } from 'codex-rx';
import { commandText } from './item-text';
import { withoutWorkspace } from './workspace-path';

/** Approval requests waiting for the user, each with Accept / Decline. */
@Component({
  selector: 'app-approval-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @for (request of requests(); track request.id) {
      <section class="approval" data-testid="approval">
        <h3>{{ title(request) }}</h3>
        @if (detail(request); as text) {
          <code data-testid="approval-detail">{{ text }}</code>
        }
        @if (reason(request); as why) {
          <p class="reason">{{ why }}</p>
        }
        <div class="buttons">
          @if (canAccept(request)) {
            <button type="button" class="accept" data-testid="accept" (click)="answered.emit({ request, accept: true })">Accept</button>
          }
          <button type="button" class="decline" data-testid="decline" (click)="answered.emit({ request, accept: false })">Decline</button>
        </div>
      </section>
    }
  `,
})
export class ApprovalList {
  readonly requests = input.required<readonly PendingServerRequest[]>();
  /** The thread's workspace: paths are shown relative to it. */
  readonly workspace = input<string | null>(null);
  readonly answered = output<{ request: PendingServerRequest; accept: boolean }>();

  protected title(r: PendingServerRequest): string {
    if (r.is('item/commandExecution/requestApproval')) return 'Codex wants to run a command';
    if (r.is('item/fileChange/requestApproval')) return 'Codex wants to change files';
    return `Codex asks: ${r.method}`;
  }

  protected detail(r: PendingServerRequest): string | null {
    if (r.is('item/commandExecution/requestApproval')) return withoutWorkspace(this.workspace(), commandText(r.params.command ?? '', r.params.commandActions ?? []));
    if (r.is('item/fileChange/requestApproval')) return r.params.grantRoot ? withoutWorkspace(this.workspace(), r.params.grantRoot) : null;
    return null;
  }

  protected reason(r: PendingServerRequest): string | null {
    if (r.is('item/commandExecution/requestApproval') || r.is('item/fileChange/requestApproval')) return r.params.reason ? withoutWorkspace(this.workspace(), r.params.reason) : null;
    return null;
  }

  protected canAccept(r: PendingServerRequest): boolean {
    return r.is('item/commandExecution/requestApproval') || r.is('item/fileChange/requestApproval');
  }
}
