/** JSON-pointer paths for problems (`/configs/base/location`), as the schema validator writes them. */
export function pointer(parts: ReadonlyArray<string | number>): string {
  return parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/** A value quoted for a message: JSON-escaped (control characters visible) and cut short. */
export function quote(value: string, max = 80): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return JSON.stringify(shown);
}
