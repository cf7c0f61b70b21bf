import type { ImportFailure } from '../../vault/vault-api.ts';
import { plural } from '../format.ts';

/** Files that could not be read or saved, each with its reason. */
export function FailureList({ failures }: { failures: ImportFailure[] }) {
  if (failures.length === 0) return null;
  return (
    <details className="failures" open={failures.length <= 10}>
      <summary>{plural(failures.length, 'file')} could not be imported</summary>
      <ul>
        {failures.map((f, i) => (
          <li key={`${f.name}-${i}`}>
            <span className="failure-name">{f.name}</span>
            <span className="failure-reason">{f.reason}</span>
          </li>
        ))}
      </ul>
    </details>
  );
}
