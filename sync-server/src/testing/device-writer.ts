// A device's record writer as the app will have one: numbers its records,
// links each to the previous one and seals them. Test-only.
import {
  GENESIS_HASH,
  generateDocumentKey,
  hashRecord,
  sealRecord,
  toBase64Url,
  type DocumentKey,
} from '../../../crypto/index.ts';
import type { MemberSession } from './test-server.ts';

let counter = 0;

export interface DeviceWriter {
  /** Seals the next record of this device; returns it base64url, as pushed. */
  seal(body: Uint8Array | string, options?: { docId?: string; patientKey?: string; kind?: string; docKey?: DocumentKey }): string;
  readonly docKey: DocumentKey;
}

export function createDeviceWriter(session: Pick<MemberSession, 'facilityId' | 'deviceId' | 'device'>): DeviceWriter {
  let deviceSeq = 0;
  let prevHash = GENESIS_HASH;
  const docKey = generateDocumentKey();
  return {
    docKey,
    seal(body, options = {}) {
      deviceSeq++;
      const sealed = sealRecord({
        header: {
          facilityId: session.facilityId,
          recordId: `r${Date.now().toString(36)}${(counter++).toString(36).padStart(6, '0')}`,
          docId: options.docId ?? 'study_1',
          patientKey: options.patientKey ?? 'AAAAAAAAAAAAAAAAAAAAAA',
          kind: options.kind ?? 'study-update',
          keyId: 'k1',
          deviceId: session.deviceId,
          deviceSeq,
          prevHash,
        },
        body: typeof body === 'string' ? new TextEncoder().encode(body) : body,
        docKey: options.docKey ?? docKey,
        deviceSecretKey: session.device.secretKey,
      });
      prevHash = hashRecord(sealed);
      return toBase64Url(sealed);
    },
  };
}
