import type { ReactNode } from 'react';
import type { ServiceWorkerHandle } from '../../shell/index.ts';
import { Brand } from '../common/brand.tsx';
import { ShellStatus } from '../common/shell-status.tsx';

/** The card every screen before unlocking sits in: brand on top, connection status below. */
export function GateLayout({
  serviceWorker,
  children,
  wide = false,
}: {
  serviceWorker: ServiceWorkerHandle;
  children?: ReactNode;
  wide?: boolean;
}) {
  return (
    <div className="gate-page">
      <main className={wide ? 'gate gate-wide' : 'gate'}>
        <Brand />
        {children}
        <ShellStatus serviceWorker={serviceWorker} />
      </main>
    </div>
  );
}
