import type { ComponentChildren } from 'preact';

const REDACTED = '[REDACTED]';

const Leaf = ({ value }: { value: unknown }) => {
  if (value === REDACTED) return <span class="redacted">redacted</span>;
  if (typeof value === 'string') return <span class="json-string">{JSON.stringify(value)}</span>;
  return <span class="json-scalar">{String(value)}</span>;
};

const Branch = ({ label, children, open }: { label: string; children: ComponentChildren; open: boolean }) => (
  <details open={open}>
    <summary>{label}</summary>
    <div class="json-children">{children}</div>
  </details>
);

/** A JSON value as collapsible text: objects and arrays fold, strings are shown as text (never as
 * markup), a value the redaction replaced is marked `redacted`. */
export const JsonView = ({ value, name, depth = 0 }: { value: unknown; name?: string; depth?: number }) => {
  const prefix = name === undefined ? '' : `${name}: `;
  if (Array.isArray(value))
    return (
      <Branch label={`${prefix}[${value.length}]`} open={depth < 2}>
        {value.map((v, i) => (
          <JsonView value={v} name={String(i)} depth={depth + 1} />
        ))}
      </Branch>
    );
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    return (
      <Branch label={`${prefix}{${entries.length}}`} open={depth < 2}>
        {entries.map(([k, v]) => (
          <JsonView value={v} name={k} depth={depth + 1} />
        ))}
      </Branch>
    );
  }
  return (
    <div class="json-leaf">
      {prefix}
      <Leaf value={value} />
    </div>
  );
};
