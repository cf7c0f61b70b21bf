// The contract between the UI thread and the vault worker (DESIGN.md §7).
// The UI holds only what these answers contain: no key, no ciphertext, and
// nothing decrypted beyond what is on screen. Every method runs in the worker
// behind comlink; callbacks cross as Comlink.proxy(...).
import type { PatientGroup, StudyEntry } from './search/index.ts';

export type Role = 'admin' | 'clinician' | 'viewer';

/** What the locked app may show: no patient data. */
export interface DeviceStatus {
  /** False until a facility was registered or this device enrolled. */
  enrolled: boolean;
  facilityId: string | null;
  facilityName: string | null;
  serverUrl: string | null;
  /** Members who can unlock on this device (names as typed; never sent to the server). */
  members: { name: string; role: Role }[];
  /** Minutes of inactivity before the app locks itself (settings). */
  autoLockMinutes: number;
  /** The unlocked member, or null when locked. */
  session: Session | null;
  /** A registration whose Recovery Kit was not yet confirmed as kept. */
  pendingKit: boolean;
}

export interface Session {
  facilityId: string;
  facilityName: string;
  memberId: string;
  name: string;
  role: Role;
  studyCount: number;
  patientCount: number;
}

export interface RegisterInput {
  serverUrl: string;
  facilityName: string;
  adminName: string;
  password: string;
}

export interface RecoveryKitView {
  facilityId: string;
  facilityName: string;
  /** Formatted for reading aloud and typing: K1-XXXXX-… */
  secretKey: string;
  serverUrl: string;
  /** The kit as a text file (what "Save" downloads). */
  text: string;
  /** What the QR code encodes (crypto/'s kit payload). */
  qrPayload: string;
}

export interface EnrolInput {
  serverUrl: string;
  facilityId: string;
  name: string;
  password: string;
  /** Typed, or read from a kit file by parseKit. */
  secretKey: string;
}

export interface UnlockInput {
  name: string;
  password: string;
}

export interface MemberView {
  memberId: string;
  name: string;
  role: Role;
  /** Can unlock on this device. */
  onThisDevice: boolean;
}

export interface AddMemberInput {
  name: string;
  password: string;
  role: Role;
}

/** One search: the parsed query's groups, or a readable reason it could not be parsed. */
export interface SearchAnswer {
  groups: PatientGroup[];
  /** Studies matched (before the group limit). */
  studyCount: number;
  error: string | null;
}

/** The patient timeline: every study and document of one patient, newest first. */
export interface PatientTimeline {
  patientKey: string;
  patientNumber: string;
  studies: StudyEntry[];
}

/** One study as the details panel shows it: its series and instances, its documents. */
export interface StudyDetails {
  entry: StudyEntry;
  studyInstanceUid: string | null;
  /** Ordered by series number, then instance number. */
  series: SeriesDetails[];
  documents: DocumentDetails[];
}

export interface SeriesDetails {
  seriesInstanceUid: string | null;
  seriesNumber: number | null;
  modality: string | null;
  description: string | null;
  instances: InstanceDetails[];
}

export interface InstanceDetails {
  sopInstanceUid: string;
  sopClassUid: string | null;
  instanceNumber: number | null;
  fileName: string;
  transferSyntaxUid: string;
  rows: number | null;
  columns: number | null;
  frames: number | null;
  /** Size of the original file. */
  bytes: number;
}

export interface DocumentDetails {
  documentId: string;
  type: string;
  managementNumber: string;
  text: string;
  files: { name: string; mediaType: string; bytes: number }[];
}

// ── Import ──────────────────────────────────────────────────────────────

/**
 * A file handed to the import: a File (structured-cloneable, so it crosses to
 * the worker without copying its bytes) and where it was found, so a
 * DICOMDIR's references (relative paths) can be resolved.
 */
export interface ImportSource {
  file: File;
  /** Path relative to the chosen folder ("CD/DICOM/IM0001"), or the file name. */
  path: string;
}

export interface ImportProgress {
  phase: 'reading' | 'saving';
  filesDone: number;
  filesTotal: number;
  bytesDone: number;
  bytesTotal: number;
  /** Throughput of the current phase, MB/s (10^6 bytes). */
  megabytesPerSecond: number;
}

export interface ImportFailure {
  /** The file's path as the user picked it (inside a ZIP: "archive.zip/DIR/IM1"). */
  name: string;
  reason: string;
}

/** A study found by the reading phase, before anything is stored. */
export interface PlannedStudy {
  /** Stable within the plan; used to override values before saving. */
  key: string;
  /** From PatientID; null when the files have none (must be typed before saving). */
  patientNumber: string | null;
  patientName: string;
  studyDate: string;
  modalities: string[];
  description: string;
  seriesCount: number;
  instanceCount: number;
  bytes: number;
}

export interface ImportPlan {
  planId: string;
  studies: PlannedStudy[];
  /** Instances already in the vault or twice in this import (same SOP Instance UID). */
  duplicates: number;
  failed: ImportFailure[];
}

