import { ValidationError } from '../../errors';

/** Where a version is in its life: registered, being tried, serving, or retired. */
export const modelStages = ['None', 'Staging', 'Production', 'Archived'] as const;
export type ModelStage = (typeof modelStages)[number];

/** Parses a stage name in any letter case (`production`, `Production`); anything else is a ValidationError. */
export function parseModelStage(text: string, field = 'stage'): ModelStage {
  const stage = modelStages.find((candidate) => candidate.toLowerCase() === text.toLowerCase());
  if (stage === undefined)
    throw new ValidationError(`Unknown stage "${text}"; use one of ${modelStages.join(', ')}.`, { field });
  return stage;
}
