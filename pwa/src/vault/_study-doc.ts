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

/** A document whose changes are taken out as updates, to be sealed into records. */
export class TrackedDoc {
  readonly doc: Y.Doc;
  /** The state when changes were last taken: the next update is the difference from it. */
  private taken: Uint8Array;
  private changed = false;

  /** `docId` names the Yjs document (without it Yjs draws a random UUID, 31 random draws: an import makes thousands). */
  constructor(docId: string, updates: Iterable<Uint8Array> = []) {
    this.doc = new Y.Doc({ guid: docId });
    for (const u of updates) Y.applyUpdate(this.doc, u);
    this.taken = Y.encodeStateVector(this.doc);
    // Not an 'update' listener: Yjs would encode every transaction for it,
    // and an import makes thousands; the difference is encoded once, when taken.
    this.doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.changed.size > 0 || tr.deleteSet.clients.size > 0) this.changed = true;
    });
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

  /** Whether anything changed since changes were last taken. */
  get hasChanges(): boolean {
    return this.changed;
  }

  /** The changes since the last call, as one update (null when nothing changed). */
  takeUpdate(): Uint8Array | null {
    if (!this.changed) return null;
    const update = Y.encodeStateAsUpdate(this.doc, this.taken);
    this.taken = Y.encodeStateVector(this.doc);
    this.changed = false;
    return update;
  }

  destroy(): void {
    this.doc.destroy();
  }
}
