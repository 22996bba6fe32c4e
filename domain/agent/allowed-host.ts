/** An entry of an agent's allowed_hosts (hosts http_call may reach although the host policy denies
 * them): a host name or a bracketed IP literal, with an optional port. */
export const ALLOWED_HOST_PATTERN = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;
