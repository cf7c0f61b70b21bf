import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN, createHarness, registerVault, SERVER_URL, type Harness, codeOf } from './_test-harness.ts';

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  await h.close();
});


describe('register, kit, lock, unlock', () => {
  it('registers with the server, returns a kit, and keeps the kit pending until confirmed', async () => {
    const { vault, kit } = await registerVault(h);
    expect(kit.facilityId).toMatch(/^fac_/);
    expect(kit.facilityName).toBe('Sakura Clinic');
    expect(kit.serverUrl).toBe(SERVER_URL);
    expect(kit.text).toContain(kit.secretKey);
    expect(kit.qrPayload).toMatch(/^kura-kit:1\?/);
    const status = await vault.status();
    expect(status).toMatchObject({ enrolled: true, pendingKit: true, facilityName: 'Sakura Clinic', autoLockMinutes: 10 });
    expect(status.members).toEqual([{ name: ADMIN.name, role: 'admin' }]);
    expect(status.session?.role).toBe('admin');
    const session = await vault.confirmKitSaved();
    expect(session.name).toBe(ADMIN.name);
    expect((await vault.status()).pendingKit).toBe(false);
    // parseKit reads the kit's own text back.
    expect(await vault.parseKit(kit.text)).toEqual({ facilityId: kit.facilityId, secretKey: kit.secretKey, serverUrl: SERVER_URL });
  });

  it('locks, refuses a wrong password, and unlocks offline with the right one', async () => {
    const { vault } = await registerVault(h);
    await vault.lock();
    expect((await vault.status()).session).toBeNull();
    expect(await codeOf(vault.search('x'))).toBe('locked');
    h.offline = true;
    expect(await codeOf(vault.unlock({ name: ADMIN.name, password: 'not the password' }))).toBe('wrong_password');
    expect(await codeOf(vault.unlock({ name: 'Nobody Here', password: ADMIN.password }))).toBe('wrong_password');
    try {
      await vault.unlock({ name: ADMIN.name, password: 'nope nope nope' });
    } catch (e) {
      expect((e as Error).message).toBe('Wrong name or password');
    }
    const session = await vault.unlock({ name: '  admin   ADA ', password: ADMIN.password });
    expect(session.role).toBe('admin');
    expect((await vault.search('')).error).toBeNull();
  });

  it('needs the network to register', async () => {
    h.offline = true;
    const { vault } = h.openVault();
    expect(await codeOf(vault.register({ serverUrl: SERVER_URL, facilityName: 'X', adminName: 'A', password: 'long enough pw' }))).toBe(
      'offline',
    );
    expect((await vault.status()).enrolled).toBe(false);
  });

  it('adds a member who can unlock on this device at once, offline too; a viewer cannot import', async () => {
    const { vault } = await registerVault(h);
    const added = await vault.addMember({ name: 'Dr. Sato', password: 'sato password 1', role: 'viewer' });
    expect(added).toMatchObject({ name: 'Dr. Sato', role: 'viewer', onThisDevice: true });
    const members = await vault.listMembers();
    expect(members.map((m) => m.name).sort()).toEqual([ADMIN.name, 'Dr. Sato']);
    expect(await codeOf(vault.addMember({ name: 'dr.  sato', password: 'another password', role: 'viewer' }))).toBe('invalid');
    await vault.lock();
    h.offline = true;
    const session = await vault.unlock({ name: 'dr. sato', password: 'sato password 1' });
    expect(session).toMatchObject({ name: 'Dr. Sato', role: 'viewer' });
    expect(await codeOf(vault.addMember({ name: 'Eve', password: 'eve password 1', role: 'admin' }))).toBe('forbidden');
    expect(await codeOf(vault.planImport([]))).toBe('forbidden');
    await vault.lock();
    expect(await codeOf(vault.unlock({ name: 'Dr. Sato', password: ADMIN.password }))).toBe('wrong_password');
  });

  it('enrols a second device with the kit, getting the patient-key secret from the log', async () => {
    const { vault, kit } = await registerVault(h);
    await vault.confirmKitSaved();
    const second = h.openVault();
    const parsed = await second.vault.parseKit(kit.text);
    expect(await codeOf(second.vault.enrol({ ...parsed, name: ADMIN.name, password: 'wrong password!' }))).toBe('wrong_password');
    const session = await second.vault.enrol({ ...parsed, name: ADMIN.name, password: ADMIN.password });
    expect(session).toMatchObject({ facilityId: kit.facilityId, facilityName: 'Sakura Clinic', role: 'admin' });
    // Both devices derive the same patient keys: a document on each lands under one patient.
    const form = {
      patientNumber: 'P-100',
      patientName: 'Doe^Jane',
      patientSex: 'F',
      patientBirthDate: '19800101',
      studyDate: '20240102',
      modalityOrType: 'report',
      bodyPart: '',
      method: '',
      description: 'Referral',
      managementNumber: 'M-1',
      text: 'typed note',
    };
    await vault.importDocument(form, []);
    await second.vault.importDocument({ ...form, patientNumber: 'p100' }, []);
    const a = await vault.search('doc:M-1');
    const b = await second.vault.search('doc:M-1');
    expect(a.groups[0]!.patientKey).toBe(b.groups[0]!.patientKey);
    await second.vault.lock();
    h.offline = true;
    expect((await second.vault.unlock({ name: ADMIN.name, password: ADMIN.password })).studyCount).toBe(1);
  });

  it('a clinician added on one device enrols another device with the kit', async () => {
    const { vault, kit } = await registerVault(h);
    await vault.confirmKitSaved();
    await vault.addMember({ name: 'Nurse Kato', password: 'kato password 1', role: 'clinician' });
    const tablet = h.openVault();
    const parsed = await tablet.vault.parseKit(kit.text);
    const session = await tablet.vault.enrol({ ...parsed, name: 'nurse kato', password: 'kato password 1' });
    expect(session).toMatchObject({ name: 'nurse kato', role: 'clinician', facilityName: 'Sakura Clinic' });
  });

  it('persists the auto-lock setting and reports storage', async () => {
    const { vault } = await registerVault(h);
    await vault.setAutoLockMinutes(25);
    expect((await vault.status()).autoLockMinutes).toBe(25);
    expect(await codeOf(vault.setAutoLockMinutes(0))).toBe('invalid');
    const storage = await vault.storage();
    expect(storage.vaultBytes).toBeGreaterThan(0);
    expect(storage.usage).toBeNull();
  });
});
