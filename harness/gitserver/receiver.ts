// Calls a Flux notification-controller Receiver after a push, as a Git host's webhook would.
// Types (notification.toolkit.fluxcd.io/v1 Receiver spec.type):
// - generic: any POST to the webhook path triggers the reconcile;
// - generic-hmac: body signed with the token, header X-Signature: sha256=<hex>;
// - github: X-GitHub-Event: push and X-Hub-Signature-256: sha256=<hex> of the body.
import { createHmac } from 'node:crypto';

export type ReceiverType = 'generic' | 'generic-hmac' | 'github';

export interface ReceiverTarget {
  /** Full webhook URL: notification-controller's receiver address + the Receiver's status.webhookPath. */
  url: string;
  /** The token from the Receiver's secretRef (used as HMAC key for the signed types). */
  token: string;
  type: ReceiverType;
}

export interface PushEvent {
  repo: string;
  ref: string;
  before: string;
  after: string;
}

export interface ReceiverRequest {
  headers: Record<string, string>;
  body: string;
}

export function hmacSha256(key: string, body: string): string {
  return createHmac('sha256', key).update(body).digest('hex');
}

/** The request a Git host would send for this push (pure, unit-tested). */
export function receiverRequest(target: ReceiverTarget, push: PushEvent): ReceiverRequest {
  const body = JSON.stringify({
    ref: push.ref,
    before: push.before,
    after: push.after,
    repository: { name: push.repo, full_name: `field-guide/${push.repo}` },
  });
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (target.type === 'github') {
    headers['X-GitHub-Event'] = 'push';
    headers['X-Hub-Signature-256'] = `sha256=${hmacSha256(target.token, body)}`;
  } else if (target.type === 'generic-hmac') {
    headers['X-Signature'] = `sha256=${hmacSha256(target.token, body)}`;
  }
  return { headers, body };
}

/** Sends the webhook; resolves with the HTTP status (throws on connection errors). */
export async function notifyReceiver(target: ReceiverTarget, push: PushEvent): Promise<number> {
  const url = new URL(target.url);
  if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') {
    throw new Error(`refusing to call a receiver that is not on loopback: ${target.url}`);
  }
  const request = receiverRequest(target, push);
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body, signal: AbortSignal.timeout(10_000) });
  await response.text();
  return response.status;
}
