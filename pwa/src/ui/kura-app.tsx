import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ServiceWorkerHandle } from '../shell/index.ts';
import type { DeviceStatus, RecoveryKitView, Session } from '../vault/vault-api.ts';
import { ErrorText } from './common/controls.tsx';
import { describeFailure } from './errors.ts';
import type { Failure } from './errors.ts';
import { EnrolForm } from './gate/enrol-form.tsx';
import { GateLayout } from './gate/gate-layout.tsx';
import { KitScreen } from './gate/recovery-kit.tsx';
import { RegisterForm } from './gate/register-form.tsx';
import { UnlockForm, rememberMember } from './gate/unlock-form.tsx';
import { Welcome } from './gate/welcome.tsx';
import { VaultProvider } from './vault-context.tsx';
import type { Vault } from './vault-context.tsx';

// Everything after unlocking is its own chunk: the first screen stays small,
// and the chunk is fetched while the person types their password.
const loadWorkspace = () => import('./workspace/workspace.tsx');
const Workspace = lazy(() => loadWorkspace().then((m) => ({ default: m.Workspace })));

type Screen =
  | { name: 'starting' }
  | { name: 'unavailable'; failure: Failure }
  | { name: 'welcome' }
  | { name: 'register' }
  | { name: 'enrol' }
  | { name: 'kit'; kit: RecoveryKitView }
  | { name: 'locked'; notice: string | null }
  | { name: 'unlocked'; session: Session };

export function KuraApp({ vault, serviceWorker }: { vault: Vault; serviceWorker: ServiceWorkerHandle }) {
  const [device, setDevice] = useState<DeviceStatus | null>(null);
  const [screen, setScreen] = useState<Screen>({ name: 'starting' });
  const [quota, setQuota] = useState<Failure | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [confirmError, setConfirmError] = useState<Failure | null>(null);
  // Bumped at every unlock, so a new session never inherits the last one's screens.
  const [sessionNumber, setSessionNumber] = useState(0);
  const screenRef = useRef(screen);
  screenRef.current = screen;

  /** Where a fresh DeviceStatus says we are. */
  const route = useCallback(
    async (status: DeviceStatus, notice: string | null = null): Promise<Screen> => {
      if (!status.enrolled) return { name: 'welcome' };
      if (!status.session) return { name: 'locked', notice };
      if (status.pendingKit) return { name: 'kit', kit: await vault.recoveryKit() };
      return { name: 'unlocked', session: status.session };
    },
    [vault],
  );

  const refresh = useCallback(
    async (notice: string | null = null) => {
      try {
        const status = await vault.status();
        setDevice(status);
        setScreen(await route(status, notice));
      } catch (e) {
        setScreen({ name: 'unavailable', failure: describeFailure(e) });
      }
    },
    [vault, route],
  );

  useEffect(() => {
    void refresh();
  }, [refresh]);

  /**
   * Unmounting the workspace first drops every decrypted object the UI holds
   * (results, timeline, import plan) at once; then the worker drops its keys.
   */
  const lockNow = useCallback(
    async (notice: string | null) => {
      setQuota(null);
      setScreen({ name: 'locked', notice });
      try {
        await vault.lock();
      } catch {
        // A vault that cannot lock has nothing left open to lock.
      }
      await refresh(notice);
    },
    [vault, refresh],
  );

  const fail = useCallback(
    (error: unknown): Failure => {
      const failure = describeFailure(error);
      if (failure.code === 'locked' && screenRef.current.name === 'unlocked') {
        void lockNow('The session ended. Unlock again to continue.');
      }
      if (failure.code === 'quota') setQuota(failure);
      return failure;
    },
    [lockNow],
  );
  const context = useMemo(() => ({ vault, fail }), [vault, fail]);

  /**
   * After unlock, enrol or the kit: the status decides where to go, so a
   * registration whose kit was never confirmed shows the kit again first.
   */
  const unlocked = useCallback(
    async (_session: Session) => {
      setSessionNumber((n) => n + 1);
      await refresh();
    },
    [refresh],
  );

  async function confirmKit() {
    setConfirming(true);
    setConfirmError(null);
    try {
      const session = await vault.confirmKitSaved();
      rememberMember(session.name);
      await unlocked(session);
    } catch (e) {
      setConfirmError(fail(e));
    } finally {
      setConfirming(false);
    }
  }

  useEffect(() => {
    // Fetch the workspace chunk while the person is still on the gate screens.
    if (screen.name === 'locked' || screen.name === 'kit') void loadWorkspace();
  }, [screen.name]);

  let body;
  switch (screen.name) {
    case 'starting':
      body = <GateLayout serviceWorker={serviceWorker} />;
      break;
    case 'unavailable':
      body = (
        <GateLayout serviceWorker={serviceWorker}>
          <section className="gate-section">
            <h2>The archive could not start</h2>
            <ErrorText failure={screen.failure} />
            <div className="form-actions">
              <button type="button" onClick={() => location.reload()}>
                Reload
              </button>
            </div>
          </section>
        </GateLayout>
      );
      break;
    case 'welcome':
      body = (
        <GateLayout serviceWorker={serviceWorker}>
          <Welcome onRegister={() => setScreen({ name: 'register' })} onEnrol={() => setScreen({ name: 'enrol' })} />
        </GateLayout>
      );
      break;
    case 'register':
      body = (
        <GateLayout serviceWorker={serviceWorker}>
          <RegisterForm
            onBack={() => setScreen({ name: 'welcome' })}
            onRegistered={(kit) => {
              setConfirmError(null);
              setScreen({ name: 'kit', kit });
            }}
          />
        </GateLayout>
      );
      break;
    case 'enrol':
      body = (
        <GateLayout serviceWorker={serviceWorker}>
          <EnrolForm
            onBack={() => setScreen({ name: 'welcome' })}
            onEnrolled={(session) => {
              rememberMember(session.name);
              void unlocked(session);
            }}
          />
        </GateLayout>
      );
      break;
    case 'kit':
      body = (
        <GateLayout serviceWorker={serviceWorker} wide>
          <KitScreen kit={screen.kit} onConfirm={() => void confirmKit()} busy={confirming} error={confirmError} />
        </GateLayout>
      );
      break;
    case 'locked':
      body = (
        <GateLayout serviceWorker={serviceWorker}>
          {device && <UnlockForm device={device} notice={screen.notice} onUnlocked={(s) => void unlocked(s)} />}
        </GateLayout>
      );
      break;
    case 'unlocked':
      body = (
        <Suspense fallback={<GateLayout serviceWorker={serviceWorker} />}>
          <Workspace
            key={sessionNumber}
            session={screen.session}
            device={device}
            serviceWorker={serviceWorker}
            quota={quota}
            onDismissQuota={() => setQuota(null)}
            onLock={(notice) => void lockNow(notice)}
            onDeviceChanged={() => void refresh()}
          />
        </Suspense>
      );
      break;
  }
  return <VaultProvider value={context}>{body}</VaultProvider>;
}
