// One viewer screen: a rendering engine with one or two stack viewports, the
// tools bound to them, and what the overlays show. The React screen calls
// these methods; Cornerstone's events come back through `subscribe`.
import { Enums, RenderingEngine, eventTarget, metaData, utilities as csUtilities } from '@cornerstonejs/core';
import type { Types } from '@cornerstonejs/core';
import { utilities as metadataUtilities } from '@cornerstonejs/metadata';
import {
  AngleTool,
  EllipticalROITool,
  Enums as ToolEnums,
  LengthTool,
  PanTool,
  ProbeTool,
  RectangleROITool,
  StackScrollTool,
  ToolGroupManager,
  WindowLevelTool,
  ZoomTool,
  annotation as annotationApi,
  utilities as toolUtilities,
} from '@cornerstonejs/tools';
import type { VoiWindow } from './presets.ts';
import { describeLoadError } from './load-errors.ts';
import { StackPrefetch } from './prefetch.ts';
import { IMAGE_CACHE_BYTES } from './setup.ts';

const { ViewportType, Events } = Enums;
const { MouseBindings } = ToolEnums;

const ANNOTATION_EVENTS = [
  ToolEnums.Events.ANNOTATION_ADDED,
  ToolEnums.Events.ANNOTATION_COMPLETED,
  ToolEnums.Events.ANNOTATION_MODIFIED,
  ToolEnums.Events.ANNOTATION_REMOVED,
] as const;

/** What a finger (or the left mouse button) does; the toolbar picks one. */
export type PrimaryTool = 'windowLevel' | 'zoom' | 'pan' | 'scroll' | 'length' | 'angle' | 'rectangle' | 'ellipse' | 'probe';

const TOOL_NAMES: Record<PrimaryTool, string> = {
  windowLevel: WindowLevelTool.toolName,
  zoom: ZoomTool.toolName,
  pan: PanTool.toolName,
  scroll: StackScrollTool.toolName,
  length: LengthTool.toolName,
  angle: AngleTool.toolName,
  rectangle: RectangleROITool.toolName,
  ellipse: EllipticalROITool.toolName,
  probe: ProbeTool.toolName,
};

/** The tools that draw measurements (saved with the study; not for the viewer role). */
export const MEASURING_TOOLS: readonly PrimaryTool[] = ['length', 'angle', 'rectangle', 'ellipse', 'probe'];

const MEASUREMENT_TOOLS = [
  LengthTool.toolName,
  AngleTool.toolName,
  RectangleROITool.toolName,
  EllipticalROITool.toolName,
  ProbeTool.toolName,
];

/** How lengths and areas are scaled on the current image. */
export type Calibration =
  /** Pixel Spacing: distances in the patient. */
  | 'patient'
  /** Imager Pixel Spacing only: distances at the detector, magnified against the patient. */
  | 'detector'
  /** Ultrasound regions give the physical scale. */
  | 'ultrasound'
  /** No spacing at all: distances in pixels. */
  | 'none';

/** One of the file's own windows (Window Center/Width with its explanation). */
export interface FileWindow extends VoiWindow {
  name: string;
}

/** What the overlays and the toolbar show for one viewport. */
export interface ViewportState {
  /** The image the stack is at (it may still be loading). */
  imageId: string | null;
  /** The image drawn on the canvas now. */
  renderedImageId: string | null;
  /** 0-based position in the stack. */
  index: number;
  count: number;
  window: VoiWindow | null;
  /** 1 = the image fits the viewport. */
  zoom: number;
  invert: boolean;
  rotation: number;
  flipHorizontal: boolean;
  flipVertical: boolean;
  color: boolean;
  modality: string | null;
  calibration: Calibration | null;
  fileWindows: FileWindow[];
  columns: number | null;
  rows: number | null;
  sliceLocation: number | null;
  /** A readable reason the image could not be shown, or null. */
  error: string | null;
  loading: boolean;
  playing: boolean;
}

