import { useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { DeviceStatus, Session } from '../../vault/vault-api.ts';
import { BusyButton, ErrorText, Field } from '../common/controls.tsx';
import { useAction, useVault } from '../vault-context.tsx';

const LAST_MEMBER = 'kura.lastMember';

/**
 * Who unlocked last, so the front desk only types a password. Member names
 * are already readable on a locked device (DeviceStatus.members); no patient
 * data is kept this way.
 */
export function rememberMember(name: string): void {
  try {
    localStorage.setItem(LAST_MEMBER, name);
  } catch {
    // Storage may be off (private mode); the name is only a convenience.
  }
}

function lastMember(device: DeviceStatus): string {
  let remembered: string | null = null;
  try {
    remembered = localStorage.getItem(LAST_MEMBER);
  } catch {
    remembered = null;
  }
  if (remembered && device.members.some((m) => m.name === remembered)) return remembered;
  return device.members.at(-1)?.name ?? '';
}

export function UnlockForm({
  device,
  notice,
  onUnlocked,
}: {
  device: DeviceStatus;
  /** Why the app locked itself, if it did. */
  notice: string | null;
  onUnlocked(session: Session): void;
}) {
  const { vault } = useVault();
  const [name, setName] = useState(() => lastMember(device));
  const [password, setPassword] = useState('');
  const [missing, setMissing] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const errorId = useId();
  const unlock = useAction(() => vault.unlock({ name: name.trim(), password }));

  useEffect(() => {
    (name ? passwordRef : nameRef).current?.focus();
    // Only when the screen appears; later focus follows the person.
  }, []);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) {
      setMissing('Type your name.');
      nameRef.current?.focus();
      return;
    }
    setMissing(null);
    const session = await unlock.run();
    setPassword('');
    if (session) {
      rememberMember(session.name);
      onUnlocked(session);
    } else {
      // Wrong password or another failure: the next try starts at the password.
      passwordRef.current?.focus();
    }
  }

  return (
    <section className="gate-section" aria-labelledby="unlock-title">
      <h2 id="unlock-title">{device.facilityName ?? 'Unlock'}</h2>
      {notice && <p className="notice">{notice}</p>}
      <form className="form" onSubmit={submit} noValidate>
        <Field
          label="Your name"
          inputRef={nameRef}
          value={name}
          onChange={(e) => setName(e.target.value)}
          list={device.members.length > 1 ? listId : undefined}
          autoComplete="username"
          error={missing}
        />
        {device.members.length > 1 && (
          <datalist id={listId}>
            {device.members.map((m) => (
              <option key={m.name} value={m.name} />
            ))}
          </datalist>
        )}
        <Field
          label="Password"
          type="password"
          inputRef={passwordRef}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
          aria-describedby={unlock.error ? errorId : undefined}
        />
        <ErrorText failure={unlock.error} id={errorId} />
        <div className="form-actions">
          <BusyButton busy={unlock.busy} busyLabel="Unlocking…">
            Unlock
          </BusyButton>
        </div>
      </form>
    </section>
  );
}
