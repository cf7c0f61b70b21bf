import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { _codewordSequence, _splitBlocks } from './_codewords.ts';
import { _dataCodewords, _utf8 } from './_data.ts';
import { _gfMultiply, _gfPow2, _rsRemainder } from './_gf256.ts';
import { _Grid } from './_grid.ts';
import { _penalty } from './_mask.ts';
import { _drawFormatInfo, _formatBits, _functionGrid, _versionBits } from './_patterns.ts';
import { _bestSymbol, _drawSymbol } from './_symbol.ts';
import { _alignmentPositions, _blockLayout, _LEVELS, _rawDataModules, type ErrorCorrectionLevel } from './_tables.ts';
import { decode } from './_test-decode.ts';
import { encodeQr } from './index.ts';

describe('Reed-Solomon over GF(256)', () => {
  it('matches the worked "HELLO WORLD" 1-M example', () => {
    // Alphanumeric-mode data codewords and their ECC, as published with the
    // standard's worked example; only the arithmetic is under test here.
    const data = Uint8Array.from([32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17]);
    expect([..._rsRemainder(data, 10)]).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });

  it('every codeword vanishes at the generator roots α^0..α^(n-1)', () => {
    for (const degree of [7, 10, 17, 22, 30]) {
      const data = Uint8Array.from({ length: 40 }, (_, i) => (i * 37 + degree) & 0xff);
      const codeword = [...data, ..._rsRemainder(data, degree)];
      for (let r = 0; r < degree; r++) {
        // Horner's rule with the highest power first.
        let value = 0;
        for (const c of codeword) value = _gfMultiply(value, _gfPow2(r)) ^ c;
        expect(value, `degree ${degree}, root α^${r}`).toBe(0);
      }
    }
  });

  it('multiplication is the 0x11d field: α^8 = 0x1d', () => {
    expect(_gfPow2(8)).toBe(0x1d);
    expect(_gfMultiply(0x80, 2)).toBe(0x1d);
    expect(_gfPow2(255)).toBe(1);
  });
});

describe('format and version information', () => {
  it('format words match the standard table for several (level, mask) pairs', () => {
    const table: [ErrorCorrectionLevel, number, string][] = [
      ['L', 0, '111011111000100'],
      ['L', 4, '110011000101111'],
      ['M', 0, '101010000010010'],
      ['M', 5, '100000011001110'],
      ['Q', 2, '011111100110001'],
      ['Q', 7, '010101111101101'],
      ['H', 0, '001011010001001'],
      ['H', 7, '000100000111011'],
    ];
    for (const [level, mask, bits] of table) expect(_formatBits(level, mask).toString(2).padStart(15, '0'), `${level}${mask}`).toBe(bits);
  });

  it('version words match the standard table', () => {
    expect(_versionBits(7).toString(2).padStart(18, '0')).toBe('000111110010010100');
    expect(_versionBits(21).toString(2).padStart(18, '0')).toBe('010101011010000011');
    expect(_versionBits(40).toString(2).padStart(18, '0')).toBe('101000110001101001');
  });

  it('version information appears in symbols of version 7 and up only', () => {
    // Bottom-left copy, bit 0 at column 0, row size-11.
    const readVersion = (grid: _Grid) => {
      let bits = 0;
      for (let i = 0; i < 18; i++) if (grid.get(Math.floor(i / 3), grid.size - 11 + (i % 3))) bits |= 1 << i;
      return bits;
    };
    expect(readVersion(_functionGrid(7, 'M'))).toBe(_versionBits(7));
    expect(readVersion(_functionGrid(33, 'H'))).toBe(_versionBits(33));
    expect(_functionGrid(6, 'M').isReserved(0, 41 - 11)).toBe(false);
  });
});