/** A viewport before its first image. */
export const EMPTY_STATE: ViewportState = {
  imageId: null,
  renderedImageId: null,
  index: 0,
  count: 0,
  window: null,
  zoom: 1,
  invert: false,
  rotation: 0,
  flipHorizontal: false,
  flipVertical: false,
  color: false,
  modality: null,
  calibration: null,
  fileWindows: [],
  columns: null,
  rows: null,
  sliceLocation: null,
  error: null,
  loading: false,
  playing: false,
};

let viewerCount = 0;

/**
 * The part of the image cache the stacks on screen may fill ahead, shared
 * between the viewports; the rest is left for slices scrolled to outside it
 * and for another series opened before the cache evicts.
 */
const PREFETCH_CACHE_SHARE = 0.75;

/**
 * Performance marks read by the viewer benchmark (bench/): the workspace marks
 * 'kura:viewer-open' when a study is asked for; each Viewer then marks its
 * first image drawn with pixels, and every image drawn after it. Only marks,
 * no measures; the per-image marks are cleared now and then so a long
 * session does not keep thousands of entries.
 */
export const MARK_FIRST_PIXELS = 'kura:viewer-first-pixels';
export const MARK_IMAGE_RENDERED = 'kura:viewer-image-rendered';
const MAX_RENDERED_MARKS = 1000;
let renderedMarks = 0;

function markRendered(): void {
  if (++renderedMarks > MAX_RENDERED_MARKS) {
    performance.clearMarks(MARK_IMAGE_RENDERED);
    renderedMarks = 1;
  }
  performance.mark(MARK_IMAGE_RENDERED);
}

/** One measurement on the current image, as the Image info panel lists it. */
export interface MeasurementSummary {
  uid: string;
  /** 'Length', 'Angle', 'RectangleROI', 'EllipticalROI', 'Probe'. */
  toolName: string;
  /** The measured value in words ("102.3 mm"), empty until it is computed. */
  value: string;
}

function formatStat(value: unknown, digits: number, unit: unknown): string {
  if (typeof value !== 'number' || !Number.isFinite(value)) return '';
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
  return typeof unit === 'string' && unit ? `${text} ${unit}` : text;
}

function summarize(stats: Record<string, unknown> | undefined, toolName: string): string {
  if (!stats) return '';
  switch (toolName) {
    case 'Length':
      return formatStat(stats.length, 2, stats.unit);
    case 'Angle':
      return formatStat(stats.angle, 1, '°').replace(' °', '°');
    case 'Probe':
      return formatStat(stats.value, 2, stats.modalityUnit);
    default: {
      const mean = formatStat(stats.mean, 2, stats.modalityUnit);
      const sd = formatStat(stats.stdDev, 2, null);
      const area = formatStat(stats.area, 2, stats.areaUnit);
      return [mean && `mean ${mean}`, sd && `SD ${sd}`, area && `area ${area}`].filter(Boolean).join(', ');
    }
  }
}

