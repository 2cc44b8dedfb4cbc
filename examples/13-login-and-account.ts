/**
 * Login and account: read the account, and drive a browser login attempt.
 *
 * The login is started and cancelled at once, so running this changes nothing: a real app shows
 * `authUrl` to the user and awaits `wait()` instead. `codex.loginApiKey(key)` logs in at once
 * with an API key, and `codex.loginChatgptDeviceCode()` gives a URL and a code to type there.
 */
import type { Codex, protocol } from 'codex-rx';
import { runIfMain, type ExampleIo } from './support/run-example.js';

export async function main(codex: Codex, io: ExampleIo): Promise<void> {
  const before = await codex.account();
  io.log(`account: ${describe(before.account)} (requires OpenAI auth: ${before.requiresOpenaiAuth})`);

  const login = await codex.loginChatgpt();
  io.log(`login.id: ${login.loginId}`);
  io.log(`login.authUrl: ${new URL(login.authUrl).origin}/…`);
  const cancelled = await login.cancel();
  io.log(`login.cancel: ${cancelled.status}`);
  // wait() resolves with this attempt's account/login/completed, however it ended.
  const completed = await login.wait();
  io.log(`login.completed: success=${completed.success}${completed.error ? `, ${completed.error}` : ''}`);

  const after = await codex.account();
  io.log(`account afterwards: ${describe(after.account)}`);
}

function describe(account: protocol.Account | null | undefined): string {
  if (account == null) return 'not logged in';
  return account.type === 'chatgpt' ? `ChatGPT (${account.planType} plan)` : account.type;
}

await runIfMain(import.meta, { main });