describe('tables and geometry', () => {
  it('alignment pattern centres match the standard for sample versions', () => {
    expect(_alignmentPositions(1)).toEqual([]);
    expect(_alignmentPositions(2)).toEqual([6, 18]);
    expect(_alignmentPositions(7)).toEqual([6, 22, 38]);
    expect(_alignmentPositions(14)).toEqual([6, 26, 46, 66]);
    // 23 is where jsQR's table has a typo (74); the standard says 78.
    expect(_alignmentPositions(23)).toEqual([6, 30, 54, 78, 102]);
    expect(_alignmentPositions(32)).toEqual([6, 34, 60, 86, 112, 138]);
    expect(_alignmentPositions(36)).toEqual([6, 24, 50, 76, 102, 128, 154]);
    expect(_alignmentPositions(40)).toEqual([6, 30, 58, 86, 114, 142, 170]);
  });

  it('the closed-form data module count equals the modules left after drawing patterns', () => {
    for (let version = 1; version <= 40; version++) {
      const grid = _functionGrid(version, 'L');
      const free = grid.reserved.reduce((n, r) => n + (r ? 0 : 1), 0);
      expect(free, `version ${version}`).toBe(_rawDataModules(version));
    }
  });

  it('data codeword counts match the standard (Table 7) and blocks add up', () => {
    const known: Record<number, number[]> = { 1: [19, 16, 13, 9], 5: [108, 86, 62, 46], 27: [1468, 1128, 808, 628], 40: [2956, 2334, 1666, 1276] };
    for (const [version, counts] of Object.entries(known)) {
      _LEVELS.forEach((level, i) => expect(_blockLayout(Number(version), level).dataCodewords).toBe(counts[i]));
    }
    for (let version = 1; version <= 40; version++) {
      for (const level of _LEVELS) {
        const layout = _blockLayout(version, level);
        const longBlocks = layout.blocks - layout.shortBlocks;
        const total = Math.floor(_rawDataModules(version) / 8);
        expect(layout.shortBlocks * (layout.shortDataLength + layout.eccPerBlock) + longBlocks * (layout.shortDataLength + 1 + layout.eccPerBlock)).toBe(total);
        expect(layout.shortBlocks).toBeGreaterThan(0);
        expect(layout.shortDataLength).toBeGreaterThan(0);
      }
    }
  });

  it('5-Q splits into 2 blocks of (33,15) and 2 of (34,16)', () => {
    const blocks = _splitBlocks(new Uint8Array(62), 5, 'Q');
    expect(blocks.map((b) => [b.data.length + b.ecc.length, b.data.length])).toEqual([[33, 15], [33, 15], [34, 16], [34, 16]]);
  });
});

describe('data encoding', () => {
  it('UTF-8 matches Node, including astral characters and lone surrogates', () => {
    for (const text of ['', 'kura', 'Müller', '患者', '🩻x', 'a\ud800b', '\udc00', 'x\ud83d']) {
      expect([..._utf8(text)], JSON.stringify(text)).toEqual([...Buffer.from(text, 'utf8')]);
    }
  });

  it('"A" at 1-M: mode, count, byte, terminator, then alternating pad bytes', () => {
    // 0100 00000001 01000001 0000 -> 0x40 0x14 0x10, then EC 11 EC 11 ...
    const expected = [0x40, 0x14, 0x10, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec, 0x11, 0xec];
    expect([..._dataCodewords(Uint8Array.of(0x41), 1, 'M')]).toEqual(expected);
  });

  it('from version 10 the character count takes 16 bits', () => {
    const codewords = _dataCodewords(Uint8Array.of(0x41), 10, 'M');
    expect([...codewords.subarray(0, 4)]).toEqual([0x40, 0x00, 0x14, 0x10]);
  });
});

