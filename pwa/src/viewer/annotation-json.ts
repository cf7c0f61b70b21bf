// Measurements as they are saved with the study: one JSON string per
// annotation UID (the vault merges the map across devices, so each
// measurement travels on its own). The JSON holds what Cornerstone needs to
// put a measurement back on its image — the tool, the image it was drawn on
// (a 'kura:' image ID of this study), the frame of reference that groups it,
// the camera orientation it was drawn in, and its handles — and nothing that
// is recomputed on display (statistics, which depend on the calibration of
// the image) or that only describes the current interaction (highlighted,
// selected, the handle being dragged). Pure: no Cornerstone import, so it is
// unit-tested in Node.
import { parseKuraImageId } from './image-ids.ts';

/** The measuring tools whose drawings are saved (Cornerstone tool names). */
export const SAVED_TOOL_NAMES = ['Length', 'Angle', 'RectangleROI', 'EllipticalROI', 'Probe'] as const;

/** Bumped if the saved shape ever changes, so an older app can skip what it cannot read. */
const FORMAT = 1;

type Point3 = [number, number, number];

/** The part of a Cornerstone annotation this module reads and writes. */
export interface SavableAnnotation {
  annotationUID?: string | undefined;
  metadata: Record<string, unknown> & { toolName: string; referencedImageId?: string; FrameOfReferenceUID?: string };
  data: Record<string, unknown> & {
    handles?: Record<string, unknown> & { points?: unknown };
    label?: string;
    cachedStats?: unknown;
  };
  isLocked?: boolean;
  isVisible?: boolean;
}

/** An annotation ready for annotation.state.addAnnotation. */
export interface RestoredAnnotation extends SavableAnnotation {
  annotationUID: string;
  highlighted: boolean;
  invalidated: boolean;
  isLocked: boolean;
  isVisible: boolean;
}

/** Typed arrays (gl-matrix vectors) become plain arrays; JSON would make them objects. */
function plain(value: unknown, depth = 0): unknown {
  if (depth > 12) return undefined;
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number>);
  }
  if (Array.isArray(value)) return value.map((v) => plain(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'function' || v === undefined) continue;
      out[k] = plain(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}

function isPoint3(value: unknown): value is Point3 {
  return Array.isArray(value) && value.length === 3 && value.every((n) => typeof n === 'number' && Number.isFinite(n));
}

/** The study an annotation was drawn in, or null when it is not on one of our images. */
export function annotationStudyId(annotation: { metadata?: { referencedImageId?: unknown } }): string | null {
  const imageId = annotation.metadata?.referencedImageId;
  if (typeof imageId !== 'string') return null;
  return parseKuraImageId(imageId)?.studyId ?? null;
}

/**
 * The saved form of one measurement of `studyId`, or null when it is not one
 * to save (another study's, an unsaved tool, no handles yet).
 */
export function serializeAnnotation(annotation: SavableAnnotation, studyId: string): string | null {
  const uid = annotation.annotationUID;
  const toolName = annotation.metadata?.toolName;
  if (!uid || !(SAVED_TOOL_NAMES as readonly string[]).includes(toolName)) return null;
  if (annotationStudyId(annotation) !== studyId) return null;
  const points = plain(annotation.data?.handles?.points);
  if (!Array.isArray(points) || points.length === 0 || !points.every(isPoint3)) return null;
  const { cachedStats: _stats, handles, ...data } = annotation.data;
  const { activeHandleIndex: _active, points: _points, ...otherHandles } = handles ?? {};
  const saved = {
    format: FORMAT,
    annotationUID: uid,
    metadata: plain(annotation.metadata),
    data: { ...(plain(data) as object), handles: { ...(plain(otherHandles) as object), points } },
    isLocked: !!annotation.isLocked,
    isVisible: annotation.isVisible !== false,
  };
  return JSON.stringify(saved);
}

/**
 * A saved measurement back in the shape Cornerstone keeps, or null when the
 * JSON is not one this app wrote for `studyId` (a damaged entry, a newer
 * format, another study's image). Statistics are left empty and the
 * annotation marked invalidated, so the tool measures again on display.
 */
export function parseSavedAnnotation(uid: string, json: string, studyId: string): RestoredAnnotation | null {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const saved = value as {
    format?: unknown;
    annotationUID?: unknown;
    metadata?: unknown;
    data?: unknown;
    isLocked?: unknown;
    isVisible?: unknown;
  };
  if (saved.format !== FORMAT || saved.annotationUID !== uid) return null;
  const metadata = saved.metadata as SavableAnnotation['metadata'] | undefined;
  const data = saved.data as SavableAnnotation['data'] | undefined;
  if (!metadata || typeof metadata !== 'object' || !data || typeof data !== 'object') return null;
  if (!(SAVED_TOOL_NAMES as readonly string[]).includes(metadata.toolName)) return null;
  if (annotationStudyId({ metadata }) !== studyId) return null;
  const points = data.handles?.points;
  if (!Array.isArray(points) || points.length === 0 || !points.every(isPoint3)) return null;
  return {
    annotationUID: uid,
    metadata,
    data: { ...data, handles: { ...data.handles, points, activeHandleIndex: null }, cachedStats: {} },
    highlighted: false,
    invalidated: true,
    isLocked: saved.isLocked === true,
    isVisible: saved.isVisible !== false,
  };
}
