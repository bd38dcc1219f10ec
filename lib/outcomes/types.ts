/**
 * What leaves the host after a deployment (SPEC §9): the facts of one outcome, and the
 * HTTP request a sender builds from them. Builders are pure; sending is in send-http.ts
 * and notify/send-email.ts.
 */
import type { NotifyEvent } from '../settings/outcome-types';

export interface OutcomeCommit {
  id: string;
  message: string;
  author: string;
}

/** One deployment outcome (or a missed webhook), as every target sees it. */
export interface OutcomeFacts {
  event: NotifyEvent;
  repo: string;
  host: string;
  branch: string | null;
  commit: string | null;
  previousCommit: string | null;
  /** the deployment status (`running`, `succeeded`, `failed`, `skipped`), or `missed` */
  status: string;
  health: string | null;
  errorCode: string | null;
  durationMs: number | null;
  /** one line a person reads first, e.g. `deploy script exited with code 1` */
  message: string;
  deploymentId: number | null;
  /** the deployment page under publicUrl; null when publicUrl is not set */
  url: string | null;
  /** the commits this deployment brought, newest first */
  commits: OutcomeCommit[];
}

export interface OutgoingRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
}
