import { describe, expect, it } from 'vitest';
import { seededRandom } from './_seeded-random.ts';
import { createRecoveryKit, parseRecoveryKit, RecoveryKitError } from './recovery-kit.ts';
import { formatSecretKey, generateSecretKey } from './secret-key.ts';

describe('recovery kit', () => {
  const secretKey = generateSecretKey(seededRandom('kit'));
  const kit = { facilityId: 'fac_01J9Z3', facilityName: 'Clínica Norte', serverUrl: 'https://kura.example/', secretKey };

  it('holds facility ID, server and secret key, readable by people and by parseRecoveryKit', () => {
    const doc = createRecoveryKit(kit);
    expect(doc.text).toContain('fac_01J9Z3');
    expect(doc.text).toContain('https://kura.example');
    expect(doc.text).toContain(formatSecretKey(secretKey));
    expect(parseRecoveryKit(doc.text)).toEqual({ ...kit, serverUrl: 'https://kura.example' });
    expect(parseRecoveryKit(doc.qrPayload)).toMatchObject({ facilityId: 'fac_01J9Z3', secretKey });
  });

  it('rejects what is not a kit, a newer kit and an incomplete one', () => {
    expect(() => parseRecoveryKit('hello')).toThrow(RecoveryKitError);
    expect(() => parseRecoveryKit('kura-kit:2?f=a&s=https://x&k=y')).toThrow(/newer/);
    expect(() => parseRecoveryKit('kura-kit:1?f=a&s=https://x')).toThrow(/incomplete/);
    expect(() => createRecoveryKit({ ...kit, serverUrl: 'ftp://x' })).toThrow(/https/);
  });
});
