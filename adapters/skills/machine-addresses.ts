import { networkInterfaces } from 'node:os';

/** Every address of this machine's network interfaces, as read now (interfaces come and go), in
 * whatever spelling the system gives; the host policy treats them like loopback. */
export const machineAddresses = (): readonly string[] =>
  Object.values(networkInterfaces()).flatMap((entries) => (entries ?? []).map((entry) => entry.address));
