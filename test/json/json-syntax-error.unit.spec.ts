import { describe, expect, it } from 'vitest';
import { classifyVerifyInput } from '../../domain/bundle/verify-input.js';
import { jsonSyntaxErrorOffset } from '../../domain/json/json-syntax-error.js';

const offset = (text: string) => jsonSyntaxErrorOffset(Buffer.from(text));

describe('jsonSyntaxErrorOffset: the byte where a text stops being JSON', () => {
  it('is null for JSON texts, whatever their nesting', () => {
    for (const text of [
      '{}',
      ' [ ] ',
      '{"a":[1,-2.5e+3,0,true,false,null,"\\u00e9\\n"],"b":{"c":{}}}',
      '"é ✓ 日本"',
      '-0.1E9',
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    ])
      expect(offset(text), text.slice(0, 40)).toBeNull();
  });

  it('names the first byte that breaks the grammar, in bytes of UTF-8', () => {
    expect(offset('prose\n')).toBe(0);
    expect(offset('this is not a bundle\n')).toBe(1); // "t" may begin "true"
    expect(offset('')).toBe(0);
    expect(offset('{"a":1,}')).toBe(7);
    expect(offset('{"a": tru}')).toBe(9);
    expect(offset('{"a":1}}')).toBe(7);
    expect(offset('{"é":01}')).toBe(7); // é is two bytes
    expect(offset('["\\x"]')).toBe(3);
    expect(offset('["\\u12G4"]')).toBe(6);
    expect(offset('["a\tb"]')).toBe(3);
    expect(offset('{"a" 1}')).toBe(5);
    expect(offset('[1.]')).toBe(3);
    expect(offset('[1e]')).toBe(3);
  });

  it('puts a text cut short at its end: every proper prefix of an object', () => {
    const text =
      '{"events":[{"seq":0,"data":{"goal":"Résumé ✓","n":-1.5e3,"ok":true,"x":null}}],"z":"\\u00e9"}';
    const bytes = Buffer.from(text);
    expect(jsonSyntaxErrorOffset(bytes)).toBeNull();
    for (let cut = 0; cut < bytes.length; cut++) {
      // Also a cut inside a multi-byte character: the string it is in is not closed.
      expect(jsonSyntaxErrorOffset(bytes.subarray(0, cut)), `cut at ${cut}`).toBe(cut);
    }
  });

  it('agrees with JSON.parse on validity, and on the position where V8 names one, over random edits', () => {
    const base =
      '{"events":[{"seq":0,"data":{"goal":"R \\"q\\" \\u00e9","n":-1.5e3,"ok":true,"x":null,"a":[1,[2,{}]]}}]}';
    const alphabet = '{}[],:"\\ 0123456789-+.eEtrufalsnxu\t\n';
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 5000; i++) {
      const chars = [...base];
      for (let edits = 1 + random(3); edits > 0; edits--) {
        const at = random(chars.length);
        const c = alphabet[random(alphabet.length)] as string;
        const op = random(3);
        if (op === 0) chars[at] = c;
        else if (op === 1) chars.splice(at, 1);
        else chars.splice(at, 0, c);
      }
      const text = chars.join('');
      let message: string | null = null;
      try {
        JSON.parse(text);
      } catch (error) {
        message = (error as Error).message;
      }
      const found = offset(text);
      expect(found === null, text).toBe(message === null);
      const position = /at position (\d+)/.exec(message ?? '')?.[1];
      if (position !== undefined) expect(found, text).toBe(Number(position));
    }
  });
});

describe('classifyVerifyInput: a bundle, a tree head, or neither', () => {
  it('takes any JSON document as a bundle and a signed note as a tree head', () => {
    expect(classifyVerifyInput(Buffer.from('{"format":"x"}'))).toMatchObject({
      right: { kind: 'bundle', document: { format: 'x' } },
    });
    const note =
      'aos.runproof/t\n1\nAAAA\n\n— aos.runproof AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n';
    expect(classifyVerifyInput(Buffer.from(note))).toMatchObject({ right: { kind: 'tree_head', note } });
  });

  it('refuses prose and truncated JSON, naming the byte', () => {
    expect(classifyVerifyInput(Buffer.from('this is not a bundle\n'))).toEqual({
      _tag: 'Left',
      left: { kind: 'neither_bundle_nor_tree_head', invalid_json_at: 1 },
    });
    expect(classifyVerifyInput(Buffer.from('{\n  "format": "aos.runpr'))).toEqual({
      _tag: 'Left',
      left: { kind: 'neither_bundle_nor_tree_head', invalid_json_at: 24 },
    });
  });
});
