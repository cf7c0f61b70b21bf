import { decryptBlob, encryptBlob, type DocumentKey, type RandomSource } from '../../../crypto/index.ts';
import type { IndexPageRow } from '../db/index.ts';
import { newId } from './_ids.ts';
import { decodeIndexPage, encodeIndexPage } from './_index-page-codec.ts';
import type { StudyEntry } from './search/index.ts';

/**
 * What the vault keeps in memory per study and patient while unlocked, and
 * writes as encrypted index pages so that unlock decrypts a few large pages
 * (WebCrypto AES-GCM + _index-page-codec) rather than opening every record.
 */
export interface StudyItem {
  entry: StudyEntry;
  /** (0020,000D), to add later instances to the same study; null for document studies. */
  studyInstanceUid: string | null;
  /** Which study key the study's records are sealed under, and that key wrapped under the facility key (base64url). */
  keyId: string;
  wrappedKey: string;
  /** logPages holding the study's records, to rebuild its document. */
  logPages: number[];
}

export interface PatientItem {
  patientKey: string;
  docId: string;
  keyId: string;
  wrappedKey: string;
  logPages: number[];
}

export interface IndexPageBody {
  studies: StudyItem[];
  patients: PatientItem[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encrypts one page (done before the transaction opens: WebCrypto awaits would end an IndexedDB transaction). */
export async function sealIndexPage(
  indexKey: DocumentKey,
  body: IndexPageBody,
  instances: string[],
  now: number,
  random: RandomSource,
): Promise<Omit<IndexPageRow, 'pageId'>> {
  const blobId = newId('ix', random);
  const entries = await encryptBlob(indexKey, `${blobId}-e`, encodeIndexPage(body), { rng: random });
  const sops = await encryptBlob(indexKey, `${blobId}-i`, encoder.encode(JSON.stringify(instances)), { rng: random });
  return { blobId, entries, instances: sops, createdAt: now, bytes: entries.length + sops.length };
}

export async function openIndexPageEntries(indexKey: DocumentKey, row: IndexPageRow): Promise<IndexPageBody> {
  return decodeIndexPage(await decryptBlob(indexKey, `${row.blobId}-e`, row.entries));
}

export async function openIndexPageInstances(indexKey: DocumentKey, row: IndexPageRow): Promise<string[]> {
  return JSON.parse(decoder.decode(await decryptBlob(indexKey, `${row.blobId}-i`, row.instances))) as string[];
}
