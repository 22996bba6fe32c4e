import { lookup as dnsLookup } from 'node:dns/promises';

/** Every address a hostname resolves to. */
export type AddressLookup = (hostname: string) => Promise<readonly string[]>;

/** The system resolver (getaddrinfo), every address in the order it gives them. */
export const systemLookup: AddressLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);
