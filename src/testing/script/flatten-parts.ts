import type { ScriptPart, ScriptStep, TokenUsage } from './response-script.js';

/** @internal The steps of some script parts in order, and the last usage among them. */
export function flattenParts(parts: readonly ScriptPart[]): { steps: ScriptStep[]; usage: TokenUsage | undefined } {
  const steps: ScriptStep[] = [];
  let usage: TokenUsage | undefined;
  const visit = (part: ScriptPart): void => {
    if (isPartList(part)) part.forEach(visit);
    else if (part.kind === 'usage') usage = part.usage;
    else steps.push(part);
  };
  parts.forEach(visit);
  return { steps, usage };
}

function isPartList(part: ScriptPart): part is readonly ScriptPart[] {
  return Array.isArray(part);
}
