/**
 * approvals-handler — answering the agent's approval requests in code, with a typed handler.
 *
 *   npx tsx samples/approvals-handler.ts          the real codex app-server with a scripted model
 *                                                 that asks to run `echo`, `rm -rf build`, to
 *                                                 add NOTES.md, and (turn 2) to run `date`
 *   npx tsx samples/approvals-handler.ts --live   the real model, in an empty temp directory
 *
 * Under `ApprovalMode.ask` the app-server asks the client before a command leaves the sandbox or
 * a file changes. `handleRequests({...})` builds a handler from one typed function per request
 * method; each returns an answer (`Answers.accept()`, `Answers.decline()`…, also as a Promise or
 * Observable) or `undefined` to pass the request on: the turn's handler → the thread's → the
 * client's (`new Codex({ serverRequestHandler })`) → `pendingServerRequests$` (approvals-pending-stream.ts)
 * → the safe default: decline.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { lastValueFrom } from 'rxjs';
import { Answers, ApprovalMode, handleRequests, ofMethod, Sandbox, type ServerRequestHandler } from '../lib/index.js';
import { applyPatch, message, shellCommand } from '../lib/testing/index.js';
import { isPlainCommand, scriptOf } from './support/commands.js';
import { openSession, runSample } from './support/session.js';

const NO_LOGIN = { login: false }; // a plain `bash -c`: no login-shell start-up
const SCRIPT = [
  // turn 1
  shellCommand('echo hello from codex-rx', { escalate: 'Print a greeting', extraArgs: NO_LOGIN }),
  shellCommand('rm -rf build', { escalate: 'Clean the build folder', extraArgs: NO_LOGIN }),
  applyPatch('*** Begin Patch\n*** Add File: NOTES.md\n+Approved by a codex-rx handler.\n*** End Patch\n'),
  message('The greeting ran, the clean-up was declined, and NOTES.md was added.'),
  // turn 2
  shellCommand('date', { escalate: 'Check the time', extraArgs: NO_LOGIN }),
  message('It is now (see the command output).'),
];

/**
 * The thread's policy: a plain `echo` may run; files may change inside the workspace; anything
 * else is declined. (`changedPaths`: the paths of each file-change item, from its item/started.)
 */
function workspacePolicy(workspace: string, changedPaths: Map<string, string[]>): ServerRequestHandler {
  return handleRequests({
    // `params` is typed by the method: here CommandExecutionRequestApprovalParams.
    'item/commandExecution/requestApproval': (params) => {
      const ok = isPlainCommand(scriptOf(params.command), 'echo'); // no `;`, `&&`, `>`… allowed
      console.log(`  [thread handler] run ${params.command} (reason: ${params.reason}) → ${ok ? 'accept' : 'decline'}`);
      return ok ? Answers.accept() : Answers.decline();
    },
    'item/fileChange/requestApproval': (params) => {
      const paths = changedPaths.get(params.itemId) ?? [];
      const roots = [workspace, realpathSync(workspace)]; // paths may come resolved (macOS: /private/var/…)
      const inside = paths.length > 0 && paths.every((p) => roots.some((root) => !path.relative(root, path.resolve(root, p)).startsWith('..')));
      console.log(`  [thread handler] change ${paths.map((p) => path.relative(workspace, p)).join(', ') || '(unknown files)'} → ${inside ? 'accept: inside the workspace' : 'decline'}`);
      return Promise.resolve(inside ? Answers.accept() : Answers.decline()); // a Promise (or an Observable) works too
    },
    // Methods left out (permissions, questions, tool calls…) pass on: declined by default.
  });
}

runSample(async ({ live }) => {
  const session = await openSession({ live, steps: SCRIPT, approvalPolicy: 'on-request', tempWorkspace: true });
  const { codex, cwd, dispose } = session;
  try {
    console.log(`approvals-handler · ${session.description}`);
    // File-change requests carry the item id; the item itself (with its paths) started just before.
    const changedPaths = new Map<string, string[]>();
    codex.notifications$.pipe(ofMethod('item/started')).subscribe(({ params: { item } }) => {
      if (item.type === 'fileChange') changedPaths.set(item.id, item.changes.map((c) => c.path));
    });

    const thread = await lastValueFrom(
      codex.threadStart({ sandbox: Sandbox.readOnly, approvalMode: ApprovalMode.ask, serverRequestHandler: workspacePolicy(cwd, changedPaths) }),
    );

    console.log('› turn 1: greet, clean up, add NOTES.md');
    const first = await lastValueFrom(
      thread.run('Run `echo hello from codex-rx`, then `rm -rf build`, then add a file NOTES.md saying "Approved by a codex-rx handler." Ask for approval where needed.'),
    );
    for (const item of first.items) {
      if (item.type === 'commandExecution') console.log(`  command ${item.command} → ${item.status}${item.aggregatedOutput ? `: ${JSON.stringify(item.aggregatedOutput)}` : ''}`);
      if (item.type === 'fileChange') console.log(`  file change ${item.changes.map((c) => path.basename(c.path)).join(', ')} → ${item.status}`);
    }
    console.log(`  NOTES.md exists: ${existsSync(path.join(cwd, 'NOTES.md'))} · answer: ${first.finalResponse}`);

    // A turn's own handler comes first; `undefined` passes the request on to the thread's.
    console.log('› turn 2: what time is it? (with a turn handler that allows `date`)');
    const second = await lastValueFrom(
      thread.run('Run `date` (escalated) and tell me the time.', {
        serverRequestHandler: (request) => {
          if (request.method !== 'item/commandExecution/requestApproval' || scriptOf(request.params.command) !== 'date') return undefined;
          console.log(`  [turn handler] run ${request.params.command} → accept`);
          return Answers.accept();
        },
      }),
    );
    const date = second.items.find((i) => i.type === 'commandExecution');
    if (date?.type === 'commandExecution') console.log(`  command ${date.command} → ${date.status}, exit ${date.exitCode}`);
    console.log(`  answer: ${second.finalResponse}`);
  } finally {
    await dispose();
  }
});
