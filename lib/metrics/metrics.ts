import client from 'prom-client';
import type { DeploymentEvents } from '../deploy/events';

/**
 * Prometheus metrics for one server instance. A registry per instance (not the global
 * default) so tests can run several servers in one process.
 */
export class Metrics {
  readonly registry = new client.Registry();
  readonly deliveries: client.Counter<'provider' | 'outcome'>;
  readonly deployments: client.Counter<'repo' | 'status'>;
  readonly deploymentDuration: client.Histogram<'repo' | 'status'>;
  readonly queueDepth: client.Gauge<'repo'>;

  constructor(queueDepthOf: () => Array<{ repo: string; depth: number }>) {
    client.collectDefaultMetrics({ register: this.registry, prefix: 'integralgit_' });
    this.deliveries = new client.Counter({
      name: 'integralgit_deliveries_total',
      help: 'Requests to /update by provider and outcome (accepted, duplicate, ignored, rejected, ping)',
      labelNames: ['provider', 'outcome'],
      registers: [this.registry],
    });
    this.deployments = new client.Counter({
      name: 'integralgit_deployments_total',
      help: 'Finished deployments by repo and status',
      labelNames: ['repo', 'status'],
      registers: [this.registry],
    });
    this.deploymentDuration = new client.Histogram({
      name: 'integralgit_deployment_duration_seconds',
      help: 'Deployment duration from start to finish (sync and script)',
      labelNames: ['repo', 'status'],
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers: [this.registry],
    });
    this.queueDepth = new client.Gauge({
      name: 'integralgit_queue_depth',
      help: 'Queued deployment jobs per repo',
      labelNames: ['repo'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { repo, depth } of queueDepthOf()) this.set({ repo }, depth);
      },
    });
  }

  /**
   * Commit statuses and notifications (SPEC §9) by target and status (`pending`, `sent`,
   * `failed`), read from the outbox at each scrape, so messages written by CLI deployments
   * and earlier runs count too.
   */
  trackOutbox(countsOf: () => { kind: string; target: string; status: string; count: number }[]): void {
    new client.Gauge({
      name: 'integralgit_outgoing_messages',
      help: 'Outgoing messages (commit statuses, notifications) in the outbox by kind, target and status',
      labelNames: ['kind', 'target', 'status'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const c of countsOf()) this.set({ kind: c.kind, target: c.target, status: c.status }, c.count);
      },
    });
  }

  /** Count every finished deployment of this process (webhook, poll, UI) from the event stream. */
  subscribeTo(events: DeploymentEvents): () => void {
    return events.on('finished', (e) => {
      this.deployments.inc({ repo: e.repo, status: e.status });
      this.deploymentDuration.observe({ repo: e.repo, status: e.status }, e.durationMs / 1000);
    });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
