// The image viewer on Cornerstone3D. This module and everything it imports
// (Cornerstone, vtk.js, the DICOM image loader, its decode worker and codecs)
// load only when the viewer opens, or in the background after unlock: the
// first screen never waits for them.
export { startViewer, purgeViewer, currentRenderPath, viewerMemory, IMAGE_CACHE_BYTES } from './setup.ts';
export type { RenderPath, ViewerMemory } from './setup.ts';
export type { InstanceReader } from './kura-loader.ts';
export { frameImageIds, instanceImageId, parseKuraImageId } from './image-ids.ts';
export type { InstanceRef } from './image-ids.ts';
export { Viewer, calibrationOf, fileWindowsOf, MEASURING_TOOLS } from './viewer.ts';
export type { Calibration, FileWindow, MeasurementSummary, PrimaryTool, ViewportState } from './viewer.ts';
export { EMPTY_STATE as EMPTY_VIEWPORT_STATE } from './viewer.ts';
export { MeasurementSync, SAVE_DELAY_MS } from './measurements.ts';
export type { MeasurementStorage } from './measurements.ts';
export { CT_PRESETS } from './presets.ts';
export type { VoiPreset, VoiWindow } from './presets.ts';
export { pixelStats } from './pixel-stats.ts';
export type { PixelStats } from './pixel-stats.ts';
export { describeLoadError } from './load-errors.ts';
export { drawThumbnail } from './thumbnails.ts';
export { documentItems } from './document-items.ts';
export type { DocumentItem, DocumentSource } from './document-items.ts';
export { readEncapsulatedDocument, sniffMediaType } from './encapsulated-document.ts';
export type { EncapsulatedDocument } from './encapsulated-document.ts';
export { readStructuredReport } from './structured-report.ts';
export type { ReportNode, StructuredReport } from './structured-report.ts';
