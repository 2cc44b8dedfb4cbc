/**
 * One reason a value did not validate: a message and where, as keys from the value's root.
 *
 * @example
 * const issue: SchemaIssue = { message: 'Expected number, received string', path: ['findings', 0, 'line'] };
 * formatSchemaIssues([issue]); // '$.findings[0].line: Expected number, received string'
 */
export interface SchemaIssue {
  readonly message: string;
  readonly path: readonly (string | number)[];
}
