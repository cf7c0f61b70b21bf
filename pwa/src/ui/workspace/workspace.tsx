import { lazy, Suspense, useCallback, useEffect, useRef, useState } from 'react';
import type { ServiceWorkerHandle } from '../../shell/index.ts';
import type { DeviceStatus, Session } from '../../vault/vault-api.ts';
import { ShellStatus } from '../common/shell-status.tsx';
import type { Failure } from '../errors.ts';
import { ROLE_LABELS } from '../format.ts';
import { ActivityProvider, useIdleLock } from '../idle-lock.ts';
import { ImportScreen } from '../import/import-screen.tsx';
import { MembersScreen } from '../members/members-screen.tsx';
import { SettingsScreen } from '../settings/settings-screen.tsx';
import { StudiesScreen } from '../studies/studies-screen.tsx';
import { finishViewerBeforeLock, loadViewerScreen, OpenViewerProvider, preloadViewer } from '../viewer/open-viewer.tsx';

// Cornerstone and its codecs are megabytes: they load with the viewer, never with the first screen.
const ViewerScreen = lazy(() => loadViewerScreen().then((m) => ({ default: m.ViewerScreen })));

type Section = 'studies' | 'import' | 'members' | 'settings';

const DEFAULT_AUTO_LOCK_MINUTES = 10;

/**
 * The unlocked app. Every decrypted object the UI holds lives in state below
 * this component, so unmounting it (lock) drops them all.
 */
export function Workspace({
  session,
  device,
  serviceWorker,
  quota,
  onDismissQuota,
  onLock,
  onDeviceChanged,
}: {
  session: Session;
  device: DeviceStatus | null;
  serviceWorker: ServiceWorkerHandle;
  quota: Failure | null;
  onDismissQuota(): void;
  onLock(notice: string | null): void;
  onDeviceChanged(): void;
}) {
  const [section, setSection] = useState<Section>('studies');
  // Sections stay mounted once opened, so a search or a running import
  // survives a look at another section.
  const [opened, setOpened] = useState<Set<Section>>(() => new Set(['studies']));
  // Bumped after every import, so the study list searches again.
  const [dataVersion, setDataVersion] = useState(0);
  const autoLockMinutes = device?.autoLockMinutes ?? DEFAULT_AUTO_LOCK_MINUTES;
  // An open viewer saves its last measurements first (the vault cannot once locked).
  const lock = useCallback(
    (notice: string | null) => {
      void finishViewerBeforeLock().then(() => onLock(notice));
    },
    [onLock],
  );
  const markActive = useIdleLock(autoLockMinutes, () =>
    lock(`Locked after ${autoLockMinutes} ${autoLockMinutes === 1 ? 'minute' : 'minutes'} without activity.`),
  );
  const isAdmin = session.role === 'admin';
  // The study open in the full-screen viewer, if any.
  const [viewing, setViewing] = useState<string | null>(null);
  const openedFrom = useRef<HTMLElement | null>(null);
  const openViewer = useCallback((studyId: string) => {
    // Where the viewer benchmark starts its clock (the viewer marks its first pixels).
    performance.mark('kura:viewer-open');
    openedFrom.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setViewing(studyId);
  }, []);
  const closeViewer = useCallback(() => {
    setViewing(null);
    // Back where the study was opened, once the list is visible again.
    requestAnimationFrame(() => openedFrom.current?.focus({ preventScroll: true }));
  }, []);
  // Unlocked: fetch the viewer's code while the person reads the list.
  useEffect(() => preloadViewer(), []);
  const sections: { id: Section; label: string }[] = [
    { id: 'studies', label: 'Studies' },
    // Viewers search and view only (DESIGN.md §2).
    ...(session.role !== 'viewer' ? [{ id: 'import' as const, label: 'Import' }] : []),
    ...(isAdmin ? [{ id: 'members' as const, label: 'Members' }] : []),
    { id: 'settings', label: 'Settings' },
  ];

  function open(next: Section) {
    setOpened((s) => (s.has(next) ? s : new Set(s).add(next)));
    setSection(next);
  }

  return (
    <ActivityProvider value={markActive}>
      <OpenViewerProvider value={openViewer}>
        <div className="workspace" hidden={viewing !== null}>
          <header className="top-bar">
            <div className="top-bar-row">
              <div className="top-bar-facility">
                <img className="top-bar-mark" src={`${import.meta.env.BASE_URL}icon.svg`} alt="" width={32} height={32} />
                <span className="facility-name">{session.facilityName}</span>
              </div>
              <ShellStatus serviceWorker={serviceWorker} compact />
              <div className="top-bar-member">
                <span className="member-name">{session.name}</span>
                <span className="member-role">{ROLE_LABELS[session.role]}</span>
              </div>
              <button type="button" className="secondary lock-button" onClick={() => lock(null)}>
                Lock
              </button>
            </div>
            <nav className="sections" aria-label="Sections">
              {sections.map((s) => (
                <button
                  key={s.id}
                  type="button"
                  className="section-tab"
                  aria-current={section === s.id ? 'page' : undefined}
                  onClick={() => open(s.id)}
                >
                  {s.label}
                </button>
              ))}
            </nav>
          </header>
          {quota && (
            <div className="quota-banner" role="alert">
              <div>
                <strong>Storage is full.</strong> {quota.message}
              </div>
              <button type="button" className="secondary" onClick={onDismissQuota}>
                Dismiss
              </button>
            </div>
          )}
          <main className="workspace-main">
            {opened.has('studies') && (
              <div hidden={section !== 'studies'} className="section-panel">
                <StudiesScreen dataVersion={dataVersion} visible={section === 'studies'} />
              </div>
            )}
            {opened.has('import') && (
              <div hidden={section !== 'import'} className="section-panel">
                <ImportScreen
                  session={session}
                  onImported={() => {
                    setDataVersion((v) => v + 1);
                    onDeviceChanged();
                  }}
                  onShowStudies={() => open('studies')}
                />
              </div>
            )}
            {isAdmin && opened.has('members') && (
              <div hidden={section !== 'members'} className="section-panel">
                <MembersScreen />
              </div>
            )}
            {opened.has('settings') && (
              <div hidden={section !== 'settings'} className="section-panel">
                <SettingsScreen session={session} device={device} onChanged={onDeviceChanged} />
              </div>
            )}
          </main>
        </div>
        {viewing !== null && (
          <Suspense fallback={<div className="viewer-opening" role="status">Opening the viewer…</div>}>
            <ViewerScreen
              key={viewing}
              studyId={viewing}
              readOnly={session.role === 'viewer'}
              onClose={closeViewer}
              onLock={() => lock(null)}
            />
          </Suspense>
        )}
      </OpenViewerProvider>
    </ActivityProvider>
  );
}
