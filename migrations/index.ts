import { InitialSchema1795899000000 } from './1795899000000-initial-schema.js';
import { SeedPlans1795899000001 } from './1795899000001-seed-plans.js';

/** Every migration in order (listed, not globbed, so tsc output and Jest load the same set). Append yours. */
export const migrations = [InitialSchema1795899000000, SeedPlans1795899000001];
