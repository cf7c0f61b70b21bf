// Measurements saved with the study. When the viewer opens, the study's saved
// measurements are put back into Cornerstone's annotation state (each on the
// 'kura:' image it was drawn on); while it is open, every completed, moved or
// removed measurement schedules a save of the study's whole set, debounced so
// that dragging a handle is one write, not sixty. The set is saved again at
// once when the viewer closes and before the app locks (flush).
import { eventTarget } from '@cornerstonejs/core';
import { Enums as ToolEnums, annotation as annotationApi } from '@cornerstonejs/tools';
import { annotationStudyId, parseSavedAnnotation, serializeAnnotation } from './annotation-json.ts';
import type { SavableAnnotation } from './annotation-json.ts';

/** Quiet time after the last change before the set is written. */
export const SAVE_DELAY_MS = 500;

export interface MeasurementStorage {
  /** The study's saved measurements now (annotation UID → JSON). */
  read(): Promise<Record<string, string>>;
  /** Replaces the study's saved measurements with this set. */
  save(annotations: Record<string, string>): Promise<void>;
}

const CHANGE_EVENTS = [
  ToolEnums.Events.ANNOTATION_COMPLETED,
  ToolEnums.Events.ANNOTATION_MODIFIED,
  ToolEnums.Events.ANNOTATION_REMOVED,
] as const;

function canonical(map: Record<string, string>): string {
  return JSON.stringify(Object.keys(map).sort().map((k) => [k, map[k]]));
}

export class MeasurementSync {
  readonly #studyId: string;
  readonly #storage: MeasurementStorage;
  readonly #onSaved: (error: unknown) => void;
  /** Saved entries this app cannot show (damaged, or from a newer version): kept as they are. */
  readonly #foreign: Record<string, string> = {};
  /**
   * Every UID this viewer has had in its state. An entry saved by another
   * device after the viewer opened is one it never saw, and is kept when this
   * device writes its set; one it saw and no longer has was removed here.
   */
  readonly #seen = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  #running: Promise<void> = Promise.resolve();
  #dirty = false;
  #listening = false;
  #stopped = false;

  /**
   * `onSaved(null)` after a successful write, `onSaved(error)` after a failed
   * one (the next change, or flush, tries again).
   */
  constructor(studyId: string, storage: MeasurementStorage, onSaved: (error: unknown) => void) {
    this.#studyId = studyId;
    this.#storage = storage;
    this.#onSaved = onSaved;
  }

  /**
   * Puts the saved measurements into Cornerstone's state; returns how many.
   * With `editable`, changes are saved from now on.
   */
  restore(saved: Record<string, string>, editable: boolean): number {
    if (this.#stopped) return 0;
    let restored = 0;
    for (const [uid, json] of Object.entries(saved)) {
      const annotation = parseSavedAnnotation(uid, json, this.#studyId);
      if (!annotation) {
        this.#foreign[uid] = json;
        continue;
      }
      if (annotationApi.state.getAnnotation(uid)) continue;
      // Without an element, the annotation is grouped by its FrameOfReferenceUID,
      // as it was when drawn, and drawn on whichever viewport shows its image.
      annotationApi.state.addAnnotation(annotation as never, undefined as never);
      // Shown, not movable, for members who cannot save.
      if (!editable) annotationApi.locking.setAnnotationLocked(uid, true);
      this.#seen.add(uid);
      restored++;
    }
    if (editable && !this.#listening) {
      for (const type of CHANGE_EVENTS) eventTarget.addEventListener(type, this.#onChange);
      this.#listening = true;
    }
    return restored;
  }

  /** This study's measurements as they are in Cornerstone's state now. */
  #current(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const annotation of annotationApi.state.getAllAnnotations() as SavableAnnotation[]) {
      const json = serializeAnnotation(annotation, this.#studyId);
      if (json && annotation.annotationUID) out[annotation.annotationUID] = json;
    }
    return out;
  }

  readonly #onChange = (event: Event) => {
    const annotation = (event as CustomEvent<{ annotation?: SavableAnnotation }>).detail?.annotation;
    if (!annotation || annotationStudyId(annotation) !== this.#studyId) return;
    if (annotation.annotationUID) this.#seen.add(annotation.annotationUID);
    this.#dirty = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      void this.flush();
    }, SAVE_DELAY_MS);
  };

  /** Writes pending changes now; resolves when they are saved (or failed, already reported). */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (!this.#dirty) return this.#running;
    this.#dirty = false;
    const current = this.#current();
    // Saves run one after another, each with the state at its start.
    this.#running = this.#running.then(() => this.#write(current));
    return this.#running;
  }

  async #write(current: Record<string, string>): Promise<void> {
    try {
      const stored = await this.#storage.read();
      const next: Record<string, string> = { ...this.#foreign };
      for (const [uid, json] of Object.entries(stored)) if (!this.#seen.has(uid)) next[uid] = json;
      Object.assign(next, current);
      // Unchanged (a handle clicked but not moved, statistics recomputed): nothing to write.
      if (canonical(next) !== canonical(stored)) await this.#storage.save(next);
      this.#onSaved(null);
    } catch (error) {
      // Saved again with the next change or flush.
      this.#dirty = true;
      this.#onSaved(error);
    }
  }

  /**
   * Stops listening before the viewer purges Cornerstone's state: removing
   * every annotation on close fires ANNOTATION_REMOVED for each, which must
   * not be saved as the user deleting them all.
   */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#listening) for (const type of CHANGE_EVENTS) eventTarget.removeEventListener(type, this.#onChange);
    this.#listening = false;
  }
}
