// A remote-only application (installed without the codex binary): connects over WebSocket.
import { Codex, CodexBinaryNotFoundError } from 'codex-rx';

const launched = await Codex.connect().then(
  async (codex) => {
    await codex.close();
    return 'a server was launched';
  },
  (error) => (error instanceof CodexBinaryNotFoundError ? 'CodexBinaryNotFoundError' : String(error)),
);

const codex = await Codex.connect({ transport: { url: process.env.APP_SERVER_URL, token: process.env.APP_SERVER_TOKEN } });
try {
  const thread = await codex.threadStart();
  const result = await thread.run('over the socket');
  console.log(JSON.stringify({ launched, finalResponse: result.finalResponse }));
} finally {
  await codex.close();
}
