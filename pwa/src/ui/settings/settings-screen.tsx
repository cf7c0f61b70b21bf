import { useCallback, useEffect, useId, useState } from 'react';
import { requestPersistentStorage } from '../../shell/index.ts';
import type { DeviceStatus, RecoveryKitView, Session, StorageView } from '../../vault/vault-api.ts';
import { BusyButton, ErrorText } from '../common/controls.tsx';
import { RecoveryKit } from '../gate/recovery-kit.tsx';
import { formatBytes } from '../format.ts';
import { useAction, useVault } from '../vault-context.tsx';

const AUTO_LOCK_CHOICES = [1, 2, 5, 10, 15, 30, 60];

export function SettingsScreen({
  session,
  device,
  onChanged,
}: {
  session: Session;
  device: DeviceStatus | null;
  onChanged(): void;
}) {
  const { vault } = useVault();
  const id = useId();
  const current = device?.autoLockMinutes ?? 10;
  const [saved, setSaved] = useState<string | null>(null);
  const [storage, setStorage] = useState<StorageView | null>(null);
  const [kit, setKit] = useState<RecoveryKitView | null>(null);
  const [persistAnswer, setPersistAnswer] = useState<string | null>(null);
  const setAutoLock = useAction(async (minutes: number) => {
    await vault.setAutoLockMinutes(minutes);
    return true;
  });
  const readStorage = useAction(() => vault.storage());
  const readKit = useAction(() => vault.recoveryKit());
  const loadStorage = readStorage.run;

  const refreshStorage = useCallback(async () => {
    const view = await loadStorage();
    if (view) setStorage(view);
  }, [loadStorage]);

  useEffect(() => {
    void refreshStorage();
  }, [refreshStorage]);

  async function changeAutoLock(minutes: number) {
    setSaved(null);
    if (await setAutoLock.run(minutes)) {
      setSaved(`Locks after ${minutes} ${minutes === 1 ? 'minute' : 'minutes'} without activity.`);
      onChanged();
    }
  }

  async function askPersistence() {
    const granted = await requestPersistentStorage();
    setPersistAnswer(
      granted
        ? 'The browser will keep the archive.'
        : 'The browser declined. Installing Kura as an app, or using it often, usually changes its mind.',
    );
    await refreshStorage();
  }

  return (
    <div className="settings">
      <section className="panel" aria-labelledby={`${id}-lock`}>
        <h2 id={`${id}-lock`}>Auto-lock</h2>
        <div className="field field-inline">
          <label htmlFor={`${id}-minutes`}>Lock after this many minutes without activity</label>
          <select
            id={`${id}-minutes`}
            value={current}
            disabled={setAutoLock.busy}
            onChange={(e) => void changeAutoLock(Number(e.target.value))}
          >
            {[...new Set([...AUTO_LOCK_CHOICES, current])]
              .sort((a, b) => a - b)
              .map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
          </select>
        </div>
        <p className="muted">Locking drops every key and everything decrypted from this browser’s memory.</p>
        <ErrorText failure={setAutoLock.error} />
        {saved && <p className="success-text">{saved}</p>}
      </section>

      <section className="panel" aria-labelledby={`${id}-storage`}>
        <h2 id={`${id}-storage`}>Storage on this device</h2>
        <ErrorText failure={readStorage.error} />
        {storage && (
          <>
            <dl className="facts">
              <dt>Encrypted archive</dt>
              <dd>{formatBytes(storage.vaultBytes)}</dd>
              <dt>Browser storage used</dt>
              <dd>
                {storage.usage === null ? 'Not reported' : formatBytes(storage.usage)}
                {storage.quota !== null && ` of ${formatBytes(storage.quota)} available to Kura`}
              </dd>
              <dt>Kept by the browser</dt>
              <dd>{storage.persisted ? 'Yes' : 'No'}</dd>
            </dl>
            <p className="muted">
              {storage.persisted
                ? 'The browser will not delete the archive to free space; only clearing site data by hand removes it.'
                : 'The browser may delete the archive when the disk runs low. Images already on the server can be downloaded again, but anything not yet uploaded would be lost.'}
            </p>
            {!storage.persisted && (
              <div className="form-actions form-actions-start">
                <button type="button" className="secondary" onClick={() => void askPersistence()}>
                  Ask the browser to keep it
                </button>
              </div>
            )}
            {persistAnswer && <p className="muted">{persistAnswer}</p>}
          </>
        )}
      </section>

      {session.role === 'admin' && (
        <section className="panel" aria-labelledby={`${id}-kit`}>
          <h2 id={`${id}-kit`}>Recovery Kit</h2>
          {kit ? (
            <>
              <RecoveryKit kit={kit} />
              <div className="form-actions form-actions-start">
                <button type="button" className="secondary" onClick={() => setKit(null)}>
                  Hide Recovery Kit
                </button>
              </div>
            </>
          ) : (
            <>
              <p className="muted">
                The facility ID and secret key that new devices need. Show it only where nobody else can read the screen.
              </p>
              <ErrorText failure={readKit.error} />
              <div className="form-actions form-actions-start">
                <BusyButton
                  type="button"
                  busy={readKit.busy}
                  busyLabel="Opening…"
                  onClick={() => void readKit.run().then((k) => k && setKit(k))}
                >
                  Show Recovery Kit
                </BusyButton>
              </div>
            </>
          )}
        </section>
      )}
    </div>
  );
}
