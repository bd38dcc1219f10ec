import type { AppContext } from '../app-context';
import type { CsrfGuard } from '../middleware/csrf';

/** What every page handler needs: the app context and the CSRF guard of this app instance. */
export interface PageEnv {
  ctx: AppContext;
  csrf: CsrfGuard;
}
