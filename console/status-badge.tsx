/** A run's or a step's status as a coloured word (the word itself says it: colour is not needed). */
export const StatusBadge = ({ status }: { status: string }) => (
  <span class={`badge status-${status.replace(/[^a-z_]/g, '')}`}>{status}</span>
);
