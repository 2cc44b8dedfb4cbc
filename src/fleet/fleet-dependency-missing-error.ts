/**
 * The fleet entry was imported without a package it needs (`bullmq` or `ioredis`). They are
 * optional peer dependencies, so that only fleet users install them.
 *
 * @example
 * try {
 *   await FleetProducer.connect({ redis: 'redis://127.0.0.1:6379' });
 * } catch (error) {
 *   if (error instanceof FleetDependencyMissingError) console.error(`npm install ${error.packageName}`);
 * }
 */
export class FleetDependencyMissingError extends Error {
  override readonly name = 'FleetDependencyMissingError';
  constructor(
    /** The package to install, e.g. `bullmq`. */
    readonly packageName: string,
    options?: ErrorOptions,
  ) {
    super(`codex-rx/fleet needs the package "${packageName}": npm install bullmq ioredis`, options);
  }
}
