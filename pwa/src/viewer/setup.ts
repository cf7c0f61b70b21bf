// Cornerstone3D, started once per page and torn down at every lock.
import {
  Enums,
  cache,
  getRenderingEngines,
  getRenderingCapabilities,
  imageLoadPoolManager,
  init as initCore,
  isCornerstoneInitialized,
  setUseCPURendering,
} from '@cornerstonejs/core';
import { init as initImageLoader } from '@cornerstonejs/dicom-image-loader';
import {
  AngleTool,
  EllipticalROITool,
  LengthTool,
  PanTool,
  ProbeTool,
  RectangleROITool,
  StackScrollTool,
  WindowLevelTool,
  ZoomTool,
  addTool,
  annotation,
  init as initTools,
} from '@cornerstonejs/tools';
import { parsedInstanceCount, purgeParsedInstances, registerKuraLoader, setInstanceReader } from './kura-loader.ts';
import type { InstanceReader } from './kura-loader.ts';
import { PREFETCH_IN_FLIGHT, clearAllPrefetch } from './prefetch.ts';

/**
 * Decoded images kept for scrolling back and forth. A tablet has 3-4 GB for
 * everything; 256 MB holds ~500 slices of 512x512 CT (16-bit) and the least
 * recently used are dropped first.
 */
export const IMAGE_CACHE_BYTES = 256 * 1024 * 1024;

export type RenderPath = 'gpu' | 'cpu';

let started: Promise<RenderPath> | null = null;
let renderPath: RenderPath = 'gpu';

/**
 * WebGL through a software rasterizer (SwiftShader, llvmpipe: headless
 * browsers, GPU-less virtual machines) is slower than Cornerstone's own CPU
 * path for 2D stacks and may fail outright on 16-bit textures; a real GPU is
 * used whenever there is one.
 */
function chooseRenderPath(): RenderPath {
  const capabilities = getRenderingCapabilities();
  return capabilities.webgl && !capabilities.softwareRasterizer ? 'gpu' : 'cpu';
}

async function start(): Promise<RenderPath> {
  renderPath = chooseRenderPath();
  if (!isCornerstoneInitialized()) {
    initCore({
      // Touch devices get one WebGL context instead of seven.
      isMobile: navigator.maxTouchPoints > 0,
      rendering: { useCPURendering: renderPath === 'cpu' },
      debug: { statsOverlay: false },
    });
  }
  setUseCPURendering(renderPath === 'cpu', false);
  // Two cores are common on clinic tablets; leave one for the page and the vault worker.
  initImageLoader({ maxWebWorkers: Math.max(1, Math.min(4, (navigator.hardwareConcurrency || 2) - 1)) });
  registerKuraLoader();
  initTools();
  for (const tool of [
    WindowLevelTool,
    ZoomTool,
    PanTool,
    StackScrollTool,
    LengthTool,
    AngleTool,
    RectangleROITool,
    EllipticalROITool,
    ProbeTool,
  ]) {
    addTool(tool);
  }
  cache.setMaxCacheSize(IMAGE_CACHE_BYTES);
  imageLoadPoolManager.setMaxSimultaneousRequests(Enums.RequestType.Prefetch, PREFETCH_IN_FLIGHT);
  return renderPath;
}

/** Starts Cornerstone (once) and points the loader at the vault. */
export function startViewer(read: InstanceReader): Promise<RenderPath> {
  setInstanceReader(read);
  started ??= start();
  return started;
}

export function currentRenderPath(): RenderPath {
  return renderPath;
}

/**
 * The session ended or the viewer closed: destroys the rendering engines
 * (their canvases still hold the last pixels), then drops every decoded
 * image, every parsed file with its metadata, and every measurement drawn.
 * Cornerstone stays initialised (its workers and codecs hold no patient data)
 * so the next unlock opens images without starting over.
 */
export function purgeViewer(): void {
  // Nothing queued is loaded after this; loads in flight fail without a reader.
  clearAllPrefetch();
  setInstanceReader(null);
  for (const engine of getRenderingEngines() ?? []) {
    try {
      engine.destroy();
    } catch {
      // An engine already torn down by its screen has nothing left to free.
    }
  }
  if (!started) return;
  cache.purgeCache();
  purgeParsedInstances();
  annotation.state.removeAllAnnotations();
  // Locks and selections are kept by UID beside the annotations.
  annotation.locking.unlockAllAnnotations();
  annotation.selection.deselectAnnotation();
}

/** What the viewer holds decrypted in memory (see viewerMemory). */
export interface ViewerMemory {
  /** Bytes of decoded images in Cornerstone's image cache. */
  imageBytes: number;
  /** Instances parsed, with their metadata, in the metadata caches. */
  instances: number;
  /** Measurements in Cornerstone's annotation state. */
  annotations: number;
}

/**
 * The Image info panel shows this, so that what a lock leaves behind can be
 * checked from the screen (it must all be zero until an image is opened
 * again); nothing is exposed on window.
 */
export function viewerMemory(): ViewerMemory {
  if (!started) return { imageBytes: 0, instances: 0, annotations: 0 };
  return {
    imageBytes: cache.getCacheSize(),
    instances: parsedInstanceCount(),
    annotations: annotation.state.getAllAnnotations().length,
  };
}
