let skew = 0;

/** The time on the server's clock: waiting times count from the server's timestamps. */
export const serverNow = (): number => Date.now() + skew;

/** Learns the server's clock from a response's Date header. */
export function noteServerDate(header: string | null): void {
  const server = header === null ? Number.NaN : Date.parse(header);
  if (Number.isNaN(server)) return;
  const difference = server - Date.now();
  // The Date header has one-second resolution: only correct clearly wrong client clocks.
  skew = Math.abs(difference) > 2000 ? difference : 0;
}
