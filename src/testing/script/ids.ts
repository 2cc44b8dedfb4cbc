let counter = 0;

/**
 * @internal A fresh id such as `msg_3`. Ids only need to be unique within one app-server process, so a
 * process-wide counter gives ids that are both unique and readable in test failure output.
 */
export function nextId(prefix: string): string {
  counter += 1;
  return `${prefix}_${counter}`;
}
