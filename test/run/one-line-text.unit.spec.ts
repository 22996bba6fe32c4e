import type * as t from 'io-ts';
import { describe, expect, it } from 'vitest';
import { AgentNameC } from '../../application/agents/register-agent.js';
import { describeDecodeErrors } from '../../domain/json/decode-error.js';
import { unsafeTextCharacter } from '../../domain/json/control-characters.js';
import { IdempotencyKeyC } from '../../domain/run/idempotency-key.js';
import { AgentIdC, GoalC, OriginSystemIdC, TenantIdC } from '../../domain/run/identifiers.js';

/** One of each character an operator must never receive raw in a goal, a name or an id. */
const BIDI_CONTROLS = [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069];
const SEPARATORS = [0x2028, 0x2029];
const CONTROLS = [0x00, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9b, 0x9f];
const hex = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

const refusal = (codec: t.Decoder<unknown, unknown>, value: string): string | null => {
  const decoded = codec.decode(value);
  return decoded._tag === 'Left' ? describeDecodeErrors(decoded.left).join('; ') : null;
};

describe('unsafeTextCharacter: the one rule for a line of human text', () => {
  it.each(BIDI_CONTROLS.map((code) => [hex(code), code]))('finds the bidi control %s', (_name, code) => {
    expect(unsafeTextCharacter(`ab${String.fromCharCode(code)}c`)).toEqual({
      kind: 'bidi_control',
      index: 2,
      code: hex(code),
    });
  });

  it.each(SEPARATORS.map((code) => [hex(code), code]))('finds the separator %s', (_name, code) => {
    expect(unsafeTextCharacter(`${String.fromCharCode(code)}x`)).toEqual({
      kind: 'separator',
      index: 0,
      code: hex(code),
    });
  });

  it.each(CONTROLS.map((code) => [hex(code), code]))('finds the control character %s', (_name, code) => {
    expect(unsafeTextCharacter(`x${String.fromCharCode(code)}`)?.kind).toBe('control');
  });

  it('takes printable text in any script, marks and emoji included', () => {
    for (const text of [
      'Résumé ✓ 日本 — "q"\\',
      'שלום\u200f world',
      'مرحبا\u061c',
      'a\u00a0b',
      '🚀 launch',
      '',
    ])
      expect(unsafeTextCharacter(text)).toBeNull();
  });

  it('reports the first one', () => {
    expect(unsafeTextCharacter('a\u2066b\u001bc')).toMatchObject({ kind: 'bidi_control', index: 1 });
  });
});

describe('goals and agent names are one line of text: no bidi controls, no separators', () => {
  it.each([
    ['goal', GoalC],
    ['agent name', AgentNameC],
  ] as const)('the %s codec refuses each bidi control and separator, naming it', (_name, codec) => {
    for (const code of [...BIDI_CONTROLS, ...SEPARATORS]) {
      const message = refusal(codec, `pay invoice ${String.fromCharCode(code)}cod.exe`);
      expect(message, hex(code)).toContain(`found ${hex(code)} at index 12`);
    }
  });

  it.each([
    ['goal', GoalC],
    ['agent name', AgentNameC],
  ] as const)('the %s codec still refuses control characters and takes plain text', (_name, codec) => {
    expect(refusal(codec, 'ring \u001b[31m bell')).toContain('must not contain control characters');
    expect(refusal(codec, 'Résumé ✓ 日本 — שלום')).toBeNull();
  });
});

describe('ids and idempotency keys refuse bidi controls and separators (their ASCII patterns)', () => {
  it.each([
    ['tenant id', TenantIdC],
    ['agent id', AgentIdC],
    ['origin system id', OriginSystemIdC],
    ['idempotency key', IdempotencyKeyC],
  ] as const)('the %s codec', (_name, codec) => {
    expect(refusal(codec, 'acme-1')).toBeNull();
    for (const code of [...BIDI_CONTROLS, ...SEPARATORS, ...CONTROLS])
      expect(refusal(codec, `acme${String.fromCharCode(code)}1`), hex(code)).not.toBeNull();
  });
});
