import type { BlobStore } from '../blobs/blob-store.js';
import type { Mailer } from '../lib/mailer.js';
import type { OidcClient } from '../lib/oidc-client.js';
import type { OutboundPolicy } from '../lib/outbound.js';
import type { FailureBackoff, WindowLimiter } from '../lib/rate-limit.js';
import type { Store } from '../store/store.js';

/**
 * Who may receive an event: every member of its workspace, every member but these (the
 * guests, for a public channel they may not read), or exactly these users.
 */
export type Audience = 'workspace' | { readonly except: ReadonlySet<string> } | ReadonlySet<string>;

/** What services may ask of the realtime layer (implemented by realtime/hub.ts). */
export interface RealtimePort {
  /**
   * Resolves when new events of the workspace are committed, or after `timeoutMs`: true,
   * or false once the server is shutting down (a long-poll then answers with what it has).
   */
  waitForEvents(workspaceId: string, timeoutMs: number): Promise<boolean>;
  /** Sends a not-persisted event to the connected sockets of a workspace. */
  publishEphemeral(workspaceId: string, frame: string, audience: Audience): void;
  /** Closes every socket authenticated by this session or bot token (1008). */
  revokeCredential(id: string): void;
  /** Closes a user's sockets in a workspace (they were removed from it). */
  dropUser(workspaceId: string, userId: string): void;
  /** Users with at least one open socket in the workspace. */
  presentUsers(workspaceId: string): string[];
}

/**
 * What a write that may change nothing answers (a nonce replay, a reaction already there):
 * whether it created something, and its result. Services speak the domain; http/route.ts
 * `routeOutcome` maps `created` to 201, otherwise 200.
 */
export interface Outcome<T> {
  created: boolean;
  response: T;
}

/**
 * What every service needs. Infrastructure every process can provide is required: a process
 * without sockets or untrusted callers passes explicit stand-ins (services/ops-deps.ts), so
 * services never ask whether it is there. Optional members are features a deployment may
 * leave off; each is checked once, where its feature starts (its 501 or 404).
 */
export interface ServiceDeps {
  store: Store;
  devBootstrap: boolean;
  /**
   * `serve --public-url` (a canonical origin): what the server is called from outside, for
   * the URLs it hands out, the Secure cookie decision and the origin checks; HTTP only.
   */
  publicUrl?: string;
  /** Sockets of this process; a process without any passes `LOG_ONLY_REALTIME`. */
  realtime: RealtimePort;
  /** Rules for calling out to integration URLs (slash commands, subscriptions). */
  outbound: OutboundPolicy;
  /**
   * Upload storage and its per-file size limit (`serve --uploads`); absent where uploads are
   * not served: services/uploads/uploads.ts checks it where a file is stored, read or deleted.
   */
  uploads?: { blobs: BlobStore; maxBytes: number; quota: UploadQuota };
  /** Password guessing limits, and whether login is on (`serve --password-auth`). */
  passwordGuard: PasswordGuard;
  /** Failed magic-link and invite redemptions per client IP. */
  redemptionFailures: WindowLimiter;
  /** Uses of raw invite tokens per client IP (services/invites/invites.ts). */
  inviteAttempts: WindowLimiter;
  /** Single sign-on (`serve --oidc-issuer`); absent when not configured (checked in oidc.ts). */
  oidc?: OidcLogin;
  /** Setup-code claims per client IP. */
  setupCodeClaims: WindowLimiter;
  /** Collects bot-token uses for a batched `last_used_at` write. */
  botUsage: { note(tokenId: string): void };
  /** Collects session uses for a batched `last_seen_at` write (the session list shows it). */
  sessionUsage: { note(sessionId: string): void };
  /** Outgoing email (`serve --smtp-url`); absent: magic-link requests are 501 unless dev bootstrap. */
  mailer?: Mailer;
  /** Sign-in email budgets (per address and per client). */
  signInLimits: SignInLimits;
  /** How long a mention, DM or followed reply waits unread before it is emailed, by default. */
  emailNotifyDelayMs: number;
}

/** Most files and bytes one user may keep in one workspace (`serve --upload-quota-*`). */
export interface UploadQuota {
  files: number;
  bytes: number;
}

/** Whether password login is on, and its guessing budgets (services/auth/passwords.ts). */
export interface PasswordGuard {
  loginEnabled: boolean;
  perIp: WindowLimiter;
  failures: FailureBackoff;
}

/** Single sign-on's provider and rules (services/auth/oidc.ts). */
export interface OidcLogin {
  client: OidcClient;
  /** The button's label: "Sign in with <name>". */
  name: string;
  /** Lower-case email domains whose people may create their account by signing in. */
  allowedDomains: ReadonlySet<string>;
  /** Sign-ins started per client address (each stores a row until it is used or expires). */
  starts: WindowLimiter;
}

export interface SignInLimits {
  requestsPerAddress: WindowLimiter;
  requestsPerSource: WindowLimiter;
  codeGuessesPerSource: WindowLimiter;
}
