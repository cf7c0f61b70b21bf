import { useCallback, useEffect, useId, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import type { MemberView, Role } from '../../vault/vault-api.ts';
import { BusyButton, ErrorText, Field } from '../common/controls.tsx';
import { StrengthMeter } from '../gate/strength-meter.tsx';
import { ROLE_LABELS } from '../format.ts';
import { MIN_PASSWORD_SCORE, passwordStrength } from '../password-strength.ts';
import { useAction, useVault } from '../vault-context.tsx';

const ROLE_HELP: Record<Role, string> = {
  admin: 'everything, including staff, devices and the Recovery Kit',
  clinician: 'store, search and share studies',
  viewer: 'search and view only',
};

/** Admins: the facility's named staff logins (the audit trail names them). */
export function MembersScreen() {
  const { vault } = useVault();
  const id = useId();
  const [members, setMembers] = useState<MemberView[] | null>(null);
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('clinician');
  const [errors, setErrors] = useState<{ name?: string; password?: string }>({});
  const [added, setAdded] = useState<string | null>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);
  const list = useAction(() => vault.listMembers());
  const add = useAction(() => vault.addMember({ name: name.trim(), password, role }));
  const strength = password ? passwordStrength(password, [name]) : null;
  const loadList = list.run;

  const reload = useCallback(async () => {
    const answer = await loadList();
    if (answer) setMembers(answer);
  }, [loadList]);

  useEffect(() => {
    void reload();
  }, [reload]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setAdded(null);
    const found: typeof errors = {};
    if (!name.trim()) found.name = 'Type the staff member’s name.';
    else if (members?.some((m) => m.name.trim().toLowerCase() === name.trim().toLowerCase()))
      found.name = 'A member with this name exists.';
    if (!strength || strength.score < MIN_PASSWORD_SCORE) found.password = 'Choose a stronger password.';
    setErrors(found);
    if (found.name) return nameRef.current?.focus();
    if (found.password) return passwordRef.current?.focus();
    const member = await add.run();
    if (!member) return;
    setAdded(`${member.name} was added as ${ROLE_LABELS[member.role].toLowerCase()}. Give them the password in person.`);
    setName('');
    setPassword('');
    await reload();
    nameRef.current?.focus();
  }

  return (
    <div className="members">
      <section className="panel" aria-labelledby={`${id}-list`}>
        <h2 id={`${id}-list`}>Members</h2>
        <ErrorText failure={list.error} />
        {members && (
          <table className="simple-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Role</th>
                <th scope="col">On this device</th>
              </tr>
            </thead>
            <tbody>
              {members.map((m) => (
                <tr key={m.memberId}>
                  <td>{m.name}</td>
                  <td>{ROLE_LABELS[m.role]}</td>
                  <td>{m.onThisDevice ? 'Yes' : 'No'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby={`${id}-add`}>
        <h2 id={`${id}-add`}>Add member</h2>
        <form className="form" onSubmit={submit} noValidate>
          <Field
            label="Name"
            inputRef={nameRef}
            value={name}
            onChange={(e) => setName(e.target.value)}
            autoComplete="off"
            error={errors.name}
          />
          <Field
            label="Password"
            type="password"
            inputRef={passwordRef}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            aria-describedby={`${id}-strength`}
            error={errors.password}
          />
          <StrengthMeter strength={strength} id={`${id}-strength`} />
          <div className="field">
            <label htmlFor={`${id}-role`}>Role</label>
            <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {(['admin', 'clinician', 'viewer'] as const).map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]} — {ROLE_HELP[r]}
                </option>
              ))}
            </select>
          </div>
          <ErrorText failure={add.error} />
          {added && <p className="success-text">{added}</p>}
          <div className="form-actions">
            <BusyButton busy={add.busy} busyLabel="Adding…">
              Add member
            </BusyButton>
          </div>
        </form>
      </section>
    </div>
  );
}
