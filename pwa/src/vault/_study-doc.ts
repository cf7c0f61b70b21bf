import * as Y from 'yjs';

/**
 * Study and patient documents are Yjs documents (DESIGN.md §5), so edits made
 * offline on two devices merge without loss. Their changes travel as sealed
 * Yjs updates; the shapes below are what a document holds.
 *
 * Study document:  'meta' (Y.Map: the study's and patient's attributes),
 *                  'instances' (Y.Array<InstanceDescriptor>),
 *                  'documents' (Y.Array<DocumentDescriptor>: charts, reports, scans).
 * Patient document: 'meta' (Y.Map: number, name, sex, birth date).
 */

/** Where a file's encrypted bytes are: a blob stream under the study key, in 1 MiB parts. */
export interface BlobRef {
  blobId: string;
  /** The original file's size in bytes. */
  size: number;
  /** Part addresses (SHA-256 of each ciphertext part), in order. */
  parts: string[];
}

export interface InstanceDescriptor {
  sopInstanceUid: string;
  sopClassUid: string | null;
  seriesInstanceUid: string | null;
  studyInstanceUid: string | null;
  seriesNumber: number | null;
  instanceNumber: number | null;
  seriesDescription: string | null;
  modality: string | null;
  fileName: string;
  transferSyntaxUid: string;
  rows: number | null;
  columns: number | null;
  frames: number | null;
  blob: BlobRef;
}

export interface DocumentFile {
  name: string;
  mediaType: string;
  blob: BlobRef;
}

export interface DocumentDescriptor {
  documentId: string;
  /** A DICOM modality (XC, OT, DOC…) or a document type ("chart", "report"). */
  type: string;
  managementNumber: string;
  text: string;
  files: DocumentFile[];
  createdAt: number;
}

/** A document whose updates are collected as they happen, to be sealed into records. */
export class TrackedDoc {
  readonly doc = new Y.Doc();
  private pending: Uint8Array[] = [];

  constructor(updates: Iterable<Uint8Array> = []) {
    for (const u of updates) Y.applyUpdate(this.doc, u);
    this.doc.on('update', (update: Uint8Array) => this.pending.push(update));
  }

  get meta(): Y.Map<unknown> {
    return this.doc.getMap('meta');
  }

  get instances(): Y.Array<InstanceDescriptor> {
    return this.doc.getArray<InstanceDescriptor>('instances');
  }

  get documents(): Y.Array<DocumentDescriptor> {
    return this.doc.getArray<DocumentDescriptor>('documents');
  }

  /**
   * The viewer's measurements and annotations: annotation UID → its JSON.
   * A map, so two devices that each add or remove a measurement offline
   * merge without losing either.
   */
  get annotations(): Y.Map<string> {
    return this.doc.getMap<string>('annotations');
  }

  /** The changes since the last call, merged into one update (null when nothing changed). */
  takeUpdate(): Uint8Array | null {
    if (this.pending.length === 0) return null;
    const merged = this.pending.length === 1 ? this.pending[0]! : Y.mergeUpdates(this.pending);
    this.pending = [];
    return merged;
  }

  /** Puts back an update taken for a write that did not happen, so it is written next time. */
  restoreUpdate(update: Uint8Array): void {
    this.pending.unshift(update);
  }

  destroy(): void {
    this.doc.destroy();
  }
}
