import { ChangeDetectionStrategy, Component, computed, input } from '@angular/core';
import type { protocol } from 'codex-rx';

type Line = { readonly kind: 'add' | 'del' | 'hunk' | 'ctx'; readonly text: string };

/** One file change as a diff: added lines green, removed lines red, hunk headers grey. */
@Component({
  selector: 'app-diff-view',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <pre class="diff" data-testid="diff">@for (line of lines(); track $index) {<span class="line" [class]="line.kind">{{ line.text }}</span>}</pre>
  `,
})
export class DiffView {
  readonly change = input.required<protocol.v2.FileUpdateChange>();

  protected readonly lines = computed<readonly Line[]>(() => {
    const { kind, diff } = this.change();
    const text = diff.endsWith('\n') ? diff.slice(0, -1) : diff;
    // A new or deleted file comes as its content; an update as a unified diff.
    if (kind.type === 'add') return text.split('\n').map((l) => ({ kind: 'add', text: `+${l}` }));
    if (kind.type === 'delete') return text.split('\n').map((l) => ({ kind: 'del', text: `-${l}` }));
    return text
      .split('\n')
      .filter((l) => !l.startsWith('+++') && !l.startsWith('---'))
      .map((l) => ({ kind: l.startsWith('@@') ? 'hunk' : l.startsWith('+') ? 'add' : l.startsWith('-') ? 'del' : 'ctx', text: l }));
  });
}
