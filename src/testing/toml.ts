/**
 * A `config.toml` value, for `AppServerHarnessOptions.config`: strings, numbers, booleans,
 * arrays and tables (no dates).
 *
 * @example
 * const value: TomlValue = ['git', 'status'];
 */
export type TomlValue = string | number | boolean | readonly TomlValue[] | TomlTable;

/**
 * A TOML table: keys to values or sub-tables; nested objects become `[sections]`.
 *
 * @example
 * const config: TomlTable = { approval_policy: 'never', features: { shell_tool: false } };
 * const harness = await AppServerHarness.create({ config });
 */
export interface TomlTable {
  readonly [key: string]: TomlValue;
}

/**
 * @internal Writes a table as TOML text: plain keys first, then one `[section]` per sub-table, since TOML
 * reads every key after a section header as part of that section.
 */
export function toToml(table: TomlTable, path: readonly string[] = []): string {
  const lines: string[] = [];
  const sections: Array<[string, TomlTable]> = [];
  for (const [key, value] of Object.entries(table)) {
    if (isTable(value)) sections.push([key, value]);
    else lines.push(`${tomlKey(key)} = ${tomlInline(value)}`);
  }
  // A table with nothing but sub-tables needs no header of its own.
  const header = path.length > 0 && lines.length > 0 ? `[${path.map(tomlKey).join('.')}]\n` : '';
  const own = lines.length > 0 ? `${header}${lines.join('\n')}\n` : '';
  const nested = sections.map(([key, sub]) => toToml(sub, [...path, key])).filter((text) => text !== '');
  return [own, ...nested].filter((text) => text !== '').join('\n');
}

/** @internal Merges `override` into `base`, table by table; other values in `override` replace. */
export function mergeTables(base: TomlTable, override: TomlTable): TomlTable {
  const merged: Record<string, TomlValue> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = merged[key];
    merged[key] = current !== undefined && isTable(current) && isTable(value) ? mergeTables(current, value) : value;
  }
  return merged;
}

function isTable(value: TomlValue): value is TomlTable {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function tomlKey(key: string): string {
  return /^[A-Za-z0-9_-]+$/.test(key) ? key : JSON.stringify(key);
}

function tomlInline(value: TomlValue): string {
  if (typeof value === 'string') return JSON.stringify(value); // JSON string escapes are valid TOML basic-string escapes
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} as TOML`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((item: TomlValue) => tomlInline(item)).join(', ')}]`;
  const entries = Object.entries(value).map(([key, item]) => `${tomlKey(key)} = ${tomlInline(item)}`);
  return `{ ${entries.join(', ')} }`;
}
