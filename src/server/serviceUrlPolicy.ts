/**
 * Without MicrosoftAppId botbuilder authenticates nobody and would post replies to any serviceUrl a
 * caller names, which would make the bot an open relay. Only the allowed hosts are answered.
 */
export function isAllowedServiceUrl(serviceUrl: string, allowedHosts: readonly string[]): boolean {
  let host: string;
  try {
    const url = new URL(serviceUrl);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    host = url.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  } catch {
    return false;
  }
  return allowedHosts.includes(host);
}
