// Test harness: a real server (SQLite + blob folder in a temp folder, real
// crypto on the client side) driven in-process with app.request. Test-only.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addressOf,
  createKdfParams,
  encryptBlob,
  generateDocumentKey,
  deriveAccountKeys,
  deriveMemberHandle,
  encodeKdfParams,
  fromBase64Url,
  generateDeviceKeyPair,
  generateFacilityKey,
  generateSecretKey,
  generateTransferKeyPair,
  parseKdfParams,
  signLoginChallenge,
  systemRandom,
  toBase64Url,
  unwrapFacilityKey,
  wrapFacilityKey,
  type DeviceKeyPair,
  type FacilityKey,
  type KeyEncryptionKey,
  type SecretKey,
} from '../../../crypto/index.ts';
import type { ServerLimits } from '../deps.ts';
import { openRuntime, type Runtime } from '../runtime.ts';
import type { Role } from '../store/index.ts';

export interface TestClock {
  now(): number;
  advance(ms: number): void;
}

export interface TestServer extends Runtime {
  dataDir: string;
  clock: TestClock;
  /** app.request with JSON in and the parsed JSON body out. */
  call(
    method: string,
    path: string,
    options?: {
      token?: string;
      json?: unknown;
      body?: BodyInit;
      headers?: Record<string, string>;
      /** The client's IP address as the socket would report it. */
      address?: string;
    },
  ): Promise<{ status: number; body: any; headers: Headers }>;
}

export function createTestServer(options: { limits?: Partial<ServerLimits>; dataDir?: string } = {}): TestServer {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'kura-server-test-'));
  const pwaDir = join(dataDir, 'pwa');
  mkdirSync(pwaDir, { recursive: true });
  writeFileSync(join(pwaDir, 'index.html'), '<!doctype html><title>Kura</title>');
  let t = Date.UTC(2026, 10, 28, 9, 0, 0);
  const clock: TestClock = { now: () => t, advance: (ms) => void (t += ms) };
  const runtime = openRuntime({ dataDir, pwaDir, limits: options.limits, now: clock.now, maintenanceMs: 0 });
  return {
    ...runtime,
    dataDir,
    clock,
    async close() {
      await runtime.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async call(method, path, opts = {}) {
      const env = { incoming: { socket: { remoteAddress: opts.address ?? '127.0.0.1' } } };
      return readResponse(await runtime.app.request(path, buildRequest(method, opts), env));
    },
  };
}

/** Anything that answers `call` like a TestServer: the in-process app, or a real server over HTTP. */
export type Caller = Pick<TestServer, 'call'>;

/** A Caller for a server in another process, reached over loopback. */
export function createHttpCaller(baseUrl: string): Caller {
  return {
    async call(method, path, opts = {}) {
      // Bounded, so a request to a server that died hangs no test.
      const init = { ...buildRequest(method, opts), signal: AbortSignal.timeout(20_000) };
      return readResponse(await fetch(new URL(path, baseUrl), init));
    },
  };
}

type CallOptions = NonNullable<Parameters<TestServer['call']>[2]>;

function buildRequest(method: string, opts: CallOptions): RequestInit {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  let body = opts.body;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  }
  return { method, headers, body };
}

