// TypeDoc plugin: every export of an entry point needs a summary and an `@example`.
// Its warnings are validation warnings, so `typedoc --treatWarningsAsErrors` fails on them.
//
// Exempt: the ~900 codecs of src/protocol/generated/codecs.ts, which scripts/generate-protocol.ts
// writes from the runtime's JSON Schema with the schema's own descriptions (a spec fails when they
// are edited by hand). The `protocol` namespace that exports them is documented, with an example,
// in src/index.ts; the method maps of methods.ts carry generated summaries and examples.
import { Application, ReflectionKind } from 'typedoc';

const GENERATED = 'src/protocol/generated/codecs.ts';

/** The comments that may document a reflection: its own, its signatures', its accessors'. */
function commentsOf(reflection) {
  const comments = [reflection.comment, reflection.getSignature?.comment, reflection.setSignature?.comment];
  for (const signature of reflection.signatures ?? []) comments.push(signature.comment);
  return comments.filter((comment) => comment !== undefined);
}

const hasSummary = (comments) => comments.some((comment) => comment.summary.some((part) => part.text.trim() !== ''));
const hasExample = (comments) => comments.some((comment) => comment.getTag('@example') !== undefined);

/** @param {Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    const entryPoints = project.children?.every((child) => child.kindOf(ReflectionKind.Module)) ? project.children : [project];
    for (const entryPoint of entryPoints) {
      for (const exported of entryPoint.children ?? []) {
        const generated = project.getSymbolIdFromReflection(exported)?.packagePath.includes(GENERATED) ?? false;
        if (generated && !exported.kindOf(ReflectionKind.Namespace)) continue;
        const comments = commentsOf(exported);
        const missing = [];
        if (!hasSummary(comments)) missing.push('a summary');
        if (!hasExample(comments)) missing.push('an @example');
        if (missing.length > 0) {
          const kind = ReflectionKind.singularString(exported.kind).toLowerCase();
          app.logger.warn(`${exported.getFriendlyFullName()} (${kind}) needs ${missing.join(' and ')}`);
        }
      }
    }
  });
}
