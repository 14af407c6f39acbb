import { decodeWindows1252, detectSeparator, offsetAfterLines, Utf8Transcoder } from './decoder';

/** Feeds `bytes` to a transcoder in pieces of `size` bytes and decodes the UTF-8 output. */
function transcode(
  bytes: Buffer,
  size: number,
  forced?: 'utf-8' | 'windows-1252',
): { text: string; detected?: string } {
  const t = new Utf8Transcoder(forced);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(t.write(bytes.subarray(i, i + size)));
  out.push(t.end());
  return { text: Buffer.concat(out).toString('utf8'), detected: t.detected };
}

const TEXT = 'Région;Année;Taux d’accès à l’emploi;Coût en €\nÎle-de-France;2021;45,2;œuvre « 1 »\n';

describe('Utf8Transcoder', () => {
  it.each([1, 2, 3, 5, 7, 64, 100_000])('keeps UTF-8 intact whatever the chunk size (%d bytes)', (size) => {
    expect(transcode(Buffer.from(TEXT, 'utf8'), size)).toEqual({ text: TEXT, detected: 'utf-8' });
  });

  it.each([1, 2, 3, 7, 100_000])('strips a UTF-8 BOM (%d-byte chunks)', (size) => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')]);
    expect(transcode(bytes, size)).toEqual({ text: TEXT, detected: 'utf-8' });
  });

  it.each([1, 3, 7, 100_000])('recognises Windows-1252, including € ’ œ (%d-byte chunks)', (size) => {
    const bytes = Buffer.from(decodeWindows1252ToBytes(TEXT));
    expect(transcode(bytes, size)).toEqual({ text: TEXT, detected: 'windows-1252' });
  });

  it('decides Windows-1252 on an accented byte at the very end of an ASCII chunk', () => {
    const bytes = Buffer.from([...Buffer.from('Annee;Valeur\nabc;d'), 0xe9, ...Buffer.from('t\n')]);
    expect(transcode(bytes, 19)).toEqual({ text: 'Annee;Valeur\nabc;dét\n', detected: 'windows-1252' });
  });

  it('stays undecided (and lossless) on pure ASCII', () => {
    expect(transcode(Buffer.from('a;b\n1;2\n'), 3)).toEqual({ text: 'a;b\n1;2\n', detected: undefined });
  });

  it('reads UTF-16 LE with BOM (Excel « Texte Unicode »)', () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]);
    expect(transcode(bytes, 3)).toEqual({ text: TEXT, detected: 'utf-16le' });
  });

  it('obeys a forced encoding, except against a BOM', () => {
    const utf8 = Buffer.from('é', 'utf8');
    expect(transcode(utf8, 10, 'windows-1252').text).toBe('Ã©');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    expect(transcode(bom, 10, 'windows-1252').text).toBe('é');
  });
});

/** Test-side Windows-1252 encoder, to build inputs without relying on the decoder under test. */
function decodeWindows1252ToBytes(text: string): number[] {
  const high: Record<string, number> = { '€': 0x80, '’': 0x92, œ: 0x9c };
  return [...text].map((c) => high[c] ?? c.charCodeAt(0));
}

describe('decodeWindows1252', () => {
  it('maps 0x80–0x9F the WHATWG way, not as Latin-1 controls', () => {
    expect(decodeWindows1252(Buffer.from([0x80, 0x92, 0x9c, 0x85, 0x96, 0xe9, 0x41]))).toBe('€’œ…–éA');
  });
});

describe('detectSeparator', () => {
  it('counts separators outside quotes', () => {
    expect(detectSeparator('a;b;c')).toBe(';');
    expect(detectSeparator('a,b,c')).toBe(',');
    expect(detectSeparator('a\tb\tc')).toBe('\t');
    expect(detectSeparator('"Taux, en %";"Effectif, total";b')).toBe(';');
    expect(detectSeparator('"a;b;c";"d;e",f,g')).toBe(',');
    expect(detectSeparator('Taux, en %;Valeur')).toBe(';');
    expect(detectSeparator('"a;""b"";c",d,e')).toBe(',');
    expect(detectSeparator('Écran 5" ; Écran 7";"x"')).toBe(';');
    expect(detectSeparator('Titre sans séparateur')).toBeUndefined();
  });
});

describe('offsetAfterLines', () => {
  it('skips line breaks inside quotes and counts CRLF once', () => {
    const text = 'titre\r\n"a\nb";c\r\nx;y\n';
    expect(offsetAfterLines(text, 1)).toBe(7);
    expect(offsetAfterLines(text, 2)).toBe(text.indexOf('x'));
    expect(offsetAfterLines(text, 4)).toBe(-1);
    // A quote inside an unquoted field does not open anything.
    expect(offsetAfterLines('Bilan 5" provisoire\na;b\n', 1)).toBe(20);
  });
});
