import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The file, in the relay's state directory, that holds the key session cookies are signed with. */
const SESSION_KEY_FILE = 'session-key';

const KEY_BYTES = 32;
const VERSION = 'v1';

/**
 * The relay's sessions as signed cookies: a session is `v1.<issued ms>.<nonce>.<HMAC-SHA256>`
 * under a key the relay keeps, so it holds no list of sessions and a relay restarted with the same
 * key still knows every browser it signed in. With a state directory the key is a 0600 file there
 * (made on first use, refused when others may read it); without one it lives in memory and a
 * restart signs everyone out. Rotating the key revokes every session at once.
 *
 * @example
 * const store = new RelaySessionStore({ stateDir: '/var/lib/codex-rx', maxAgeMs: 7 * 24 * 3_600_000 });
 * const cookie = store.issue();
 * store.verify(cookie); // true, also in a new store on the same directory
 * store.rotate();
 * store.verify(cookie); // false
 */
export class RelaySessionStore {
  private key: Buffer;
  private readonly file: string | undefined;

  constructor(private readonly options: { readonly stateDir?: string; readonly maxAgeMs: number; readonly now?: () => number }) {
    this.file = options.stateDir === undefined ? undefined : join(options.stateDir, SESSION_KEY_FILE);
    this.key = this.file === undefined ? randomBytes(KEY_BYTES) : readOrCreateKey(this.file);
  }

  /** A new session's cookie value. */
  issue(): string {
    const body = `${VERSION}.${this.now()}.${randomBytes(16).toString('base64url')}`;
    return `${body}.${this.sign(body)}`;
  }

  /** Whether a cookie value is a session this key signed, not older than the maximum age. */
  verify(value: string | undefined): boolean {
    if (value === undefined || value.length > 200) return false;
    const parts = value.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION) return false;
    const issued = Number(parts[1]);
    if (!Number.isSafeInteger(issued)) return false;
    const age = this.now() - issued;
    if (age < 0 || age > this.options.maxAgeMs) return false;
    const expected = Buffer.from(this.sign(parts.slice(0, 3).join('.')));
    const offered = Buffer.from(parts[3]!);
    return offered.length === expected.length && timingSafeEqual(offered, expected);
  }

  /** Replaces the key (and its file): every session signed so far stops working. */
  rotate(): void {
    const key = randomBytes(KEY_BYTES);
    if (this.file !== undefined) writeKey(this.file, key);
    this.key = key;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}

function readOrCreateKey(file: string): Buffer {
  let mode: number;
  try {
    mode = statSync(file).mode;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const key = randomBytes(KEY_BYTES);
    writeKey(file, key);
    return key;
  }
  // A key others can read lets them sign in as anyone: refuse it rather than quietly fix it.
  if ((mode & 0o077) !== 0) {
    throw new Error(`the relay's session key ${file} may be read by others (mode ${(mode & 0o777).toString(8)}): chmod 600 it, or delete it to make a new one`);
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url');
  if (key.length < KEY_BYTES) throw new Error(`the relay's session key ${file} is too short: delete it to make a new one`);
  return key;
}

/** Writes the key beside its final name and renames it there, so that a crash never leaves half a key. */
function writeKey(file: string, key: Buffer): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${key.toString('base64url')}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}
