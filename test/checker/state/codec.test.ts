import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCodec, SchemaViolation, UnknownKey, type Codec } from '../../../checker/state/codec';
import { hashWords } from '../../../checker/state/hash';
import { reflectEncode, reflectFingerprint } from '../../../checker/state/reflect';
import { t, type Type } from '../../../spec/types';
import { cloneValue, invalidValueArb, pairArb, schemaArb, structEqual, valueArb } from '../../support/arbitraries';
import { compareCollectionsByValue } from '../../support/collectionEquality';

compareCollectionsByValue();

/** A schema shaped like our models: globals, a map over resource ids, a set, a seq, an optional, threads. */
const Model = t.record({
  n: t.int(0, 3),
  m: t.map(['r1', 'r2'], t.enum('w', 'c')),
  a: t.array(t.bool(), 2),
  s: t.set([1, 2, 3]),
  q: t.seq(t.int(0, 3), 2),
  r: t.record({ x: t.bool(), y: t.optional(t.int(0, 3)) }),
  o: t.optional(t.enum('p', 'q')),
  tu: t.tuple(t.int(-5, 5), t.enum('lo', 'hi')),
  th: t.array(t.record({ pc: t.enum('a', 'b', 'done'), tmp: t.int(0, 1) }), 2),
});

function goodModelState(): any {
  return {
    n: 2,
    m: { r1: 'w', r2: 'c' },
    a: [true, false],
    s: new Set([3, 1]),
    q: [3],
    r: { x: false, y: null },
    o: 'q',
    tu: [-5, 'hi'],
    th: [
      { pc: 'a', tmp: 0 },
      { pc: 'done', tmp: 1 },
    ],
  };
}

function encode(codec: Codec, s: unknown): Uint32Array {
  const w = new Uint32Array(codec.words);
  codec.encode(s, w, 0);
  return w;
}

function fingerprint(codec: Codec, s: unknown): [number, number] {
  const out = new Uint32Array(2);
  codec.fingerprint(s, out);
  return [out[0]!, out[1]!];
}

/** Runs `f`, expecting a SchemaViolation; returns it. */
function violation(f: () => unknown): SchemaViolation {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SchemaViolation);
    return e as SchemaViolation;
  }
  throw new Error('expected a SchemaViolation, nothing was thrown');
}

