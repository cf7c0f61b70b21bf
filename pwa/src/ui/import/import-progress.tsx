import type { ImportProgress } from '../../vault/vault-api.ts';
import { ProgressBar } from '../common/controls.tsx';
import { formatBytes } from '../format.ts';

/** Files done out of total and the throughput, for both phases of an import. */
export function ImportProgressBar({ progress, phase }: { progress: ImportProgress | null; phase: 'reading' | 'saving' }) {
  const label = phase === 'reading' ? 'Reading and encrypting files' : 'Saving files';
  if (!progress) return <ProgressBar label={label} value={0} max={1} text={`${label}…`} />;
  const speed = progress.megabytesPerSecond > 0 ? ` · ${progress.megabytesPerSecond.toFixed(1)} MB/s` : '';
  const bytes = progress.bytesTotal > 0 ? ` · ${formatBytes(progress.bytesDone)} of ${formatBytes(progress.bytesTotal)}` : '';
  return (
    <ProgressBar
      label={label}
      value={progress.filesDone}
      max={progress.filesTotal}
      text={`${label}: ${progress.filesDone.toLocaleString('en')} of ${progress.filesTotal.toLocaleString('en')} files${bytes}${speed}`}
    />
  );
}
