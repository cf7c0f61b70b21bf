// Image IDs for instances held in the encrypted local store.
//
//   kura:<studyId>/<sopInstanceUid>            one instance (its first frame)
//   kura:<studyId>/<sopInstanceUid>?frame=<n>  frame n (1-based) of a multi-frame instance
//
// '?frame=' is the form both the DICOM image loader (parseImageId) and the
// metadata providers (BASE_IMAGE_ID, URI_MODULE) already understand, so every
// frame's metadata resolves to the one parsed instance. The '/' keeps
// Cornerstone's imageIdToURI from mistaking the study ID for a second scheme.
// Nothing here reveals patient data: studyId is a random ID, and a SOP
// Instance UID is an identifier the app already shows.

export const KURA_SCHEME = 'kura';

export interface InstanceRef {
  studyId: string;
  sopInstanceUid: string;
}

export function instanceImageId(ref: InstanceRef): string {
  return `${KURA_SCHEME}:${encodeURIComponent(ref.studyId)}/${encodeURIComponent(ref.sopInstanceUid)}`;
}

/** Every image of one instance: one ID per frame when it has several. */
export function frameImageIds(ref: InstanceRef, frames: number | null): string[] {
  const base = instanceImageId(ref);
  const n = frames && frames > 1 ? Math.floor(frames) : 1;
  if (n === 1) return [base];
  return Array.from({ length: n }, (_, i) => `${base}?frame=${i + 1}`);
}

/** The instance an image ID belongs to, or null when it is not one of ours. */
export function parseKuraImageId(imageId: string): (InstanceRef & { baseImageId: string; frame: number | null }) | null {
  const prefix = `${KURA_SCHEME}:`;
  if (!imageId.startsWith(prefix)) return null;
  const query = imageId.indexOf('?');
  const base = query === -1 ? imageId : imageId.slice(0, query);
  const rest = base.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash <= 0) return null;
  let frame: number | null = null;
  if (query !== -1) {
    const match = /(?:^|&)frame=(\d+)/.exec(imageId.slice(query + 1));
    if (match) frame = Number(match[1]);
  }
  return {
    studyId: decodeURIComponent(rest.slice(0, slash)),
    sopInstanceUid: decodeURIComponent(rest.slice(slash + 1)),
    baseImageId: base,
    frame,
  };
}
