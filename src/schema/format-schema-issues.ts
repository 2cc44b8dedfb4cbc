import { jsonPath } from './json-path.js';
import type { SchemaIssue } from './schema-issue.js';

/**
 * Issues as text, one line each (`$.path: message`), for logs, errors and the model.
 *
 * @example
 * formatSchemaIssues([{ message: 'Required', path: ['verdict'] }]); // '$.verdict: Required'
 */
export function formatSchemaIssues(issues: readonly SchemaIssue[]): string {
  return issues.map((issue) => `${jsonPath(issue.path)}: ${issue.message}`).join('\n');
}
