// The vault: the worker-side owner of every key (DESIGN.md §4, §7). The UI
// talks to it through vault-api.ts; tests build it directly with a Dexie
// database, a fetch and, when they want repeatable runs, a clock and a
// random source.
import {
  createKdfParams,
  createRecoveryKit,
  deriveAccountKeys,
  deriveFacilityDocumentKey,
  deriveMemberHandle,
  derivePatientKey,
  encodeKdfParams,
  equalBytes,
  formatSecretKey,
  fromBase64Url,
  generateDeviceKeyPair,
  generateDocumentKey,
  generateFacilityKey,
  generatePatientKeySecret,
  generateSecretKey,
  generateTransferKeyPair,
  GENESIS_HASH,
  hashRecord,
  IntegrityError,
  MemberNameError,
  normaliseMemberName,
  normalisePatientNumber,
  openRecord,
  parseKdfParams,
  parseRecordHeader,
  parseRecoveryKit,
  parseSecretKey,
  PatientNumberError,
  RecoveryKitError,
  SecretKeyError,
  sealRecordRun,
  signLoginChallenge,
  systemRandom,
  toBase64Url,
  unwrapDeviceSigningKey,
  unwrapDocumentKey,
  unwrapFacilityKey,
  unwrapPatientKeySecret,
  wrapDeviceSigningKey,
  wrapDocumentKey,
  wrapFacilityKey,
  wrapPatientKeySecret,
  decryptBlob,
  type DocumentKey,
  type FacilityKey,
  type PatientKeySecret,
  type RandomSource,
  type SecretKey,
} from '../../../crypto/index.ts';
import { deleteParts, getParts, putParts, readParts, type DeviceMemberRow, type DeviceRow, type IndexPageRow, type KuraDb, type StagedBlobRow } from '../db/index.ts';
import { DicomReadError, readDicomDir, readDicomTagsFrom, TAG_PREFIX_BYTES, type DicomTags } from '../dicom/index.ts';
import { newId, newRecordId } from './_ids.ts';
import { missingDicomDirFiles } from './_import-files.ts';
import { isImportFailure, readImportSources, SNIFF_LENGTH } from '../import/index.ts';
import {
  openIndexPageEntries,
  openIndexPageInstances,
  sealIndexPage,
  type IndexPageBody,
  type PatientItem,
  type StudyItem,
} from './_local-index.ts';
import { ServerClient, httpStatus, type FetchLike } from './_server-client.ts';
import { TrackedDoc, type BlobRef, type DocumentDescriptor, type InstanceDescriptor } from './_study-doc.ts';
import { parseQuery, QueryError, SearchIndex, type StudyEntry } from './search/index.ts';
import type {
  AddMemberInput,
  DeviceStatus,
  DocumentForm,
  EnrolInput,
  ImportFailure,
  ImportPlan,
  ImportProgress,
  ImportSource,
  ImportSummary,
  MemberView,
  PatientTimeline,
  PlannedStudy,
  RecoveryKitView,
  RegisterInput,
  Role,
  SearchAnswer,
  SeriesDetails,
  Session,
  StorageView,
  StudyDetails,
  UnlockInput,
  VaultApi,
} from './vault-api.ts';
import { VaultError } from './vault-error.ts';
import { encryptorHere, type EncryptedPart, type FileEncryptor } from './file-encryptor.ts';

export interface VaultDeps {
  db: KuraDb;
  fetch: FetchLike;
  now?: () => number;
  random?: RandomSource;
  /** scrypt cost (log2 N) for new members; the default is crypto's. Tests lower it. */
  kdfLogN?: number;
  /** navigator.storage where the platform has it. */
  storage?: Pick<StorageManager, 'estimate' | 'persisted'> | null;
  /** How this browser names itself in the facility's device list. */
  deviceLabel?: string;
  /** Files per saving transaction, and their plaintext bytes (memory stays bounded by this). */
  batchFiles?: number;
  batchBytes?: number;
  /** Where imported files are encrypted: the vault's own thread unless given a worker's. */
  encryptor?: FileEncryptor;
}

/** The vault's API plus what other worker-side modules (viewer, export, sync) need. */
export interface Vault extends VaultApi {
  /** The study document's instance descriptors (what the viewer and export list). */
  readStudyInstances(studyId: string): Promise<InstanceDescriptor[]>;
}

const WRONG_PASSWORD = 'Wrong name or password';
/** Studies whose instance lookup readInstanceBytes keeps (the viewer shows one or two at once). */
const OPEN_STUDIES = 4;
/** Patient keys kept by patient number while unlocked. */
const PATIENT_KEYS_KEPT = 10_000;
/** Files an import encrypts at once, and their bytes. */
const ENCRYPT_AHEAD = { files: 16, bytes: 64 * 1024 * 1024 };
const PHOTO_OR_DOCUMENT = 'a photo or document: use Add photo or document';
/** The record kinds this vault writes. */
const KIND_FACILITY = 'facility';
const KIND_DOC_KEY = 'doc-key';
const KIND_DOC_UPDATE = 'doc-update';
/** keyId of records sealed under the facility document key. */
const FACILITY_KEY_ID = 'facility';
const FACILITY_DOC_ID = 'facility';
/** A Yjs update is kept well under protocol's 256 KiB record limit. */
const MAX_UPDATE_JSON = 96 * 1024;
/** Index pages beyond this are merged into one at the end of a commit. */
const MAX_INDEX_PAGES = 8;

interface Chain {
  deviceSeq: number;
  prevHash: Uint8Array;
}

interface Unlocked {
  member: DeviceMemberRow;
  facilityId: string;
  facilityName: string;
  deviceId: string;
  devicePublicKey: Uint8Array;
  secretKey: SecretKey;
  facilityKey: FacilityKey;
  facilityDocKey: DocumentKey;
  patientKeySecret: PatientKeySecret;
  indexKey: DocumentKey;
  deviceSecretKey: Uint8Array;
  /** Kept while unlocked so admin actions can open a server session without asking for the password again. */
  loginSecretKey: Uint8Array;
  token: string | null;
  index: SearchIndex;
  studies: Map<string, StudyItem>;
  studiesByUid: Map<string, string>;
  patients: Map<string, PatientItem>;
  /** Patient keys derived lately, by patient number (an HMAC each; dropped at lock). */
  patientKeys: Map<string, string>;
  /** SOP Instance UIDs in the vault; read from the index pages on first need. */
  instanceUids: Set<string> | null;
  chain: Chain;
  /** Imports read and waiting for the person to save them. */
  plans: Map<string, Plan>;
  /** Imports being read or waiting: what they staged is theirs, not left over. */
  livePlans: Set<string>;
  /**
   * Where each instance's blob is, for the few studies open last: the viewer
   * reads a study's images one after another, and opening the study's
   * document for each would double the cost of a slice.
   */
  blobsOf: Map<string, { key: DocumentKey; blobs: Map<string, BlobRef> }>;
}

interface PlannedFile {
  name: string;
  size: number;
  sopInstanceUid: string;
  tags: DicomTags;
  /** Encrypted under its plan study's key and stored (staged) while it was read. */
  blob: BlobRef;
}

interface PlanStudyWork {
  view: PlannedStudy;
  studyInstanceUid: string | null;
  first: DicomTags;
  files: PlannedFile[];
  /** The key the files were encrypted under: the stored study's with the same UID, or the new study's. */
  docKey: DocumentKey;
}

interface Plan {
  planId: string;
  studies: PlanStudyWork[];
  failed: ImportFailure[];
  duplicates: number;
  /** How long reading (and staging) took: the import's MB/s counts it, not the wait for the person. */
  readMs: number;
}

/** Files encrypted while an import is read, stored together. */
interface StageBatch {
  parts: EncryptedPart[];
  blobs: StagedBlobRow[];
  plain: number;
}

interface DocWork {
  docId: string;
  patientKey: string;
  keyId: string;
  docKey: DocumentKey;
  wrappedKey: string;
  doc: TrackedDoc;
  /** The doc-key record is in the log already. */
  keyWritten: boolean;
  logPages: number[];
}

interface StudyWork extends DocWork {
  entry: StudyEntry;
  studyInstanceUid: string | null;
  /** Instances waiting for the next saving transaction. */
  queued: InstanceDescriptor[];
  touched: boolean;
}

interface PatientWork extends DocWork {
  touched: boolean;
}

/** One saving transaction's worth of changes. */
interface Batch {
  /** Parts encrypted for this batch itself (a document's files; an import's are staged already). */
  parts: EncryptedPart[];
  /** Staged blobs this batch's records refer to: staged no longer once it is stored. */
  stagedBlobIds: string[];
  instanceUids: string[];
  files: number;
}

interface PendingRecord {
  header: { docId: string; patientKey: string; kind: string; keyId: string };
  docKey: DocumentKey;
  body: Uint8Array;
}

/** A batch with its records sealed and its index page encrypted, ready to store. */
interface SealedBatch {
  prepared: PreparedBatch;
  records: Uint8Array[];
  indexPage: Awaited<ReturnType<typeof sealIndexPage>>;
  /** The chain head after its last record. */
  end: Chain;
}

/** A batch taken out of the working documents, ready to seal and store. */
interface PreparedBatch {
  pageId: number;
  /** The chain head the batch follows. */
  start: Chain;
  /** Its records, to be sealed and signed in order when stored. */
  pending: PendingRecord[];
  batch: Batch;
  studies: StudyItem[];
  patients: PatientItem[];
}

