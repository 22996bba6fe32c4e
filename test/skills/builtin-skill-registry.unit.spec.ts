import { describe, expect, it } from 'vitest';
import { builtinSkillRegistry, describeSkill } from '../../adapters/skills/builtin-skill-registry.js';

describe('built-in skill registry', () => {
  it('lists echo, http_call and json_transform, sorted by name, all version 1', () => {
    expect(builtinSkillRegistry().list().map((s) => [s.name, s.version])).toEqual([['echo', '1'], ['http_call', '1'], ['json_transform', '1']]);
  });

  it('finds a skill by name and nothing for an unknown name', () => {
    const registry = builtinSkillRegistry();
    expect(registry.get('http_call')?.name).toBe('http_call');
    expect(registry.get('shell')).toBeUndefined();
    expect(registry.get('Echo')).toBeUndefined();
  });

  it('does not let a caller reorder or extend the registry through list()', () => {
    const registry = builtinSkillRegistry();
    (registry.list() as unknown[]).reverse();
    expect(registry.list().map((s) => s.name)).toEqual(['echo', 'http_call', 'json_transform']);
  });

  it('describes each skill with its params for `aos skills list`', () => {
    const described = builtinSkillRegistry().list().map(describeSkill);
    expect(described.map((d) => [d.name, Object.keys(d.params)])).toEqual([
      ['echo', ['message']],
      ['http_call', ['method', 'url', 'timeout_ms', 'headers', 'body', 'max_response_bytes']],
      ['json_transform', ['expression', 'input_from_step']],
    ]);
    for (const d of described) {
      expect(d.version).toBe('1');
      expect(d.description.length).toBeGreaterThan(0);
    }
  });

  it('round-trips every skill\'s example params through its codec', () => {
    const registry = builtinSkillRegistry();
    const examples: Record<string, Record<string, unknown>> = {
      echo: { message: 'hi' },
      http_call: { method: 'GET', url: 'http://127.0.0.1:8080/status', timeout_ms: 5000 },
      json_transform: { expression: 'items[?price > `0.1`].name', input_from_step: 0 },
    };
    for (const skill of registry.list()) {
      const decoded = skill.params.decode(examples[skill.name]);
      expect(decoded._tag).toBe('Right');
      if (decoded._tag === 'Right') expect(skill.params.encode(decoded.right)).toEqual(examples[skill.name]);
    }
  });
});