describe('codec: examples', () => {
  const codec = compileCodec(Model);

  it('round-trips a model state and agrees with the reflective reference', () => {
    const s = goodModelState();
    const w = encode(codec, s);
    expect(codec.decode(w, 0)).toEqual(s);
    expect([...w]).toEqual([...reflectEncode(Model, s)]);
    expect(fingerprint(codec, s)).toEqual([...reflectFingerprint(Model, s)]);
  });

  it('decodes fresh objects with the runtime representation of spec/types.ts', () => {
    const s = goodModelState();
    const w = encode(codec, s);
    const d1 = codec.decode(w, 0);
    const d2 = codec.decode(w, 0);
    expect(d1).not.toBe(d2);
    expect(d1.s).toBeInstanceOf(Set);
    expect(d1.s).not.toBe(d2.s);
    expect(Array.isArray(d1.q)).toBe(true);
    expect(d1.r.y).toBeNull();
    expect(Object.getPrototypeOf(d1)).toBe(Object.prototype);
  });

  it('encodes and decodes at an offset without touching words outside [o, o + words)', () => {
    const s = goodModelState();
    const o = 5;
    const buf = new Uint32Array(o + codec.words + 5).fill(0xdeadbeef);
    codec.encode(s, buf, o);
    for (let i = 0; i < o; i++) expect(buf[i]).toBe(0xdeadbeef);
    for (let i = o + codec.words; i < buf.length; i++) expect(buf[i]).toBe(0xdeadbeef);
    // Garbage previously in the target words does not leak into the encoding.
    expect([...buf.subarray(o, o + codec.words)]).toEqual([...reflectEncode(Model, s)]);
    expect(codec.decode(buf, o)).toEqual(s);
    const out = new Uint32Array(2);
    codec.hash(buf, o, out);
    expect([...out]).toEqual(fingerprint(codec, s));
  });

  it('does not depend on Set insertion order or object key order', () => {
    const s = goodModelState();
    const c = cloneValue(Model, s);
    c.s = new Set([1, 3]);
    expect(fingerprint(codec, c)).toEqual(fingerprint(codec, s));
    expect([...encode(codec, c)]).toEqual([...encode(codec, s)]);
  });

  it('a failed encode leaves the target words unchanged', () => {
    const buf = new Uint32Array(codec.words).fill(0x12345678);
    const bad = { ...goodModelState(), th: [{ pc: 'a', tmp: 0 }, { pc: 'zz', tmp: 0 }] };
    expect(() => codec.encode(bad, buf, 0)).toThrow(SchemaViolation);
    expect([...buf]).toEqual(new Array(codec.words).fill(0x12345678));
  });

  it('handles 0-bit leaves: int(3, 3) and a one-value enum', () => {
    const ty = t.record({ k: t.int(3, 3), b: t.bool(), e: t.enum('only'), n: t.int(-2, 1), s: t.seq(t.int(3, 3), 2), z: t.map(['x'], t.enum('z')) });
    const c = compileCodec(ty);
    expect(c.words).toBe(1);
    const v = { k: 3, b: true, e: 'only', n: -1, s: [3, 3], z: { x: 'z' } };
    const w = encode(c, v);
    // Only b (1 bit), n (2 bits) and the seq length (2 bits) take space.
    expect(w[0]).toBe(1 | (1 << 1) | (2 << 3));
    expect([...w]).toEqual([...reflectEncode(ty, v)]);
    expect(c.decode(w, 0)).toEqual(v);
    expect(violation(() => c.encode({ ...v, k: 4 }, w, 0)).message).toBe('state.k = 4 is not int 3..3');
    expect(violation(() => c.encode({ ...v, e: 'other' }, w, 0)).message).toBe('state.e = "other" is not one of "only"');
  });

  it('a schema with no bits at all still has a one-word encoding', () => {
    for (const ty of [t.record({}), t.int(7, 7), t.enum('x'), t.array(t.bool(), 0), t.tuple(), t.seq(t.bool(), 0)] as Type[]) {
      const c = compileCodec(ty);
      expect(c.words).toBe(1);
      const v = ty.kind === 'int' ? 7 : ty.kind === 'enum' ? 'x' : ty.kind === 'record' ? {} : [];
      expect([...encode(c, v)]).toEqual([0]);
      expect([...reflectEncode(ty, v)]).toEqual([0]);
      expect(c.decode(new Uint32Array(1), 0)).toEqual(v);
      expect(fingerprint(c, v)).toEqual([...reflectFingerprint(ty, v)]);
    }
  });

  it('packs fields into words without straddling (31-bit ints)', () => {
    const ty = t.record({ a: t.int(0, 2 ** 31 - 1), b: t.bool(), c: t.int(-(2 ** 31), -1), d: t.bool(), e: t.int(5, 5) });
    const c = compileCodec(ty);
    expect(c.words).toBe(2);
    const v = { a: 2 ** 31 - 1, b: true, c: -(2 ** 31), d: true, e: 5 };
    const w = encode(c, v);
    expect([...w]).toEqual([...reflectEncode(ty, v)]);
    expect(w[0]).toBe(0xffffffff); // a in bits 0..30, b in bit 31
    expect(w[1]).toBe(0x80000000); // c - min = 0 in bits 0..30, d in bit 31
    expect(c.decode(w, 0)).toEqual(v);
    // One more bit does not fit: a third word.
    expect(compileCodec(t.record({ ...ty.fields, f: t.bool() })).words).toBe(3);
  });
});

