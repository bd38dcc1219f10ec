import { IntegralGitError } from '../errors';
import type { StoreContext } from './context';
import { lazyStatements, type Statements } from './lazy-statements';
import { LOG_STREAMS, type LogChunk, type LogStream } from './types';
import { checkEnum, tailBytes } from './sql-helpers';

interface LogState {
  log_seq: number;
  log_bytes: number;
  log_dropped_bytes: number;
  log_marker_seq: number | null;
}

export function droppedMarker(bytes: number): string {
  return `… ${bytes} bytes of earlier output dropped …`;
}

/**
 * A deployment's output, in chunks numbered by `seq` (what a live viewer resumes from).
 * Bounded: past `logLimitBytes`, the oldest chunks are deleted and one `system` marker
 * takes the place of the first of them, saying how much was dropped. Chunk numbers never
 * change, so a viewer's position stays valid. Appends run at NORMAL sync: a script's output
 * is not worth an fsync per line.
 */
export class DeploymentLogTable {
  private readonly sql: Statements<'state' | 'insert' | 'oldest' | 'deleteUpTo' | 'setMarker' | 'saveState' | 'after'>;

  constructor(private readonly ctx: StoreContext) {
    this.sql = lazyStatements(ctx.db, 'deployment_log', {
      state: (prepare) => prepare('SELECT log_seq, log_bytes, log_dropped_bytes, log_marker_seq FROM deployments WHERE id = ?'),
      insert: (prepare) => prepare('INSERT INTO deployment_log (deployment_id, seq, stream, text, bytes, at) VALUES (?, ?, ?, ?, ?, ?)'),
      oldest: (prepare) => prepare('SELECT seq, bytes FROM deployment_log WHERE deployment_id = ? AND seq <> ? ORDER BY seq'),
      deleteUpTo: (prepare) => prepare('DELETE FROM deployment_log WHERE deployment_id = ? AND seq <= ? AND seq <> ?'),
      setMarker: (prepare) => prepare('UPDATE deployment_log SET text = ?, at = ? WHERE deployment_id = ? AND seq = ?'),
      saveState: (prepare) => prepare('UPDATE deployments SET log_seq = ?, log_bytes = ?, log_dropped_bytes = ?, log_marker_seq = ? WHERE id = ?'),
      after: (prepare) => prepare('SELECT seq, stream, text, at FROM deployment_log WHERE deployment_id = ? AND seq > ? ORDER BY seq'),
    });
  }

  appendLog(deploymentId: number, stream: LogStream, text: string): number {
    checkEnum('log stream', stream, LOG_STREAMS);
    const limit = this.ctx.logLimitBytes;
    return this.ctx.write(() => {
      const s = this.sql.state.get(deploymentId) as LogState | undefined;
      if (!s) throw new IntegralGitError('IG_NOT_FOUND', `deployment ${deploymentId} does not exist`, { deploymentId });
      const at = this.ctx.now();
      let seq = s.log_seq;
      let marker = s.log_marker_seq;
      let dropped = s.log_dropped_bytes;
      const fullBytes = Buffer.byteLength(text, 'utf8');
      // one chunk larger than the whole bound keeps only its tail
      const kept = fullBytes > limit ? tailBytes(text, limit) : text;
      const keptBytes = fullBytes > limit ? Buffer.byteLength(kept, 'utf8') : fullBytes;
      dropped += fullBytes - keptBytes;
      let total = s.log_bytes + keptBytes;
      let firstDeleted: number | undefined;
      if (total > limit) {
        const excess = total - limit;
        let freed = 0;
        let lastSeq = 0;
        for (const row of this.sql.oldest.iterate(deploymentId, marker ?? -1) as IterableIterator<{ seq: number; bytes: number }>) {
          firstDeleted ??= row.seq;
          freed += row.bytes;
          lastSeq = row.seq;
          if (freed >= excess) break;
        }
        this.sql.deleteUpTo.run(deploymentId, lastSeq, marker ?? -1);
        total -= freed;
        dropped += freed;
      }
      if (dropped > s.log_dropped_bytes) {
        if (marker === null) {
          marker = firstDeleted ?? ++seq;
          this.sql.insert.run(deploymentId, marker, 'system', droppedMarker(dropped), 0, at);
        } else {
          this.sql.setMarker.run(droppedMarker(dropped), at, deploymentId, marker);
        }
      }
      const chunkSeq = ++seq;
      this.sql.insert.run(deploymentId, chunkSeq, stream, kept, keptBytes, at);
      this.sql.saveState.run(seq, total, dropped, marker, deploymentId);
      return chunkSeq;
    });
  }

  /** Chunks after `afterSeq` (0 = from the start), in order. */
  getLog(deploymentId: number, afterSeq = 0): LogChunk[] {
    return this.sql.after.all(deploymentId, afterSeq) as LogChunk[];
  }
}
