import type { Codex } from '../../client/codex.js';

/**
 * Makes sure the server can call the real model: signed in already (a `codex login` in
 * `CODEX_HOME`), or a provider that needs no OpenAI account, or else `OPENAI_API_KEY`, which is
 * handed to the server's API-key login (stored in `CODEX_HOME`, as `codex login --with-api-key`
 * does). Checking first turns "no credentials" into one clear `NotSignedInError` instead of a
 * failed turn.
 *
 * @example
 * const codex = await Codex.connect();
 * await ensureSignedIn(codex);
 */
export async function ensureSignedIn(codex: Codex, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const { account, requiresOpenaiAuth } = await codex.account();
  if ((account !== undefined && account !== null) || !requiresOpenaiAuth) return;
  const apiKey = env['OPENAI_API_KEY']?.trim();
  if (apiKey) {
    await codex.loginApiKey(apiKey);
    return;
  }
  throw new NotSignedInError();
}

/**
 * The launched server has no credentials for the real model: no `codex login` in `CODEX_HOME`
 * and no `OPENAI_API_KEY`.
 *
 * @example
 * throw new NotSignedInError();
 */
export class NotSignedInError extends Error {
  override readonly name = 'NotSignedInError';
  constructor() {
    super('not signed in to Codex: run `codex login` or set OPENAI_API_KEY (or try the offline scripted model)');
  }
}
