import { repoConfigSchema } from '../config/schema';
import { settingsSchema } from '../settings/schema';

/**
 * The schemas whose validators the build compiles ahead of time (standalone code in
 * dist/lib/validation/standalone-validators.js), by the export name they get there.
 */
export const knownSchemas: Record<string, object> = {
  settings: settingsSchema,
  repoConfig: repoConfigSchema,
};
