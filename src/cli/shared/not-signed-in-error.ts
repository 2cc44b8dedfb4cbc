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