describe('masking', () => {
  it('penalty rules on known grids: all light, and a checkerboard', () => {
    const blank = new _Grid(21);
    // Rule 1: 42 lines of one 21-run = 42 * (3 + 16); rule 2: 20*20 blocks * 3;
    // rule 3: none; rule 4: 0% dark is 10 steps of 5% from 50%.
    expect(_penalty(blank)).toBe(42 * 19 + 400 * 3 + 100);
    const checker = new _Grid(21);
    for (let i = 0; i < 21 * 21; i++) checker.modules[i] = (Math.floor(i / 21) + (i % 21)) % 2 === 0 ? 1 : 0;
    expect(_penalty(checker)).toBe(0);
  });

  it('rule 3 counts a finder-like pattern against the light quiet zone', () => {
    const grid = new _Grid(21);
    for (let i = 0; i < 21 * 21; i++) grid.modules[i] = (Math.floor(i / 21) + (i % 21)) % 2 === 0 ? 1 : 0;
    const base = _penalty(grid);
    // Row 10 becomes 1011101 then light: matches light-before (the quiet
    // zone) and light-after, so two hits, plus the run of 14 light modules.
    for (let x = 0; x < 21; x++) grid.modules[10 * 21 + x] = x < 7 && x !== 1 && x !== 5 ? 1 : 0;
    expect(_penalty(grid) - base).toBeGreaterThanOrEqual(80);
  });

  it('encodeQr keeps the mask with the lowest penalty', () => {
    for (const level of _LEVELS) {
      const text = `kura-kit:1?level=${level}`;
      const qr = encodeQr(text, { errorCorrection: level });
      const codewords = _codewordSequence(_dataCodewords(_utf8(text), qr.version, level), qr.version, level);
      const scores = Array.from({ length: 8 }, (_, mask) => _penalty(_drawSymbol(codewords, qr.version, level, mask)));
      expect(scores[qr.mask]).toBe(Math.min(...scores));
      expect(_drawSymbol(codewords, qr.version, level, qr.mask).modules).toEqual(qr.modules);
    }
  });

  it('every mask yields a readable symbol', () => {
    const text = 'mask check 患者';
    const data = _dataCodewords(_utf8(text), 2, 'Q');
    const codewords = _codewordSequence(data, 2, 'Q');
    for (let mask = 0; mask < 8; mask++) expect(decode(_drawSymbol(codewords, 2, 'Q', mask))?.data, `mask ${mask}`).toBe(text);
    expect(_bestSymbol(data, 2, 'Q').grid.size).toBe(25);
  });
});

describe('error correction is real (and the tests can fail)', () => {
  const text = 'kura-kit:1?f=fac_AbCdEfGhIjKlMnOpQrStUv&s=K1-ABCDE-FGHJK-MNPQR-STVWX-YZ012-34567';

  function damagedSymbol(version: number, level: ErrorCorrectionLevel, perBlock: number): _Grid {
    const layout = _blockLayout(version, level);
    const codewords = _codewordSequence(_dataCodewords(_utf8(text), version, level), version, level);
    // The interleaved stream starts with codeword 0 of every block, then 1,
    // so its first perBlock * blocks entries hit each block perBlock times.
    for (let i = 0; i < perBlock * layout.blocks; i++) codewords[i] = codewords[i]! ^ 0x5a;
    return _drawSymbol(codewords, version, level, 3);
  }

  it('damage within the ECC budget is repaired by the reader', () => {
    for (const [version, level] of [[9, 'H'], [7, 'M'], [12, 'Q']] as const) {
      const correctable = Math.floor(_blockLayout(version, level).eccPerBlock / 2) - 2;
      expect(decode(damagedSymbol(version, level, correctable))?.data, `${version}-${level}`).toBe(text);
    }
  });

  it('damage past the ECC budget, or a wrong mask, is not read as the text', () => {
    for (const [version, level] of [[9, 'H'], [12, 'Q']] as const) {
      const tooMany = Math.floor(_blockLayout(version, level).eccPerBlock / 2) + 2;
      expect(decode(damagedSymbol(version, level, tooMany))?.data).not.toBe(text);
    }
    // Data masked with 3 but format information claiming mask 5.
    const wrongMask = damagedSymbol(7, 'M', 0);
    _drawFormatInfo(wrongMask, 'M', 5);
    expect(decode(wrongMask)?.data).not.toBe(text);
    _drawFormatInfo(wrongMask, 'M', 3);
    expect(decode(wrongMask)?.data).toBe(text);
  });
});

describe('module purity', () => {
  it('encoder sources import only each other and touch no DOM or Node globals', () => {
    const dir = new URL('.', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.includes('.test.') && !f.startsWith('_test-'));
    expect(sources).toContain('index.ts');
    for (const file of sources) {
      const code = readFileSync(new URL(file, dir), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
      for (const [, spec] of code.matchAll(/from '([^']+)'/g)) expect(spec, file).toMatch(/^\.\/_?[\w-]+\.ts$/);
      expect(code, file).not.toMatch(/\b(document|window|navigator|Buffer|process|require|globalThis|self)\b/);
    }
  });
});
