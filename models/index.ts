/**
 * The model registry: every model `hmmcheck list` shows and `npm start` checks.
 */
import type { ModelDef } from '../spec/model';
import { hmmModels } from './hmm';
import { referenceModels } from './reference';

export const registry: readonly ModelDef<any>[] = [...hmmModels, ...referenceModels];

export function findModel(name: string): ModelDef<any> | undefined {
  return registry.find((m) => m.name === name);
}