export interface ImportSummary {
  imported: number;
  skipped: number;
  failed: ImportFailure[];
  studies: number;
  megabytesPerSecond: number;
}

/** Photos, scans, PDFs and typed reports: the metadata form. */
export interface DocumentForm {
  /** Required. */
  patientNumber: string;
  patientName: string;
  /** 'M', 'F', 'O' or ''. */
  patientSex: string;
  /** YYYYMMDD or ''. */
  patientBirthDate: string;
  /** YYYYMMDD or ''. */
  studyDate: string;
  /** A DICOM modality (XC, OT, DOC…) or a document type ("chart", "report", "referral"). */
  modalityOrType: string;
  bodyPart: string;
  method: string;
  description: string;
  managementNumber: string;
  /** A typed report or chart note (may be the whole document). */
  text: string;
}

export interface StorageView {
  /** Bytes this origin uses, as the browser reports it. */
  usage: number | null;
  quota: number | null;
  persisted: boolean;
  /** Ciphertext bytes the vault holds (blob parts + records). */
  vaultBytes: number;
}

export interface VaultApi {
  status(): Promise<DeviceStatus>;

  /** Creates the facility's keys here, registers with the server, returns the kit; the vault is unlocked but the kit is pending. */
  register(input: RegisterInput): Promise<RecoveryKitView>;
  /** The user confirmed they kept the kit: registration is finished. */
  confirmKitSaved(): Promise<Session>;
  /** The kit again (admins, from settings). */
  recoveryKit(): Promise<RecoveryKitView>;
  /** Reads a saved kit file's text into the enrol form's fields. */
  parseKit(text: string): Promise<Pick<EnrolInput, 'facilityId' | 'secretKey' | 'serverUrl'>>;
  /** Signs in on a new device with the kit's facility ID + secret key. */
  enrol(input: EnrolInput): Promise<Session>;

  /** Works offline: the password opens the member's wrapped keys on this device. */
  unlock(input: UnlockInput): Promise<Session>;
  /** Drops every key and decrypted object. */
  lock(): Promise<void>;

  listMembers(): Promise<MemberView[]>;
  /** Admins: adds named staff with a role (registered with the server; they can unlock here at once). */
  addMember(input: AddMemberInput): Promise<MemberView>;

  search(query: string, options?: { limit?: number }): Promise<SearchAnswer>;
  patient(patientKey: string): Promise<PatientTimeline | null>;
  /** Opens the study's document: series, instances and documents (no pixels). */
  study(studyId: string): Promise<StudyDetails | null>;
  /** The original file of one instance, decrypted (for the viewer and export); transferred, not copied. */
  readInstanceBytes(studyId: string, sopInstanceUid: string): Promise<Uint8Array>;
  /** One file of a document (an attached photo, scan or PDF), decrypted; transferred, not copied. */
  readDocumentFile(studyId: string, documentId: string, fileIndex: number): Promise<Uint8Array>;
  /** The study's saved measurements and annotations: annotation UID → JSON as the viewer wrote it. */
  readAnnotations(studyId: string): Promise<Record<string, string>>;
  /**
   * Saves the study's measurements and annotations as they are now: added and
   * changed ones written, missing ones removed. Encrypted with the study, and
   * synced like the rest of it. Viewers cannot save.
   */
  saveAnnotations(studyId: string, annotations: Record<string, string>): Promise<void>;

  /**
   * Reading phase: every file read once (ZIPs opened, DICOMDIRs followed),
   * its tags parsed, and encrypted and stored as it is read, but staged:
   * nothing is in the archive (no record, nothing searchable, nothing
   * uploaded) until commitImport. One plan waits at a time: a new one drops
   * the one before.
   */
  planImport(sources: ImportSource[], onProgress?: (p: ImportProgress) => void): Promise<ImportPlan>;
  /** Drops a plan that will not be saved, and the files it staged. */
  cancelImport(planId: string): Promise<void>;
  /**
   * Saving phase: writes the records that put the plan's files into the
   * archive; `patientNumbers` fills studies that had none. If it fails (out of
   * space), what was saved stays and saving the same plan again saves the rest.
   */
  commitImport(
    planId: string,
    patientNumbers: Record<string, string>,
    onProgress?: (p: ImportProgress) => void,
  ): Promise<ImportSummary>;
  /** A photo, scan or PDF (or none, for a typed report) with its metadata form. */
  importDocument(form: DocumentForm, files: ImportSource[]): Promise<ImportSummary>;

  storage(): Promise<StorageView>;
  setAutoLockMinutes(minutes: number): Promise<void>;
}

/** Errors the UI shows as they are: `message` is for people, `code` for code. */
export type VaultErrorCode =
  | 'wrong_password'
  | 'not_enrolled'
  | 'locked'
  | 'forbidden'
  | 'offline'
  | 'server'
  | 'quota'
  | 'invalid';
