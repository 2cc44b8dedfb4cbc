/**
 * A command as a person would type it. The server reports commands wrapped for the shell that
 * runs them (`/bin/bash -lc 'ls -la'`, or in double quotes when the command holds single
 * quotes); the wrapper is the same for every command and only takes room in a narrow column,
 * so it is dropped and the inner quoting undone.
 *
 * @example
 * displayCommand("/bin/bash -lc 'ls -la'");          // 'ls -la'
 * displayCommand(`/bin/bash -lc "echo 'hi' > a.txt"`); // "echo 'hi' > a.txt"
 */
export function displayCommand(command: string): string {
  const trimmed = command.trim();
  const wrapped = /^\S*?(?:ba|z)?sh -l?c (?:'([\s\S]*)'|"([\s\S]*)")$/.exec(trimmed);
  if (wrapped === null) return trimmed;
  const [, singleQuoted, doubleQuoted] = wrapped;
  if (singleQuoted !== undefined) return singleQuoted.replaceAll(`'\\''`, `'`);
  // Inside double quotes the shell only unescapes these four.
  return doubleQuoted!.replace(/\\([\\"$`])/g, '$1');
}
