/**
 * The key paths a `config` override sets, one per leaf, as lists of segments. A top-level key is a
 * dotted path (`"mcp_servers.x.command"`), as the app-server reads it; a nested object adds a
 * segment per level. A nested key is kept whole even with a dot in it: read either way it must be
 * allowed, and whole is the stricter reading (`{ a: { "b.c": 1 } }` is not under an allowed `a.b`).
 * An empty object or any other value ends a path.
 *
 * @example
 * configKeyPaths({ 'mcp_servers.x.command': 'sh', model: 'm' }); // [['mcp_servers', 'x', 'command'], ['model']]
 */
export function configKeyPaths(config: Readonly<Record<string, unknown>>): string[][] {
  const paths: string[][] = [];
  const walk = (prefix: string[], value: unknown): void => {
    const entries = typeof value === 'object' && value !== null && !Array.isArray(value) ? Object.entries(value) : [];
    if (entries.length === 0) paths.push(prefix);
    for (const [key, inner] of entries) walk([...prefix, key], inner);
  };
  for (const [key, value] of Object.entries(config)) walk(key.split('.'), value);
  return paths;
}
