import { useEffect, useState } from 'react';
import type { RecoveryKitView } from '../../vault/vault-api.ts';
import { ErrorText } from '../common/controls.tsx';

interface QrPicture {
  viewBox: string;
  path: string;
}

/**
 * The QR code of the kit. The encoder loads only here, so it costs the first
 * screen nothing; the picture is an inline <svg> (no canvas, no data: URL).
 */
function KitQrCode({ payload }: { payload: string }) {
  const [picture, setPicture] = useState<QrPicture | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    import('../../qr/index.ts')
      .then(({ encodeQr, qrToSvgPath }) => {
        if (current) setPicture(qrToSvgPath(encodeQr(payload), { margin: 4 }));
      })
      .catch((e: unknown) => {
        if (current) setProblem(`The QR code could not be drawn (${e instanceof Error ? e.message : String(e)}); the text above holds the same.`);
      });
    return () => {
      current = false;
    };
  }, [payload]);
  if (problem) return <ErrorText failure={problem} />;
  if (!picture) return <div className="kit-qr kit-qr-pending" aria-hidden="true" />;
  // The quiet zone must be light even in dark mode, or phones will not read the code.
  const [x = '0', y = '0', width = '0', height = '0'] = picture.viewBox.split(/[\s,]+/);
  return (
    <svg className="kit-qr" viewBox={picture.viewBox} role="img" aria-label="QR code of the Recovery Kit" shapeRendering="crispEdges">
      <rect x={x} y={y} width={width} height={height} fill="#ffffff" />
      <path d={picture.path} fill="#000000" />
    </svg>
  );
}

function kitFileName(kit: RecoveryKitView): string {
  // Characters Windows and macOS refuse in file names become spaces.
  const facility = kit.facilityName.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, ' ').trim() || kit.facilityId;
  return `Kura Recovery Kit - ${facility}.txt`;
}

function downloadKit(kit: RecoveryKitView): void {
  const url = URL.createObjectURL(new Blob([kit.text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = kitFileName(kit);
  document.body.append(link);
  link.click();
  link.remove();
  // The download has started from the URL by now; revoking later frees the copy of the secret.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The Recovery Kit sheet: what prints (the print stylesheet hides everything
 * else) and what "Save kit file" writes.
 */
export function RecoveryKit({ kit }: { kit: RecoveryKitView }) {
  return (
    <div className="kit-block">
      <article className="recovery-kit" aria-labelledby="kit-title">
        <header className="kit-header">
          <h3 id="kit-title">Kura Recovery Kit</h3>
          <p className="kit-facility">{kit.facilityName}</p>
        </header>
        <div className="kit-body">
          <dl className="kit-fields">
            <dt>Facility ID</dt>
            <dd className="kit-code" data-testid="kit-facility-id">
              {kit.facilityId}
            </dd>
            <dt>Secret key</dt>
            <dd className="kit-code kit-secret" data-testid="kit-secret-key">
              {kit.secretKey}
            </dd>
            <dt>Server URL</dt>
            <dd className="kit-code">{kit.serverUrl}</dd>
          </dl>
          <KitQrCode payload={kit.qrPayload} />
        </div>
        <p className="kit-note">
          To use Kura on another device, enter the facility ID and secret key there, with your own password. Keep this
          kit where you keep other important papers: without it and a password, no one — not even the server's operator
          — can open the archive, and nobody can recover it for you.
        </p>
      </article>
      <div className="kit-actions">
        <button type="button" onClick={() => downloadKit(kit)}>
          Save kit file
        </button>
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print
        </button>
      </div>
    </div>
  );
}

/** Right after registration: the kit must be kept before the facility is used. */
export function KitScreen({
  kit,
  onConfirm,
  busy,
  error,
}: {
  kit: RecoveryKitView;
  onConfirm(): void;
  busy: boolean;
  error: Parameters<typeof ErrorText>[0]['failure'];
}) {
  const [kept, setKept] = useState(false);
  return (
    <section className="gate-section" aria-labelledby="kit-screen-title">
      <h2 id="kit-screen-title">Save your Recovery Kit</h2>
      <p className="lead">
        The secret key below is made on this device and never sent to the server. Every other device of{' '}
        <strong>{kit.facilityName}</strong> needs it, and so will you if this browser's data is lost.
      </p>
      <RecoveryKit kit={kit} />
      <label className="check">
        <input type="checkbox" checked={kept} onChange={(e) => setKept(e.target.checked)} />
        <span>I have saved or printed the Recovery Kit</span>
      </label>
      <ErrorText failure={error} />
      <div className="form-actions">
        <button type="button" disabled={!kept || busy} aria-busy={busy || undefined} onClick={onConfirm}>
          {busy ? 'Finishing…' : 'Continue'}
        </button>
      </div>
    </section>
  );
}
