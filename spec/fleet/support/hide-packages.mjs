// Module resolution hooks that make the packages named in HIDDEN_PACKAGES (comma-separated)
// unresolvable, as if they were not installed: for the spec of the fleet's missing-package error.
const hidden = new Set((process.env.HIDDEN_PACKAGES ?? '').split(',').filter(Boolean));

export async function resolve(specifier, context, nextResolve) {
  if (hidden.has(specifier)) {
    const error = new Error(`Cannot find package '${specifier}' (hidden by the spec)`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return nextResolve(specifier, context);
}
