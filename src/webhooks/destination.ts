/**
 * Where a webhook may go. Callback URLs are the tenant's, so a delivery must not become a way into the
 * deployment's own network (server-side request forgery): loopback, private, link-local (the cloud metadata
 * server at 169.254.169.254), carrier-grade NAT, multicast and reserved addresses are refused, as are names
 * that only exist inside (`localhost`, `*.internal` such as `metadata.google.internal`).
 *
 * Checked twice: when the URL is given (a literal address or an inside name: 400 at once), and when it is
 * delivered, on the addresses DNS gives at connect time (the lookup hook of the very connection), so a name
 * that resolves inside, or is re-pointed there after the first check (DNS rebinding), is refused too.
 * TALLY_WEBHOOK_ALLOW_PRIVATE=true turns this off (receivers on a private network, tests).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A delivery refused because of where it would go: final, never retried. */
export class BlockedDestinationError extends Error {
  readonly code = 'webhook_destination_blocked';
}

/** Why an address may not receive webhooks, or null when it is a public unicast address. */
export function blockedAddressReason(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address); // IPv4-mapped IPv6 (::ffff:10.0.0.1) is judged as the IPv4 it is
  } catch {
    return `${address} is not an IP address`;
  }
  const range = parsed.range();
  return range === 'unicast' ? null : `${address} is a ${range} address`;
}

const INSIDE_NAME = /(^|\.)(localhost|internal|local|localdomain|home\.arpa)\.?$/i;

/** Why this URL's host may not receive webhooks (judged without DNS), or null. */
export function blockedUrlReason(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) return blockedAddressReason(host);
  if (INSIDE_NAME.test(host) || !host.includes('.')) return `${host} is not a public host name`;
  return null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http.request that resolves as usual and refuses the connection when any address of the
 * name is not public (every address is checked, so a round-robin of one public and one inside address fails).
 */
export function publicOnlyLookup(hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void {
  dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const list = addresses as LookupAddress[];
    const blocked = list.map((a) => blockedAddressReason(a.address)).find((r) => r !== null);
    if (blocked) return callback(new BlockedDestinationError(`webhook to ${hostname} refused: ${blocked}`), []);
    if ((options as LookupAllOptions).all) return callback(null, list);
    callback(null, list[0].address, list[0].family);
  });
}
