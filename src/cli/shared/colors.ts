import pc from 'picocolors';

/**
 * The colour functions the views use: picocolors' set, switched on or off as a whole.
 *
 * @example
 * const colors: Colors = colorsFor(process.stdout);
 * colors.green('✓');
 */
export type Colors = ReturnType<typeof pc.createColors>;

/**
 * Colours for what is written to `stream`: on for a terminal that supports them (picocolors'
 * check, which honours NO_COLOR), off for pipes and files, so CI logs and `| grep` get plain
 * text, unless FORCE_COLOR asks for them.
 *
 * @example
 * const colors = colorsFor(process.stdout);
 * process.stdout.write(colors.bold('codex-rx'));
 */
export function colorsFor(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Colors {
  const wanted = stream.isTTY === true || (env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0');
  return pc.createColors(wanted && pc.isColorSupported);
}
