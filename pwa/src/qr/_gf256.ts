/**
 * Arithmetic in GF(2^8) and the Reed-Solomon error-correction codewords QR
 * codes carry (ISO/IEC 18004 §7.5.2).
 *
 * QR fixes the field: reduction polynomial x^8 + x^4 + x^3 + x^2 + 1 (0x11d)
 * with α = 2 as generator, so these tables are not interchangeable with the
 * AES field (0x11b) that other code in the project may use.
 */

const PRIMITIVE = 0x11d;

// EXP is doubled in length so multiply can index EXP[log a + log b] without
// reducing the sum modulo 255.
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 0x100) x ^= PRIMITIVE;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}

export function _gfMultiply(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return EXP[LOG[a]! + LOG[b]!]!;
}

/** α^i, for tests that evaluate a codeword at the generator's roots. */
export function _gfPow2(i: number): number {
  return EXP[i % 255]!;
}

// Every block of one symbol shares a generator, and a page may draw several
// symbols, so generators are built once per degree.
const generators = new Map<number, Uint8Array>();

/**
 * g(x) = (x - α^0)(x - α^1)…(x - α^(degree-1)), highest power first with the
 * leading 1 dropped (it is implicit in the division below).
 */
export function _rsGenerator(degree: number): Uint8Array {
  const cached = generators.get(degree);
  if (cached) return cached;
  if (!Number.isInteger(degree) || degree < 1 || degree > 254) {
    throw new RangeError(`Reed-Solomon degree must be 1..254, got ${degree}`);
  }
  // coefficients[0] is x^(degree-1); start from the polynomial "1".
  const coefficients = new Uint8Array(degree);
  coefficients[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i++) {
    // Multiply by (x - root); in GF(2^8) subtraction is XOR.
    for (let j = 0; j < degree; j++) {
      coefficients[j] = _gfMultiply(coefficients[j]!, root) ^ (j + 1 < degree ? coefficients[j + 1]! : 0);
    }
    root = _gfMultiply(root, 2);
  }
  generators.set(degree, coefficients);
  return coefficients;
}

/**
 * The ECC codewords for one block: the remainder of data(x)·x^degree divided
 * by the generator, computed as a linear-feedback shift register.
 */
export function _rsRemainder(data: Uint8Array, degree: number): Uint8Array {
  const generator = _rsGenerator(degree);
  const remainder = new Uint8Array(degree);
  for (const byte of data) {
    const factor = byte ^ remainder[0]!;
    remainder.copyWithin(0, 1);
    remainder[degree - 1] = 0;
    for (let i = 0; i < degree; i++) {
      remainder[i] = remainder[i]! ^ _gfMultiply(generator[i]!, factor);
    }
  }
  return remainder;
}
