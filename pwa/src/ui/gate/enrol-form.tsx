import { useRef, useState } from 'react';
import type { ChangeEvent, FormEvent } from 'react';
import type { Session } from '../../vault/vault-api.ts';
import { BusyButton, ErrorText, Field } from '../common/controls.tsx';
import { useAction, useVault } from '../vault-context.tsx';
import { checkServerUrl } from './register-form.tsx';

type FieldErrors = Partial<Record<'facilityId' | 'name' | 'password' | 'secretKey' | 'serverUrl', string>>;

/** A new browser joins a facility that exists, with the kit's facility ID and secret key. */
export function EnrolForm({ onEnrolled, onBack }: { onEnrolled(session: Session): void; onBack(): void }) {
  const { vault } = useVault();
  const [facilityId, setFacilityId] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [secretKey, setSecretKey] = useState('');
  const [serverUrl, setServerUrl] = useState(location.origin);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [kitLoaded, setKitLoaded] = useState<string | null>(null);
  const refs = {
    facilityId: useRef<HTMLInputElement>(null),
    name: useRef<HTMLInputElement>(null),
    password: useRef<HTMLInputElement>(null),
    secretKey: useRef<HTMLInputElement>(null),
    serverUrl: useRef<HTMLInputElement>(null),
  };
  const advanced = useRef<HTMLDetailsElement>(null);
  const readKit = useAction(async (file: File) => vault.parseKit(await file.text()));
  const enrol = useAction(() =>
    vault.enrol({
      serverUrl: serverUrl.trim(),
      facilityId: facilityId.trim(),
      name: name.trim(),
      password,
      secretKey: secretKey.trim(),
    }),
  );

  async function loadKit(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    // Cleared so that choosing the same file again still fires a change.
    event.target.value = '';
    if (!file) return;
    const fields = await readKit.run(file);
    if (!fields) return;
    setFacilityId(fields.facilityId);
    setSecretKey(fields.secretKey);
    setServerUrl(fields.serverUrl);
    setKitLoaded(file.name);
    if (advanced.current && fields.serverUrl !== location.origin) advanced.current.open = true;
    setErrors({});
    (name ? refs.password : refs.name).current?.focus();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors = {};
    if (!facilityId.trim()) found.facilityId = 'Type the facility ID from the Recovery Kit, or load the kit file.';
    if (!name.trim()) found.name = 'Type your name as your administrator added it.';
    if (!password) found.password = 'Type your password.';
    if (!secretKey.trim()) found.secretKey = 'Type the secret key from the Recovery Kit, or load the kit file.';
    const urlProblem = checkServerUrl(serverUrl.trim());
    if (urlProblem) found.serverUrl = urlProblem;
    setErrors(found);
    const first = (Object.keys(refs) as (keyof FieldErrors)[]).find((k) => found[k]);
    if (first) {
      if (first === 'serverUrl' && advanced.current) advanced.current.open = true;
      refs[first].current?.focus();
      return;
    }
    const session = await enrol.run();
    if (session) onEnrolled(session);
    else refs.password.current?.select();
  }

  return (
    <section className="gate-section" aria-labelledby="enrol-title">
      <h2 id="enrol-title">Enrol this device</h2>
      <div className="kit-loader">
        <label className="file-button secondary">
          <input type="file" className="visually-hidden" accept=".txt,text/plain" onChange={loadKit} />
          Load kit file
        </label>
        <span className="muted" aria-live="polite">
          {readKit.busy ? 'Reading the kit…' : kitLoaded ? `Filled in from “${kitLoaded}”.` : 'Or type the values below.'}
        </span>
      </div>
      <ErrorText failure={readKit.error} />
      <form className="form" onSubmit={submit} noValidate>
        <Field
          label="Facility ID"
          inputRef={refs.facilityId}
          value={facilityId}
          onChange={(e) => setFacilityId(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          error={errors.facilityId}
        />
        <Field
          label="Your name"
          inputRef={refs.name}
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="name"
          error={errors.name}
        />
        <Field
          label="Password"
          type="password"
          inputRef={refs.password}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          error={errors.password}
        />
        <Field
          label="Secret key"
          inputRef={refs.secretKey}
          value={secretKey}
          onChange={(e) => setSecretKey(e.target.value)}
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          className="field-code"
          error={errors.secretKey}
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
            error={errors.serverUrl}
          />
        </details>
        <ErrorText failure={enrol.error} />
        <div className="form-actions">
          <button type="button" className="secondary" onClick={onBack} disabled={enrol.busy}>
            Back
          </button>
          <BusyButton busy={enrol.busy} busyLabel="Enrolling…">
            Enrol device
          </BusyButton>
        </div>
      </form>
    </section>
  );
}
