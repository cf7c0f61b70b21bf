import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, createHarness, fileOf, registerVault, type Harness, codeOf } from './_test-harness.ts';
import { writeSyntheticInstance } from './_test-dicom.ts';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  await h.close();
});


describe('annotations', () => {
  it('saves measurements with the study, encrypted, and finds them again after a lock', async () => {
    const { vault, db } = await registerVault(h);
    const study = { patientId: 'P-9', patientName: 'Mori^Ken', studyUid: '1.2.826.0.1.77' };
    const plan = await vault.planImport([{ file: fileOf(writeSyntheticInstance(study, 1), 'IM1'), path: 'IM1' }]);
    await vault.commitImport(plan.planId, {});
    const studyId = (await vault.search('pn:P-9')).groups[0]!.studies[0]!.studyId;
    expect(await vault.readAnnotations(studyId)).toEqual({});

    const length = JSON.stringify({ toolName: 'Length', data: { length: 42.5, unit: 'mm', label: 'Canarylesion' } });
    const angle = JSON.stringify({ toolName: 'Angle', data: { angle: 33 } });
    await vault.saveAnnotations(studyId, { a1: length, a2: angle });
    const pagesBefore = await db.logPages.count();
    // The same again writes nothing.
    await vault.saveAnnotations(studyId, { a1: length, a2: angle });
    expect(await db.logPages.count()).toBe(pagesBefore);

    const moved = JSON.stringify({ toolName: 'Length', data: { length: 40.1, unit: 'mm' } });
    await vault.saveAnnotations(studyId, { a1: moved });
    await vault.lock();
    await vault.unlock(ADMIN);
    expect(await vault.readAnnotations(studyId)).toEqual({ a1: moved });

    // Not readable at rest: the label is nowhere in the stored bytes.
    for (const row of await db.logPages.toArray()) {
      for (const r of row.records) expect(Buffer.from(r).includes(Buffer.from('Canarylesion'))).toBe(false);
    }

    await vault.addMember({ name: 'Dr Look', password: 'look password 1', role: 'viewer' });
    await vault.lock();
    await vault.unlock({ name: 'Dr Look', password: 'look password 1' });
    expect(await vault.readAnnotations(studyId)).toEqual({ a1: moved });
    expect(await codeOf(vault.saveAnnotations(studyId, {}))).toBe('forbidden');
    expect(await codeOf(vault.readAnnotations('st_nope'))).toBe('invalid');
  });
});

describe('reading instances for the viewer', () => {
  it('finds an instance added to a study after the study was read', async () => {
    const { vault } = await registerVault(h);
    const study = { patientId: 'P-10', patientName: 'Sato^Yui', studyUid: '1.2.826.0.1.78' };
    const first = writeSyntheticInstance(study, 1);
    const plan = await vault.planImport([{ file: fileOf(first, 'IM1'), path: 'IM1' }]);
    await vault.commitImport(plan.planId, {});
    const studyId = (await vault.search('pn:P-10')).groups[0]!.studies[0]!.studyId;
    expect(Buffer.from(await vault.readInstanceBytes(studyId, `${study.studyUid}.1.1`)).equals(Buffer.from(first))).toBe(true);

    const second = writeSyntheticInstance(study, 2);
    const more = await vault.planImport([{ file: fileOf(second, 'IM2'), path: 'IM2' }]);
    await vault.commitImport(more.planId, {});
    expect(Buffer.from(await vault.readInstanceBytes(studyId, `${study.studyUid}.1.2`)).equals(Buffer.from(second))).toBe(true);
    expect(await codeOf(vault.readInstanceBytes(studyId, '9.9.9'))).toBe('invalid');
  });
});
