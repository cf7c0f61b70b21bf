import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { TrackedDoc } from './_study-doc.ts';

describe('TrackedDoc', () => {
  it('takes each change once, as updates that rebuild the document elsewhere, deletions included', () => {
    const doc = new TrackedDoc('st_1');
    expect(doc.takeUpdate()).toBeNull();
    doc.doc.transact(() => {
      doc.meta.set('patientNumber', 'P-1');
      doc.meta.set('studyDate', '20240315');
    });
    doc.annotations.set('a1', '{"length":12}');
    expect(doc.hasChanges).toBe(true);
    const first = doc.takeUpdate()!;
    expect(doc.hasChanges).toBe(false);
    expect(doc.takeUpdate()).toBeNull();
    // A deletion alone changes no state vector, and is still taken.
    doc.annotations.delete('a1');
    const second = doc.takeUpdate()!;
    expect(second).not.toBeNull();

    const elsewhere = new TrackedDoc('st_1', [first, second]);
    expect(elsewhere.meta.toJSON()).toEqual({ patientNumber: 'P-1', studyDate: '20240315' });
    expect(elsewhere.annotations.size).toBe(0);
    // Loading updates is not a change of its own.
    expect(elsewhere.takeUpdate()).toBeNull();
    // Each update applies on top of the one before, as pages are read in order.
    const stepwise = new Y.Doc();
    Y.applyUpdate(stepwise, first);
    expect(stepwise.getMap('annotations').get('a1')).toBe('{"length":12}');
    Y.applyUpdate(stepwise, second);
    expect(stepwise.getMap('annotations').size).toBe(0);
  });

  it('takes only what changed on a loaded document', () => {
    const original = new TrackedDoc('st_2');
    original.instances.push(Array.from({ length: 200 }, (_, i) => ({ sopInstanceUid: `1.2.${i}` }) as never));
    const loaded = new TrackedDoc('st_2', [original.takeUpdate()!]);
    loaded.instances.push([{ sopInstanceUid: '1.2.200' } as never]);
    const update = loaded.takeUpdate()!;
    expect(update.length).toBeLessThan(200);
    const copy = new TrackedDoc('st_2', [Y.encodeStateAsUpdate(original.doc), update]);
    expect(copy.instances.length).toBe(201);
  });
});
