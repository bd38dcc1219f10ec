/**
 * The text log line (`--log-format text`, the default): `<ISO time> <level> <message>` and
 * each metadata key as `key=value`. One function for winston's format and the line writer,
 * so that a line reads the same whichever of them wrote it.
 */
export function textLine(timestamp: string, level: string, message: unknown, meta: Record<string, unknown>): string {
  const extra = Object.entries(meta)
    .filter(([k]) => !k.startsWith('Symbol('))
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
  return `${timestamp} ${level.padEnd(5)} ${String(message)}${extra ? ' ' + extra : ''}`;
}
