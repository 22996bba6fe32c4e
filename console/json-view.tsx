import type { ComponentChildren } from 'preact';

const REDACTED = '[REDACTED]';

/** A string a secret was scrubbed out of (`Bearer [REDACTED]`): its text, each scrubbed part marked. */
const PartlyRedacted = ({ value }: { value: string }) => (
  <span class="json-string">
    {JSON.stringify(value)
      .split(REDACTED)
      .map((part, i) => (
        <>
          {i > 0 && <span class="redacted">redacted</span>}
          {part}
        </>
      ))}
  </span>
);

const Leaf = ({ value }: { value: unknown }) => {
  if (value === REDACTED) return <span class="redacted">redacted</span>;
  if (typeof value === 'string' && value.includes(REDACTED)) return <PartlyRedacted value={value} />;
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
