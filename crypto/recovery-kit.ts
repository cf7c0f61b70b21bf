import { assertId } from './_fields.ts';
import { formatSecretKey, parseSecretKey, type SecretKey } from './secret-key.ts';

/**
 * The Recovery Kit: what a person needs, besides their password, to enrol a
 * new device or recover the facility. It is shown once at registration, saved
 * as a file, printed, and offered as a QR code.
 *
 * QR payload, version 1:  kura-kit:1?f=<facilityId>&s=<serverUrl>&k=<secretKey>
 * The text file carries the same payload on its last line, so either can be
 * read back by parseRecoveryKit.
 */
export interface RecoveryKit {
  readonly facilityId: string;
  readonly facilityName: string;
  readonly serverUrl: string;
  readonly secretKey: SecretKey;
}

export interface RecoveryKitDocument {
  /** Plain text for the file download and the printout. */
  readonly text: string;
  /** What the QR code encodes. */
  readonly qrPayload: string;
}

const SCHEME = 'kura-kit:1';

export class RecoveryKitError extends Error {
  override name = 'RecoveryKitError';
}

function checkServerUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RecoveryKitError(`"${url}" is not a server address`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new RecoveryKitError('The server address must start with https:// or http://');
  }
  return parsed.origin;
}

export function createRecoveryKit(kit: RecoveryKit): RecoveryKitDocument {
  assertId(kit.facilityId, 'facilityId');
  const serverUrl = checkServerUrl(kit.serverUrl);
  const secret = formatSecretKey(kit.secretKey);
  const qrPayload = `${SCHEME}?f=${encodeURIComponent(kit.facilityId)}&s=${encodeURIComponent(serverUrl)}&k=${secret}`;
  const text = [
    'Kura Recovery Kit',
    '',
    `Facility:     ${kit.facilityName}`,
    `Facility ID:  ${kit.facilityId}`,
    `Server:       ${serverUrl}`,
    `Secret key:   ${secret}`,
    '',
    'Keep this kit somewhere safe and private, apart from your password.',
    'To add a device you need both this secret key and your password.',
    'Kura cannot recover either: without them the encrypted archive stays locked.',
    '',
    qrPayload,
    '',
  ].join('\n');
  return { text, qrPayload };
}

/** Reads a kit from its QR payload or from the text file (which contains the payload). */
export function parseRecoveryKit(input: string): Omit<RecoveryKit, 'facilityName'> & { facilityName?: string } {
  const line = input.split(/\r?\n/).map((l) => l.trim()).find((l) => l.startsWith('kura-kit:'));
  if (line === undefined) throw new RecoveryKitError('This is not a Kura Recovery Kit');
  const [scheme, query = ''] = line.split('?', 2) as [string, string?];
  if (scheme !== SCHEME) throw new RecoveryKitError('This Recovery Kit was made by a newer version of Kura');
  const fields = new URLSearchParams(query);
  const facilityId = fields.get('f');
  const serverUrl = fields.get('s');
  const secret = fields.get('k');
  if (!facilityId || !serverUrl || !secret) throw new RecoveryKitError('The Recovery Kit is incomplete');
  try {
    assertId(facilityId, 'facilityId');
  } catch {
    throw new RecoveryKitError('The facility ID in the Recovery Kit is not valid');
  }
  const name = /^Facility:\s+(.*)$/m.exec(input)?.[1]?.trim();
  return {
    facilityId,
    serverUrl: checkServerUrl(serverUrl),
    secretKey: parseSecretKey(secret),
    ...(name ? { facilityName: name } : {}),
  };
}
