// The study viewer, full screen: series thumbnails, one or two viewports, the
// toolbar, overlays. Everything decoded lives in Cornerstone's caches only
// while this screen is open: closing it (or the lock, which unmounts the
// workspace) destroys the rendering engines and purges every cache.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent as ReactKeyboardEvent } from 'react';
import {
  CT_PRESETS,
  EMPTY_VIEWPORT_STATE,
  MEASURING_TOOLS,
  documentItems,
  MeasurementSync,
  Viewer,
  frameImageIds,
  pixelStats,
  purgeViewer,
  startViewer,
  viewerMemory,
} from '../../viewer/index.ts';
import type {
  Calibration,
  MeasurementSummary,
  PixelStats,
  PrimaryTool,
  ViewerMemory,
  ViewportState,
  VoiWindow,
  DocumentItem,
} from '../../viewer/index.ts';
import type { StudyDetails } from '../../vault/vault-api.ts';
import { ErrorText } from '../common/controls.tsx';
import { describeFailure } from '../errors.ts';
import type { Failure } from '../errors.ts';
import { formatBytes, formatDicomDate, formatPersonName, plural } from '../format.ts';
import { useVault } from '../vault-context.tsx';
import { DocumentPane } from './document-pane.tsx';
import type { DocumentReaders } from './document-pane.tsx';
import { setViewerBeforeLock } from './open-viewer.tsx';
import { SeriesThumbnail } from './series-thumbnail.tsx';
import './viewer.css';

const VIEWPORT_IDS = ['viewport-1', 'viewport-2'] as const;

interface SeriesItem {
  key: string;
  number: number | null;
  modality: string;
  description: string;
  imageIds: string[];
  /** Instance Number of each image (frames of one instance share it). */
  instanceNumbers: (number | null)[];
  /** Frame number (1-based) of each image within its instance, null for single-frame. */
  frameNumbers: (number | null)[];
  /** The file each image came from, as imported. */
  fileNames: string[];
}

function seriesItems(details: StudyDetails): SeriesItem[] {
  return details.series.map((s, i) => {
    const imageIds: string[] = [];
    const instanceNumbers: (number | null)[] = [];
    const frameNumbers: (number | null)[] = [];
    const fileNames: string[] = [];
    // Reports, PDFs, plans and presentation states have no rows and columns: nothing to draw.
    for (const instance of s.instances.filter((x) => x.rows !== null && x.columns !== null)) {
      const ids = frameImageIds({ studyId: details.entry.studyId, sopInstanceUid: instance.sopInstanceUid }, instance.frames);
      ids.forEach((id, f) => {
        imageIds.push(id);
        instanceNumbers.push(instance.instanceNumber);
        frameNumbers.push(ids.length > 1 ? f + 1 : null);
        fileNames.push(instance.fileName);
      });
    }
    return {
      key: s.seriesInstanceUid ?? `series-${i}`,
      number: s.seriesNumber,
      modality: s.modality ?? '',
      description: s.description ?? '',
      imageIds,
      instanceNumbers,
      frameNumbers,
      fileNames,
    };
  });
}

const TOOLS: { id: PrimaryTool; label: string; name: string }[] = [
  { id: 'windowLevel', label: 'W/L', name: 'Window/level' },
  { id: 'scroll', label: 'Scroll', name: 'Scroll' },
  { id: 'zoom', label: 'Zoom', name: 'Zoom' },
  { id: 'pan', label: 'Pan', name: 'Pan' },
  { id: 'length', label: 'Length', name: 'Length' },
  { id: 'angle', label: 'Angle', name: 'Angle' },
  { id: 'rectangle', label: 'Rect', name: 'Rectangle ROI' },
  { id: 'ellipse', label: 'Ellipse', name: 'Ellipse ROI' },
  { id: 'probe', label: 'Probe', name: 'Probe' },
];

const MEASUREMENT_NAMES: Record<string, string> = {
  Length: 'Length',
  Angle: 'Angle',
  RectangleROI: 'Rectangle',
  EllipticalROI: 'Ellipse',
  Probe: 'Probe',
};

const CALIBRATION_NOTES: Record<Calibration, string | null> = {
  patient: null,
  detector: 'Calibrated at the detector (Imager Pixel Spacing): lengths are magnified',
  ultrasound: null,
  none: 'Not calibrated: lengths in pixels',
};

