import type { PasswordStrength } from '../password-strength.ts';

/** Four bars and a word: colour alone would fail colour-blind staff. */
export function StrengthMeter({ strength, id }: { strength: PasswordStrength | null; id: string }) {
  const score = strength?.score ?? 0;
  return (
    <div className="strength" id={id} data-score={strength ? score : undefined}>
      <div className="strength-bars" aria-hidden="true">
        {[1, 2, 3, 4].map((n) => (
          <span key={n} className={n <= score ? 'strength-bar on' : 'strength-bar'} />
        ))}
      </div>
      <div className="strength-words" aria-live="polite">
        {strength ? (
          <>
            <strong>Password strength: {strength.label}.</strong> {strength.hint}
          </>
        ) : (
          'A short sentence works well: long, and easy to remember.'
        )}
      </div>
    </div>
  );
}
