import { realpathSync } from 'node:fs';
import { isAbsolute, join, resolve, sep } from 'node:path';

/**
 * The real paths (symlinks resolved) of the roots a relay serves; throws if one does not exist.
 *
 * @example
 * const roots = realRoots(['/srv/project']);
 */
export function realRoots(roots: readonly string[]): string[] {
  return roots.map((root) => {
    try {
      return realpathSync.native(resolve(root));
    } catch (error) {
      throw new Error(`the relay root ${root} cannot be resolved: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  });
}

/**
 * Whether an absolute path, once `..` and symlinks are resolved as the host would, lies inside
 * one of the (real) roots. A part that does not exist yet is taken as written, without `..`:
 * nothing on disk can redirect it. A relative path is refused, since the relay cannot know what
 * the app-server resolves it against.
 *
 * @example
 * insideRoots('/srv/project/../../etc', realRoots(['/srv/project'])); // false
 */
export function insideRoots(path: string, roots: readonly string[]): boolean {
  if (!isAbsolute(path) || path.includes('\0')) return false;
  const real = realPathOf(path);
  return real !== undefined && roots.some((root) => real === root || real.startsWith(root.endsWith(sep) ? root : `${root}${sep}`));
}

function realPathOf(path: string): string | undefined {
  const segments = path.split(sep);
  // The longest prefix that exists is resolved by the filesystem (which reads `..` after a symlink as the OS does).
  for (let end = segments.length; end > 0; end -= 1) {
    let head: string;
    try {
      head = realpathSync.native(segments.slice(0, end).join(sep) || sep);
    } catch {
      continue;
    }
    const rest = segments.slice(end).filter((segment) => segment !== '' && segment !== '.');
    return rest.includes('..') ? undefined : join(head, ...rest);
  }
  return undefined;
}
