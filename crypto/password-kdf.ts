import { scrypt } from 'hash-wasm';
import { abytes, concatBytes, utf8 } from './_bytes.ts';
import { systemRandom, type RandomSource } from './random.ts';

/**
 * Parameters of the password KDF, stored with the facility (or share) so they
 * can be raised later without breaking old accounts.
 *
 * Byte layout, version 1 (20 bytes):
 *
 *   | 0x01 | log2(N) | r | p | salt (16) |
 */
export interface KdfParams {
  readonly v: 1;
  readonly logN: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Uint8Array;
}

export const KDF_PARAMS_V1 = 0x01;
/** scrypt N = 2^17, r = 8, p = 1: 128 MiB and well under a second here (bench/RESULTS.md). */
export const DEFAULT_KDF_LOG_N = 17;
/** Below 2^14 (16 MiB) scrypt is too cheap to slow down a guessing attacker. */
export const MIN_KDF_LOG_N = 14;
export const MAX_KDF_LOG_N = 22;
const SALT_BYTES = 16;

export class KdfParamsError extends Error {
  override name = 'KdfParamsError';
}

export function createKdfParams(options: { logN?: number; rng?: RandomSource } = {}): KdfParams {
  const params: KdfParams = {
    v: 1,
    logN: options.logN ?? DEFAULT_KDF_LOG_N,
    r: 8,
    p: 1,
    salt: (options.rng ?? systemRandom)(SALT_BYTES),
  };
  checkKdfParams(params);
  return params;
}

function checkKdfParams(params: KdfParams): void {
  if (params.v !== 1) throw new KdfParamsError(`unsupported KDF parameters version ${String(params.v)}`);
  if (!Number.isInteger(params.logN) || params.logN < MIN_KDF_LOG_N || params.logN > MAX_KDF_LOG_N) {
    throw new KdfParamsError(`scrypt log2(N) must be between ${MIN_KDF_LOG_N} and ${MAX_KDF_LOG_N}`);
  }
  if (!Number.isInteger(params.r) || params.r < 8 || params.r > 32) throw new KdfParamsError('scrypt r must be 8-32');
  if (!Number.isInteger(params.p) || params.p < 1 || params.p > 4) throw new KdfParamsError('scrypt p must be 1-4');
  abytes(params.salt, SALT_BYTES, 'KDF salt');
}

export function encodeKdfParams(params: KdfParams): Uint8Array {
  checkKdfParams(params);
  return concatBytes(new Uint8Array([KDF_PARAMS_V1, params.logN, params.r, params.p]), params.salt);
}

export function parseKdfParams(bytes: Uint8Array): KdfParams {
  abytes(bytes, undefined, 'KDF parameters');
  if (bytes[0] !== KDF_PARAMS_V1) throw new KdfParamsError(`unsupported KDF parameters version ${bytes[0] ?? 'none'}`);
  if (bytes.length !== 4 + SALT_BYTES) throw new KdfParamsError('KDF parameters must be 20 bytes');
  const params: KdfParams = { v: 1, logN: bytes[1]!, r: bytes[2]!, p: bytes[3]!, salt: bytes.slice(4) };
  checkKdfParams(params);
  return params;
}

/**
 * scrypt(NFKC(password), salt, N, r, p) → 32 bytes. NFKC so the same password
 * typed on another keyboard (full-width digits, composed accents) derives the
 * same key. hash-wasm's scrypt gives the same output as @noble/hashes and ran
 * faster here in Node and Chromium (bench/RESULTS.md); unlock waits on it.
 */
export async function derivePasswordKey(password: string, params: KdfParams): Promise<Uint8Array> {
  if (typeof password !== 'string' || password.length === 0) throw new TypeError('password must be a non-empty string');
  checkKdfParams(params);
  const out = await scrypt({
    password: utf8(password.normalize('NFKC')),
    salt: params.salt,
    costFactor: 2 ** params.logN,
    blockSize: params.r,
    parallelism: params.p,
    hashLength: 32,
    outputType: 'binary',
  });
  return out;
}
