import { useId } from 'react';
import type { ReactNode, InputHTMLAttributes, Ref } from 'react';
import type { Failure } from '../errors.ts';

/** A labelled input with its hint and error tied to it for screen readers. */
export function Field({
  label,
  hint,
  error,
  inputRef,
  className,
  'aria-describedby': describedBy,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & {
  label: string;
  hint?: ReactNode;
  error?: string | null;
  inputRef?: Ref<HTMLInputElement>;
}) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  return (
    <div className={['field', className].filter(Boolean).join(' ')}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        ref={inputRef}
        {...input}
        aria-describedby={[describedBy, hintId, errorId].filter(Boolean).join(' ') || undefined}
        aria-invalid={error ? true : undefined}
      />
      {hint && (
        <div className="field-hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={errorId}>
          {error}
        </div>
      )}
    </div>
  );
}

/** A failure shown where the user acted; 'quota' gets the louder style. */
export function ErrorText({ failure, id }: { failure: Failure | string | null; id?: string }) {
  if (!failure) return null;
  const { message, code } = typeof failure === 'string' ? { message: failure, code: null } : failure;
  return (
    <p className="error-text" role="alert" id={id} data-code={code ?? undefined}>
      {message}
    </p>
  );
}

/** A button that says it is working and cannot be pressed twice meanwhile. */
export function BusyButton({
  busy,
  busyLabel,
  children,
  className,
  disabled,
  type = 'submit',
  onClick,
}: {
  busy: boolean;
  busyLabel: string;
  children: ReactNode;
  className?: string;
  disabled?: boolean;
  type?: 'submit' | 'button';
  onClick?: () => void;
}) {
  return (
    <button type={type} className={className} disabled={busy || disabled} aria-busy={busy || undefined} onClick={onClick}>
      {busy && <span className="spinner" aria-hidden="true" />}
      {busy ? busyLabel : children}
    </button>
  );
}

/**
 * A determinate progress bar without inline styles (the CSP forbids them):
 * the native <progress> draws the fill, the ARIA values say it in words.
 */
export function ProgressBar({ label, value, max, text }: { label: string; value: number; max: number; text: string }) {
  const safeMax = Math.max(max, 1);
  const now = Math.min(value, safeMax);
  return (
    <div className="progress">
      <progress
        aria-label={label}
        max={safeMax}
        value={now}
        aria-valuemin={0}
        aria-valuemax={safeMax}
        aria-valuenow={now}
        aria-valuetext={text}
      />
      <p className="progress-text">{text}</p>
    </div>
  );
}