describe('codec: validation errors name the field path', () => {
  const codec = compileCodec(Model);
  const base = goodModelState;

  const cases: [string, (s: any) => void, string][] = [
    ['int above range', (s) => (s.n = 4), 'state.n = 4 is not int 0..3'],
    ['int below range', (s) => (s.tu[0] = -6), 'state.tu[0] = -6 is not int -5..5'],
    ['non-integer', (s) => (s.n = 1.5), 'state.n = 1.5 is not int 0..3'],
    ['int given as a string', (s) => (s.n = '1'), 'state.n = "1" is not int 0..3'],
    // (showValue prints NaN as JSON does, "null"; only the path is asserted here.)
    ['NaN', (s) => (s.n = NaN), 'state.n = '],
    ['unknown enum value in a map', (s) => (s.m.r2 = 'zz'), 'state.m["r2"] = "zz" is not one of "w", "c"'],
    ['enum value in a thread record', (s) => (s.th[1].pc = 'zz'), 'state.th[1].pc = "zz" is not one of "a", "b", "done"'],
    ['Object.prototype member as enum value', (s) => (s.o = 'toString'), 'state.o = "toString" is not one of "p", "q"'],
    ['array too long', (s) => s.a.push(true), 'state.a = [true,false,true] is not array[2] of bool'],
    ['array too short', (s) => s.a.pop(), 'state.a = [true] is not array[2] of bool'],
    ['tuple too long', (s) => s.tu.push(1), 'state.tu = [-5,"hi",1] is not tuple of 2'],
    ['set element outside the domain', (s) => s.s.add(9), 'state.s = Set(3, 1, 9) is not set over {1, 2, 3}'],
    ['set element of the wrong key type', (s) => (s.s = new Set(['1'])), 'state.s = Set("1") is not set over {1, 2, 3}'],
    ['array instead of a set', (s) => (s.s = [1]), 'state.s = [1] is not set over {1, 2, 3}'],
    ['seq too long', (s) => (s.q = [0, 1, 2]), 'state.q = [0,1,2] is not seq (max 2) of int 0..3'],
    ['bad seq element', (s) => (s.q = [0, 7]), 'state.q[1] = 7 is not int 0..3'],
    ['missing record field', (s) => delete s.r.x, 'state.r.x = undefined is not a bool'],
    ['missing map key', (s) => delete s.m.r1, 'state.m["r1"] = undefined is not one of "w", "c"'],
    ['undefined for an optional', (s) => (s.o = undefined), 'state.o = undefined is not one of "p", "q"'],
    ['undefined for a nested optional', (s) => (s.r.y = undefined), 'state.r.y = undefined is not int 0..3'],
    ['missing optional field', (s) => delete s.r.y, 'state.r.y = undefined is not int 0..3'],
    ['null record', (s) => (s.r = null), 'state.r = null is not record {x, y}'],
    ['Set instead of a map', (s) => (s.m = new Set()), 'state.m = Set() is not map over {r1, r2}'],
  ];

  for (const [what, mutate, message] of cases) {
    it(what, () => {
      const s = base();
      mutate(s);
      const e = violation(() => codec.encode(s, new Uint32Array(codec.words), 0));
      if (message.endsWith(' = ')) expect(e.message.startsWith(message)).toBe(true);
      else expect(e.message).toBe(message);
      // fingerprint validates the same way; the reference reports the same path and value.
      expect(violation(() => codec.fingerprint(s, new Uint32Array(2))).message).toBe(e.message);
      const r = violation(() => reflectEncode(Model, s));
      expect(r.path).toBe(e.path);
      expect(r.value).toBe(e.value);
    });
  }

  it('the root itself', () => {
    expect(violation(() => codec.encode(null, new Uint32Array(codec.words), 0)).message).toBe(
      'state = null is not record {n, m, a, s, q, r, o, tu, th}',
    );
    const c = compileCodec(t.map(['a'], t.bool()), 'init');
    expect(violation(() => c.encode({ a: 1 }, new Uint32Array(1), 0)).message).toBe('init["a"] = 1 is not a bool');
  });
});

describe('codec: checkKeys finds keys outside the schema', () => {
  const c = compileCodec(t.record({ a: t.bool(), r: t.optional(t.record({ x: t.int(0, 1) })), m: t.map(['p', 'q'], t.bool()), th: t.array(t.record({ pc: t.enum('a', 'done') }), 2), nm: t.map([0, 1], t.bool()) }));
  const ok = () => ({ a: true, r: { x: 0 }, m: { p: true, q: false }, th: [{ pc: 'a' }, { pc: 'done' }], nm: { 0: true, 1: false } });
  const unknown = (s: unknown) => {
    try {
      c.checkKeys(s);
    } catch (e) {
      expect(e).toBeInstanceOf(UnknownKey);
      expect(e).toBeInstanceOf(SchemaViolation);
      return (e as Error).message;
    }
    return undefined;
  };

  it('accepts states with exactly their keys, decoded ones included', () => {
    expect(unknown(ok())).toBeUndefined();
    expect(unknown({ ...ok(), r: null })).toBeUndefined();
    expect(unknown(c.decode(encode(c, ok()), 0))).toBeUndefined();
  });

  it('names the record or map and the extra keys, at any depth', () => {
    expect(unknown({ ...ok(), extra: 1 })).toBe('state has a field "extra" not in its schema (record {a, r, m, th, nm})');
    expect(unknown({ ...ok(), r: { x: 0, y: 1, z: 2 } })).toBe('state.r has fields "y", "z" not in its schema (record {x})');
    expect(unknown({ ...ok(), m: { p: true, q: false, z: true } })).toBe('state.m has a field "z" not in its schema (map over {p, q})');
    const s = ok();
    (s.th[1] as Record<string, unknown>).local = 0;
    expect(unknown(s)).toBe('state.th[1] has a field "local" not in its schema (record {pc})');
  });
});

