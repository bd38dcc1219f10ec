import type { StatusState } from './types';

/** Bitbucket Cloud and Server share the build-status vocabulary. */
export const BITBUCKET_STATES: Record<StatusState, string> = { pending: 'INPROGRESS', success: 'SUCCESSFUL', failure: 'FAILED', error: 'FAILED' };