function asArray<T>(value: T | T[] | null | undefined): T[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function toNumber(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : null;
}

export class Viewer {
  readonly #engine: RenderingEngine;
  readonly #toolGroupId: string;
  readonly #elements = new Map<string, HTMLDivElement>();
  readonly #errors = new Map<string, string>();
  readonly #loading = new Set<string>();
  readonly #playing = new Set<string>();
  readonly #listeners = new Set<(viewportId: string) => void>();
  /** Initial zoom of each viewport's image, so "zoom" reads 1 (100 %) when it fits. */
  readonly #fitZoom = new Map<string, number>();
  /** Size of the last image each viewport drew: a stack may mix sizes (a scout, a reformat). */
  readonly #imageSize = new Map<string, string>();
  /** Each viewport's stack, loaded ahead in the background once its first image is shown. */
  readonly #prefetch = new Map<string, StackPrefetch>();
  /** Size in the cache of each prefetching stack's first image, for its share of the cache. */
  readonly #imageBytes = new Map<string, number>();
  #primary: PrimaryTool = 'windowLevel';
  #destroyed = false;
  #firstPixelsMarked = false;
  /** Viewer-role members see measurements but cannot draw, move or delete them. */
  readonly readOnly: boolean;

  constructor({ readOnly = false }: { readOnly?: boolean } = {}) {
    this.readOnly = readOnly;
    viewerCount++;
    this.#engine = new RenderingEngine(`kura-viewer-${viewerCount}`);
    this.#toolGroupId = `kura-tools-${viewerCount}`;
    const group = ToolGroupManager.createToolGroup(this.#toolGroupId);
    if (!group) throw new Error('The viewer tools could not be set up.');
    for (const name of Object.values(TOOL_NAMES)) group.addTool(name);
    // Zoom: the right mouse button, a pinch, and the wheel with Ctrl (trackpad
    // pinch arrives as ctrl+wheel). Pinch also pans, as on every tablet.
    group.setToolConfiguration(ZoomTool.toolName, { pinchToZoom: true, pan: true, minZoomScale: 0.1, maxZoomScale: 40 });
    group.setToolActive(ZoomTool.toolName, { bindings: [{ mouseButton: MouseBindings.Secondary }, { numTouchPoints: 2 }] });
    group.setToolActive(PanTool.toolName, { bindings: [{ mouseButton: MouseBindings.Auxiliary }] });
    // The wheel scrolls; three fingers scroll on a tablet.
    group.setToolActive(StackScrollTool.toolName, { bindings: [{ mouseButton: MouseBindings.Wheel }, { numTouchPoints: 3 }] });
    // Measurements stay visible and editable whichever tool is active. For a
    // read-only member the measuring tools are never made active (nothing new
    // is drawn) and the measurements shown are locked (see MeasurementSync).
    // Passive, not Enabled: Enabled tools did not draw restored measurements.
    for (const name of MEASUREMENT_TOOLS) group.setToolPassive(name);
    this.setPrimaryTool('windowLevel');
    eventTarget.addEventListener(Events.IMAGE_LOAD_ERROR, this.#onLoadError);
    for (const type of ANNOTATION_EVENTS) eventTarget.addEventListener(type, this.#onAnnotationEvent);
  }

  /** A measurement was added, moved, measured or removed: the lists showing it follow. */
  readonly #onAnnotationEvent = () => {
    for (const [id] of this.#elements) this.#notify(id);
  };

  /** Makes `element` a stack viewport. */
  enable(viewportId: string, element: HTMLDivElement): void {
    if (this.#destroyed) return;
    this.#engine.enableElement({
      viewportId,
      type: ViewportType.STACK,
      element,
      defaultOptions: { background: [0, 0, 0] as Types.Point3 },
    });
    ToolGroupManager.getToolGroup(this.#toolGroupId)?.addViewport(viewportId, this.#engine.id);
    this.#elements.set(viewportId, element);
    for (const name of [
      Events.IMAGE_RENDERED,
      Events.STACK_NEW_IMAGE,
      Events.VOI_MODIFIED,
      Events.CAMERA_MODIFIED,
      Events.STACK_VIEWPORT_SCROLL,
    ]) {
      element.addEventListener(name, this.#onViewportEvent);
    }
  }

  disable(viewportId: string): void {
    const element = this.#elements.get(viewportId);
    if (!element || this.#destroyed) return;
    this.stopCine(viewportId);
    this.#prefetch.get(viewportId)?.stop();
    this.#prefetch.delete(viewportId);
    this.#imageBytes.delete(viewportId);
    this.#rebalancePrefetch();
    ToolGroupManager.getToolGroup(this.#toolGroupId)?.removeViewports(this.#engine.id, viewportId);
    this.#engine.disableElement(viewportId);
    this.#elements.delete(viewportId);
    this.#errors.delete(viewportId);
  }

  #viewport(viewportId: string): Types.IStackViewport | null {
    if (this.#destroyed) return null;
    return (this.#engine.getViewport(viewportId) as Types.IStackViewport | undefined) ?? null;
  }

  #viewportIdOf(element: EventTarget | null): string | null {
    for (const [id, el] of this.#elements) if (el === element) return id;
    return null;
  }

  readonly #onViewportEvent = (event: Event) => {
    const id = this.#viewportIdOf(event.currentTarget);
    if (!id) return;
    if (event.type === Events.IMAGE_RENDERED && this.#viewport(id)?.getCornerstoneImage?.()) {
      if (this.#firstPixelsMarked) markRendered();
      else {
        this.#firstPixelsMarked = true;
        performance.mark(MARK_FIRST_PIXELS);
      }
    }
    if (event.type === Events.STACK_NEW_IMAGE) {
      const current = this.#viewport(id)?.getCurrentImageIdIndex();
      if (current !== undefined) this.#prefetch.get(id)?.moveTo(current);
      this.#errors.delete(id);
      this.#loading.delete(id);
      // A stack may mix image sizes (MR_small 64x64 beside a 512x512 slice).
      // Cornerstone's CPU path keeps the previous image's displayed area
      // unless the stack is marked invalid, and would show the new image's
      // top-left corner magnified. This event fires just before that
      // decision (StackViewport._updateToDisplayImageCPU), so the flag is set
      // here; the camera is fitted once the new image is in place.
      const image = (event as CustomEvent<{ image?: { columns: number; rows: number } }>).detail?.image;
      const size = image ? `${image.columns}x${image.rows}` : '';
      const previous = this.#imageSize.get(id);
      this.#imageSize.set(id, size);
      const viewport = this.#viewport(id);
      if (viewport && previous !== undefined && previous !== size) {
        (viewport as unknown as { stackInvalidated: boolean }).stackInvalidated = true;
        queueMicrotask(() => {
          if (this.#destroyed) return;
          viewport.resetCamera();
          this.#fitZoom.set(id, viewport.getZoom());
          viewport.render();
          this.#notify(id);
        });
      }
    }
    this.#notify(id);
  };

  readonly #onLoadError = (event: Event) => {
    const detail = (event as CustomEvent<{ imageId?: string; error?: unknown }>).detail;
    for (const [id] of this.#elements) {
      const viewport = this.#viewport(id);
      // Only the image the viewport is waiting for; a failed prefetch of another slice is not shown.
      if (!viewport || !detail?.imageId || viewport.getCurrentImageId() !== detail.imageId) continue;
      this.#errors.set(id, describeLoadError(detail.error));
      this.#loading.delete(id);
      this.#notify(id);
    }
  };

  #notify(viewportId: string): void {
    for (const listener of this.#listeners) listener(viewportId);
  }

  /** Called after anything a viewport shows has changed. */
  subscribe(listener: (viewportId: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Shows a stack; resolves once the first image is on screen (or its failure is known). */
  async show(viewportId: string, imageIds: string[], index = 0): Promise<void> {
    const viewport = this.#viewport(viewportId);
    if (!viewport) return;
    this.stopCine(viewportId);
    this.#prefetch.get(viewportId)?.stop();
    this.#errors.delete(viewportId);
    this.#loading.add(viewportId);
    this.#notify(viewportId);
    try {
      this.#imageSize.delete(viewportId);
      await viewport.setStack(imageIds, Math.min(Math.max(0, index), imageIds.length - 1));
      if (this.#destroyed) return;
      viewport.resetCamera();
      this.#fitZoom.set(viewportId, viewport.getZoom());
      viewport.render();
      this.#startPrefetch(viewportId, viewport);
    } catch (error) {
      if (this.#destroyed) return;
      this.#errors.set(viewportId, describeLoadError(error));
    } finally {
      this.#loading.delete(viewportId);
      this.#notify(viewportId);
    }
  }

  /** How many images of `bytesPerImage` one stack may prefetch beside the others on screen. */
  #prefetchLimit(bytesPerImage: number): number {
    const stacks = Math.max(1, this.#prefetch.size);
    return Math.floor((PREFETCH_CACHE_SHARE * IMAGE_CACHE_BYTES) / stacks / Math.max(1, bytesPerImage));
  }

  /** The first image is on screen: the rest of the stack loads behind it, nearest slices first. */
  #startPrefetch(viewportId: string, viewport: Types.IStackViewport): void {
    const image = viewport.getCornerstoneImage?.();
    if (!image || this.#destroyed) return;
    let prefetch = this.#prefetch.get(viewportId);
    if (!prefetch) {
      prefetch = new StackPrefetch();
      this.#prefetch.set(viewportId, prefetch);
    }
    this.#imageBytes.set(viewportId, image.sizeInBytes);
    prefetch.start(viewport.getImageIds(), viewport.getCurrentImageIdIndex(), this.#prefetchLimit(image.sizeInBytes));
    this.#rebalancePrefetch();
  }

  /** A stack was added or removed: each one's share of the cache follows. */
  #rebalancePrefetch(): void {
    for (const [id, prefetch] of this.#prefetch) {
      prefetch.setLimit(this.#prefetchLimit(this.#imageBytes.get(id) ?? 0));
    }
  }

  setPrimaryTool(tool: PrimaryTool): void {
    const group = ToolGroupManager.getToolGroup(this.#toolGroupId);
    if (!group || (this.readOnly && MEASURING_TOOLS.includes(tool))) return;
    const previous = TOOL_NAMES[this.#primary];
    const next = TOOL_NAMES[tool];
    if (previous !== next) {
      // Passive keeps the tool's other bindings (the wheel, a pinch) and its drawings.
      group.setToolPassive(previous);
    }
    group.setToolActive(next, { bindings: [{ mouseButton: MouseBindings.Primary }] });
    this.#primary = tool;
  }

  get primaryTool(): PrimaryTool {
    return this.#primary;
  }

  setWindow(viewportId: string, window: VoiWindow): void {
    const viewport = this.#viewport(viewportId);
    if (!viewport) return;
    viewport.setProperties({ voiRange: csUtilities.windowLevel.toLowHighRange(window.width, window.center) });
    viewport.render();
  }

  toggleInvert(viewportId: string): void {
    const viewport = this.#viewport(viewportId);
    if (!viewport) return;
    viewport.setProperties({ invert: !viewport.getProperties().invert });
    viewport.render();
  }

  rotate(viewportId: string, degrees: number): void {
    const viewport = this.#viewport(viewportId);
    if (!viewport) return;
    const rotation = (((viewport.getViewPresentation().rotation ?? 0) + degrees) % 360 + 360) % 360;
    viewport.setViewPresentation({ rotation });
    viewport.render();
  }

  flip(viewportId: string, direction: 'horizontal' | 'vertical'): void {
    const viewport = this.#viewport(viewportId);
    if (!viewport) return;
    const camera = viewport.getCamera();
    viewport.setCamera(
      direction === 'horizontal' ? { flipHorizontal: !camera.flipHorizontal } : { flipVertical: !camera.flipVertical },
    );
    viewport.render();
  }

  zoomBy(viewportId: string, factor: number): void {
    const viewport = this.#viewport(viewportId);
    if (!viewport) return;
    viewport.setZoom(viewport.getZoom() * factor);
    viewport.render();
  }

  /** The whole image in the viewport, centred; window, rotation and flips stay. */
  fit(viewportId: string): void {
    const viewport = this.#viewport(viewportId);
    if (!viewport) return;
    const { rotation } = viewport.getViewPresentation();
    const { flipHorizontal, flipVertical } = viewport.getCamera();
    viewport.resetCamera({ resetPan: true, resetZoom: true, resetToCenter: true });
    viewport.setViewPresentation({ rotation: rotation ?? 0, flipHorizontal: !!flipHorizontal, flipVertical: !!flipVertical });
    // What 100 % means at the viewport's size now.
    this.#fitZoom.set(viewportId, viewport.getZoom());
    viewport.render();
    this.#notify(viewportId);
  }

  /** Everything back as the image was opened: window, invert, rotation, flips, zoom and pan. */
  reset(viewportId: string): void {
    const viewport = this.#viewport(viewportId);
    if (!viewport) return;
    viewport.resetProperties();
    viewport.setViewPresentation({ rotation: 0, flipHorizontal: false, flipVertical: false });
    viewport.resetCamera();
    viewport.render();
  }

  scroll(viewportId: string, delta: number): void {
    const viewport = this.#viewport(viewportId);
    if (!viewport) return;
    // Not debounced: a key press is one deliberate step, and a slice not yet
    // prefetched should start loading now, not 40 ms later (the debounce also
    // kept a held key from loading anything until it was released). The
    // wheel keeps StackScrollTool's debounce for slices not loaded, which
    // helps a fast trackpad burst skip the slices it passes over.
    csUtilities.scroll(viewport, { delta, debounceLoading: false });
  }

  /** Jumps to an image (0-based) of the stack. */
  jump(viewportId: string, index: number): void {
    const viewport = this.#viewport(viewportId);
    if (!viewport) return;
    const count = viewport.getImageIds().length;
    void viewport.setImageIdIndex(Math.min(Math.max(0, index), count - 1));
  }

  playCine(viewportId: string, framesPerSecond: number): void {
    const element = this.#elements.get(viewportId);
    const viewport = this.#viewport(viewportId);
    if (!element || !viewport || viewport.getImageIds().length < 2) return;
    toolUtilities.cine.playClip(element, { framesPerSecond, loop: true });
    this.#playing.add(viewportId);
    this.#notify(viewportId);
  }

  stopCine(viewportId: string): void {
    const element = this.#elements.get(viewportId);
    if (!element || !this.#playing.has(viewportId)) return;
    toolUtilities.cine.stopClip(element);
    this.#playing.delete(viewportId);
    this.#notify(viewportId);
  }

  /** The measurements drawn on one image, in the order they were made. */
  measurementsOn(imageId: string | null): MeasurementSummary[] {
    if (!imageId || this.#destroyed) return [];
    const out: MeasurementSummary[] = [];
    for (const a of annotationApi.state.getAllAnnotations()) {
      const toolName = a.metadata?.toolName ?? '';
      if (a.metadata?.referencedImageId !== imageId || !MEASUREMENT_TOOLS.includes(toolName)) continue;
      const stats = (a.data?.cachedStats ?? {}) as Record<string, Record<string, unknown>>;
      out.push({
        uid: a.annotationUID ?? '',
        toolName,
        value: summarize(stats[`imageId:${imageId}`] ?? Object.values(stats)[0], toolName),
      });
    }
    return out;
  }

  /** Deletes the measurements the user selected (tapped); returns how many. */
  deleteSelected(): number {
    if (this.readOnly || this.#destroyed) return 0;
    const selected = annotationApi.selection.getAnnotationsSelected() ?? [];
    for (const uid of selected) annotationApi.state.removeAnnotation(uid);
    if (selected.length > 0) this.#engine.render();
    return selected.length;
  }

  /** Draws every viewport again (measurements restored into the state). */
  renderAll(): void {
    if (this.#destroyed) return;
    this.#engine.render();
    toolUtilities.triggerAnnotationRenderForViewportIds([...this.#elements.keys()]);
  }

  /**
   * Redraws at the viewports' new size (window resize, a tablet turned, a
   * layout change). An image shown to fit is fitted again: Cornerstone keeps
   * the camera, and the image would be cropped or small at the new size.
   * One the person zoomed or panned keeps its camera.
   */
  resize(): void {
    if (this.#destroyed) return;
    const fitted = [...this.#elements.keys()].filter((id) => {
      const viewport = this.#viewport(id);
      const fit = this.#fitZoom.get(id);
      if (!viewport || fit === undefined || !viewport.getCornerstoneImage?.()) return false;
      const [x, y] = viewport.getPan();
      return Math.abs(viewport.getZoom() / fit - 1) < 1e-3 && Math.hypot(x, y) < 1e-6;
    });
    this.#engine.resize(true, true);
    for (const id of fitted) this.fit(id);
  }

  state(viewportId: string): ViewportState {
    const viewport = this.#viewport(viewportId);
    const base: ViewportState = {
      ...EMPTY_STATE,
      error: this.#errors.get(viewportId) ?? null,
      loading: this.#loading.has(viewportId),
      playing: this.#playing.has(viewportId),
    };
    if (!viewport) return base;
    const imageIds = viewport.getImageIds();
    const imageId = imageIds.length > 0 ? viewport.getCurrentImageId() : null;
    base.imageId = imageId ?? null;
    base.count = imageIds.length;
    base.index = viewport.getCurrentImageIdIndex();
    const image = viewport.getCornerstoneImage?.();
    base.renderedImageId = image?.imageId ?? null;
    if (!imageId || !image || image.imageId !== imageId) return base;
    const properties = viewport.getProperties();
    const range = properties.voiRange;
    if (range) {
      const { windowWidth, windowCenter } = csUtilities.windowLevel.toWindowLevel(range.lower, range.upper);
      base.window = { width: windowWidth, center: windowCenter };
    }
    base.invert = !!properties.invert;
    const presentation = viewport.getViewPresentation();
    base.rotation = presentation.rotation ?? 0;
    const camera = viewport.getCamera();
    base.flipHorizontal = !!camera.flipHorizontal;
    base.flipVertical = !!camera.flipVertical;
    const fitZoom = this.#fitZoom.get(viewportId) ?? 1;
    base.zoom = viewport.getZoom() / fitZoom;
    base.color = !!image.color;
    base.columns = image.columns;
    base.rows = image.rows;
    const series = metaData.get('generalSeriesModule', imageId) as { modality?: string } | undefined;
    base.modality = series?.modality ?? null;
    base.calibration = calibrationOf(imageId);
    base.fileWindows = fileWindowsOf(imageId);
    const plane = metaData.get('imagePlaneModule', imageId) as { sliceLocation?: unknown } | undefined;
    const instance = metaData.get('instance', imageId) as { SliceLocation?: unknown } | undefined;
    base.sliceLocation = instance?.SliceLocation !== undefined ? toNumber(plane?.sliceLocation) : null;
    return base;
  }

  destroy(): void {
    if (this.#destroyed) return;
    for (const id of [...this.#playing]) this.stopCine(id);
    for (const prefetch of this.#prefetch.values()) prefetch.stop();
    this.#prefetch.clear();
    eventTarget.removeEventListener(Events.IMAGE_LOAD_ERROR, this.#onLoadError);
    for (const type of ANNOTATION_EVENTS) eventTarget.removeEventListener(type, this.#onAnnotationEvent);
    for (const [, element] of this.#elements) {
      for (const name of [
        Events.IMAGE_RENDERED,
        Events.STACK_NEW_IMAGE,
        Events.VOI_MODIFIED,
        Events.CAMERA_MODIFIED,
        Events.STACK_VIEWPORT_SCROLL,
      ]) {
        element.removeEventListener(name, this.#onViewportEvent);
      }
    }
    ToolGroupManager.destroyToolGroup(this.#toolGroupId);
    this.#destroyed = true;
    this.#listeners.clear();
    try {
      this.#engine.destroy();
    } catch {
      // Already destroyed by a lock.
    }
  }
}

/** How measurements on this image are scaled (PS3.3 C.7.6.2.1.1, C.8.11.4, C.8.5.5). */
export function calibrationOf(imageId: string): Calibration {
  const instance = metaData.get('instance', imageId) as Record<string, unknown> | undefined;
  if (!instance) return 'none';
  if (asArray(instance.SequenceOfUltrasoundRegions as unknown[]).length > 0) return 'ultrasound';
  const info = metadataUtilities.getPixelSpacingInformation(instance as never) as
    | { PixelSpacing?: unknown; type?: string; isProjection?: boolean }
    | undefined;
  if (!info?.PixelSpacing || asArray(info.PixelSpacing as unknown[]).length === 0) return 'none';
  // Imager Pixel Spacing without a magnification correction measures at the detector.
  if (info.isProjection && info.type === 'Proj') return 'detector';
  return 'patient';
}

/** The windows the file itself proposes, named by their explanation when it has one. */
export function fileWindowsOf(imageId: string): FileWindow[] {
  const voi = metaData.get('voiLutModule', imageId) as
    | { windowCenter?: unknown; windowWidth?: unknown; windowCenterWidthExplanation?: unknown }
    | undefined;
  if (!voi) return [];
  const centers = asArray(voi.windowCenter as unknown[]).map(toNumber);
  const widths = asArray(voi.windowWidth as unknown[]).map(toNumber);
  const names = asArray(voi.windowCenterWidthExplanation as unknown[]).map((n) => (typeof n === 'string' ? n.trim() : ''));
  const out: FileWindow[] = [];
  for (let i = 0; i < Math.min(centers.length, widths.length); i++) {
    const center = centers[i];
    const width = widths[i];
    if (center === null || center === undefined || width === null || width === undefined || width <= 0) continue;
    out.push({ name: names[i] || `File window ${i + 1}`, center, width });
  }
  return out;
}