export function createVault(deps: VaultDeps): Vault {
  const db = deps.db;
  const now = deps.now ?? (() => Date.now());
  const random = deps.random ?? systemRandom;
  const batchFiles = deps.batchFiles ?? 200;
  const encryptor = deps.encryptor ?? encryptorHere(random);
  const batchBytes = deps.batchBytes ?? 64 * 1024 * 1024;
  let u: Unlocked | null = null;

  async function device(): Promise<DeviceRow> {
    const row = await db.device.get('this');
    if (!row) throw new VaultError('not_enrolled', 'This device is not set up yet: register a facility or sign in with a Recovery Kit.');
    return row;
  }

  function unlocked(): Unlocked {
    if (!u) throw new VaultError('locked', 'The vault is locked. Unlock it with your name and password.');
    return u;
  }

  function canStore(v: Unlocked): void {
    if (v.member.role === 'viewer') throw new VaultError('forbidden', 'Viewers can search and view but not import.');
  }

  function session(v: Unlocked): Session {
    return {
      facilityId: v.facilityId,
      facilityName: v.facilityName,
      memberId: v.member.memberId,
      name: v.member.name,
      role: v.member.role,
      studyCount: v.index.size,
      patientCount: new Set([...v.studies.values()].map((s) => s.entry.patientKey)).size,
    };
  }

  function checkPassword(password: string): void {
    if (typeof password !== 'string' || password.length < 8) {
      throw new VaultError('invalid', 'The password must have at least 8 characters.');
    }
  }

  function checkName(name: string): string {
    try {
      return normaliseMemberName(name);
    } catch (e) {
      if (e instanceof MemberNameError) throw new VaultError('invalid', e.message);
      throw e;
    }
  }

  function client(serverUrl: string): ServerClient {
    let origin: string;
    try {
      const url = new URL(serverUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError('scheme');
      origin = url.origin;
    } catch {
      throw new VaultError('invalid', `"${serverUrl}" is not a server address (it starts with https://).`);
    }
    return new ServerClient(deps.fetch, origin);
  }

  // ── records ─────────────────────────────────────────────────────────────

  /**
   * Seals the device's next record, linked to its last one, and moves the
   * chain on. Signed through WebCrypto's Ed25519 where the browser has it:
   * an import writes thousands of records.
   */
  /** Seals records in order after the chain head (records of this device, signed with its key). */
  async function seal(
    v: Pick<Unlocked, 'facilityId' | 'deviceId' | 'deviceSecretKey'>,
    head: Chain,
    pending: readonly PendingRecord[],
  ): Promise<{ records: Uint8Array[]; head: Chain }> {
    const items = pending.map((r) => ({
      header: { facilityId: v.facilityId, recordId: newRecordId(now(), random), deviceId: v.deviceId, ...r.header },
      body: r.body,
      docKey: r.docKey,
    }));
    return sealRecordRun(items, head, v.deviceSecretKey, random);
  }

  function devicePublicKeyOf(v: Unlocked, deviceId: string): Uint8Array | null {
    return deviceId === v.deviceId ? v.devicePublicKey : null;
  }

  /** Rebuilds a document from its records in the given log pages. */
  async function loadDoc(v: Unlocked, docId: string, keyId: string, docKey: DocumentKey, pages: number[]): Promise<TrackedDoc> {
    const rows = await db.logPages.bulkGet(pages);
    const updates: Uint8Array[] = [];
    for (const row of rows) {
      if (!row) continue;
      for (const sealed of row.records) {
        const header = parseRecordHeader(sealed);
        if (header.docId !== docId || header.kind !== KIND_DOC_UPDATE || header.keyId !== keyId) continue;
        const publicKey = devicePublicKeyOf(v, header.deviceId);
        if (!publicKey) throw new VaultError('invalid', 'A record of this study came from a device this vault does not know yet.');
        const { body } = await openRecord(sealed, { docKey, devicePublicKey: publicKey, expect: { facilityId: v.facilityId, docId } });
        updates.push(body);
      }
    }
    return new TrackedDoc(docId, updates);
  }

  function studyKeyOf(v: Unlocked, item: { entry?: StudyEntry; wrappedKey: string }, docId: string): DocumentKey {
    return unwrapDocumentKey(v.facilityKey, fromBase64Url(item.wrappedKey), { facilityId: v.facilityId, docId });
  }

  async function readStudyDoc(v: Unlocked, studyId: string): Promise<{ doc: TrackedDoc; key: DocumentKey }> {
    const item = v.studies.get(studyId);
    if (!item) throw new VaultError('invalid', 'This study is not in the vault.');
    const key = studyKeyOf(v, item, studyId);
    return { doc: await loadDoc(v, studyId, item.keyId, key, item.logPages), key };
  }

  async function readBlob(key: DocumentKey, blob: BlobRef): Promise<Uint8Array> {
    const parts = await db.transaction('r', [db.blobParts, db.partPages], () => getParts(db, blob.parts));
    if (parts.some((p) => !p)) throw new VaultError('invalid', 'Part of this file is not on this device yet; it downloads when the device is online.');
    return decryptBlob(key, blob.blobId, await readParts(parts as Blob[]));
  }

  /** Encrypts one file as a blob stream under the study key and cuts it into addressed parts. */
  /** Encrypts one file as a blob stream under the study key, cut into addressed parts. `bytes` may be taken away. */
  async function encryptFile(key: DocumentKey, bytes: Uint8Array): Promise<{ blob: BlobRef; parts: EncryptedPart[] }> {
    const blobId = newId('bl', random);
    const size = bytes.length;
    const parts = await encryptor.encrypt(key, blobId, bytes);
    return { blob: { blobId, size, parts: parts.map((x) => x.address) }, parts };
  }

  // ── unlock state ────────────────────────────────────────────────────────

  async function openVault(
    row: DeviceRow,
    member: DeviceMemberRow,
    facilityKey: FacilityKey,
    kek: Uint8Array,
    loginSecretKey: Uint8Array,
    token: string | null,
    indexRows: Promise<IndexPageRow[]> = db.indexPages.toArray(),
  ): Promise<Unlocked> {
    const facilityId = row.facilityId;
    const deviceSecretKey = unwrapDeviceSigningKey(kek as never, member.wrappedDeviceSigningKey, { facilityId, deviceId: row.deviceId });
    const patientKeySecret = unwrapPatientKeySecret(facilityKey, row.wrappedPatientKeySecret, facilityId);
    const indexKey = unwrapDocumentKey(facilityKey, row.wrappedIndexKey, { facilityId, docId: `index-${row.deviceId}` });
    const v: Unlocked = {
      member,
      facilityId,
      facilityName: row.facilityName,
      deviceId: row.deviceId,
      devicePublicKey: row.devicePublicKey,
      secretKey: row.secretKey as SecretKey,
      facilityKey,
      facilityDocKey: deriveFacilityDocumentKey(facilityKey),
      patientKeySecret,
      indexKey,
      deviceSecretKey,
      loginSecretKey,
      token,
      index: new SearchIndex(),
      studies: new Map(),
      studiesByUid: new Map(),
      patients: new Map(),
      patientKeys: new Map(),
      instanceUids: null,
      chain: { deviceSeq: row.deviceSeq, prevHash: row.prevHash },
      plans: new Map(),
      livePlans: new Set(),
      blobsOf: new Map(),
    };
    await loadIndex(v, await indexRows);
    // Left by an import that was never saved (cancelled, locked, the tab closed).
    // If this fails, the next unlock tries again: nothing refers to them.
    await dropStaged(null, v.livePlans).catch(() => undefined);
    return v;
  }

  async function loadIndex(v: Unlocked, rows: IndexPageRow[]): Promise<void> {
    const bodies = await Promise.all(rows.map((r) => openIndexPageEntries(v.indexKey, r)));
    for (const body of bodies) {
      for (const p of body.patients) v.patients.set(p.patientKey, p);
      for (const s of body.studies) {
        v.studies.set(s.entry.studyId, s);
        if (s.studyInstanceUid) v.studiesByUid.set(s.studyInstanceUid, s.entry.studyId);
      }
    }
    const entries: StudyEntry[] = [];
    for (const s of v.studies.values()) entries.push(s.entry);
    v.index = new SearchIndex(entries);
    // Laid out now, so the first search after unlock is as fast as the rest.
    v.index.prepare();
  }

  async function instanceUids(v: Unlocked): Promise<Set<string>> {
    if (v.instanceUids) return v.instanceUids;
    const rows = await db.indexPages.toArray();
    const set = new Set<string>();
    for (const list of await Promise.all(rows.map((r) => openIndexPageInstances(v.indexKey, r)))) for (const uid of list) set.add(uid);
    v.instanceUids = set;
    return set;
  }

  function wipe(v: Unlocked): void {
    for (const k of [v.facilityKey, v.facilityDocKey, v.patientKeySecret, v.indexKey, v.deviceSecretKey, v.loginSecretKey]) k.fill(0);
    v.index.clear();
    v.studies.clear();
    v.studiesByUid.clear();
    v.patients.clear();
    v.patientKeys.clear();
    v.instanceUids = null;
    for (const id of [...v.plans.keys()]) dropPlan(v, id);
    v.livePlans.clear();
    for (const { key } of v.blobsOf.values()) key.fill(0);
    v.blobsOf.clear();
    v.token = null;
  }

  // ── server session ──────────────────────────────────────────────────────

  async function signIn(v: Unlocked, serverUrl: string): Promise<string> {
    const api = client(serverUrl);
    const pre = await api.call<{ memberId: string; nonce: string }>('POST', '/api/v1/auth/prelogin', {
      json: { facilityId: v.facilityId, memberHandle: deriveMemberHandle(v.facilityId, v.member.name) },
    });
    const signature = signLoginChallenge(v.loginSecretKey, {
      facilityId: v.facilityId,
      memberId: v.member.memberId,
      nonce: fromBase64Url(pre.body.nonce),
    });
    const res = await api.call<{ token: string }>('POST', '/api/v1/auth/login', {
      json: {
        facilityId: v.facilityId,
        memberId: v.member.memberId,
        nonce: pre.body.nonce,
        signature: toBase64Url(signature),
        deviceId: v.deviceId,
      },
    });
    v.token = res.body.token;
    return v.token;
  }

  /** Calls the server with this member's session, signing in again once if it expired. */
  async function withSession<T>(v: Unlocked, fn: (api: ServerClient, token: string) => Promise<T>): Promise<T> {
    const row = await device();
    const api = client(row.serverUrl);
    const token = v.token ?? (await signIn(v, row.serverUrl));
    try {
      return await fn(api, token);
    } catch (e) {
      if (httpStatus(e) !== 401) throw e;
      return fn(api, await signIn(v, row.serverUrl));
    }
  }

  // ── import: writing batches ─────────────────────────────────────────────

  function newDocWork(v: Unlocked, docId: string, patientKey: string, docKey: DocumentKey = generateDocumentKey(random)): DocWork {
    return {
      docId,
      patientKey,
      keyId: newId('k', random),
      docKey,
      wrappedKey: toBase64Url(wrapDocumentKey(v.facilityKey, docKey, { facilityId: v.facilityId, docId }, random)),
      doc: new TrackedDoc(docId),
      keyWritten: false,
      logPages: [],
    };
  }

  /** A new patient's document, with the demographics of their first study. */
  function patientWork(
    v: Unlocked,
    works: Map<string, PatientWork>,
    patientKey: string,
    demographics: { patientNumber: string; patientName: StudyEntry['patientName']; patientSex: string; patientBirthDate: string },
  ): void {
    // A patient already stored is not changed by an import: its document is
    // not even opened (that cost as much as the new study's own records).
    if (works.has(patientKey) || v.patients.has(patientKey)) return;
    const work: PatientWork = { ...newDocWork(v, `pt_${patientKey}`, patientKey), touched: true };
    const meta = work.doc.meta;
    work.doc.doc.transact(() => {
      meta.set('patientNumber', demographics.patientNumber);
      meta.set('patientName', demographics.patientName);
      meta.set('patientSex', demographics.patientSex);
      meta.set('patientBirthDate', demographics.patientBirthDate);
    });
    works.set(patientKey, work);
  }

  async function existingStudyWork(v: Unlocked, works: Map<string, StudyWork>, studyId: string): Promise<StudyWork> {
    const known = works.get(studyId);
    if (known) return known;
    const item = v.studies.get(studyId)!;
    const docKey = studyKeyOf(v, item, studyId);
    const work: StudyWork = {
      docId: studyId,
      patientKey: item.entry.patientKey,
      keyId: item.keyId,
      docKey,
      wrappedKey: item.wrappedKey,
      doc: await loadDoc(v, studyId, item.keyId, docKey, item.logPages),
      keyWritten: true,
      logPages: [...item.logPages],
      entry: structuredClone(item.entry),
      studyInstanceUid: item.studyInstanceUid,
      queued: [],
      touched: false,
    };
    works.set(studyId, work);
    return work;
  }

  function newStudyWork(
    v: Unlocked,
    works: Map<string, StudyWork>,
    entry: Omit<StudyEntry, 'studyId'>,
    studyInstanceUid: string | null,
    meta: Record<string, unknown>,
    docKey?: DocumentKey,
  ): StudyWork {
    const studyId = newId('st', random);
    const work: StudyWork = {
      ...newDocWork(v, studyId, entry.patientKey, docKey),
      entry: { ...entry, studyId },
      studyInstanceUid,
      queued: [],
      touched: true,
    };
    work.doc.doc.transact(() => {
      for (const [k, value] of Object.entries({ ...meta, ...entry, studyInstanceUid })) work.doc.meta.set(k, value);
    });
    works.set(studyId, work);
    return work;
  }

  function isQuotaError(e: unknown): boolean {
    for (let x = e as { name?: string; inner?: unknown } | null | undefined, i = 0; x && i < 4; x = x.inner as typeof x, i++) {
      if (x.name === 'QuotaExceededError') return true;
    }
    return false;
  }

  /** Seals one batch and stores it (documents, typed reports: nothing to overlap with). */
  async function writeBatch(v: Unlocked, studies: Map<string, StudyWork>, patients: Map<string, PatientWork>, batch: Batch): Promise<void> {
    const pageId = (((await db.logPages.orderBy(':id').lastKey()) as number | undefined) ?? 0) + 1;
    await storeBatch(v, prepareBatch(v, studies, patients, batch, pageId));
  }

  /**
   * Takes what the batch changed out of the working documents, at once and
   * without awaiting anything: the import goes on encrypting the next batch's
   * files into the same documents while this one is being stored. Seals the
   * records (and signs them) here too, chaining from the last stored record.
   */
  function prepareBatch(
    v: Unlocked,
    studies: Map<string, StudyWork>,
    patients: Map<string, PatientWork>,
    batch: Batch,
    pageId: number,
    start: Chain = v.chain,
  ): PreparedBatch {
    const records: PendingRecord[] = [];
    const keyRecord = (w: DocWork) => {
      if (w.keyWritten) return;
      const body = new TextEncoder().encode(JSON.stringify({ keyId: w.keyId, wrappedKey: w.wrappedKey }));
      records.push({ header: { docId: w.docId, patientKey: w.patientKey, kind: KIND_DOC_KEY, keyId: FACILITY_KEY_ID }, docKey: v.facilityDocKey, body });
      w.keyWritten = true;
    };
    const updateRecord = (w: DocWork) => {
      const update = w.doc.takeUpdate();
      if (update) records.push({ header: { docId: w.docId, patientKey: w.patientKey, kind: KIND_DOC_UPDATE, keyId: w.keyId }, docKey: w.docKey, body: update });
    };
    const touchedPatients = [...patients.values()].filter((p) => p.touched);
    const touchedStudies = [...studies.values()].filter((s) => s.touched);
    for (const p of touchedPatients) {
      keyRecord(p);
      updateRecord(p);
      p.touched = false;
      p.logPages.push(pageId);
    }
    const studyItems: StudyItem[] = [];
    for (const s of touchedStudies) {
      keyRecord(s);
      // Instances go in groups small enough for one record each; the study's
      // own changes (a new study's metadata) ride with the first group: one
      // record fewer per study, and every record is a signature.
      let group: InstanceDescriptor[] = [];
      let size = 0;
      const flush = () => {
        if (group.length === 0) return;
        const g = group;
        s.doc.doc.transact(() => s.doc.instances.push(g));
        updateRecord(s);
        group = [];
        size = 0;
      };
      for (const d of s.queued) {
        const n = JSON.stringify(d).length;
        if (size + n > MAX_UPDATE_JSON) flush();
        group.push(d);
        size += n;
      }
      flush();
      updateRecord(s);
      const modalities = new Set(s.entry.modalities);
      for (const d of s.queued) if (d.modality) modalities.add(d.modality);
      s.entry.modalities = [...modalities].sort();
      s.queued = [];
      s.touched = false;
      s.logPages.push(pageId);
      studyItems.push({ entry: structuredClone(s.entry), studyInstanceUid: s.studyInstanceUid, keyId: s.keyId, wrappedKey: s.wrappedKey, logPages: [...s.logPages] });
    }
    const patientItems: PatientItem[] = touchedPatients.map((p) => ({
      patientKey: p.patientKey,
      docId: p.docId,
      keyId: p.keyId,
      wrappedKey: p.wrappedKey,
      logPages: [...p.logPages],
    }));
    return { pageId, start, pending: records, batch, studies: studyItems, patients: patientItems };
  }

  /**
   * Stores parts, records, the index page and the device chain head in one
   * transaction: all of it or none. The index page is encrypted before the
   * transaction opens, since awaiting WebCrypto inside would end it early.
   */
  async function storeBatch(v: Unlocked, p: PreparedBatch): Promise<void> {
    await writeSealed(v, await sealBatch(v, p));
  }

  /**
   * Seals a batch's records (each links to the hash of the one before, so in
   * order, from the batch's start) and its index page. Nothing is stored: an
   * import seals the next batch while the one before is being written.
   */
  async function sealBatch(v: Unlocked, p: PreparedBatch): Promise<SealedBatch> {
    const { records, head } = await seal(v, p.start, p.pending);
    const indexPage = await sealIndexPage(v.indexKey, { studies: p.studies, patients: p.patients }, p.batch.instanceUids, now(), random);
    return { prepared: p, records, indexPage, end: head };
  }

  /** Writes a sealed batch in one transaction, if the vault is still where the batch started from. */
  async function writeSealed(v: Unlocked, sealed: SealedBatch): Promise<void> {
    const p = sealed.prepared;
    const { pageId, start, batch } = p;
    const { records, indexPage, end: chain } = sealed;
    const recordBytes = records.reduce((n, r) => n + r.length, 0);

    await db.transaction('rw', [db.device, db.logPages, db.blobParts, db.partPages, db.stagedBlobs, db.indexPages], async () => {
      const row = await db.device.get('this');
      const last = ((await db.logPages.orderBy(':id').lastKey()) as number | undefined) ?? 0;
      if (!row || row.deviceSeq !== start.deviceSeq || !equalBytes(row.prevHash, start.prevHash) || last !== pageId - 1) {
        throw new VaultError('invalid', 'Another Kura window wrote to this vault at the same time. Close it and import again.');
      }
      if (batch.stagedBlobIds.length > 0) {
        const staged = await db.stagedBlobs.bulkGet(batch.stagedBlobIds);
        if (staged.some((x) => x === undefined)) {
          throw new VaultError('invalid', 'This import is no longer prepared (another Kura window unlocked and cleared it). Choose the files again.');
        }
        await db.stagedBlobs.bulkDelete(batch.stagedBlobIds);
      }
      const partBytes = await putParts(db, batch.parts);
      if (records.length > 0) {
        await db.logPages.add({ pageId, state: 'pending', records, seqs: records.map(() => null), createdAt: now(), bytes: recordBytes });
      }
      await db.indexPages.add(indexPage as IndexPageRow);
      const added = partBytes + recordBytes + indexPage.bytes;
      await db.device.update('this', { deviceSeq: chain.deviceSeq, prevHash: chain.prevHash, storedBytes: row.storedBytes + added });
    });

    // Stored: only now does the in-memory state follow.
    v.chain = chain;
    for (const item of p.patients) v.patients.set(item.patientKey, item);
    for (const item of p.studies) {
      // Its instances changed: the viewer's lookup is rebuilt on next read.
      v.blobsOf.get(item.entry.studyId)?.key.fill(0);
      v.blobsOf.delete(item.entry.studyId);
      v.studies.set(item.entry.studyId, item);
      if (item.studyInstanceUid) v.studiesByUid.set(item.studyInstanceUid, item.entry.studyId);
      v.index.put(item.entry);
    }
    if (v.instanceUids) for (const uid of batch.instanceUids) v.instanceUids.add(uid);
  }

  /** Stores files an import encrypted while reading: their parts, and rows saying no record refers to them yet. */
  async function storeStaged(batch: StageBatch): Promise<void> {
    await db.transaction('rw', [db.device, db.blobParts, db.partPages, db.stagedBlobs], async () => {
      const row = await db.device.get('this');
      if (!row) throw new VaultError('not_enrolled', 'This device is not set up.');
      const added = await putParts(db, batch.parts);
      await db.stagedBlobs.bulkAdd(batch.blobs);
      await db.device.update('this', { storedBytes: row.storedBytes + added });
    });
  }

  /**
   * Deletes what imports staged and will not save, parts included: the given
   * plans', or (null) every plan's that is not alive in this window.
   */
  async function dropStaged(planIds: readonly string[] | null, alive: ReadonlySet<string> = new Set()): Promise<void> {
    await db.transaction('rw', [db.device, db.blobParts, db.partPages, db.stagedBlobs], async () => {
      const rows = planIds
        ? await db.stagedBlobs.where('planId').anyOf(planIds).toArray()
        : (await db.stagedBlobs.toArray()).filter((r) => !alive.has(r.planId));
      if (rows.length === 0) return;
      const dropped = await deleteParts(db, rows.flatMap((r) => r.addresses));
      await db.stagedBlobs.bulkDelete(rows.map((r) => r.blobId));
      const row = await db.device.get('this');
      if (row) await db.device.update('this', { storedBytes: Math.max(0, row.storedBytes - dropped) });
    });
  }

  /** Forgets a waiting plan and its keys (what it staged is dropped by the caller). */
  function dropPlan(v: Unlocked, planId: string): void {
    const plan = v.plans.get(planId);
    if (!plan) return;
    for (const s of plan.studies) s.docKey.fill(0);
    v.plans.delete(planId);
    v.livePlans.delete(planId);
  }

  /** Merges the index pages into one when there are many, so unlock reads few. */
  async function compactIndex(v: Unlocked): Promise<void> {
    const count = await db.indexPages.count();
    if (count <= MAX_INDEX_PAGES) return;
    const rows = await db.indexPages.toArray();
    const uids = [...(await instanceUids(v))];
    const body: IndexPageBody = { studies: [...v.studies.values()], patients: [...v.patients.values()] };
    const page = await sealIndexPage(v.indexKey, body, uids, now(), random);
    const oldIds = rows.map((r) => r.pageId!);
    const oldBytes = rows.reduce((n, r) => n + r.bytes, 0);
    await db.transaction('rw', [db.device, db.indexPages], async () => {
      const row = await db.device.get('this');
      await db.indexPages.bulkDelete(oldIds);
      await db.indexPages.add(page as IndexPageRow);
      if (row) await db.device.update('this', { storedBytes: Math.max(0, row.storedBytes - oldBytes + page.bytes) });
    });
  }

  function quotaError(saved: number, e: unknown): VaultError {
    return new VaultError(
      'quota',
      `The device is out of storage space: ${saved} file${saved === 1 ? ' was' : 's were'} saved, the rest were not. Free space and import again.`,
      { cause: e },
    );
  }

  function patientKeyFor(v: Unlocked, patientNumber: string): string {
    let key = v.patientKeys.get(patientNumber);
    if (key) return key;
    try {
      key = derivePatientKey(v.patientKeySecret, patientNumber);
    } catch (e) {
      if (e instanceof PatientNumberError) throw new VaultError('invalid', e.message);
      throw e;
    }
    // An import asks once per study; a clinic's day has a few hundred patients.
    if (v.patientKeys.size >= PATIENT_KEYS_KEPT) v.patientKeys.clear();
    v.patientKeys.set(patientNumber, key);
    return key;
  }

  // ── the API ─────────────────────────────────────────────────────────────

  const vault: Vault = {
    async status(): Promise<DeviceStatus> {
      const row = await db.device.get('this');
      return {
        enrolled: row !== undefined,
        facilityId: row?.facilityId ?? null,
        facilityName: row?.facilityName ?? null,
        serverUrl: row?.serverUrl ?? null,
        members: (row?.members ?? []).map((m) => ({ name: m.name, role: m.role })),
        autoLockMinutes: row?.autoLockMinutes ?? 10,
        session: u ? session(u) : null,
        pendingKit: row?.pendingKit ?? false,
      };
    },

    async register(input: RegisterInput): Promise<RecoveryKitView> {
      if (await db.device.get('this')) throw new VaultError('invalid', 'This device already belongs to a facility.');
      const facilityName = input.facilityName?.trim() ?? '';
      if (facilityName.length === 0 || facilityName.length > 200) throw new VaultError('invalid', 'Type the facility name (up to 200 characters).');
      const adminName = input.adminName.trim();
      checkName(adminName);
      checkPassword(input.password);
      const api = client(input.serverUrl);
      const created = await api.call<{ facilityId: string; memberId: string }>('POST', '/api/v1/facilities', { expect: [201] });
      const { facilityId, memberId } = created.body;

      const secretKey = generateSecretKey(random);
      const params = createKdfParams({ logN: deps.kdfLogN, rng: random });
      const keys = await deriveAccountKeys(input.password, secretKey, facilityId, params);
      const facilityKey = generateFacilityKey(random);
      const deviceKeys = generateDeviceKeyPair(random);
      const transfer = generateTransferKeyPair(random);
      const wrappedFacilityKey = wrapFacilityKey(keys.kek, facilityKey, { facilityId, memberId }, random);
      const activated = await api.call<{ token: string; deviceId: string }>('POST', `/api/v1/facilities/${facilityId}/activate`, {
        expect: [201],
        json: {
          memberHandle: deriveMemberHandle(facilityId, adminName),
          kdfParams: toBase64Url(encodeKdfParams(params)),
          loginPublicKey: toBase64Url(keys.login.publicKey),
          wrappedFacilityKey: toBase64Url(wrappedFacilityKey),
          transferPublicKey: toBase64Url(transfer.publicKey),
          device: { publicKey: toBase64Url(deviceKeys.publicKey), label: deps.deviceLabel ?? 'Browser' },
        },
      });
      const deviceId = activated.body.deviceId;
      const patientKeySecret = generatePatientKeySecret(random);
      const indexKey = generateDocumentKey(random);
      const wrappedPatientKeySecret = wrapPatientKeySecret(facilityKey, patientKeySecret, facilityId, random);
      const member: DeviceMemberRow = {
        memberId,
        name: adminName,
        role: 'admin',
        kdfParams: encodeKdfParams(params),
        wrappedFacilityKey,
        wrappedDeviceSigningKey: wrapDeviceSigningKey(keys.kek, deviceKeys.secretKey, { facilityId, deviceId }, random),
      };
      // The facility record carries what every device of the facility needs
      // besides the facility key: the patient-key secret (the server has no
      // field for it) and the transfer key's secret half, both wrapped.
      const facilityRecordBody = new TextEncoder().encode(
        JSON.stringify({
          facilityName,
          wrappedPatientKeySecret: toBase64Url(wrappedPatientKeySecret),
          wrappedTransferSecretKey: toBase64Url(
            wrapDocumentKey(facilityKey, transfer.secretKey as DocumentKey, { facilityId, docId: 'transfer-key' }, random),
          ),
        }),
      );
      const sealed = await seal({ facilityId, deviceId, deviceSecretKey: deviceKeys.secretKey }, { deviceSeq: 0, prevHash: GENESIS_HASH }, [
        { header: { docId: FACILITY_DOC_ID, patientKey: '', kind: KIND_FACILITY, keyId: FACILITY_KEY_ID }, docKey: deriveFacilityDocumentKey(facilityKey), body: facilityRecordBody },
      ]);
      const facilityRecord = sealed.records[0]!;
      const chain = sealed.head;
      let pushed = false;
      try {
        await api.call('POST', '/api/v1/log', { token: activated.body.token, json: { records: [toBase64Url(facilityRecord)] } });
        pushed = true;
      } catch {
        // Left in the outbox: sync pushes it when the server can be reached.
      }
      const row: DeviceRow = {
        key: 'this',
        facilityId,
        facilityName,
        serverUrl: api.serverUrl,
        secretKey,
        members: [member],
        deviceId,
        devicePublicKey: deviceKeys.publicKey,
        wrappedPatientKeySecret,
        wrappedIndexKey: wrapDocumentKey(facilityKey, indexKey, { facilityId, docId: `index-${deviceId}` }, random),
        deviceSeq: chain.deviceSeq,
        prevHash: chain.prevHash,
        autoLockMinutes: 10,
        pendingKit: true,
        storedBytes: facilityRecord.length,
      };
      await db.transaction('rw', [db.device, db.logPages], async () => {
        await db.device.put(row);
        await db.logPages.add({ state: pushed ? 'pushed' : 'pending', records: [facilityRecord], seqs: [null], createdAt: now(), bytes: facilityRecord.length });
      });
      if (u) wipe(u);
      u = await openVault(row, member, facilityKey, keys.kek, keys.login.secretKey, activated.body.token);
      transfer.secretKey.fill(0);
      return vault.recoveryKit();
    },

    async confirmKitSaved(): Promise<Session> {
      const v = unlocked();
      await db.device.update('this', { pendingKit: false });
      return session(v);
    },

    async recoveryKit(): Promise<RecoveryKitView> {
      const v = unlocked();
      if (v.member.role !== 'admin') throw new VaultError('forbidden', 'Only an admin can show the Recovery Kit.');
      const row = await device();
      const kit = createRecoveryKit({ facilityId: row.facilityId, facilityName: row.facilityName, serverUrl: row.serverUrl, secretKey: v.secretKey });
      return {
        facilityId: row.facilityId,
        facilityName: row.facilityName,
        secretKey: formatSecretKey(v.secretKey),
        serverUrl: row.serverUrl,
        text: kit.text,
        qrPayload: kit.qrPayload,
      };
    },

    async parseKit(text: string) {
      try {
        const kit = parseRecoveryKit(text);
        return { facilityId: kit.facilityId, secretKey: formatSecretKey(kit.secretKey), serverUrl: kit.serverUrl };
      } catch (e) {
        if (e instanceof RecoveryKitError || e instanceof SecretKeyError) throw new VaultError('invalid', e.message);
        throw e;
      }
    },

    async enrol(input: EnrolInput): Promise<Session> {
      if (await db.device.get('this')) throw new VaultError('invalid', 'This device already belongs to a facility.');
      const name = input.name.trim();
      checkName(name);
      let secretKey: SecretKey;
      try {
        secretKey = parseSecretKey(input.secretKey);
      } catch (e) {
        if (e instanceof SecretKeyError) throw new VaultError('invalid', e.message);
        throw e;
      }
      const facilityId = input.facilityId.trim();
      const api = client(input.serverUrl);
      let pre;
      try {
        pre = await api.call<{ memberId: string; kdfParams: string; nonce: string }>('POST', '/api/v1/auth/prelogin', {
          json: { facilityId, memberHandle: deriveMemberHandle(facilityId, name) },
        });
      } catch (e) {
        if (httpStatus(e) === 400) throw new VaultError('invalid', 'The facility ID is not valid: check the Recovery Kit.');
        throw e;
      }
      const keys = await deriveAccountKeys(input.password, secretKey, facilityId, parseKdfParams(fromBase64Url(pre.body.kdfParams)));
      const signature = signLoginChallenge(keys.login.secretKey, { facilityId, memberId: pre.body.memberId, nonce: fromBase64Url(pre.body.nonce) });
      const deviceKeys = generateDeviceKeyPair(random);
      let login;
      try {
        login = await api.call<{ token: string; memberId: string; deviceId: string; role: Role; wrappedFacilityKey: string }>(
          'POST',
          '/api/v1/auth/login',
          {
            json: {
              facilityId,
              memberId: pre.body.memberId,
              nonce: pre.body.nonce,
              signature: toBase64Url(signature),
              newDevice: { publicKey: toBase64Url(deviceKeys.publicKey), label: deps.deviceLabel ?? 'Browser' },
            },
          },
        );
      } catch (e) {
        if (httpStatus(e) === 401) throw new VaultError('wrong_password', WRONG_PASSWORD);
        throw e;
      }
      const { memberId, deviceId, role, token } = login.body;
      let facilityKey: FacilityKey;
      try {
        facilityKey = unwrapFacilityKey(keys.kek, fromBase64Url(login.body.wrappedFacilityKey), { facilityId, memberId });
      } catch (e) {
        if (e instanceof IntegrityError) throw new VaultError('wrong_password', WRONG_PASSWORD);
        throw e;
      }
      const facility = await readFacilityRecord(api, token, facilityId, facilityKey);
      const indexKey = generateDocumentKey(random);
      const member: DeviceMemberRow = {
        memberId,
        name,
        role,
        kdfParams: fromBase64Url(pre.body.kdfParams),
        wrappedFacilityKey: fromBase64Url(login.body.wrappedFacilityKey),
        wrappedDeviceSigningKey: wrapDeviceSigningKey(keys.kek, deviceKeys.secretKey, { facilityId, deviceId }, random),
      };
      const row: DeviceRow = {
        key: 'this',
        facilityId,
        facilityName: facility.facilityName,
        serverUrl: api.serverUrl,
        secretKey,
        members: [member],
        deviceId,
        devicePublicKey: deviceKeys.publicKey,
        wrappedPatientKeySecret: facility.wrappedPatientKeySecret,
        wrappedIndexKey: wrapDocumentKey(facilityKey, indexKey, { facilityId, docId: `index-${deviceId}` }, random),
        deviceSeq: 0,
        prevHash: GENESIS_HASH,
        autoLockMinutes: 10,
        pendingKit: false,
        storedBytes: 0,
      };
      await db.device.put(row);
      if (u) wipe(u);
      u = await openVault(row, member, facilityKey, keys.kek, keys.login.secretKey, token);
      return session(u);
    },

    async unlock(input: UnlockInput): Promise<Session> {
      const row = await device();
      let wanted: string;
      try {
        wanted = normaliseMemberName(input.name);
      } catch {
        throw new VaultError('wrong_password', WRONG_PASSWORD);
      }
      const member = row.members.find((m) => normaliseMemberName(m.name) === wanted);
      // The encrypted index is read while the password's key is derived (it
      // needs no key to read): its pages are ready when the key is.
      const indexRows = db.indexPages.toArray();
      indexRows.catch(() => undefined);
      if (!member) {
        // The same work as a real attempt, so timing does not tell which names exist here.
        await deriveAccountKeys(input.password, row.secretKey as SecretKey, row.facilityId, parseKdfParams(row.members[0]!.kdfParams));
        throw new VaultError('wrong_password', WRONG_PASSWORD);
      }
      const keys = await deriveAccountKeys(input.password, row.secretKey as SecretKey, row.facilityId, parseKdfParams(member.kdfParams));
      let facilityKey: FacilityKey;
      try {
        facilityKey = unwrapFacilityKey(keys.kek, member.wrappedFacilityKey, { facilityId: row.facilityId, memberId: member.memberId });
      } catch (e) {
        if (e instanceof IntegrityError) throw new VaultError('wrong_password', WRONG_PASSWORD);
        throw e;
      }
      if (u) wipe(u);
      u = await openVault(row, member, facilityKey, keys.kek, keys.login.secretKey, null, indexRows);
      keys.kek.fill(0);
      return session(u);
    },

    async lock(): Promise<void> {
      if (!u) return;
      const plans = [...u.livePlans];
      wipe(u);
      u = null;
      // Imports not saved are gone with the keys: their staged files too (or at the next unlock, if this fails).
      if (plans.length > 0) await dropStaged(plans).catch(() => undefined);
    },

    async listMembers(): Promise<MemberView[]> {
      const v = unlocked();
      const row = await device();
      const local: MemberView[] = row.members.map((m) => ({ memberId: m.memberId, name: m.name, role: m.role, onThisDevice: true }));
      if (v.member.role !== 'admin') return local;
      let remote: { memberId: string; role: Role; disabled: boolean }[] = [];
      try {
        remote = (await withSession(v, (api, token) => api.call<{ members: typeof remote }>('GET', '/api/v1/members', { token }))).body.members;
      } catch (e) {
        if (e instanceof VaultError && e.code === 'offline') return local;
        throw e;
      }
      const known = new Set(local.map((m) => m.memberId));
      // The server keeps member handles, not names: staff who never unlocked here are shown by role.
      const others = remote
        .filter((m) => !known.has(m.memberId) && !m.disabled)
        .map((m) => ({ memberId: m.memberId, name: `(${m.role}, signs in elsewhere)`, role: m.role, onThisDevice: false }));
      return [...local, ...others];
    },

    async addMember(input: AddMemberInput): Promise<MemberView> {
      const v = unlocked();
      if (v.member.role !== 'admin') throw new VaultError('forbidden', 'Only an admin can add staff.');
      const name = input.name.trim();
      const normal = checkName(name);
      checkPassword(input.password);
      if (!['admin', 'clinician', 'viewer'].includes(input.role)) throw new VaultError('invalid', 'Choose a role: admin, clinician or viewer.');
      const row = await device();
      if (row.members.some((m) => normaliseMemberName(m.name) === normal)) {
        throw new VaultError('invalid', `"${name}" can already unlock on this device.`);
      }
      const params = createKdfParams({ logN: deps.kdfLogN, rng: random });
      const keys = await deriveAccountKeys(input.password, v.secretKey, v.facilityId, params);
      const memberId = newId('mem', random);
      const wrappedFacilityKey = wrapFacilityKey(keys.kek, v.facilityKey, { facilityId: v.facilityId, memberId }, random);
      try {
        await withSession(v, (api, token) =>
          api.call('POST', '/api/v1/members', {
            token,
            expect: [201],
            json: {
              memberId,
              memberHandle: deriveMemberHandle(v.facilityId, name),
              role: input.role,
              kdfParams: toBase64Url(encodeKdfParams(params)),
              loginPublicKey: toBase64Url(keys.login.publicKey),
              wrappedFacilityKey: toBase64Url(wrappedFacilityKey),
            },
          }),
        );
      } catch (e) {
        if (httpStatus(e) === 409) throw new VaultError('invalid', `A member named "${name}" exists already.`);
        throw e;
      }
      const member: DeviceMemberRow = {
        memberId,
        name,
        role: input.role,
        kdfParams: encodeKdfParams(params),
        wrappedFacilityKey,
        wrappedDeviceSigningKey: wrapDeviceSigningKey(keys.kek, v.deviceSecretKey, { facilityId: v.facilityId, deviceId: v.deviceId }, random),
      };
      keys.kek.fill(0);
      keys.login.secretKey.fill(0);
      await db.transaction('rw', db.device, async () => {
        const current = await db.device.get('this');
        if (current) await db.device.update('this', { members: [...current.members, member] });
      });
      return { memberId, name, role: input.role, onThisDevice: true };
    },

    async search(query: string, options: { limit?: number } = {}): Promise<SearchAnswer> {
      const v = unlocked();
      let parsed;
      try {
        parsed = parseQuery(query);
      } catch (e) {
        if (e instanceof QueryError) return { groups: [], studyCount: 0, error: e.message };
        throw e;
      }
      const { groups, studyCount } = v.index.find(parsed, { limit: options.limit ?? 200 });
      return { groups, studyCount, error: null };
    },

    async patient(patientKey: string): Promise<PatientTimeline | null> {
      const v = unlocked();
      const group = v.index.patient(patientKey);
      if (!group) return null;
      return { patientKey: group.patientKey, patientNumber: group.patientNumber, studies: group.studies };
    },

    async study(studyId: string): Promise<StudyDetails | null> {
      const v = unlocked();
      const item = v.studies.get(studyId);
      if (!item) return null;
      const { doc } = await readStudyDoc(v, studyId);
      try {
        const bySeries = new Map<string, SeriesDetails>();
        for (const i of doc.instances.toArray()) {
          const key = i.seriesInstanceUid ?? '';
          let series = bySeries.get(key);
          if (!series) {
            series = { seriesInstanceUid: i.seriesInstanceUid, seriesNumber: i.seriesNumber, modality: i.modality, description: i.seriesDescription, instances: [] };
            bySeries.set(key, series);
          }
          series.instances.push({
            sopInstanceUid: i.sopInstanceUid,
            sopClassUid: i.sopClassUid,
            instanceNumber: i.instanceNumber,
            fileName: i.fileName,
            transferSyntaxUid: i.transferSyntaxUid,
            rows: i.rows,
            columns: i.columns,
            frames: i.frames,
            bytes: i.blob.size,
          });
        }
        // Unnumbered series and instances go last, as viewers list them.
        const order = (a: number | null, b: number | null) => (a ?? Infinity) - (b ?? Infinity) || 0;
        const series = [...bySeries.values()].sort((a, b) => order(a.seriesNumber, b.seriesNumber));
        for (const s of series) s.instances.sort((a, b) => order(a.instanceNumber, b.instanceNumber));
        const documents = doc.documents.toArray().map((d) => ({
          documentId: d.documentId,
          type: d.type,
          managementNumber: d.managementNumber,
          text: d.text,
          files: d.files.map((f) => ({ name: f.name, mediaType: f.mediaType, bytes: f.blob.size })),
        }));
        return { entry: item.entry, studyInstanceUid: item.studyInstanceUid, series, documents };
      } finally {
        doc.destroy();
      }
    },

    async planImport(sources: ImportSource[], onProgress?: (p: ImportProgress) => void): Promise<ImportPlan> {
      const v = unlocked();
      canStore(v);
      const known = await instanceUids(v);
      // One plan waits at a time (the import screen shows one): an earlier one left unsaved goes, with what it staged.
      const earlier = [...v.plans.keys()];
      for (const id of earlier) dropPlan(v, id);
      if (earlier.length > 0) await dropStaged(earlier);
      const planId = newId('plan', random);
      v.livePlans.add(planId);
      const failed: ImportFailure[] = [];
      const dicomDirs: { name: string; path: string; references: string[] }[] = [];
      const seenPaths: string[] = [];
      const seenSops = new Set<string>();
      const byStudy = new Map<string, PlanStudyWork>();
      let duplicates = 0;
      const bytesTotal = sources.reduce((n, s) => n + s.file.size, 0);
      const started = now();
      let filesDone = 0;
      let bytesDone = 0;
      const report = () =>
        onProgress?.({
          phase: 'reading',
          filesDone,
          filesTotal: Math.max(sources.length, filesDone),
          bytesDone,
          bytesTotal,
          megabytesPerSecond: rate(bytesDone, now() - started),
        });

      /** The plan's study a file belongs to, with the key its files are encrypted under. */
      const studyOf = (t: DicomTags): PlanStudyWork => {
        const key = t.studyInstanceUid ?? `no-uid:${t.patientId ?? ''}:${t.studyDate ?? ''}:${t.studyDescription ?? ''}`;
        let s = byStudy.get(key);
        if (s) return s;
        const studyId = t.studyInstanceUid ? (v.studiesByUid.get(t.studyInstanceUid) ?? null) : null;
        s = {
          studyInstanceUid: t.studyInstanceUid,
          first: t,
          files: [],
          docKey: studyId ? studyKeyOf(v, v.studies.get(studyId)!, studyId) : generateDocumentKey(random),
          view: {
            key: newId('ps', random),
            patientNumber: t.patientId && t.patientId.trim() !== '' ? t.patientId.trim() : null,
            patientName: t.patientName?.formatted ?? '',
            studyDate: normaliseDate(t.studyDate),
            modalities: [],
            description: t.studyDescription ?? '',
            seriesCount: 0,
            instanceCount: 0,
            bytes: 0,
          },
        };
        byStudy.set(key, s);
        return s;
      };

      // Each file is encrypted and stored as it is read (staged: no record
      // refers to it until the import is saved), so saving writes only the
      // records and every byte is read once. One batch is stored while the
      // next is read and encrypted.
      let stage: StageBatch = { parts: [], blobs: [], plain: 0 };
      // Several files are encrypted at once: most of a small file's
      // encryption is waiting for WebCrypto's threads (key derivation, a
      // segment, a hash). Bounded by bytes too, for a tablet's memory.
      const encrypting: { job: Promise<void>; size: number }[] = [];
      let encryptingBytes = 0;
      const settle = async () => {
        const { job, size } = encrypting.shift()!;
        encryptingBytes -= size;
        await job;
        if (stage.blobs.length >= batchFiles || stage.plain >= batchBytes) await flushStage();
      };
      let staging: Promise<void> | null = null;
      const flushStage = async () => {
        if (staging) await staging;
        if (stage.blobs.length === 0) return;
        const batch = stage;
        stage = { parts: [], blobs: [], plain: 0 };
        staging = storeStaged(batch);
        // Handled when awaited (the next flush or the end); not an unhandled rejection meanwhile.
        staging.catch(() => undefined);
      };

      try {
        for await (const item of readImportSources(sources)) {
          if (u !== v) throw new VaultError('locked', 'The vault was locked while the files were being read. Unlock and import again.');
          if (isImportFailure(item)) {
            failed.push(item);
            continue;
          }
          seenPaths.push(item.path);
          filesDone++;
          bytesDone += item.size;
          const bytes = item.bytes;
          let tags: DicomTags;
          try {
            if (isPhotoOrDocument(bytes.subarray(0, SNIFF_LENGTH), item.name)) {
              failed.push({ name: item.name, reason: PHOTO_OR_DOCUMENT });
              report();
              continue;
            }
            // The whole file is in memory, but a large one's tags are still
            // parsed from its head: dicom-parser would walk every fragment of
            // encapsulated pixel data.
            tags = await readDicomTagsFrom(
              { size: bytes.length, read: async () => bytes, readRange: async (start, end) => bytes.subarray(start, end) },
              item.name,
              bytes.subarray(0, TAG_PREFIX_BYTES),
            );
            if (tags.isDicomDir) dicomDirs.push({ name: item.name, path: item.path, references: readDicomDir(bytes, item.name).map((e) => e.path) });
          } catch (e) {
            failed.push({ name: item.name, reason: e instanceof DicomReadError ? e.detail : (e as Error).message });
            report();
            continue;
          }
          const sop = tags.sopInstanceUid;
          if (tags.isDicomDir) {
            // Read for its references above; not an image.
          } else if (!sop) {
            failed.push({ name: item.name, reason: 'malformed: no SOP Instance UID (0008,0018)' });
          } else if (known.has(sop) || seenSops.has(sop)) {
            duplicates++;
          } else {
            seenSops.add(sop);
            const study = studyOf(tags);
            study.view.instanceCount++;
            study.view.bytes += item.size;
            if (tags.modality && !study.view.modalities.includes(tags.modality)) study.view.modalities.push(tags.modality);
            // The bytes may move to the encrypt worker: not used after this.
            const job = encryptFile(study.docKey, bytes).then(({ blob, parts }) => {
              stage.parts.push(...parts);
              stage.blobs.push({ blobId: blob.blobId, planId, addresses: blob.parts });
              stage.plain += item.size;
              study.files.push({ name: item.name, size: item.size, sopInstanceUid: sop, tags, blob });
            });
            // Seen when it reaches the front (or the plan fails first): not an unhandled rejection.
            job.catch(() => undefined);
            encrypting.push({ job, size: item.size });
            encryptingBytes += item.size;
            while (encrypting.length >= ENCRYPT_AHEAD.files || (encrypting.length > 1 && encryptingBytes > ENCRYPT_AHEAD.bytes)) await settle();
          }
          report();
        }
        while (encrypting.length > 0) await settle();
        await flushStage();
        if (staging) await staging;
      } catch (e) {
        v.livePlans.delete(planId);
        for (const s of byStudy.values()) s.docKey.fill(0);
        // Nothing of it will be saved: what was staged goes now (or, if this fails too, at the next unlock).
        await dropStaged([planId]).catch(() => undefined);
        if (isQuotaError(e)) {
          throw new VaultError('quota', 'The device is out of storage space: nothing was imported. Free space and import again.', { cause: e });
        }
        throw e;
      }

      // One line per DICOMDIR, not one per absent file: a DICOMDIR picked
      // without its folder would otherwise bury the real failures.
      for (const dir of dicomDirs) {
        const missing = missingDicomDirFiles(dir, dir.references, seenPaths);
        if (missing.length === 0) continue;
        const folder = dir.name.slice(0, dir.name.lastIndexOf('/') + 1);
        const shown = missing.slice(0, 3).map((p) => p.slice(folder.length)).join(', ') + (missing.length > 3 ? ', …' : '');
        failed.push({
          name: dir.name,
          reason: `lists ${missing.length === 1 ? 'a file' : `${missing.length} files`} that ${missing.length === 1 ? 'is' : 'are'} not among the chosen files (${shown}): choose the whole folder or CD`,
        });
      }

      // patient → study → series → instance
      const studies = [...byStudy.values()].filter((s) => s.files.length > 0);
      for (const s of studies) {
        s.view.seriesCount = new Set(s.files.map((f) => f.tags.seriesInstanceUid ?? '')).size;
        s.view.modalities.sort();
        s.files.sort(
          (a, b) =>
            (a.tags.seriesNumber ?? 0) - (b.tags.seriesNumber ?? 0) ||
            (a.tags.seriesInstanceUid ?? '').localeCompare(b.tags.seriesInstanceUid ?? '') ||
            (a.tags.instanceNumber ?? 0) - (b.tags.instanceNumber ?? 0),
        );
      }
      studies.sort(
        (a, b) =>
          (a.view.patientNumber ?? '').localeCompare(b.view.patientNumber ?? '') || b.view.studyDate.localeCompare(a.view.studyDate),
      );
      const plan: Plan = { planId, studies, failed, duplicates, readMs: now() - started };
      v.plans.set(planId, plan);
      return { planId, studies: studies.map((s) => s.view), duplicates, failed };
    },

    async cancelImport(planId: string): Promise<void> {
      const v = unlocked();
      if (!v.plans.has(planId)) return;
      dropPlan(v, planId);
      await dropStaged([planId]);
    },

    async commitImport(planId: string, patientNumbers: Record<string, string>, onProgress?: (p: ImportProgress) => void): Promise<ImportSummary> {
      const v = unlocked();
      canStore(v);
      const plan = v.plans.get(planId);
      if (!plan) throw new VaultError('invalid', 'This import is no longer prepared (the vault was locked). Choose the files again.');
      const numbers = new Map<PlanStudyWork, string>();
      const missing = plan.studies.filter((s) => {
        const n = (s.view.patientNumber ?? patientNumbers[s.view.key] ?? '').trim();
        if (n === '') return true;
        numbers.set(s, n);
        return false;
      });
      if (missing.length > 0) {
        throw new VaultError('invalid', `Type the patient number for ${missing.length} ${missing.length === 1 ? 'study' : 'studies'} before saving.`);
      }
      for (const n of numbers.values()) patientKeyFor(v, n);
      const known = await instanceUids(v);
      // Not committed twice at once; put back if this commit fails, so saving again stores the rest.
      v.plans.delete(planId);

      const studyWorks = new Map<string, StudyWork>();
      const patientWorks = new Map<string, PatientWork>();
      const failed: ImportFailure[] = [...plan.failed];
      let imported = 0;
      let skipped = plan.duplicates;
      const filesTotal = plan.studies.reduce((n, s) => n + s.files.length, 0);
      const bytesTotal = plan.studies.reduce((n, s) => n + s.view.bytes, 0);
      let filesDone = 0;
      let bytesDone = 0;
      const started = now();
      let batch: Batch = { parts: [], stagedBlobIds: [], instanceUids: [], files: 0 };
      const report = () =>
        onProgress?.({ phase: 'saving', filesDone, filesTotal, bytesDone, bytesTotal, megabytesPerSecond: rate(bytesDone, now() - started) });
      // One batch is written while the next one's records are made and
      // sealed (signing is most of a commit's work), chained from the sealed
      // batch before it: each write checks that the vault is where it started.
      let storing: Promise<void> | null = null;
      let head: Chain = v.chain;
      let pageId = ((await db.logPages.orderBy(':id').lastKey()) as number | undefined) ?? 0;
      const flush = async () => {
        if (batch.files === 0 && ![...studyWorks.values()].some((s) => s.touched)) return;
        const prepared = prepareBatch(v, studyWorks, patientWorks, batch, ++pageId, head);
        const files = batch.files;
        batch = { parts: [], stagedBlobIds: [], instanceUids: [], files: 0 };
        const sealed = await sealBatch(v, prepared);
        head = sealed.end;
        // The previous batch first: its failure (out of space) stops the import here.
        if (storing) await storing;
        storing = writeSealed(v, sealed).then(
          () => {
            imported += files;
            report();
          },
          (e: unknown) => {
            throw isQuotaError(e) ? quotaError(imported, e) : e;
          },
        );
        // Handled when awaited above or after the last batch; not an unhandled rejection meanwhile.
        storing.catch(() => undefined);
      };

      try {
        for (const ps of plan.studies) {
          // Another import may have stored some of these since the plan was made.
          const fresh = ps.files.filter((f) => !known.has(f.sopInstanceUid));
          skipped += ps.files.length - fresh.length;
          if (fresh.length === 0) continue;
          const patientNumber = numbers.get(ps)!;
          const t = ps.first;
          const patientKey = patientKeyFor(v, patientNumber);
          const demographics = {
            patientNumber,
            patientName: personName(t),
            patientSex: normaliseSex(t.patientSex),
            patientBirthDate: normaliseDate(t.patientBirthDate),
          };
          patientWork(v, patientWorks, patientKey, demographics);
          const existingId = ps.studyInstanceUid ? v.studiesByUid.get(ps.studyInstanceUid) : undefined;
          const work = existingId
            ? await existingStudyWork(v, studyWorks, existingId)
            : newStudyWork(
                v,
                studyWorks,
                {
                  ...demographics,
                  patientKey,
                  studyDate: normaliseDate(t.studyDate),
                  modalities: [],
                  bodyPart: t.bodyPartExamined ?? '',
                  description: t.studyDescription ?? '',
                  facility: t.institutionName ?? '',
                  accessionNumber: t.accessionNumber ?? '',
                  documentNumbers: [],
                  reportText: '',
                },
                ps.studyInstanceUid,
                { studyTime: t.studyTime ?? '', referringPhysician: t.referringPhysicianName?.formatted ?? '' },
                ps.docKey,
              );
          if (!equalBytes(work.docKey, ps.docKey)) {
            // Encrypted under a new study's key, but a study with this UID was
            // stored since by something else than this plan (one plan waits at
            // a time, so another window): the plan no longer fits the vault.
            throw new VaultError('invalid', 'This import is no longer prepared (the vault changed meanwhile). Choose the files again.');
          }
          for (const f of fresh) {
            batch.stagedBlobIds.push(f.blob.blobId);
            const tags = f.tags;
            work.queued.push({
              sopInstanceUid: f.sopInstanceUid,
              sopClassUid: tags.sopClassUid,
              seriesInstanceUid: tags.seriesInstanceUid,
              studyInstanceUid: tags.studyInstanceUid,
              seriesNumber: tags.seriesNumber,
              instanceNumber: tags.instanceNumber,
              seriesDescription: tags.seriesDescription,
              modality: tags.modality,
              fileName: f.name,
              transferSyntaxUid: tags.transferSyntaxUid,
              rows: tags.rows,
              columns: tags.columns,
              frames: tags.numberOfFrames ?? 1,
              blob: f.blob,
            });
            work.touched = true;
            batch.files++;
            batch.instanceUids.push(f.sopInstanceUid);
            filesDone++;
            bytesDone += f.size;
            if (batch.files >= batchFiles) await flush();
            else report();
          }
        }
        await flush();
        if (storing) await storing;
      } catch (e) {
        // What was stored stays stored; saving again stores the rest (files stored now count as already there).
        if (u === v) v.plans.set(planId, plan);
        throw e;
      } finally {
        for (const w of [...studyWorks.values(), ...patientWorks.values()]) w.doc.destroy();
      }
      v.livePlans.delete(planId);
      for (const s of plan.studies) s.docKey.fill(0);
      // Staged files not saved (stored by another import since): dropped.
      await dropStaged([planId]);
      await compactIndex(v);
      return {
        imported,
        skipped,
        failed,
        studies: studyWorks.size,
        // Reading (which encrypted and stored the bytes) and saving, without the time the plan waited for the person.
        megabytesPerSecond: rate(bytesDone, plan.readMs + (now() - started)),
      };
    },

    async importDocument(form: DocumentForm, files: ImportSource[]): Promise<ImportSummary> {
      const v = unlocked();
      canStore(v);
      const patientNumber = (form.patientNumber ?? '').trim();
      if (patientNumber === '') throw new VaultError('invalid', 'Type the patient number.');
      const patientKey = patientKeyFor(v, patientNumber);
      const studyDate = normaliseDate(form.studyDate);
      const text = form.text ?? '';
      const failed: ImportFailure[] = [];
      const readable: { name: string; mediaType: string; bytes: Uint8Array }[] = [];
      for (const source of files) {
        const bytes = new Uint8Array(await source.file.arrayBuffer());
        const mediaType = documentMediaType(bytes);
        if (mediaType) readable.push({ name: source.path || source.file.name, mediaType, bytes });
        else failed.push({ name: source.path || source.file.name, reason: 'not a photo (JPEG, PNG) or PDF' });
      }
      if (readable.length === 0 && text.trim() === '') {
        if (failed.length > 0) return { imported: 0, skipped: 0, failed, studies: 0, megabytesPerSecond: 0 };
        throw new VaultError('invalid', 'Add a photo, scan or PDF, or type the report text.');
      }
      const started = now();
      const studyWorks = new Map<string, StudyWork>();
      const patientWorks = new Map<string, PatientWork>();
      const demographics = {
        patientNumber,
        patientName: { alphabetic: form.patientName ?? '', ideographic: '', phonetic: '' },
        patientSex: normaliseSex(form.patientSex),
        patientBirthDate: normaliseDate(form.patientBirthDate),
      };
      patientWork(v, patientWorks, patientKey, demographics);
      const type = (form.modalityOrType ?? '').trim() || 'DOC';
      const modality = /^[A-Z]{2,4}$/.test(type) ? type : 'DOC';
      const sameDay =
        studyDate === ''
          ? undefined
          : [...v.studies.values()].find((s) => s.entry.patientKey === patientKey && s.entry.studyDate === studyDate);
      const work = sameDay
        ? await existingStudyWork(v, studyWorks, sameDay.entry.studyId)
        : newStudyWork(
            v,
            studyWorks,
            {
              ...demographics,
              patientKey,
              studyDate,
              modalities: [],
              bodyPart: form.bodyPart ?? '',
              description: [form.method, form.description].filter((x) => x && x.trim()).join(' — '),
              facility: v.facilityName,
              accessionNumber: '',
              documentNumbers: [],
              reportText: '',
            },
            null,
            {},
          );
      const batch: Batch = { parts: [], stagedBlobIds: [], instanceUids: [], files: readable.length };
      const docFiles = [];
      for (const f of readable) {
        const { blob, parts } = await encryptFile(work.docKey, f.bytes);
        batch.parts.push(...parts);
        docFiles.push({ name: f.name, mediaType: f.mediaType, blob });
      }
      const descriptor: DocumentDescriptor = {
        documentId: newId('doc', random),
        type,
        managementNumber: (form.managementNumber ?? '').trim(),
        text,
        files: docFiles,
        createdAt: now(),
      };
      work.doc.documents.push([descriptor]);
      const entry = work.entry;
      if (!entry.modalities.includes(modality)) entry.modalities = [...entry.modalities, modality].sort();
      if (descriptor.managementNumber && !entry.documentNumbers.includes(descriptor.managementNumber)) {
        entry.documentNumbers = [...entry.documentNumbers, descriptor.managementNumber];
      }
      if (text.trim()) entry.reportText = entry.reportText ? `${entry.reportText}\n\n${text}` : text;
      work.touched = true;
      try {
        await writeBatch(v, studyWorks, patientWorks, batch);
      } catch (e) {
        if (isQuotaError(e)) throw quotaError(0, e);
        throw e;
      } finally {
        for (const w of [...studyWorks.values(), ...patientWorks.values()]) w.doc.destroy();
      }
      await compactIndex(v);
      const bytes = readable.reduce((n, f) => n + f.bytes.length, 0);
      return { imported: Math.max(readable.length, 1), skipped: 0, failed, studies: 1, megabytesPerSecond: rate(bytes, now() - started) };
    },

    async readDocumentFile(studyId: string, documentId: string, fileIndex: number): Promise<Uint8Array> {
      const v = unlocked();
      if (!v.studies.has(studyId)) throw new VaultError('invalid', 'This study is no longer in the archive.');
      const { doc, key } = await readStudyDoc(v, studyId);
      let blob: BlobRef | undefined;
      try {
        blob = doc.documents.toArray().find((d) => d.documentId === documentId)?.files[fileIndex]?.blob;
      } finally {
        doc.destroy();
      }
      if (!blob) throw new VaultError('invalid', 'This file is not in the study.');
      return readBlob(key, blob);
    },

    async readAnnotations(studyId: string): Promise<Record<string, string>> {
      const v = unlocked();
      if (!v.studies.has(studyId)) throw new VaultError('invalid', 'This study is no longer in the archive.');
      const { doc } = await readStudyDoc(v, studyId);
      try {
        return Object.fromEntries(doc.annotations.entries());
      } finally {
        doc.destroy();
      }
    },

    async saveAnnotations(studyId: string, annotations: Record<string, string>): Promise<void> {
      const v = unlocked();
      canStore(v);
      if (!v.studies.has(studyId)) throw new VaultError('invalid', 'This study is no longer in the archive.');
      const studyWorks = new Map<string, StudyWork>();
      const work = await existingStudyWork(v, studyWorks, studyId);
      try {
        const saved = work.doc.annotations;
        work.doc.doc.transact(() => {
          for (const uid of [...saved.keys()]) if (!(uid in annotations)) saved.delete(uid);
          for (const [uid, json] of Object.entries(annotations)) if (saved.get(uid) !== json) saved.set(uid, json);
        });
        // Nothing changed: nothing to write.
        if (!work.doc.hasChanges) return;
        work.touched = true;
        try {
          await writeBatch(v, studyWorks, new Map(), { parts: [], stagedBlobIds: [], instanceUids: [], files: 0 });
        } catch (e) {
          if (isQuotaError(e)) throw new VaultError('quota', 'The device is out of storage space: the measurements were not saved. Free space and try again.', { cause: e });
          throw e;
        }
      } finally {
        work.doc.destroy();
      }
      await compactIndex(v);
    },

    async storage(): Promise<StorageView> {
      const row = await db.device.get('this');
      const manager = deps.storage === undefined ? (globalThis.navigator as Navigator | undefined)?.storage ?? null : deps.storage;
      let usage: number | null = null;
      let quota: number | null = null;
      let persisted = false;
      if (manager) {
        try {
          const estimate = await manager.estimate();
          usage = estimate.usage ?? null;
          quota = estimate.quota ?? null;
          persisted = await manager.persisted();
        } catch {
          // Some browsers refuse in private windows; the vault's own count still stands.
        }
      }
      return { usage, quota, persisted, vaultBytes: row?.storedBytes ?? 0 };
    },

    async setAutoLockMinutes(minutes: number): Promise<void> {
      if (!Number.isInteger(minutes) || minutes < 1 || minutes > 24 * 60) {
        throw new VaultError('invalid', 'Auto-lock must be between 1 minute and 24 hours.');
      }
      await device();
      await db.device.update('this', { autoLockMinutes: minutes });
    },

    async readInstanceBytes(studyId: string, sopInstanceUid: string): Promise<Uint8Array> {
      const v = unlocked();
      let open = v.blobsOf.get(studyId);
      if (!open) {
        const { doc, key } = await readStudyDoc(v, studyId);
        try {
          open = { key, blobs: new Map(doc.instances.toArray().map((i) => [i.sopInstanceUid, i.blob])) };
        } finally {
          doc.destroy();
        }
        if (v.blobsOf.size >= OPEN_STUDIES) {
          const [oldest, entry] = v.blobsOf.entries().next().value!;
          entry.key.fill(0);
          v.blobsOf.delete(oldest);
        }
        v.blobsOf.set(studyId, open);
      }
      const blob = open.blobs.get(sopInstanceUid);
      if (!blob) throw new VaultError('invalid', 'This image is not in the study.');
      return readBlob(open.key, blob);
    },

    async readStudyInstances(studyId: string): Promise<InstanceDescriptor[]> {
      const v = unlocked();
      const { doc } = await readStudyDoc(v, studyId);
      try {
        return doc.instances.toArray();
      } finally {
        doc.destroy();
      }
    },
  };

  /** The facility record (the first of its kind in the log) gives a new device the patient-key secret. */
  async function readFacilityRecord(
    api: ServerClient,
    token: string,
    facilityId: string,
    facilityKey: FacilityKey,
  ): Promise<{ facilityName: string; wrappedPatientKeySecret: Uint8Array }> {
    let after = 0;
    for (;;) {
      const page = await api.call<{ records: { seq: number; record: string }[]; more: boolean }>('GET', `/api/v1/log?after=${after}&limit=500`, { token });
      for (const { seq, record } of page.body.records) {
        after = seq;
        const sealed = fromBase64Url(record);
        const header = parseRecordHeader(sealed);
        if (header.kind !== KIND_FACILITY || header.docId !== FACILITY_DOC_ID) continue;
        const devices = await api.call<{ devices: { deviceId: string; publicKey: string }[] }>('GET', '/api/v1/devices', { token });
        const found = devices.body.devices.find((d) => d.deviceId === header.deviceId);
        if (!found) throw new VaultError('server', 'The device that registered the facility is unknown to the server.');
        const publicKey = fromBase64Url(found.publicKey);
        const { body } = await openRecord(sealed, {
          docKey: deriveFacilityDocumentKey(facilityKey),
          devicePublicKey: publicKey,
          expect: { facilityId, docId: FACILITY_DOC_ID, patientKey: '' },
        });
        const parsed = JSON.parse(new TextDecoder().decode(body)) as { facilityName: string; wrappedPatientKeySecret: string };
        const wrapped = fromBase64Url(parsed.wrappedPatientKeySecret);
        unwrapPatientKeySecret(facilityKey, wrapped, facilityId);
        return { facilityName: parsed.facilityName, wrappedPatientKeySecret: wrapped };
      }
      if (!page.body.more) break;
    }
    throw new VaultError('server', 'The facility’s first record is not on the server yet: finish registration on the first device, then try again.');
  }

  return vault;
}

function rate(bytes: number, ms: number): number {
  return ms > 0 ? Math.round((bytes / 1e6 / (ms / 1000)) * 10) / 10 : 0;
}

/** DICOM dates as YYYYMMDD; the old ACR-NEMA "YYYY.MM.DD" too. Anything else: ''. */
function normaliseDate(value: string | null | undefined): string {
  const digits = (value ?? '').trim().replace(/\./g, '').replace(/-/g, '');
  return /^\d{8}$/.test(digits) ? digits : '';
}

function normaliseSex(value: string | null | undefined): string {
  const s = (value ?? '').trim().toUpperCase();
  return s === 'M' || s === 'F' || s === 'O' ? s : '';
}

function personName(t: DicomTags): StudyEntry['patientName'] {
  const n = t.patientName;
  return { alphabetic: n?.alphabetic ?? '', ideographic: n?.ideographic ?? '', phonetic: n?.phonetic ?? '' };
}

function startsWith(bytes: Uint8Array, signature: number[]): boolean {
  return signature.every((b, i) => bytes[i] === b);
}

function documentMediaType(bytes: Uint8Array): string | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return 'application/pdf';
  return null;
}

function isPhotoOrDocument(bytes: Uint8Array, name: string): boolean {
  return documentMediaType(bytes) !== null || /\.(jpe?g|png|pdf|heic|tiff?)$/i.test(name);
}
