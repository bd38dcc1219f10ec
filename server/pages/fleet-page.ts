import type { RequestHandler } from 'express';
import { describeError, isIntegralGitError } from '../../lib/errors';
import { fleetMatrix, type FleetMatrix } from '../../lib/fleet/fleet-matrix';
import type { PageEnv } from './page-env';
import { renderPage } from './render-page';

/** `/fleet`: every host × repo from the shared bucket; refreshed every 10 s like the heartbeats. */
export function fleetPage(env: PageEnv): RequestHandler {
  return async (req, res) => {
    const fleet = env.ctx.fleet;
    let matrix: FleetMatrix | undefined;
    let fleetError: string | undefined;
    if (!fleet) {
      fleetError = 'This server works alone: its settings have no `fleet` block, so it knows no other hosts. See the guide “Running a fleet”.';
    } else {
      try {
        matrix = fleetMatrix(await fleet.read());
      } catch (err) {
        fleetError = isIntegralGitError(err) ? err.message : `the fleet could not be read: ${describeError(err)}`;
      }
    }
    renderPage(env, req, res, 'fleet', { matrix, fleetError }, { title: ['Fleet'], nav: 'fleet', refresh: 10, status: fleetError && fleet ? 503 : 200 });
  };
}
