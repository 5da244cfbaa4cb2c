/**
 * approvals-pending-stream — answering approvals from outside the client, the way a UI does:
 * every request no handler claims arrives on `codex.pendingServerRequests$`, and waits there until
 * you call `respond()` (from a dialog, a web page, a chat message…).
 *
 *   npx tsx samples/approvals-pending-stream.ts          the real codex app-server with a
 *                                                        scripted model that asks to run `echo`
 *                                                        and to add TODO.md
 *   npx tsx samples/approvals-pending-stream.ts --live   the real model, in an empty temp directory
 *
 * On a terminal you answer each request yourself (y/N). Otherwise (a pipe, CI) a stand-in user
 * answers after a moment: plain `echo` commands yes, everything else no.
 *
 * - `pending.is(method)` narrows the request (typed `params`, typed `respond()`).
 * - `pending.respond(answer)`: the first answer wins; a malformed one throws ValidationError.
 * - `pending.signal` aborts when the request no longer needs you (answered, timed out with
 *   `approvalTimeoutMs`, connection closed): close the dialog then.
 * - Nobody listening on `pendingServerRequests$`? Then unclaimed requests get the safe default: declined.
 */
import readline from 'node:readline';
import { concatMap, fromEvent, lastValueFrom, map, Observable, take, takeUntil, timer } from 'rxjs';
import { Answers, ApprovalMode, Sandbox, type PendingServerRequest } from '../lib/index.js';
import { applyPatch, message, shellCommand } from '../lib/testing/index.js';
import { isPlainCommand, scriptOf } from './support/commands.js';
import { openSession, runSample } from './support/session.js';

const SCRIPT = [
  shellCommand('echo approved from a dialog', { escalate: 'Print a line', extraArgs: { login: false } }),
  applyPatch('*** Begin Patch\n*** Add File: TODO.md\n+- answer approvals\n*** End Patch\n'),
  message('The echo ran; TODO.md was not added because you said no.'),
];

runSample(async ({ live }) => {
  const { codex, description, dispose } = await openSession({ live, steps: SCRIPT, approvalPolicy: 'on-request', tempWorkspace: true });
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  try {
    console.log(`approvals-pending-stream · ${description}`);
    console.log(interactive ? 'you answer each request (y/N)' : 'not a terminal: a stand-in user answers (echo yes, anything else no)');

    // The "UI": one dialog at a time (concatMap), each answered with respond().
    const ui = codex.pendingServerRequests$
      .pipe(
        concatMap((pending) =>
          decide(pending, interactive).pipe(
            takeUntil(fromEvent(pending.signal, 'abort')), // answered elsewhere / timed out: close the dialog
            map((accept) => {
              if (pending.answered) return;
              respond(pending, accept);
              console.log(`  → ${accept ? 'accepted' : 'declined'}`);
            }),
          ),
        ),
      )
      .subscribe();

    const thread = codex.thread({ sandbox: Sandbox.readOnly, approvalMode: ApprovalMode.ask });
    const prompt = 'Run `echo approved from a dialog` (escalated), then add a file TODO.md with the line "- answer approvals".';
    console.log(`› ${prompt}`);
    const result = await lastValueFrom(thread.run(prompt));
    ui.unsubscribe();

    for (const item of result.items) {
      if (item.type === 'commandExecution') console.log(`command ${item.command} → ${item.status}${item.aggregatedOutput ? `: ${JSON.stringify(item.aggregatedOutput)}` : ''}`);
      if (item.type === 'fileChange') console.log(`file change ${item.changes.map((c) => c.path.split('/').pop()).join(', ')} → ${item.status}`);
    }
    console.log(`answer: ${result.finalResponse}`);
  } finally {
    await dispose();
  }
});

/** Shows the request and asks: the person at the terminal, or the stand-in user. */
function decide(pending: PendingServerRequest, interactive: boolean): Observable<boolean> {
  let question: string;
  let standIn = false;
  if (pending.is('item/commandExecution/requestApproval')) {
    const { command, reason, cwd } = pending.params; // typed by is()
    question = `run ${command}${reason ? ` (${reason})` : ''} in ${cwd}?`;
    standIn = isPlainCommand(scriptOf(command), 'echo');
  } else if (pending.is('item/fileChange/requestApproval')) {
    question = `apply a file change (item ${pending.params.itemId})${pending.params.reason ? `: ${pending.params.reason}` : ''}?`;
  } else {
    question = `${pending.method}?`;
  }
  console.log(`? request ${JSON.stringify(pending.id)} (turn ${pending.turnId}): ${question}`);
  if (!interactive) return timer(300).pipe(map(() => standIn)); // "thinking"
  return new Observable<boolean>((subscriber) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
    rl.question('  allow? [y/N] ', (answer) => {
      subscriber.next(/^y(es)?$/i.test(answer.trim()));
      subscriber.complete();
    });
    return () => rl.close();
  }).pipe(take(1));
}

/** The answer for this kind of request (each kind has its own shape: `Answers` has them all). */
function respond(pending: PendingServerRequest, accept: boolean): void {
  if (pending.is('item/commandExecution/requestApproval') || pending.is('item/fileChange/requestApproval')) {
    pending.respond(accept ? Answers.accept() : Answers.decline());
  } else if (pending.is('item/permissions/requestApproval')) {
    pending.respond(Answers.denyPermissions()); // (or grantPermissions(subset) when accepted)
  } else if (pending.is('item/tool/requestUserInput')) {
    pending.respond(Answers.answerQuestions({}));
  } else if (pending.is('mcpServer/elicitation/request')) {
    pending.respond(Answers.declineElicitation());
  } else if (pending.is('item/tool/call')) {
    pending.respond(Answers.toolResult('this sample has no such tool', false));
  }
  // Anything else stays unanswered here; closing the client answers it the safe way.
}
