/**
 * A request of the secure page that is refused: the HTTP status and a code for the page (which
 * has its own words for each), with the few facts it needs (`{ error, ...detail }`). Never a secret.
 */
export class SecureRefusal extends Error {
  override name = 'SecureRefusal';

  constructor(
    readonly status: 400 | 401 | 404 | 409 | 410 | 502,
    readonly code: string,
    readonly detail: Readonly<Record<string, string | number>> = {},
  ) {
    super(code);
  }
}
