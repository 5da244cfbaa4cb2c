/**
 * login-and-account — who the app-server acts as, and the three ways to sign in.
 *
 *   npx tsx samples/login-and-account.ts             a throw-away Codex home (scripted model):
 *                                                    reads the account, starts a ChatGPT login
 *                                                    and cancels it — no browser, no network
 *   npx tsx samples/login-and-account.ts --live      your Codex home: reads your account; with
 *                                                    OPENAI_API_KEY set, also signs in with the key
 *                                                    in memory only (your auth.json is not touched)
 *   npx tsx samples/login-and-account.ts --live --chatgpt   signs your Codex home in with ChatGPT:
 *                                                    prints the URL to open, waits for you
 *
 * - `codex.account()`: the account (`null` when signed out) and whether the provider needs one.
 * - `codex.loginApiKey(key)`: signs in with an API key; the key is masked in every error and log.
 * - `codex.loginChatgpt()`: a handle `{ loginId, authUrl, completed$, cancel() }`. The app-server
 *   listens for the browser's callback on 127.0.0.1 and never opens a browser itself: you show
 *   or open `authUrl`; `completed$` emits once the login succeeds, fails or is cancelled.
 * - `codex.loginChatgptDeviceCode()`: `{ userCode, verificationUrl, … }` for machines without a
 *   browser (not run here: it asks auth.openai.com for a code).
 */
import { lastValueFrom, timeout } from 'rxjs';
import { Codex, ValidationError, type ChatgptLoginHandle, type protocol } from '../lib/node/index.js';
import { describeAccount, openSession, runSample } from './support/session.js';

runSample(
  async ({ live, flags }) => {
    const { codex, cwd, description, dispose } = await openSession({ live, loginOptional: true });
    const extra: Codex[] = [];
    try {
      console.log(`login-and-account · ${description}`);

      // account(): who the app-server acts as.
      const account = await lastValueFrom(codex.account());
      console.log(`account():        ${summary(account)}`);
      console.log(`                  → ${describeAccount(account) ?? 'not signed in, and the provider needs a sign-in'}`);

      // loginApiKey(): checked before sending; with --live and OPENAI_API_KEY, for real.
      try {
        await lastValueFrom(codex.loginApiKey(''));
      } catch (e) {
        if (!ValidationError.is(e)) throw e;
        console.log(`loginApiKey(''):  ValidationError "${e.message}" (nothing sent)`);
      }
      const apiKey = process.env.OPENAI_API_KEY;
      if (live && apiKey) {
        // A separate client whose credentials live in memory only: `ephemeral`.
        const keyed = new Codex({ cwd, configOverrides: { cli_auth_credentials_store: 'ephemeral' } });
        extra.push(keyed);
        const answer = await lastValueFrom(keyed.loginApiKey(apiKey));
        console.log(`loginApiKey(key): ${JSON.stringify(answer)} → account() ${summary(await lastValueFrom(keyed.account()))}`);
      } else {
        console.log(`loginApiKey(key): ${live ? 'set OPENAI_API_KEY to try it (it stays in memory only)' : 'only with --live and OPENAI_API_KEY'}`);
      }

      // loginChatgpt(): the handle. Scripted: start one in the throw-away home and cancel it.
      if (!live || flags.chatgpt) {
        const handle = await lastValueFrom(codex.loginChatgpt());
        showHandle(handle);
        if (live) {
          console.log('open the URL above in your browser and sign in; waiting up to 5 minutes…');
          const done = await lastValueFrom(handle.completed$.pipe(timeout(5 * 60_000)));
          console.log(`completed$:       ${JSON.stringify(done)}`);
          console.log(`account():        ${summary(await lastValueFrom(codex.account()))}`);
        } else {
          console.log('(scripted mode: nobody opens that URL, so the sample cancels the login)');
          const done = lastValueFrom(handle.completed$);
          await lastValueFrom(handle.cancel());
          console.log('cancel():         accepted');
          const result = await done;
          console.log(`completed$:       success ${result.success} · error ${JSON.stringify(result.error)}`);
        }
      } else {
        console.log('loginChatgpt():   run with --live --chatgpt to sign your Codex home in with ChatGPT');
      }
      console.log('loginChatgptDeviceCode(): a handle with userCode and verificationUrl (not run: it contacts auth.openai.com)');
    } finally {
      for (const c of extra) await c.close();
      await dispose();
    }
  },
  { flags: { chatgpt: 'with --live: sign in with ChatGPT (prints a URL to open)' } },
);

function summary(r: protocol.v2.GetAccountResponse): string {
  const account = r.account ? { type: r.account.type, ...('email' in r.account && r.account.email ? { email: r.account.email } : {}) } : null;
  return `{ account: ${JSON.stringify(account)}, requiresOpenaiAuth: ${r.requiresOpenaiAuth} }`;
}

function showHandle(handle: ChatgptLoginHandle): void {
  const url = new URL(handle.authUrl);
  console.log('loginChatgpt():   a handle');
  console.log(`  loginId         ${handle.loginId}`);
  console.log(`  authUrl         ${url.origin}${url.pathname}?client_id=…&redirect_uri=${url.searchParams.get('redirect_uri')}&… (open it in a browser)`);
  console.log('  completed$      emits the account/login/completed of this login, then completes');
  console.log('  cancel()        stops waiting (account/login/cancel)');
}
