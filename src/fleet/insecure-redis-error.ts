/**
 * A Redis password would travel in clear text: a `redis://` URL (not `rediss://`) with a password
 * to a host that is not loopback. Use TLS (`rediss://`), or pass `allowInsecurePassword: true`
 * when the network is trusted.
 *
 * @example
 * try {
 *   await FleetProducer.connect({ redis: 'redis://:secret@10.0.0.5:6379' });
 * } catch (error) {
 *   if (error instanceof InsecureRedisError) console.error(error.message); // names the host, never the password
 * }
 */
export class InsecureRedisError extends Error {
  override readonly name = 'InsecureRedisError';
  constructor(
    /** The host the password would have been sent to. */
    readonly host: string,
  ) {
    super(`refusing to send a Redis password over plain redis:// to ${host}: use rediss:// (TLS) or allowInsecurePassword: true`);
  }
}
