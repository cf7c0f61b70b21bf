import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// The harness first: it installs the IndexedDB that Dexie (through db/) finds when loaded.
import { ADMIN, createHarness, fileOf, registerVault, type Harness } from './_test-harness.ts';
import { deleteParts, putParts, type KuraDb } from '../db/index.ts';
import { writeSyntheticInstance } from './_test-dicom.ts';
import { canaryNeedles as needles, containsBytes as contains } from './_canary-needles.ts';

// Patient data planted in every field an import stores. ASCII, since the
// test DICOM writer writes text byte for byte.
const CANARIES = {
  name: 'Canaryname^Zebulon',
  number: 'CNRY88417',
  description: 'Canarydescription xq',
  institution: 'Canaryinstitution',
  accession: 'CANACC5531',
  pixels: 'CANARYPIXELS!',
  report: 'canaryreporttext qv',
  management: 'CANMGMT7720',
  pdf: 'CANARYPDFBODY',
};

/** The row with every Blob read into bytes (part pages are Blobs): the scan sees what they hold. */
async function withBlobsRead(value: unknown): Promise<unknown> {
  if (value instanceof Blob) return new Uint8Array(await value.arrayBuffer());
  if (Array.isArray(value)) return Promise.all(value.map(withBlobsRead));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await withBlobsRead(v)])));
  }
  return value;
}

/** Walks a row's raw values: bytes, strings (as UTF-8 and UTF-16LE), numbers, arrays, objects; anything else fails the scan. */
function* rawValues(value: unknown): Generator<Uint8Array> {
  if (value instanceof Uint8Array) yield value;
  else if (value instanceof ArrayBuffer) yield new Uint8Array(value);
  else if (typeof value === 'string') {
    yield new Uint8Array(Buffer.from(value, 'utf8'));
    yield new Uint8Array(Buffer.from(value, 'utf16le'));
  } else if (typeof value === 'number' || typeof value === 'boolean') yield new Uint8Array(Buffer.from(String(value)));
  else if (Array.isArray(value)) for (const v of value) yield* rawValues(v);
  else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      yield* rawValues(k);
      yield* rawValues(v);
    }
  } else if (value !== null && value !== undefined) {
    // A value the scan cannot read would pass unseen.
    throw new Error(`the scan cannot read ${Object.prototype.toString.call(value)}`);
  }
}

async function scan(db: KuraDb): Promise<string[]> {
  const hits: string[] = [];
  const all = Object.entries(CANARIES).map(([field, canary]) => ({ field, list: needles(canary) }));
  for (const table of db.tables) {
    const rows = await table.toArray();
    expect(rows.length, `${table.name} has rows`).toBeGreaterThan(0);
    for (const row of rows) {
      for (const bytes of rawValues(await withBlobsRead(row))) {
        for (const { field, list } of all) if (list.some((n) => contains(bytes, n))) hits.push(`${table.name}: ${field}`);
      }
    }
  }
  return hits;
}

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  await h.close();
});

describe('at rest', () => {
  it('no patient name, number, description, report or pixel is readable in any table', async () => {
    const { vault, db } = await registerVault(h);
    const study = {
      patientId: CANARIES.number,
      patientName: CANARIES.name,
      studyUid: '1.2.826.0.1.99.5',
      description: CANARIES.description,
      institution: CANARIES.institution,
      accession: CANARIES.accession,
    };
    const sources = [1, 2, 3].map((i) => ({ file: fileOf(writeSyntheticInstance(study, i, CANARIES.pixels), `IM${i}`), path: `CD/IM${i}` }));
    const plan = await vault.planImport(sources);
    expect(plan.studies[0]!.patientName).toContain('Canaryname');
    await vault.commitImport(plan.planId, {});
    const pdf = new TextEncoder().encode(`%PDF-1.4\n${CANARIES.pdf}\n%%EOF`);
    await vault.importDocument(
      {
        patientNumber: CANARIES.number,
        patientName: CANARIES.name,
        patientSex: 'F',
        patientBirthDate: '',
        studyDate: '20240315',
        modalityOrType: 'report',
        bodyPart: '',
        method: '',
        description: CANARIES.description,
        managementNumber: CANARIES.management,
        text: CANARIES.report,
      },
      [{ file: fileOf(pdf, 'letter.pdf'), path: 'letter.pdf' }],
    );
    await db.cursors.put({ name: 'log', value: 0 });
    expect((await vault.search(CANARIES.management)).studyCount).toBe(1);
    await vault.lock();
    await vault.unlock(ADMIN);
    expect((await vault.search(`pn:${CANARIES.number}`)).studyCount).toBe(1);
    // An import read and waiting to be saved: its staged files are ciphertext too.
    const waiting = [4, 5].map((i) => ({
      file: fileOf(writeSyntheticInstance({ ...study, studyUid: '1.2.826.0.1.99.6' }, i, CANARIES.pixels), `IM${i}`),
      path: `CD2/IM${i}`,
    }));
    expect((await vault.planImport(waiting)).studies).toHaveLength(1);

    expect(await scan(db)).toEqual([]);

    // The scanner itself finds a canary planted in each encoding.
    for (const needle of [Buffer.from(CANARIES.name, 'utf16le'), Buffer.from(Buffer.from(CANARIES.number).toString('base64url'))]) {
      await db.transaction('rw', db.blobParts, db.partPages, () =>
        putParts(db, [{ address: 'f'.repeat(64), bytes: new Uint8Array(Buffer.concat([Buffer.from('xx'), needle])) }]),
      );
      expect((await scan(db)).length).toBeGreaterThan(0);
    }
    await db.cursors.put({ name: `note ${Buffer.from(CANARIES.report).toString('hex')}`, value: 1 });
    await db.transaction('rw', db.blobParts, db.partPages, () => deleteParts(db, ['f'.repeat(64)]));
    expect(await scan(db)).toEqual(['cursors: report']);
  });
});
