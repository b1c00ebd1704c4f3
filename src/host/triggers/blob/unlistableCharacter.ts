// Characters XML 1.0 cannot carry, even escaped: C0 controls other than tab, LF and CR, U+FFFE, U+FFFF
// and unpaired surrogates. Azure percent-encodes names holding them in listings (`<Name Encoded="true">`,
// since version 2021-02-12); Azurite cannot write them at all and fails the whole listing.
const unlistable =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unlistableEverywhere = new RegExp(unlistable.source, 'g');

/** Where the first character that a listing's XML cannot carry sits in `name`, if any. */
export function firstUnlistableCharacter(name: string): { index: number; codePoint: string } | undefined {
  const match = unlistable.exec(name);
  if (!match) return undefined;
  const unit = match[0].charCodeAt(0);
  return { index: match.index, codePoint: `U+${unit.toString(16).toUpperCase().padStart(4, '0')}` };
}

/** `name` with the characters a listing cannot carry percent-encoded, so the name can itself be listed. */
export function listableForm(name: string): string {
  return name.replace(unlistableEverywhere, (character) =>
    [...Buffer.from(character, 'utf8')]
      .map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`)
      .join(''),
  );
}

/** `name` as it may appear in a log line: control characters escaped (\\u0001), so none reaches the console. */
export function shownName(name: string): string {
  return name.replace(
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    /[\u0000-\u001f\u007f-\u009f]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
