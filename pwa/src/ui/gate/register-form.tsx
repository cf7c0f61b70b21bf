import { useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { RecoveryKitView } from '../../vault/vault-api.ts';
import { BusyButton, ErrorText, Field } from '../common/controls.tsx';
import { MIN_PASSWORD_SCORE, passwordStrength } from '../password-strength.ts';
import { useAction, useVault } from '../vault-context.tsx';
import { StrengthMeter } from './strength-meter.tsx';

type FieldErrors = Partial<Record<'facilityName' | 'adminName' | 'password' | 'confirm' | 'serverUrl', string>>;

export function checkServerUrl(value: string): string | null {
  try {
    const url = new URL(value);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'The server address starts with https://';
    return null;
  } catch {
    return 'Type the server address, like https://kura.example.org';
  }
}

/** The first device of a new facility: makes its keys here and registers it with the server. */
export function RegisterForm({ onRegistered, onBack }: { onRegistered(kit: RecoveryKitView): void; onBack(): void }) {
  const { vault } = useVault();
  const [facilityName, setFacilityName] = useState('');
  const [adminName, setAdminName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [serverUrl, setServerUrl] = useState(location.origin);
  const [errors, setErrors] = useState<FieldErrors>({});
  const refs = {
    facilityName: useRef<HTMLInputElement>(null),
    adminName: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
    confirm: useRef<HTMLInputElement>(null),
    serverUrl: useRef<HTMLInputElement>(null),
  };
  const advanced = useRef<HTMLDetailsElement>(null);
  const meterId = useId();
  const register = useAction(() =>
    vault.register({ serverUrl: serverUrl.trim(), facilityName: facilityName.trim(), adminName: adminName.trim(), password }),
  );
  const strength = password ? passwordStrength(password, [facilityName, adminName]) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!facilityName.trim()) found.facilityName = 'Type the name of the clinic or hospital.';
    if (!adminName.trim()) found.adminName = 'Type your name: it marks what you do in the audit trail.';
    if (!strength || strength.score < MIN_PASSWORD_SCORE) found.password = 'Choose a stronger password.';
    if (confirm !== password) found.confirm = 'The two passwords differ.';
    const urlProblem = checkServerUrl(serverUrl.trim());
    if (urlProblem) found.serverUrl = urlProblem;
    setErrors(found);
    const first = (Object.keys(refs) as (keyof FieldErrors)[]).find((k) => found[k]);
    if (first) {
      if (first === 'serverUrl' && advanced.current) advanced.current.open = true;
      refs[first].current?.focus();
      return;
    }
    const kit = await register.run();
    if (kit) onRegistered(kit);
  }

  return (
    <section className="gate-section" aria-labelledby="register-title">
      <h2 id="register-title">Register facility</h2>
      <form className="form" onSubmit={submit} noValidate>
        <Field
          label="Facility name"
          inputRef={refs.facilityName}
          value={facilityName}
          onChange={(e) => setFacilityName(e.target.value)}
          autoComplete="organization"
          error={errors.facilityName}
        />
        <Field
          label="Your name"
          inputRef={refs.adminName}
          value={adminName}
          onChange={(e) => setAdminName(e.target.value)}
          autoComplete="name"
          hint="Kept in the facility's encrypted data; the server never sees it."
          error={errors.adminName}
        />
        <Field
          label="Password"
          type="password"
          inputRef={refs.password}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
          aria-describedby={meterId}
          error={errors.password}
        />
        <StrengthMeter strength={strength} id={meterId} />
        <Field
          label="Confirm password"
          type="password"
          inputRef={refs.confirm}
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          autoComplete="new-password"
          error={errors.confirm}
        />
        <details className="advanced" ref={advanced}>
          <summary>Advanced</summary>
          <Field
            label="Server URL"
            type="url"
            inputRef={refs.serverUrl}
            value={serverUrl}
            onChange={(e) => setServerUrl(e.target.value)}
            autoComplete="url"
            spellCheck={false}
            hint="Where the encrypted copy is kept. Usually the address of this page."
            error={errors.serverUrl}
          />
        </details>
        <ErrorText failure={register.error} />
        <div className="form-actions">
          <button type="button" className="secondary" onClick={onBack} disabled={register.busy}>
            Back
          </button>
          <BusyButton busy={register.busy} busyLabel="Creating keys…">
            Register facility
          </BusyButton>
        </div>
      </form>
    </section>
  );
}
