// The frozen vector files: one per format and version. Each case stores its
// inputs, the random bytes drawn, and the expected output.
import { toHex } from '../_bytes.ts';
import { seededRandom } from '../_seeded-random.ts';
import { createKdfParams, encodeKdfParams } from '../password-kdf.ts';
import type { RandomSource } from '../random.ts';
import {
  accountKeysVector,
  blobVector,
  keyWrapVector,
  memberHandleVector,
  passwordKdfVector,
  patientKeyVector,
  recordVector,
  secretKeyVector,
  shareVector,
  type Vector,
} from './formats.ts';

export interface VectorFormat {
  readonly file: string;
  readonly inputs: () => Vector[];
  readonly compute: (input: never, rng: RandomSource) => Vector | Promise<Vector>;
}

const r = seededRandom('kura vectors v1');
const hex = (n: number) => toHex(r(n));
const kdfParams = (logN: number) => toHex(encodeKdfParams(createKdfParams({ logN, rng: r })));

export const VECTOR_FORMATS: readonly VectorFormat[] = [
  {
    file: 'password-kdf.v1.json',
    inputs: () => [
      { password: 'correct horse battery staple', params: kdfParams(14) },
      // NFKC: full-width letters and a decomposed é derive the same key as their plain forms.
      { password: 'ｐａｓｓｗｏｒｄ　café\u0301', params: kdfParams(14) },
      { password: 'default cost', params: kdfParams(17) },
    ],
    compute: passwordKdfVector as VectorFormat['compute'],
  },
  {
    file: 'secret-key.v1.json',
    inputs: () => [{ secretKey: hex(16) }, { secretKey: '00'.repeat(16) }, { secretKey: 'ff'.repeat(16) }],
    compute: secretKeyVector as VectorFormat['compute'],
  },
  {
    file: 'account-keys.v1.json',
    inputs: () => [
      { passwordKey: hex(32), secretKey: hex(16), facilityId: 'fac_01J9Z3', memberId: 'mem_admin', nonce: hex(32) },
    ],
    compute: accountKeysVector as VectorFormat['compute'],
  },
  {
    file: 'key-wrap.v1.json',
    inputs: () => [{ wrappingKey: hex(32), key: hex(32), facilityId: 'fac_01J9Z3', subjectId: 'study_7' }],
    compute: keyWrapVector as VectorFormat['compute'],
  },
  {
    file: 'patient-key.v1.json',
    inputs: () => [{ secret: hex(32), numbers: ['00123', '００１２３', 'a-1 23', 'P-000981', '患者42'] }],
    compute: patientKeyVector as VectorFormat['compute'],
  },
  {
    file: 'member-handle.v1.json',
    inputs: () => [{ facilityId: 'fac_01J9Z3', names: ['Dr. Sato', '  dr.   SATO ', '佐藤 花子', 'José Núñez'] }],
    compute: memberHandleVector as VectorFormat['compute'],
  },
  {
    file: 'record.v1.json',
    inputs: () => [
      {
        docKey: hex(32),
        deviceSecretKey: hex(32),
        header: {
          facilityId: 'fac_01J9Z3',
          recordId: '01J9Z3X7Q8M2K4N6P8R0T2V4W6',
          docId: 'study_7',
          patientKey: 'Qm9ndXNQYXRpZW50S2V5MA',
          kind: 'study-update',
          keyId: 'study_7-k1',
          deviceId: 'dev_tablet',
          deviceSeq: 1,
          prevHash: '00'.repeat(32),
        },
        body: '{"description":"CT head without contrast"}',
      },
    ],
    compute: recordVector as VectorFormat['compute'],
  },
  {
    file: 'blob.v1.json',
    inputs: () => [
      { docKey: hex(32), blobId: 'blob_small', plaintextBytes: 100, full: true },
      { docKey: hex(32), blobId: 'blob_exact', plaintextBytes: 65536 - 8, full: false },
      { docKey: hex(32), blobId: 'blob_multi', plaintextBytes: 300_000, full: false },
    ],
    compute: blobVector as VectorFormat['compute'],
  },
  {
    file: 'share.v1.json',
    inputs: () => [
      {
        linkSecret: hex(32),
        passphrase: 'blue-harbour-seven',
        shareId: 'shr_4K2P9',
        params: kdfParams(14),
        nonce: hex(32),
        bundle: '{"studies":["study_7"]}',
      },
    ],
    compute: shareVector as VectorFormat['compute'],
  },
];
