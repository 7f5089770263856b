/** The M3 models (hmm-domain.md §3 M3): device migration. */
import type { ModelDef } from '../../../spec/model';
import { m3MigrateDevice } from './migrateDevice';
import { m3Migration } from './migration';

export const m3Models: readonly ModelDef<any>[] = [m3Migration, m3MigrateDevice];
