/**
 * The Direct Line token: the bank's app passes one in the address (#token=…), made by its backend
 * with the Direct Line secret; a local trial without a secret gets one from the dev-only route.
 */
export async function directLineToken(): Promise<string> {
  const fromAddress = /(?:^|[#&])token=([^&]+)/.exec(location.hash)?.[1];
  if (fromAddress !== undefined) return decodeURIComponent(fromAddress);
  const response = await fetch('/directline/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (!response.ok) throw new Error(`no token: ${response.status}`);
  const body = (await response.json()) as { token?: unknown };
  if (typeof body.token !== 'string') throw new Error('no token in the answer');
  return body.token;
}