async function readResponse(res: Response): Promise<{ status: number; body: any; headers: Headers }> {
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: leave the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/** Encrypts `plaintextBytes` of random bytes as a blob and uploads it as one part. */
export async function uploadPart(
  server: Caller,
  token: string,
  plaintextBytes = 1500,
): Promise<{ address: string; size: number; status: number }> {
  const ciphertext = await encryptBlob(generateDocumentKey(), 'test-blob', systemRandom(plaintextBytes));
  const address = await addressOf(ciphertext);
  const res = await server.call('PUT', `/api/v1/blobs/${address}`, {
    token,
    body: ciphertext as Uint8Array<ArrayBuffer>,
    headers: { 'Content-Type': 'application/octet-stream' },
  });
  return { address, size: ciphertext.length, status: res.status };
}

export function authHeader(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** What a member's device holds after signing in. */
export interface MemberSession {
  facilityId: string;
  memberId: string;
  deviceId: string;
  token: string;
  role: Role;
  name: string;
  password: string;
  device: DeviceKeyPair;
}

export interface TestFacility {
  facilityId: string;
  secretKey: SecretKey;
  facilityKey: FacilityKey;
  admin: MemberSession;
}

/** KDF cost for tests: the minimum crypto/ accepts, so each derivation takes milliseconds. */
const TEST_LOG_N = 14;

export async function registerFacility(server: Caller, options: { name?: string; password?: string } = {}): Promise<TestFacility> {
  const name = options.name ?? 'Admin Ada';
  const password = options.password ?? 'correct horse battery staple';
  const step1 = await server.call('POST', '/api/v1/facilities');
  if (step1.status !== 201) throw new Error(`register step 1: ${step1.status} ${JSON.stringify(step1.body)}`);
  const { facilityId, memberId } = step1.body as { facilityId: string; memberId: string };
  const secretKey = generateSecretKey();
  const params = createKdfParams({ logN: TEST_LOG_N });
  const keys = await deriveAccountKeys(password, secretKey, facilityId, params);
  const facilityKey = generateFacilityKey();
  const device = generateDeviceKeyPair();
  const res = await server.call('POST', `/api/v1/facilities/${facilityId}/activate`, {
    json: {
      memberHandle: deriveMemberHandle(facilityId, name),
      kdfParams: toBase64Url(encodeKdfParams(params)),
      loginPublicKey: toBase64Url(keys.login.publicKey),
      wrappedFacilityKey: toBase64Url(wrapFacilityKey(keys.kek, facilityKey, { facilityId, memberId })),
      transferPublicKey: toBase64Url(generateTransferKeyPair().publicKey),
      device: { publicKey: toBase64Url(device.publicKey), label: 'Front desk PC' },
    },
  });
  if (res.status !== 201) throw new Error(`register step 2: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    facilityId,
    secretKey,
    facilityKey,
    admin: { facilityId, memberId, deviceId: res.body.deviceId, token: res.body.token, role: 'admin', name, password, device },
  };
}

/** The admin adds a member (on the admin's device, where the new member types a password). */
export async function addMember(
  server: Caller,
  facility: TestFacility,
  role: Role,
  options: { name?: string; password?: string } = {},
): Promise<MemberSession> {
  const name = options.name ?? `${role} ${Math.random().toString(36).slice(2, 8)}`;
  const password = options.password ?? `${role} password 123`;
  const params = createKdfParams({ logN: TEST_LOG_N });
  const keys = await deriveAccountKeys(password, facility.secretKey, facility.facilityId, params);
  const memberId = `mem_${toBase64Url(systemRandom(16)).slice(0, 22)}`;
  const created = await server.call('POST', '/api/v1/members', {
    token: facility.admin.token,
    json: {
      memberId,
      memberHandle: deriveMemberHandle(facility.facilityId, name),
      role,
      kdfParams: toBase64Url(encodeKdfParams(params)),
      loginPublicKey: toBase64Url(keys.login.publicKey),
      wrappedFacilityKey: toBase64Url(wrapFacilityKey(keys.kek, facility.facilityKey, { facilityId: facility.facilityId, memberId })),
    },
  });
  if (created.status !== 201) throw new Error(`add member: ${created.status} ${JSON.stringify(created.body)}`);
  const session = await login(server, facility, { name, password, newDevice: true });
  return { ...session, role };
}

/** Challenge login as a client does it: prelogin, derive keys, sign the nonce. */
export async function login(
  server: Caller,
  facility: Pick<TestFacility, 'facilityId' | 'secretKey'>,
  who: { name: string; password: string; deviceId?: string; device?: DeviceKeyPair; newDevice?: boolean },
): Promise<MemberSession & { wrappedFacilityKey: string; kek: KeyEncryptionKey }> {
  const pre = await server.call('POST', '/api/v1/auth/prelogin', {
    json: { facilityId: facility.facilityId, memberHandle: deriveMemberHandle(facility.facilityId, who.name) },
  });
  if (pre.status !== 200) throw new Error(`prelogin: ${pre.status} ${JSON.stringify(pre.body)}`);
  const keys = await deriveAccountKeys(who.password, facility.secretKey, facility.facilityId, parseKdfParams(fromBase64Url(pre.body.kdfParams)));
  const nonce = fromBase64Url(pre.body.nonce);
  const signature = signLoginChallenge(keys.login.secretKey, { facilityId: facility.facilityId, memberId: pre.body.memberId, nonce });
  const device = who.device ?? generateDeviceKeyPair();
  const res = await server.call('POST', '/api/v1/auth/login', {
    json: {
      facilityId: facility.facilityId,
      memberId: pre.body.memberId,
      nonce: pre.body.nonce,
      signature: toBase64Url(signature),
      ...(who.newDevice || !who.deviceId
        ? { newDevice: { publicKey: toBase64Url(device.publicKey), label: 'Reading room tablet' } }
        : { deviceId: who.deviceId }),
    },
  });
  if (res.status !== 200) throw Object.assign(new Error(`login: ${res.status} ${JSON.stringify(res.body)}`), { status: res.status, body: res.body });
  return {
    facilityId: facility.facilityId,
    memberId: res.body.memberId,
    deviceId: res.body.deviceId,
    token: res.body.token,
    role: res.body.role,
    name: who.name,
    password: who.password,
    device,
    wrappedFacilityKey: res.body.wrappedFacilityKey,
    kek: keys.kek,
  };
}

/** Checks that the wrapped facility key the server returned opens with the member's KEK. */
export function unwrapReturnedFacilityKey(session: { wrappedFacilityKey: string; kek: KeyEncryptionKey; facilityId: string; memberId: string }): FacilityKey {
  return unwrapFacilityKey(session.kek, fromBase64Url(session.wrappedFacilityKey), session);
}
