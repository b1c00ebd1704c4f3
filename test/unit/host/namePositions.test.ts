import { after, between, endOf, units, wellFormed } from '../../../src/host/triggers/blob/namePositions';
import { firstUnlistableCharacter } from '../../../src/host/triggers/blob/unlistableCharacter';

describe('name positions', () => {
  // The search the listing narrows down with: a position fails when the first name at or after it is bad.
  function searchRunEnd(names: readonly string[], bad: ReadonlySet<string>, from: string): [string, number] {
    const fails = (position: string) => {
      const first = [...names].sort().find((name) => name >= position);
      return first !== undefined && bad.has(first);
    };
    let failing = from;
    let passing = endOf('');
    let probes = 0;
    for (let middle = between(failing, passing); middle !== undefined; middle = between(failing, passing)) {
      probes++;
      if (fails(middle)) failing = middle;
      else passing = units(middle);
    }
    return [failing, probes];
  }

  it.each([
    [['a.csv', 'hostile/a\u0001b.csv', 'hostile/normal.csv', 'z.csv'], 'a.csv\u0000', 'hostile/a\u0001b.csv'],
    [['x\uffff\uffff', 'y'], '', 'x\uffff\uffff'],
    [['\u0001', 'a'], '', '\u0001'],
    [['a', 'a\u0000\u0000'], 'a\u0000', 'a\u0000\u0000'],
    [['in/\u00e9\ufffe', 'in/\u00e9\ufffe.'], 'in/', 'in/\u00e9\ufffe.'],
  ])(
    'among %j, from %j, lands on the failing name %j right before a listable one',
    (names, from, expected) => {
      const bad = new Set(names.filter((name) => firstUnlistableCharacter(name) !== undefined));
      const [found, probes] = searchRunEnd(names, bad, from);
      expect(found).toBe(expected);
      expect(probes).toBeLessThan(20 * expected.length + 20);
    },
  );

  it('searches up to the end of a prefix without going past it', () => {
    const middle = between('in/a', endOf('in/'));
    expect(middle !== undefined && middle > 'in/a' && middle.startsWith('in/')).toBe(true);
  });

  it('has nothing between a name and the position right after it', () => {
    expect(between('a', units(after('a')))).toBeUndefined();
  });

  it.each([
    ['plain', 'plain'],
    ['pair \ud83d\ude00', 'pair \ud83d\ude00'],
    ['high at end \ud83d', 'high at end \ud83d\udc00'],
    ['high then a \ud83da', 'high then a \ud83d\udc00'],
    ['lone low \ude00x', 'lone low \ue000'],
    ['high then \ud83d\ue000', 'high then \ud83e\udc00'],
  ])('turns %j into the first well-formed position at or after it', (position, expected) => {
    expect(wellFormed(position)).toBe(expected);
    expect(wellFormed(position) >= position).toBe(true);
  });
});
