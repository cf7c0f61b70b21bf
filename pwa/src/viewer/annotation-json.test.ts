import { describe, expect, it } from 'vitest';
import { parseSavedAnnotation, serializeAnnotation } from './annotation-json.ts';
import { instanceImageId } from './image-ids.ts';

const STUDY = 'st_abc';
const imageId = instanceImageId({ studyId: STUDY, sopInstanceUid: '1.2.3.4' });

function length(overrides: Record<string, unknown> = {}) {
  return {
    annotationUID: 'a-1',
    highlighted: true,
    invalidated: false,
    isLocked: false,
    isVisible: true,
    metadata: {
      toolName: 'Length',
      referencedImageId: imageId,
      FrameOfReferenceUID: '1.2.840.1',
      viewPlaneNormal: new Float32Array([0, 0, -1]),
      viewUp: [0, -1, 0],
      sliceIndex: 0,
    },
    data: {
      label: 'lesion',
      handles: {
        points: [new Float32Array([1, 2, 3]), [4.5, 6, 7]],
        activeHandleIndex: 1,
        textBox: { hasMoved: false, worldPosition: [0, 0, 0] },
      },
      cachedStats: { [`imageId:${imageId}`]: { length: 42.5, unit: 'mm' } },
    },
    ...overrides,
  };
}

describe('saved measurements', () => {
  it('keeps what restores a measurement and drops statistics and interaction state', () => {
    const json = serializeAnnotation(length(), STUDY)!;
    const saved = JSON.parse(json);
    expect(saved.metadata.referencedImageId).toBe(imageId);
    expect(saved.metadata.FrameOfReferenceUID).toBe('1.2.840.1');
    expect(saved.metadata.viewPlaneNormal).toEqual([0, 0, -1]);
    expect(saved.data.handles.points).toEqual([
      [1, 2, 3],
      [4.5, 6, 7],
    ]);
    expect(saved.data.handles.activeHandleIndex).toBeUndefined();
    expect(saved.data.cachedStats).toBeUndefined();
    expect(saved.highlighted).toBeUndefined();
    expect(saved.data.label).toBe('lesion');

    const restored = parseSavedAnnotation('a-1', json, STUDY)!;
    expect(restored.annotationUID).toBe('a-1');
    expect(restored.metadata.toolName).toBe('Length');
    expect(restored.data.handles?.points).toEqual(saved.data.handles.points);
    expect(restored.data.cachedStats).toEqual({});
    // Measured again on display, with the image's calibration.
    expect(restored.invalidated).toBe(true);
    expect(restored.highlighted).toBe(false);
  });

  it('writes the same JSON for the same measurement, so an unchanged one is not saved again', () => {
    const a = serializeAnnotation(length(), STUDY);
    const b = serializeAnnotation(
      length({ highlighted: false, data: { ...length().data, cachedStats: { other: { length: 40 } } } }),
      STUDY,
    );
    expect(a).toBe(b);
  });

  it('saves only measurements of this study, of measuring tools, with handles', () => {
    expect(serializeAnnotation(length(), 'st_other')).toBeNull();
    const other = length();
    other.metadata.referencedImageId = 'wadouri:http://example.org/x.dcm';
    expect(serializeAnnotation(other, STUDY)).toBeNull();
    const crosshair = length();
    crosshair.metadata.toolName = 'Crosshairs';
    expect(serializeAnnotation(crosshair, STUDY)).toBeNull();
    const empty = length();
    empty.data.handles.points = [];
    expect(serializeAnnotation(empty, STUDY)).toBeNull();
  });

  it('skips damaged, foreign or newer entries instead of failing the whole study', () => {
    const json = serializeAnnotation(length(), STUDY)!;
    expect(parseSavedAnnotation('a-1', '{not json', STUDY)).toBeNull();
    expect(parseSavedAnnotation('a-2', json, STUDY)).toBeNull();
    expect(parseSavedAnnotation('a-1', json, 'st_other')).toBeNull();
    expect(parseSavedAnnotation('a-1', JSON.stringify({ ...JSON.parse(json), format: 99 }), STUDY)).toBeNull();
    const bad = JSON.parse(json);
    bad.data.handles.points = [[1, 2]];
    expect(parseSavedAnnotation('a-1', JSON.stringify(bad), STUDY)).toBeNull();
  });
});
