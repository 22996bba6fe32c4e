import { describe, expect, it } from 'vitest';
import { builtinSkillRegistry, describeSkill } from '../../adapters/skills/builtin-skill-registry.js';

const NAMES = ['echo', 'http_call', 'json_transform', 'llm_invoke', 'wait'];

describe('built-in skill registry', () => {
  it('lists echo, http_call, json_transform, llm_invoke and wait, sorted by name, all version 1', () => {
    expect(
      builtinSkillRegistry()
        .list()
        .map((s) => [s.name, s.version]),
    ).toEqual(NAMES.map((name) => [name, '1']));
  });

  it('finds a skill by name and nothing for an unknown name', () => {
    const registry = builtinSkillRegistry();
    expect(registry.get('http_call')?.name).toBe('http_call');
    expect(registry.get('wait')?.name).toBe('wait');
    expect(registry.get('shell')).toBeUndefined();
    expect(registry.get('Echo')).toBeUndefined();
  });

  it('does not let a caller reorder or extend the registry through list()', () => {
    const registry = builtinSkillRegistry();
    (registry.list() as unknown[]).reverse();
    expect(registry.list().map((s) => s.name)).toEqual(NAMES);
  });

  it('describes each skill with its params and idempotency for `aos skills list`', () => {
    const described = builtinSkillRegistry().list().map(describeSkill);
    expect(described.map((d) => [d.name, Object.keys(d.params)])).toEqual([
      ['echo', ['message']],
      ['http_call', ['method', 'url', 'timeout_ms', 'headers', 'body', 'max_response_bytes']],
      ['json_transform', ['expression', 'input_from_step']],
      ['llm_invoke', ['messages', 'max_tokens', 'temperature', 'api_key']],
      ['wait', ['ms']],
    ]);
    expect(Object.fromEntries(described.map((d) => [d.name, d.idempotent]))).toEqual({
      echo: 'always',
      http_call: 'GET, HEAD, PUT, DELETE',
      json_transform: 'always',
      llm_invoke: expect.stringMatching(/^always/),
      wait: 'always',
    });
    // Pure: no effect outside the run, so a record may wait for the next append (Skill.pure).
    expect(Object.fromEntries(described.map((d) => [d.name, d.pure]))).toEqual({
      echo: true,
      http_call: false,
      json_transform: true,
      llm_invoke: false,
      wait: false,
    });
    for (const d of described) {
      expect(d.version).toBe('1');
      expect(d.description.length).toBeGreaterThan(0);
      for (const doc of Object.values(d.params)) expect(doc.length).toBeGreaterThan(0);
    }
    const byName = new Map(described.map((d) => [d.name, d]));
    expect(byName.get('http_call')?.params.headers).toContain('{{secret:NAME}}');
    expect(byName.get('llm_invoke')?.params.api_key).toContain('{{secret:NAME}}');
  });

  it('describes each skill with its manifest for `aos skills list --json`', () => {
    for (const skill of builtinSkillRegistry().list()) {
      const { params_schema, cost_model, side_effects, limits } = describeSkill(skill);
      expect({ params_schema, cost_model, side_effects, limits }).toEqual(skill.manifest);
      expect(params_schema.type).toBe('object');
    }
  });

  it('says http_call is idempotent for exactly the methods it documents', () => {
    const skill = builtinSkillRegistry().get('http_call');
    const documented = describeSkill(skill!).idempotent.split(', ');
    for (const method of ['GET', 'HEAD', 'PUT', 'DELETE', 'POST', 'PATCH']) {
      const decoded = skill!.params.decode({ method, url: 'http://a.example/' });
      if (decoded._tag === 'Left') throw new Error(`${method} did not decode`);
      expect(skill!.isIdempotent(decoded.right)).toBe(documented.includes(method));
    }
  });

  it("round-trips every skill's example params through its codec", () => {
    const registry = builtinSkillRegistry();
    const examples: Record<string, Record<string, unknown>> = {
      echo: { message: 'hi' },
      http_call: { method: 'GET', url: 'http://127.0.0.1:8080/status', timeout_ms: 5000 },
      json_transform: { expression: 'items[?price > `0.1`].name', input_from_step: 0 },
      llm_invoke: {
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: 16,
        temperature: 0.2,
        api_key: '{{secret:LLM_API_KEY}}',
      },
      wait: { ms: 250 },
    };
    for (const skill of registry.list()) {
      const decoded = skill.params.decode(examples[skill.name]);
      expect(decoded._tag).toBe('Right');
      if (decoded._tag === 'Right') expect(skill.params.encode(decoded.right)).toEqual(examples[skill.name]);
    }
  });
});
