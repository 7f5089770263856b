/** The HMM models (see docs/hmm-domain.md, section 3). */
import type { ModelDef } from '../../spec/model';
import { m1Mirror2015 } from './m1/mirror-2015';
import { m1Mirror2019 } from './m1/mirror-2019';
import { m1NotifierCore } from './m1/notifier-core';
import { m2Models } from './m2';
import { m3Models } from './m3';
import { m4Models } from './m4';
import { m5HmmPt } from './m5';
import { m6Models } from './m6';

export const hmmModels: readonly ModelDef<any>[] = [m1NotifierCore, m1Mirror2015, m1Mirror2019, ...m2Models, ...m3Models, ...m4Models, m5HmmPt, ...m6Models];