describe('codec: properties over random schemas', () => {
  const schemaAndValue = schemaArb().chain((type) => fc.tuple(fc.constant(type), valueArb(type)));

  it('round trip: decode(encode(v)) deep-equals v, and re-encodes to the same words', () => {
    fc.assert(
      fc.property(schemaAndValue, ([type, v]) => {
        const c = compileCodec(type);
        const w = encode(c, v);
        const d = c.decode(w, 0);
        expect(d).toEqual(v);
        expect(structEqual(d, v)).toBe(true);
        expect([...encode(c, d)]).toEqual([...w]);
        // Values of the schema have no key outside it.
        c.checkKeys(v);
        c.checkKeys(d);
      }),
      { numRuns: 300 },
    );
  });

  it('the generated codec and the reflective reference agree bit for bit (words and fingerprint)', () => {
    fc.assert(
      fc.property(schemaAndValue, ([type, v]) => {
        const c = compileCodec(type);
        const ref = reflectEncode(type, v);
        expect(ref.length).toBe(c.words);
        expect([...encode(c, v)]).toEqual([...ref]);
        expect(fingerprint(c, v)).toEqual([...reflectFingerprint(type, v)]);
        const viaHash = new Uint32Array(2);
        hashWords(ref, 0, ref.length, viaHash);
        expect(fingerprint(c, v)).toEqual([...viaHash]);
      }),
      { numRuns: 300 },
    );
  });

  it('packed words stay within codec.words', () => {
    fc.assert(
      fc.property(schemaAndValue, fc.integer({ min: 0, max: 3 }), ([type, v], o) => {
        const c = compileCodec(type);
        const buf = new Uint32Array(o + c.words + 3).fill(0xa5a5a5a5);
        c.encode(v, buf, o);
        for (let i = 0; i < o; i++) expect(buf[i]).toBe(0xa5a5a5a5);
        for (let i = o + c.words; i < buf.length; i++) expect(buf[i]).toBe(0xa5a5a5a5);
        expect(c.decode(buf, o)).toEqual(v);
      }),
      { numRuns: 200 },
    );
  });

  it('state equality: fingerprints equal ⇔ reflective encodings equal ⇔ values structurally equal', () => {
    let equal = 0;
    let unequal = 0;
    fc.assert(
      fc.property(
        schemaArb().chain((type) => fc.tuple(fc.constant(type), pairArb(type))),
        ([type, [a, b]]) => {
          const c = compileCodec(type);
          const fa = fingerprint(c, a);
          const fb = fingerprint(c, b);
          const fpEq = fa[0] === fb[0] && fa[1] === fb[1];
          const ea = reflectEncode(type, a);
          const eb = reflectEncode(type, b);
          const encEq = ea.length === eb.length && ea.every((x, i) => x === eb[i]);
          const sEq = structEqual(a, b);
          expect(fpEq).toBe(encEq);
          expect(encEq).toBe(sEq);
          if (sEq) equal++;
          else unequal++;
        },
      ),
      { numRuns: 400 },
    );
    // The pair generator must actually produce both outcomes often.
    expect(equal).toBeGreaterThan(60);
    expect(unequal).toBeGreaterThan(60);
  });

  it('a value with one violation is rejected by both implementations at the same path', () => {
    fc.assert(
      fc.property(
        schemaArb().chain((type) => fc.tuple(fc.constant(type), invalidValueArb(type))),
        ([type, bad]) => {
          const c = compileCodec(type);
          const e = violation(() => c.encode(bad.value, new Uint32Array(c.words), 0));
          expect(e.path).toBe(bad.path);
          expect(e.message.startsWith(`${bad.path} = `)).toBe(true);
          expect(violation(() => reflectEncode(type, bad.value)).path).toBe(bad.path);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('codec: regressions (bugs these tests found, since fixed)', () => {
  // The decoder emitted object literals `{ -1: expr }` for a map over numeric keys: a negative (or
  // exponent-form, e.g. 1e21) key was a syntax error there, so compileCodec threw for such schemas.
  it('a map over negative and non-integer numeric keys compiles and round-trips', () => {
    const ty = t.record({ off: t.map([-1, 0, 1, 0.5, 1e21], t.int(0, 3)) });
    const c = compileCodec(ty);
    const v = { off: { '-1': 3, 0: 1, 1: 2, '0.5': 0, '1e+21': 3 } };
    expect([...encode(c, v)]).toEqual([...reflectEncode(ty, v)]);
    expect(c.decode(encode(c, v), 0)).toEqual(v);
    expect(violation(() => c.encode({ off: { ...v.off, '-1': 4 } }, new Uint32Array(c.words), 0)).message).toBe(
      'state.off[-1] = 4 is not int 0..3',
    );
  });

  // t.int accepts any integer bounds with max - min <= 0x7fffffff, so values may lie outside int32.
  // The encoder checked integrality with `(v | 0) !== v`, rejecting every value outside int32.
  it('ints outside the int32 range encode like the reference', () => {
    for (const ty of [t.int(2 ** 31, 2 ** 31 + 5), t.int(-(2 ** 31) - 2, -(2 ** 31) + 2), t.int(4e9, 4e9 + 2 ** 20), t.int(2 ** 50, 2 ** 50 + 2 ** 31 - 1)]) {
      const c = compileCodec(ty);
      for (const v of [ty.min, ty.max, ty.min + 1]) {
        const ref = reflectEncode(ty, v);
        expect([...encode(c, v)]).toEqual([...ref]);
        expect(c.decode(ref, 0)).toBe(v);
      }
      for (const bad of [ty.min - 1, ty.max + 1, ty.min + 0.5, String(ty.min)]) {
        expect(violation(() => c.encode(bad, new Uint32Array(c.words), 0)).path).toBe('state');
        expect(violation(() => reflectEncode(ty, bad)).path).toBe('state');
      }
    }
  });

  // The decoder built objects with literals `{ "__proto__": expr }`, which set the prototype
  // instead of creating a property, so the field was lost on decode.
  it('a record field or map key named "__proto__" survives a round trip', () => {
    const ty = t.record({ ['__proto__']: t.int(0, 3), m: t.map(['__proto__', 'a'], t.bool()) });
    const c = compileCodec(ty);
    const v = JSON.parse('{"__proto__": 2, "m": {"__proto__": true, "a": false}}');
    const d = c.decode(encode(c, v), 0);
    expect(Object.keys(d)).toContain('__proto__');
    expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
    expect(structEqual(d, v)).toBe(true);
  });

  // A missing '__proto__' field read Object.prototype (an object) instead of undefined: a nested
  // record/map type then validated against Object.prototype, so the error named a deeper path, or
  // (for an empty record type) the missing field was accepted.
  it('a missing "__proto__" field is reported at that field', () => {
    const ty = t.record({ ['__proto__']: t.map(['k'], t.bool()), e: t.record({ ['__proto__']: t.record({}) }) });
    const c = compileCodec(ty);
    const w = new Uint32Array(c.words);
    const noTop = { e: JSON.parse('{"__proto__": {}}') };
    const noNested = JSON.parse('{"__proto__": {"k": true}, "e": {}}');
    expect(violation(() => c.encode(noTop, w, 0)).path).toBe('state.__proto__');
    expect(violation(() => reflectEncode(ty, noTop)).path).toBe('state.__proto__');
    expect(violation(() => c.encode(noNested, w, 0)).path).toBe('state.e.__proto__');
    expect(violation(() => reflectEncode(ty, noNested)).path).toBe('state.e.__proto__');
  });
});

describe('codec: agreement with the reference on unusual objects', () => {
  // The reference once read every field as an own property while the encoder reads plain `v[k]`
  // (own-only just for '__proto__'), so a value with inherited fields was accepted by one and
  // rejected by the other. Both now read fields the same way.
  it('the codec and the reference agree on values whose fields are inherited', () => {
    const ty = t.record({ x: t.bool(), m: t.map(['a'], t.int(0, 3)) });
    const c = compileCodec(ty);
    const v = Object.create({ x: true });
    v.m = Object.create({ a: 2 });
    let codecWords: number[] | string;
    let refWords: number[] | string;
    try {
      codecWords = [...encode(c, v)];
    } catch (e) {
      codecWords = (e as Error).message;
    }
    try {
      refWords = [...reflectEncode(ty, v)];
    } catch (e) {
      refWords = (e as Error).message;
    }
    expect(codecWords).toEqual(refWords);
  });
});
