// A small, dependency-free estimate: zxcvbn would be better informed but
// weighs ~400 kB, more than the whole first screen may. The scrypt KDF and the
// secret key already protect the server's copy; this guards the device's.

export interface PasswordStrength {
  /** 0 (too short) … 4 (strong). */
  score: 0 | 1 | 2 | 3 | 4;
  label: 'Too short' | 'Weak' | 'Fair' | 'Good' | 'Strong';
  /** What would make it stronger, or '' when nothing needs saying. */
  hint: string;
}

export const MIN_PASSWORD_LENGTH = 10;
/** Registration and new members need at least "Fair". */
export const MIN_PASSWORD_SCORE = 2;

const COMMON = [
  'password',
  'passwort',
  'qwerty',
  'azerty',
  'letmein',
  'welcome',
  'admin',
  'clinic',
  'hospital',
  'doctor',
  'kura',
  'iloveyou',
  'monkey',
  'dragon',
  'abc123',
  '123456',
  '111111',
  'secret',
];

const LABELS = ['Too short', 'Weak', 'Fair', 'Good', 'Strong'] as const;

/** Bits for the alphabets in use, minus what guessable parts give away. */
function estimateBits(password: string, personal: string[]): number {
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/\d/.test(password)) pool += 10;
  if (/[^a-zA-Z\d]/.test(password)) pool += 33;
  // Non-ASCII letters (kana, accents) widen the alphabet a lot.
  if (/[^\x00-\x7f]/.test(password)) pool += 100;
  let effectiveLength = password.length;
  const lower = password.toLowerCase();
  // Runs of one character ("aaaa") and keyboard or counting sequences add little.
  effectiveLength -= (lower.match(/(.)\1{2,}/g) ?? []).reduce((n, run) => n + run.length - 1, 0);
  effectiveLength -= (lower.match(/(?:0123|1234|2345|3456|4567|5678|6789|abcd|bcde|cdef|qwer|wert|asdf|sdfg|zxcv)/g) ?? []).length * 3;
  for (const word of [...COMMON, ...personal]) {
    if (word.length >= 3 && lower.includes(word)) effectiveLength -= word.length - 1;
  }
  return Math.max(0, effectiveLength) * Math.log2(Math.max(pool, 1));
}

/** `personal`: the facility and staff names, which an attacker would try first. */
export function passwordStrength(password: string, personal: string[] = []): PasswordStrength {
  const words = personal
    .flatMap((p) => p.toLowerCase().split(/\s+/))
    .filter((w) => w.length >= 3);
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { score: 0, label: LABELS[0], hint: `Use at least ${MIN_PASSWORD_LENGTH} characters.` };
  }
  const bits = estimateBits(password, words);
  const score = bits < 36 ? 1 : bits < 50 ? 2 : bits < 70 ? 3 : 4;
  const hint =
    score >= 3
      ? ''
      : 'Add more words or characters; a short sentence that only you would write is easy to remember and hard to guess.';
  return { score, label: LABELS[score], hint };
}
