// Typed helpers for the REST endpoints. Each resolves with the same Result shape as a socket
// command, so screens handle errors one way whichever transport answered.
import type { z } from 'zod';
import { ErrorCode, type AppError, type Result } from '../../../shared/errors.js';
import type { CreateStaffBody, GuestJoinBody, LoginBody, Me, RegisterBody, ResetPasswordBody, StaffMember } from '../../../shared/session.js';
import type { EditTownHall, Host, ScheduleTownHall, TownHall } from '../../../shared/townhall.js';
import { withProof } from './proof-of-work.js';

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

function toAppError(status: number, body: unknown): AppError {
  const error = (body as { error?: Partial<AppError> } | null)?.error;
  if (error && typeof error.code === 'string' && CODES.has(error.code)) {
    return {
      code: error.code,
      message: typeof error.message === 'string' ? error.message : '',
      ...(typeof error.retryAfterMs === 'number' ? { retryAfterMs: error.retryAfterMs } : {}),
      ...(Array.isArray(error.fields) ? { fields: error.fields.filter((f) => typeof f === 'string') } : {}),
      ...(error.scope === 'network' ? { scope: 'network' as const } : {}),
      ...(error.challenge && typeof error.challenge === 'object' ? { challenge: error.challenge } : {}),
      ...(error.reason === 'STAFF_NAME' ? { reason: error.reason } : {}),
    };
  }
  return { code: status >= 500 ? 'UNAVAILABLE' : 'INTERNAL', message: `HTTP ${status}` };
}

/** One REST call, answered as a Result: a network failure or an error status never throws. */
export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH', path: string, body?: unknown): Promise<Result<T>> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch {
    return { ok: false, error: { code: 'UNAVAILABLE', message: 'Network error.' } };
  }
  let json: unknown = null;
  try {
    json = await response.json();
  } catch {
    // An empty or non-JSON body (a proxy error page, say) is reported by status alone.
  }
  if (!response.ok) return { ok: false, error: toAppError(response.status, json) };
  return { ok: true, data: json as T };
}

const pick =
  <K extends string, T>(key: K) =>
  (result: Result<Record<K, T>>): Result<T> =>
    result.ok ? { ok: true, data: result.data[key] } : result;

export const api = {
  session: () => request<{ me: Me | null }>('GET', '/api/session').then(pick('me')),
  joinAsGuest: (body: GuestJoinBody) =>
    withProof((proof) => request<{ me: Me }>('POST', '/api/session/guest', { ...body, proof })).then(pick('me')),
  login: (body: LoginBody) => request<{ me: Me }>('POST', '/api/session/login', body).then(pick('me')),
  register: (body: RegisterBody) =>
    withProof((proof) => request<{ me: Me }>('POST', '/api/session/register', { ...body, proof })).then(pick('me')),
  logout: () => request<Record<string, never>>('POST', '/api/session/logout', {}),
  /** Ends every session of the signed-in person, on every device. */
  logoutEverywhere: () => request<Record<string, never>>('POST', '/api/session/logout-all', {}),
  townHalls: () => request<{ townHalls: TownHall[] }>('GET', '/api/townhalls').then(pick('townHalls')),
  townHall: (id: string) =>
    request<{ townHall: TownHall }>('GET', `/api/townhalls/${encodeURIComponent(id)}`).then(pick('townHall')),
  scheduleTownHall: (body: z.input<typeof ScheduleTownHall>) =>
    request<{ townHall: TownHall }>('POST', '/api/townhalls', body).then(pick('townHall')),
  editTownHall: (id: string, body: z.input<typeof EditTownHall>) =>
    request<{ townHall: TownHall }>('PATCH', `/api/townhalls/${encodeURIComponent(id)}`, body).then(pick('townHall')),
  /** Officers who may be named hosts (officers and admins only). */
  hostCandidates: () => request<{ hosts: Host[] }>('GET', '/api/townhalls/hosts').then(pick('hosts')),
  staff: () => request<{ staff: StaffMember[] }>('GET', '/api/staff').then(pick('staff')),
  createStaff: (body: CreateStaffBody) => request<{ staff: StaffMember }>('POST', '/api/staff', body).then(pick('staff')),
  setStaffDisabled: (id: string, disabled: boolean) =>
    request<{ staff: StaffMember }>('POST', `/api/staff/${encodeURIComponent(id)}/${disabled ? 'disable' : 'enable'}`, {}).then(pick('staff')),
  resetStaffPassword: (id: string, body: ResetPasswordBody) =>
    request<{ staff: StaffMember }>('POST', `/api/staff/${encodeURIComponent(id)}/password`, body).then(pick('staff')),
  /** The server recomputes the moderation record's hash chain (moderators only). */
  verifyAudit: () =>
    request<{ ok: true; entries: number } | { ok: false; seq: number; problem: string }>('GET', '/api/moderation/audit/verify'),
};