function formatNumber(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

function formatWindow(window: VoiWindow | null): string {
  if (!window) return '—';
  return `W ${formatNumber(window.width)} L ${formatNumber(window.center)}`;
}

// Until the viewer module has loaded and reported, a viewport is loading.
const EMPTY: ViewportState = { ...EMPTY_VIEWPORT_STATE, loading: true };

export function ViewerScreen({
  studyId,
  readOnly = false,
  onClose,
  onLock,
}: {
  studyId: string;
  /** Viewer-role members: measurements are shown, not drawn or saved. */
  readOnly?: boolean;
  onClose(): void;
  /** Locks the app (the workspace's lock: measurements are saved first). */
  onLock?(): void;
}) {
  const { vault, fail } = useVault();
  /** The study's saved measurements, once read. */
  const [saved, setSaved] = useState<Record<string, string> | null>(null);
  const [sync, setSync] = useState<MeasurementSync | null>(null);
  /** Why the last save of the measurements failed, or null. */
  const [saveError, setSaveError] = useState<string | null>(null);
  /** What the viewer held when this screen started it: nothing, after a close or a lock. */
  const [memoryAtOpen, setMemoryAtOpen] = useState<ViewerMemory | null>(null);
  /** The first viewport's first image is shown (or failed): saved measurements go on after it. */
  const [firstShown, setFirstShown] = useState(false);
  const [details, setDetails] = useState<StudyDetails | null>(null);
  const [failure, setFailure] = useState<Failure | null>(null);
  const [viewer, setViewer] = useState<Viewer | null>(null);
  const [layout, setLayout] = useState<1 | 2>(1);
  const [active, setActive] = useState(0);
  /** Which series each viewport shows (index into `series`). */
  const [shown, setShown] = useState<[number, number]>([0, 1]);
  const [states, setStates] = useState<[ViewportState, ViewportState]>([EMPTY, EMPTY]);
  const [tool, setTool] = useState<PrimaryTool>('windowLevel');
  const [overlays, setOverlays] = useState(true);
  const [showInfo, setShowInfo] = useState(false);
  const [framesPerSecond, setFramesPerSecond] = useState(15);
  const element1 = useRef<HTMLDivElement>(null);
  const element2 = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const failRef = useRef(fail);
  failRef.current = fail;

  const series = useMemo(() => (details ? seriesItems(details).filter((s) => s.imageIds.length > 0) : []), [details]);
  /** PDFs, photos, reports and notes: shown in place of a viewport's images. */
  const documents = useMemo(() => (details ? documentItems(details) : []), [details]);
  /** The document each viewport shows instead of its series (a key of `documents`), or null. */
  const [documentShown, setDocumentShown] = useState<[string | null, string | null]>([null, null]);
  const readDocument = useMemo<DocumentReaders>(
    () => ({
      instance: (sop) => vault.readInstanceBytes(studyId, sop),
      file: (documentId, fileIndex) => vault.readDocumentFile(studyId, documentId, fileIndex),
    }),
    [vault, studyId],
  );

  // A study of documents alone opens on its first one.
  useEffect(() => {
    if (details && series.length === 0 && documents[0]) setDocumentShown([documents[0].key, null]);
  }, [details, series, documents]);

  // The study's series and instances (no pixels yet).
  useEffect(() => {
    let cancelled = false;
    vault.study(studyId).then(
      (answer) => {
        if (cancelled) return;
        if (answer) setDetails(answer);
        else setFailure({ code: null, message: 'This study is no longer in the archive.' });
      },
      (e: unknown) => {
        if (!cancelled) setFailure(failRef.current(e));
      },
    );
    return () => {
      cancelled = true;
    };
  }, [vault, studyId]);

  // The study's saved measurements, read beside the study itself.
  useEffect(() => {
    let cancelled = false;
    vault.readAnnotations(studyId).then(
      (answer) => {
        if (!cancelled) setSaved(answer);
      },
      (e: unknown) => {
        // The images still open; nothing is saved over measurements that could not be read.
        if (!cancelled) setSaveError(`Saved measurements could not be read: ${failRef.current(e).message}`);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [vault, studyId]);

  // Cornerstone, the loader pointed at the vault, the first viewport, and the measurements' saving.
  useEffect(() => {
    const element = element1.current;
    if (!element) return;
    let cancelled = false;
    let created: Viewer | null = null;
    let measurements: MeasurementSync | null = null;
    startViewer(async (study, sopInstanceUid) => {
      try {
        return await vault.readInstanceBytes(study, sopInstanceUid);
      } catch (e) {
        // A lost session locks the app; the viewport says why it is empty.
        throw new Error(failRef.current(e).message);
      }
    }).then(
      () => {
        if (cancelled) return;
        setMemoryAtOpen(viewerMemory());
        created = new Viewer({ readOnly });
        created.enable(VIEWPORT_IDS[0], element);
        measurements = new MeasurementSync(
          studyId,
          {
            read: () => vault.readAnnotations(studyId),
            save: (annotations) => vault.saveAnnotations(studyId, annotations),
          },
          (error) => setSaveError(error ? `Measurements not saved: ${failRef.current(error).message}` : null),
        );
        const flush = measurements.flush.bind(measurements);
        setViewerBeforeLock(flush);
        setViewer(created);
        setSync(measurements);
      },
      (e: unknown) => {
        if (!cancelled) setFailure(describeFailure(e));
      },
    );
    return () => {
      cancelled = true;
      setViewerBeforeLock(null);
      // Closing saves what is pending; listening stops before the purge
      // removes every measurement from Cornerstone's state.
      void measurements?.flush();
      measurements?.stop();
      created?.destroy();
      purgeViewer();
    };
  }, [vault, studyId, readOnly]);

  // Saved measurements back on their images, once they are read and the
  // first image is on screen (added before it, a measurement on that very
  // image was at times not drawn until the stack moved).
  useEffect(() => {
    if (!viewer || !sync || !saved || !firstShown) return;
    if (sync.restore(saved, !readOnly) > 0) viewer.renderAll();
  }, [viewer, sync, saved, readOnly, firstShown]);

  // Overlays follow Cornerstone's events, at most once per frame.
  useEffect(() => {
    if (!viewer) return;
    let frame = 0;
    const update = () => {
      frame = 0;
      setStates([viewer.state(VIEWPORT_IDS[0]), viewer.state(VIEWPORT_IDS[1])]);
    };
    const unsubscribe = viewer.subscribe(() => {
      if (!frame) frame = requestAnimationFrame(update);
    });
    update();
    return () => {
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [viewer]);

  // The first series in the first viewport once both the viewer and the study are there.
  useEffect(() => {
    if (!viewer || series.length === 0) return;
    void viewer.show(VIEWPORT_IDS[0], series[shown[0]]?.imageIds ?? series[0]!.imageIds).then(() => setFirstShown(true));
    // Only when the viewer or the study arrives; later changes go through showSeries.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [viewer, series]);

  // The second viewport exists only in the 1x2 layout.
  useEffect(() => {
    if (!viewer) return;
    if (layout === 2 && element2.current) {
      viewer.enable(VIEWPORT_IDS[1], element2.current);
      const index = Math.min(shown[1], series.length - 1);
      viewer.resize();
      if (series[index]) void viewer.show(VIEWPORT_IDS[1], series[index].imageIds);
    } else {
      viewer.disable(VIEWPORT_IDS[1]);
      setActive(0);
    }
    viewer.resize();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [viewer, layout]);

  // The canvases follow the screen (rotation of a tablet, window resize).
  useEffect(() => {
    if (!viewer || !root.current) return;
    const observer = new ResizeObserver(() => viewer.resize());
    for (const el of [element1.current, element2.current]) if (el) observer.observe(el);
    return () => observer.disconnect();
  }, [viewer, layout]);

  const activeId = VIEWPORT_IDS[active] ?? VIEWPORT_IDS[0];
  const activeState = states[active] ?? EMPTY;

  function showSeries(index: number) {
    if (!viewer || !series[index]) return;
    setDocumentShown((d) => (active === 0 ? [null, d[1]] : [d[0], null]));
    setShown((s) => (active === 0 ? [index, s[1]] : [s[0], index]));
    void viewer.show(activeId, series[index].imageIds);
  }

  function showDocument(key: string) {
    // A playing stack under the document would keep decoding for nothing.
    if (viewer && activeState.playing) viewer.stopCine(activeId);
    setDocumentShown((d) => (active === 0 ? [key, d[1]] : [d[0], key]));
  }

  function chooseTool(next: PrimaryTool) {
    if (readOnly && MEASURING_TOOLS.includes(next)) return;
    viewer?.setPrimaryTool(next);
    setTool(next);
  }

  const scrollBy = useCallback(
    (delta: number) => {
      viewer?.scroll(activeId, delta);
    },
    [viewer, activeId],
  );

  function onKeyDown(e: ReactKeyboardEvent<HTMLDivElement>) {
    const target = e.target as HTMLElement;
    if (e.key === 'Escape' && target.closest('.viewer-document')) {
      onClose();
      e.preventDefault();
      return;
    }
    // Keys in a document scroll the document, not the stack behind it.
    if (target.closest('input, select, textarea, .viewer-document')) return;
    const count = activeState.count;
    const page = Math.max(1, Math.round(count / 10));
    switch (e.key) {
      case 'ArrowUp':
      case 'ArrowLeft':
        scrollBy(-1);
        break;
      case 'ArrowDown':
      case 'ArrowRight':
        scrollBy(1);
        break;
      case 'PageUp':
        scrollBy(-page);
        break;
      case 'PageDown':
        scrollBy(page);
        break;
      case 'Home':
        viewer?.jump(activeId, 0);
        break;
      case 'End':
        viewer?.jump(activeId, count - 1);
        break;
      case 'Escape':
        onClose();
        break;
      case 'Delete':
      case 'Backspace':
        if (!viewer || viewer.deleteSelected() === 0) return;
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  function toggleCine() {
    if (!viewer) return;
    if (activeState.playing) viewer.stopCine(activeId);
    else viewer.playCine(activeId, framesPerSecond);
  }

  function changeFramesPerSecond(next: number) {
    setFramesPerSecond(next);
    if (viewer && activeState.playing) {
      viewer.stopCine(activeId);
      viewer.playCine(activeId, next);
    }
  }

  const entry = details?.entry;
  const name = entry ? formatPersonName(entry.patientName) : { primary: '', secondary: '' };
  const activeSeries = series[shown[active] ?? 0];
  const isCT = activeState.modality === 'CT' || (!activeState.modality && activeSeries?.modality === 'CT');
  const multi = activeState.count > 1;

  return (
    <div className="viewer" ref={root} onKeyDown={onKeyDown} role="region" aria-label="Image viewer">
      <header className="viewer-bar">
        <button type="button" className="viewer-button viewer-back" onClick={onClose}>
          ← Back
        </button>
        <div className="viewer-title">
          {entry ? (
            <>
              <strong>{name.primary || 'Unnamed patient'}</strong>
              <span>{entry.patientNumber}</span>
              <span>{formatDicomDate(entry.studyDate)}</span>
              <span className="viewer-title-description">{entry.description}</span>
            </>
          ) : (
            <span>Opening…</span>
          )}
        </div>
        <div className="viewer-group" role="group" aria-label="Layout">
          <button
            type="button"
            className="viewer-button"
            aria-pressed={layout === 1}
            aria-label="One viewport"
            onClick={() => setLayout(1)}
          >
            1×1
          </button>
          <button
            type="button"
            className="viewer-button"
            aria-pressed={layout === 2}
            aria-label="Two viewports"
            onClick={() => setLayout(2)}
          >
            1×2
          </button>
        </div>
        <button type="button" className="viewer-button" aria-pressed={overlays} onClick={() => setOverlays((o) => !o)}>
          Overlays
        </button>
        <button type="button" className="viewer-button" aria-pressed={showInfo} onClick={() => setShowInfo((o) => !o)}>
          Image info
        </button>
        {onLock && (
          // The workspace's own Lock button is hidden under the full-screen viewer.
          <button type="button" className="viewer-button" onClick={onLock}>
            Lock
          </button>
        )}
      </header>

      {/* Image tools mean nothing over a report or a PDF: shown only while the active viewport shows images. */}
      {documentShown[active] === null && (
        <div className="viewer-toolbar" role="toolbar" aria-label="Viewer tools">
          <div className="viewer-group" role="group" aria-label="Finger and mouse tool">
            {TOOLS.map((t) => {
              const locked = readOnly && MEASURING_TOOLS.includes(t.id);
              return (
                <button
                  key={t.id}
                  type="button"
                  className="viewer-button"
                  aria-label={t.name}
                  aria-pressed={tool === t.id}
                  disabled={locked}
                  title={locked ? 'Your role can view measurements, not draw them' : undefined}
                  onClick={() => chooseTool(t.id)}
                >
                  {t.label}
                </button>
              );
            })}
            {!readOnly && (
              <button
                type="button"
                className="viewer-button"
                title="Deletes the measurements you tapped (selected)"
                onClick={() => viewer?.deleteSelected()}
              >
                Delete
              </button>
            )}
          </div>
          <div className="viewer-group" role="group" aria-label="View">
            <button type="button" className="viewer-button" onClick={() => viewer?.zoomBy(activeId, 1.25)} aria-label="Zoom in">
              +
            </button>
            <button type="button" className="viewer-button" onClick={() => viewer?.zoomBy(activeId, 0.8)} aria-label="Zoom out">
              −
            </button>
            <button type="button" className="viewer-button" onClick={() => viewer?.fit(activeId)}>
              Fit
            </button>
            <button type="button" className="viewer-button" aria-pressed={activeState.invert} onClick={() => viewer?.toggleInvert(activeId)}>
              Invert
            </button>
            <button type="button" className="viewer-button" aria-label="Rotate right" onClick={() => viewer?.rotate(activeId, 90)}>
              ⟳
            </button>
            <button
              type="button"
              className="viewer-button"
              aria-label="Flip horizontal"
              aria-pressed={activeState.flipHorizontal}
              onClick={() => viewer?.flip(activeId, 'horizontal')}
            >
              ⇋
            </button>
            <button
              type="button"
              className="viewer-button"
              aria-label="Flip vertical"
              aria-pressed={activeState.flipVertical}
              onClick={() => viewer?.flip(activeId, 'vertical')}
            >
              ⇵
            </button>
            <button type="button" className="viewer-button" onClick={() => viewer?.reset(activeId)}>
              Reset
            </button>
          </div>
        </div>
      )}

      {documentShown[active] === null && (
        <div className="viewer-toolbar" role="toolbar" aria-label="Window presets and cine">
          <div className="viewer-group viewer-presets" role="group" aria-label="Window presets">
            {isCT &&
              CT_PRESETS.map((p) => (
                <button
                  key={p.id}
                  type="button"
                  className="viewer-button"
                  title={`W ${p.width} L ${p.center}`}
                  onClick={() => viewer?.setWindow(activeId, p)}
                >
                  {p.name}
                </button>
              ))}
            {activeState.fileWindows.map((w, i) => (
              <button
                key={`file-${i}`}
                type="button"
                className="viewer-button"
                title={`W ${formatNumber(w.width)} L ${formatNumber(w.center)} (from the file)`}
                onClick={() => viewer?.setWindow(activeId, w)}
              >
                {w.name}
              </button>
            ))}
          </div>
          <div className="viewer-group viewer-cine" role="group" aria-label="Cine">
            <button type="button" className="viewer-button" disabled={!multi} aria-pressed={activeState.playing} onClick={toggleCine}>
              {activeState.playing ? 'Stop' : 'Play'}
            </button>
            <label className="viewer-fps">
              <span>Frames per second</span>
              <input
                type="range"
                min={1}
                max={60}
                value={framesPerSecond}
                disabled={!multi}
                onChange={(e) => changeFramesPerSecond(Number(e.currentTarget.value))}
              />
              <output>{framesPerSecond}</output>
            </label>
          </div>
        </div>
      )}

      <div className="viewer-body">
        <div className="viewer-series">
        <nav className="viewer-strip" aria-label="Series">
          {series.map((s, i) => (
            <button
              key={s.key}
              type="button"
              className="viewer-series-item"
              aria-pressed={documentShown[active] === null && shown[active] === i}
              aria-label={`Series ${s.number ?? i + 1}${s.description ? `: ${s.description}` : ''}, ${plural(s.imageIds.length, 'image')}`}
              onClick={() => showSeries(i)}
            >
              {viewer && <SeriesThumbnail imageId={s.imageIds[Math.floor(s.imageIds.length / 2)]!} />}
              <span className="viewer-series-label">
                {s.modality} {s.number ?? ''} · {s.imageIds.length}
              </span>
            </button>
          ))}
        </nav>
        {documents.length > 0 && (
          <nav className="viewer-strip" aria-label="Documents">
            {documents.map((d) => (
              <button
                key={d.key}
                type="button"
                className="viewer-series-item viewer-document-item"
                aria-pressed={documentShown[active] === d.key}
                aria-label={`${d.label}: ${d.title}`}
                title={d.title}
                onClick={() => showDocument(d.key)}
              >
                <DocumentIcon label={d.label} />
                <span className="viewer-series-label viewer-document-label">{d.title}</span>
              </button>
            ))}
          </nav>
        )}
        </div>
        <div className={`viewer-grid viewer-grid-${layout}`}>
          {[element1, element2].slice(0, layout).map((ref, i) => {
            const state = states[i] ?? EMPTY;
            const s = series[shown[i] ?? 0];
            const document: DocumentItem | undefined = documents.find((d) => d.key === documentShown[i]);
            return (
              <div
                key={VIEWPORT_IDS[i]}
                className="viewer-cell"
                data-active={layout > 1 && active === i ? 'true' : undefined}
                onPointerDown={() => setActive(i)}
              >
                <div
                  ref={ref}
                  className="viewer-viewport"
                  data-viewport={VIEWPORT_IDS[i]}
                  // Keys scroll the stack; a tap focuses it without scrolling the page.
                  tabIndex={0}
                  aria-label={`Viewport ${i + 1}`}
                  onContextMenu={(e) => e.preventDefault()}
                />
                {document && <DocumentPane item={document} read={readDocument} />}
                {!document && overlays && entry && state.count > 0 && (
                  <Overlay
                    state={state}
                    patientName={name.primary}
                    patientNumber={entry.patientNumber}
                    studyDate={formatDicomDate(entry.studyDate)}
                    series={s}
                  />
                )}
                {!document && state.error && (
                  <div className="viewer-message" role="alert">
                    {state.error}
                  </div>
                )}
                {!document && !state.error && state.loading && series.length > 0 && <div className="viewer-message viewer-loading">Loading…</div>}
                {!document && showInfo && i === active && (
                  <ImageInfo
                    state={state}
                    fileName={s?.fileNames[state.index] ?? null}
                    measurements={viewer?.measurementsOn(state.renderedImageId) ?? []}
                    memoryAtOpen={memoryAtOpen}
                  />
                )}
              </div>
            );
          })}
        </div>
      </div>
      {saveError && (
        <div className="viewer-save-error" role="alert">
          {saveError}
        </div>
      )}
      {failure && (
        <div className="viewer-failure">
          <ErrorText failure={failure} />
        </div>
      )}
      {details && series.length === 0 && documents.length === 0 && (
        <p className="viewer-failure">This study has no images or documents to view.</p>
      )}
    </div>
  );
}

/** A page with its kind on it, where a series shows its middle image. */
function DocumentIcon({ label }: { label: string }) {
  return (
    <span className="viewer-thumb viewer-document-icon" aria-hidden="true">
      <svg viewBox="0 0 48 60" width="48" height="60">
        <path d="M4 2h28l12 12v44H4z" fill="#e6eef0" />
        <path d="M32 2v12h12" fill="#9db0b6" />
        <path d="M10 24h28M10 31h28M10 38h20" stroke="#9db0b6" strokeWidth="2" />
      </svg>
      <span className="viewer-document-kind">{label}</span>
    </span>
  );
}

function Overlay({
  state,
  patientName,
  patientNumber,
  studyDate,
  series,
}: {
  state: ViewportState;
  patientName: string;
  patientNumber: string;
  studyDate: string;
  series: SeriesItem | undefined;
}) {
  const instanceNumber = series?.instanceNumbers[state.index];
  const frameNumber = series?.frameNumbers[state.index];
  const note = state.calibration ? CALIBRATION_NOTES[state.calibration] : null;
  return (
    <div className="viewer-overlay" data-testid="viewer-overlay">
      <div className="viewer-overlay-tl">
        <div>{patientName || 'Unnamed patient'}</div>
        <div>{patientNumber}</div>
        <div>{studyDate}</div>
      </div>
      <div className="viewer-overlay-tr">
        <div>
          Se {series?.number ?? '—'}
          {series?.description ? ` ${series.description}` : ''}
        </div>
        <div data-testid="overlay-image">
          Im {state.index + 1}/{state.count}
          {instanceNumber !== null && instanceNumber !== undefined ? ` (#${instanceNumber}` : ''}
          {frameNumber ? ` fr ${frameNumber}` : ''}
          {instanceNumber !== null && instanceNumber !== undefined ? ')' : ''}
        </div>
        {state.sliceLocation !== null && <div>Loc {formatNumber(state.sliceLocation, 1)} mm</div>}
      </div>
      <div className="viewer-overlay-bl">
        {!state.color && <div data-testid="overlay-window">{formatWindow(state.window)}</div>}
        <div data-testid="overlay-zoom">Zoom {formatNumber(state.zoom * 100)}%</div>
      </div>
      <div className="viewer-overlay-br">
        {state.invert && <div>Inverted</div>}
        {state.rotation !== 0 && <div>Rotated {state.rotation}°</div>}
        {(state.flipHorizontal || state.flipVertical) && (
          <div>Flipped {[state.flipHorizontal && 'H', state.flipVertical && 'V'].filter(Boolean).join('+')}</div>
        )}
        {note && <div className="viewer-overlay-note">{note}</div>}
        {state.columns !== null && (
          <div>
            {state.columns}×{state.rows}
          </div>
        )}
      </div>
    </div>
  );
}

/** The current image's file and stored values (see pwa/src/viewer/pixel-stats.ts). */
function ImageInfo({
  state,
  fileName,
  measurements,
  memoryAtOpen,
}: {
  state: ViewportState;
  fileName: string | null;
  measurements: MeasurementSummary[];
  memoryAtOpen: ViewerMemory | null;
}) {
  // Read at every render: the panel re-renders with each viewport change.
  const memory = viewerMemory();
  const [stats, setStats] = useState<PixelStats | null>(null);
  const [pending, setPending] = useState(false);
  useEffect(() => {
    let cancelled = false;
    setStats(null);
    if (!state.renderedImageId) return;
    setPending(true);
    pixelStats(state.renderedImageId)
      .then(
        (next) => !cancelled && setStats(next),
        () => !cancelled && setStats(null),
      )
      .finally(() => !cancelled && setPending(false));
    return () => {
      cancelled = true;
    };
  }, [state.renderedImageId]);
  const label = stats?.method === 'palette' ? 'Palette indices' : stats?.method === 'ybr' ? 'YCbCr values' : 'Stored values';
  return (
    <section className="viewer-info" aria-label="Image information">
      <dl>
        <div>
          <dt>File</dt>
          <dd data-testid="info-file">{fileName ?? '—'}</dd>
        </div>
        <div>
          <dt>Size</dt>
          <dd>{state.columns !== null ? `${state.columns} × ${state.rows}` : '—'}</dd>
        </div>
        <div>
          <dt>Modality</dt>
          <dd>{state.modality ?? '—'}</dd>
        </div>
        <div>
          <dt>{label}</dt>
          <dd
            data-testid="pixel-stats"
            data-image={state.renderedImageId ?? undefined}
            data-min={stats?.min}
            data-max={stats?.max}
            data-mean={stats?.mean}
            data-method={stats?.method}
          >
            {stats
              ? `min ${formatNumber(stats.min, 2)} · max ${formatNumber(stats.max, 2)} · mean ${formatNumber(stats.mean, 2)}`
              : pending
                ? '…'
                : '—'}
          </dd>
        </div>
        <div>
          <dt>Calibration</dt>
          <dd>
            {state.calibration === 'patient'
              ? 'Pixel Spacing'
              : state.calibration === 'ultrasound'
                ? 'Ultrasound regions'
                : state.calibration
                  ? CALIBRATION_NOTES[state.calibration]
                  : '—'}
          </dd>
        </div>
        <div>
          <dt>Measurements</dt>
          <dd data-testid="info-measurements" data-count={measurements.length}>
            {measurements.length === 0
              ? 'None on this image'
              : measurements.map((m) => (
                  <span key={m.uid} className="viewer-info-measurement">
                    {MEASUREMENT_NAMES[m.toolName] ?? m.toolName}
                    {m.value ? ` ${m.value}` : ''}
                  </span>
                ))}
          </dd>
        </div>
        <div>
          <dt>In memory</dt>
          <dd
            data-testid="info-memory"
            data-image-bytes={memory.imageBytes}
            data-instances={memory.instances}
            data-at-open-image-bytes={memoryAtOpen?.imageBytes}
            data-at-open-instances={memoryAtOpen?.instances}
            data-at-open-annotations={memoryAtOpen?.annotations}
          >
            {formatBytes(memory.imageBytes)} decoded, {plural(memory.instances, 'file')} parsed
            {memoryAtOpen
              ? ` (when opened: ${formatBytes(memoryAtOpen.imageBytes)}, ${plural(memoryAtOpen.instances, 'file')}, ${plural(memoryAtOpen.annotations, 'measurement')})`
              : ''}
          </dd>
        </div>
      </dl>
    </section>
  );
}
