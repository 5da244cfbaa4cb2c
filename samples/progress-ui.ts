/**
 * progress-ui — a live status view of a turn, from `turnProgress()` snapshots.
 *
 *   npx tsx samples/progress-ui.ts          the real codex app-server with a scripted model that
 *                                           thinks, runs `ls`, asks to run `touch`, then answers
 *   npx tsx samples/progress-ui.ts --live   the real model, in an empty temp directory
 *
 * `turnProgress()` folds the turn's events into immutable snapshots — status, items with live
 * status, the text so far, token usage, pending approvals — one per event: exactly what a UI
 * binds to. On a terminal the view redraws in place (at most every 50 ms); in a log it prints a
 * new frame only when the status, an item or a pending approval changed.
 */
import { asyncScheduler, distinctUntilChanged, lastValueFrom, tap, throttleTime } from 'rxjs';
import { Answers, ApprovalMode, INITIAL_TURN_PROGRESS, Sandbox, turnProgress, type ItemProgress, type TurnProgress } from '../lib/index.js';
import { message, shellCommand, type ScriptedStep } from '../lib/testing/index.js';
import { scriptOf } from './support/commands.js';
import { openSession, runSample } from './support/session.js';

const NO_LOGIN = { login: false };
const SCRIPT: ScriptedStep[] = [
  {
    delayMsBetweenEvents: 120,
    output: [
      { type: 'reasoning', summary: 'Looking at the workspace first', chunks: 3 },
      { type: 'function_call', name: 'exec_command', arguments: { cmd: 'ls', ...NO_LOGIN } },
    ],
  },
  shellCommand('touch notes.txt', { escalate: 'Create the notes file', extraArgs: NO_LOGIN }),
  message('The folder held a README; I added an empty notes.txt next to it. Both are ready for you.', { chunks: 10, delayMsBetweenEvents: 80, usage: { inputTokens: 2400, outputTokens: 25 } }),
];
const PROMPT = 'List the files here with `ls`, then create an empty notes.txt with `touch` (ask first), then tell me what you did.';

runSample(async ({ live }) => {
  const { codex, cwd, description, dispose } = await openSession({ live, steps: SCRIPT, approvalPolicy: 'on-request', tempWorkspace: true });
  const tty = process.stdout.isTTY === true;
  try {
    console.log(`progress-ui · ${description}`);
    if (!live) await import('node:fs').then((fs) => fs.promises.writeFile(`${cwd}/README.md`, '# hello\n'));

    // Approvals: accept `touch notes.txt` after a moment (so the view can show the wait).
    const thread = await lastValueFrom(
      codex.threadStart({
        sandbox: Sandbox.readOnly,
        approvalMode: ApprovalMode.ask,
        serverRequestHandler: (request) =>
          request.method === 'item/commandExecution/requestApproval'
            ? new Promise((resolve) => setTimeout(() => resolve(scriptOf(request.params.command) === 'touch notes.txt' ? Answers.accept() : Answers.decline()), 600))
            : undefined,
      }),
    );
    console.log(`› ${PROMPT}`);

    const began = Date.now();
    const view = new StatusView(tty);
    let latest = INITIAL_TURN_PROGRESS;
    await lastValueFrom(
      thread.turn(PROMPT).pipe(
        turnProgress(), // one immutable snapshot per event
        tap((p) => (latest = p)),
        tty
          ? throttleTime(50, asyncScheduler, { leading: true, trailing: true }) // redraw at most 20×/s
          : distinctUntilChanged((a, b) => shape(a) === shape(b)), // a log: only real changes
        tap((p) => view.draw(p, render(p, Date.now() - began))),
      ),
    );
    view.draw(latest, render(latest, Date.now() - began)); // the last snapshot, if throttling held it back
    console.log(`done: ${latest.status}, ${latest.items.length} items, ${view.frames} frames drawn`);
  } finally {
    await dispose();
  }
});

/** Status, items and approvals — not the streaming text nor the token count: in a log, a new frame only when this changes. */
function shape(p: TurnProgress): string {
  return JSON.stringify([p.status, p.items.map((i) => [i.id, i.status]), p.pendingRequests.length]);
}

/** The lines of one frame. */
function render(p: TurnProgress, elapsedMs: number): string[] {
  const lines = [`turn ${p.turnId ?? '(starting)'} · ${p.status} · ${(elapsedMs / 1000).toFixed(1)} s`];
  for (const item of p.items) lines.push(`  ${item.status === 'completed' ? '✓' : '…'} ${item.type.padEnd(17)}${detail(item)}`);
  for (const request of p.pendingRequests) {
    lines.push(`  ⏸ waiting for approval: ${request.method === 'item/commandExecution/requestApproval' ? request.params.command : request.method}`);
  }
  if (p.usage) lines.push(`  tokens ${p.usage.total.totalTokens.toLocaleString('en-US')}`);
  if (p.error) lines.push(`  error: ${p.error.message}`);
  return lines;
}

/** What to show for one item. */
function detail(p: ItemProgress): string {
  const item = p.item as ItemProgress['item'] | undefined; // undefined while only deltas have arrived
  switch (item?.type) {
    case 'userMessage':
      return JSON.stringify(item.content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join(' ').slice(0, 40) + '…');
    case 'reasoning':
      return item.summary.join(' ') || 'thinking…';
    case 'commandExecution':
      return `${item.command}${item.status !== 'inProgress' ? ` → ${item.status}${item.exitCode !== null ? ` (exit ${item.exitCode})` : ''}` : ''}`;
    case 'agentMessage':
    case undefined:
      return p.text ? `${JSON.stringify(p.text.length > 48 ? `${p.text.slice(0, 47)}…` : p.text)} (${p.text.length} chars)` : 'writing…';
    default:
      return '';
  }
}

/** Draws frames: in place on a terminal, one after another elsewhere. */
class StatusView {
  frames = 0;
  private shownLines = 0;
  private last?: TurnProgress;
  constructor(private readonly tty: boolean) {}

  draw(snapshot: TurnProgress, lines: string[]): void {
    if (snapshot === this.last) return; // snapshots are immutable: same object, same frame
    this.last = snapshot;
    this.frames++;
    if (this.tty) {
      if (this.shownLines > 0) process.stdout.write(`\x1b[${this.shownLines}A`); // back to the top of the last frame
      process.stdout.write(lines.map((l) => `\x1b[2K${l}\n`).join('') + '\x1b[J'); // redraw; clear what is left below
      this.shownLines = lines.length;
    } else {
      process.stdout.write(`${lines.join('\n')}\n\n`);
    }
  }
}
