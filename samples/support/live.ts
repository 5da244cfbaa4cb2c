/**
 * The real model for `--live`: your Codex home and its login, else OPENAI_API_KEY kept in memory
 * only, else a SampleError that says what to do.
 */
import { lastValueFrom } from 'rxjs';
import { Codex, StdioTransport, type protocol, type Transport } from '../../lib/node/index.js';
import { asRecord, rerunCommand, SampleError } from './sample-error.js';
import { sampleClient, type ClientOptions } from './sample-client.js';

/** A live client and who it acts as. */
export interface LiveConnection {
  codex: Codex;
  /** Who the app-server acts as, for people: "ChatGPT (you@example.com)", "API key…". */
  account: string;
  /** Set when the client signed in with OPENAI_API_KEY for this process only. */
  apiKey?: string;
}

/**
 * A client for the real model: your Codex home as it is when it is signed in (or its provider
 * needs no sign-in); else OPENAI_API_KEY, signed in for this process only (`ephemeral`: your
 * auth.json is not touched); else a SampleError saying what to do.
 */
export async function connectLive(options: {
  cwd: string;
  client?: ClientOptions;
  wrapTransport?: (stdio: StdioTransport) => Transport;
  /** How to run the scripted variant, for the "missing credentials" text. */
  rerun?: string;
  /** Skip the Codex home's own login and sign in with this key. */
  apiKeyOnly?: string;
  /** Return the client even when it has no login (and OPENAI_API_KEY is not used). */
  loginOptional?: boolean;
}): Promise<LiveConnection> {
  const client = (extra: ClientOptions = {}) => {
    const settings = { ...options.client, ...extra, configOverrides: { ...asRecord(options.client?.configOverrides), ...asRecord(extra.configOverrides) }, cwd: options.cwd };
    return sampleClient(settings, options.wrapTransport);
  };

  if (options.apiKeyOnly === undefined) {
    // 1. Your Codex home as it is: signed in already (or a provider that needs no sign-in)?
    const codex = client();
    const account = await closeOnError(codex, async () => describeAccount(await lastValueFrom(codex.account())));
    if (account !== undefined) return { codex, account };
    if (options.loginOptional) return { codex, account: 'none yet (not signed in)' };
    const codexHome = codex.metadata?.codexHome ?? '~/.codex';
    await codex.close();
    if (!process.env.OPENAI_API_KEY) throw new SampleError(missingCredentials(codexHome, options.rerun ?? rerunCommand()));
  }
  // 2. Else OPENAI_API_KEY, for this process only: `ephemeral` keeps it out of your auth.json.
  const apiKey = options.apiKeyOnly ?? process.env.OPENAI_API_KEY!;
  const keyed = client({ configOverrides: { cli_auth_credentials_store: 'ephemeral' } });
  await closeOnError(keyed, () => lastValueFrom(keyed.loginApiKey(apiKey)));
  return { codex: keyed, account: 'OPENAI_API_KEY (kept in memory only)', apiKey };
}

/** Who the app-server will act as; `undefined` when it needs a sign-in it does not have. */
export function describeAccount({ account, requiresOpenaiAuth }: protocol.v2.GetAccountResponse): string | undefined {
  if (!account) return requiresOpenaiAuth ? undefined : 'no sign-in needed (your model provider does not ask for one)';
  switch (account.type) {
    case 'chatgpt':
      return `ChatGPT${account.email ? ` (${account.email})` : ''}`;
    case 'apiKey':
      return 'API key (from your Codex login)';
    default:
      return account.type;
  }
}

/** Runs `work`; when it fails, closes the client (ending its app-server) before rethrowing. */
export async function closeOnError<T>(codex: Codex, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    await codex.close();
    throw e;
  }
}

function missingCredentials(codexHome: string, rerun: string): string {
  return [
    '--live talks to the real model, and it needs credentials. None were found:',
    `  - no Codex login in ${codexHome} (the app-server reports no account)`,
    '  - OPENAI_API_KEY is not set',
    'Do one of:',
    '  - sign in once:       npx codex login',
    '  - or use an API key:  export OPENAI_API_KEY=sk-…',
    `Or run \`${rerun}\` without --live: it needs no account and no network.`,
  ].join('\n');
}

