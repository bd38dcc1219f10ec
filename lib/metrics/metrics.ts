import type * as PromClient from 'prom-client';
import type { DeploymentEvents } from '../deploy/events';

interface OutboxCount {
  kind: string;
  target: string;
  status: string;
  count: number;
}

interface Instruments {
  registry: PromClient.Registry;
  deliveries: PromClient.Counter<'provider' | 'outcome'>;
  deployments: PromClient.Counter<'repo' | 'status'>;
  deploymentDuration: PromClient.Histogram<'repo' | 'status'>;
  queueDepth: PromClient.Gauge<'repo'>;
}

/**
 * Prometheus metrics for one server instance. A registry per instance (not the global
 * default) so tests can run several servers in one process.
 *
 * prom-client (with the OpenTelemetry API it pulls in, ~80 modules and ~12 MB) loads on the
 * first count or scrape, not at start: an idle server does not carry it.
 */
export class Metrics {
  private instruments: Instruments | undefined;
  private outboxCountsOf: (() => OutboxCount[]) | undefined;

  constructor(private readonly queueDepthOf: () => Array<{ repo: string; depth: number }>) {}

  get registry(): PromClient.Registry {
    return this.built().registry;
  }
  get deliveries(): PromClient.Counter<'provider' | 'outcome'> {
    return this.built().deliveries;
  }
  get deployments(): PromClient.Counter<'repo' | 'status'> {
    return this.built().deployments;
  }
  get deploymentDuration(): PromClient.Histogram<'repo' | 'status'> {
    return this.built().deploymentDuration;
  }
  get queueDepth(): PromClient.Gauge<'repo'> {
    return this.built().queueDepth;
  }

  private built(): Instruments {
    if (this.instruments) return this.instruments;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const client = require('prom-client') as typeof PromClient;
    const queueDepthOf = this.queueDepthOf;
    const outboxCountsOf = () => this.outboxCountsOf?.() ?? [];
    const registry = new client.Registry();
    client.collectDefaultMetrics({ register: registry, prefix: 'integralgit_' });
    this.instruments = {
      registry,
      deliveries: new client.Counter({
        name: 'integralgit_deliveries_total',
        help: 'Requests to /update by provider and outcome (accepted, duplicate, ignored, rejected, ping)',
        labelNames: ['provider', 'outcome'],
        registers: [registry],
      }),
      deployments: new client.Counter({
        name: 'integralgit_deployments_total',
        help: 'Finished deployments by repo and status',
        labelNames: ['repo', 'status'],
        registers: [registry],
      }),
      deploymentDuration: new client.Histogram({
        name: 'integralgit_deployment_duration_seconds',
        help: 'Deployment duration from start to finish (sync and script)',
        labelNames: ['repo', 'status'],
        buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
        registers: [registry],
      }),
      queueDepth: new client.Gauge({
        name: 'integralgit_queue_depth',
        help: 'Queued deployment jobs per repo',
        labelNames: ['repo'],
        registers: [registry],
        collect() {
          this.reset();
          for (const { repo, depth } of queueDepthOf()) this.set({ repo }, depth);
        },
      }),
    };
    new client.Gauge({
      name: 'integralgit_outgoing_messages',
      help: 'Outgoing messages (commit statuses, notifications) in the outbox by kind, target and status',
      labelNames: ['kind', 'target', 'status'],
      registers: [registry],
      collect() {
        this.reset();
        for (const c of outboxCountsOf()) this.set({ kind: c.kind, target: c.target, status: c.status }, c.count);
      },
    });
    return this.instruments;
  }

  /**
   * Commit statuses and notifications (SPEC §9) by target and status (`pending`, `sent`,
   * `failed`), read from the outbox at each scrape, so messages written by CLI deployments
   * and earlier runs count too.
   */
  trackOutbox(countsOf: () => OutboxCount[]): void {
    this.outboxCountsOf = countsOf;
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
