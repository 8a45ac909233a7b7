import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { header } from "./fake-request.js";
import type { RecordedRequest } from "./http-server.js";

/** AWS credentials a fake service knows. */
export interface FakeAwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** A temporary credential's session token (sent as `x-amz-security-token`). */
  sessionToken?: string;
  /** Whether the session token has expired (the service answers `ExpiredTokenException`). */
  expired?: boolean;
}

/** Why AWS refuses a request's authentication: the error type (`x-amzn-errortype`), status and message it answers with. */
export interface AwsAuthFailure {
  type:
    | "MissingAuthenticationTokenException"
    | "IncompleteSignatureException"
    | "UnrecognizedClientException"
    | "InvalidSignatureException"
    | "ExpiredTokenException";
  status: number;
  message: string;
}

const SIGNATURE_MISMATCH =
  "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and " +
  "signing method. Consult the service documentation for details.";
const INVALID_TOKEN = "The security token included in the request is invalid.";
/** How far a request's `x-amz-date` may be from the service's clock. */
const MAX_SKEW_MS = 5 * 60_000;

/** `AWS4-HMAC-SHA256 Credential=<key id>/<yyyymmdd>/<region>/<service>/aws4_request, SignedHeaders=a;b, Signature=<hex>` */
const AUTHORIZATION = new RegExp(
  String.raw`^AWS4-HMAC-SHA256 Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request,` +
    String.raw`\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$`,
);

/** `20260102T030405Z` → a Date. */
function parseAmzDate(value: string): Date | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

const amzDate = (date: Date) =>
  date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");

/**
 * Checks a request's AWS Signature Version 4 the way an AWS service does: the credential scope, the access key and
 * session token, the clock skew, and the signature itself, recomputed with the AWS SDK's own signer
 * (`@smithy/signature-v4`) over the headers the request says it signed and its raw body. Undefined when it passes.
 */
export async function checkAwsSignature(
  request: RecordedRequest,
  options: { credentials: readonly FakeAwsCredentials[]; region: string; service: string; now?: number },
): Promise<AwsAuthFailure | undefined> {
  const authorization = header(request, "authorization");
  if (authorization === undefined)
    return { type: "MissingAuthenticationTokenException", status: 403, message: "Missing Authentication Token" };
  const match = AUTHORIZATION.exec(authorization);
  if (match === null) {
    return {
      type: "IncompleteSignatureException",
      status: 403,
      message:
        "Authorization header requires 'Credential', 'Signature' and 'SignedHeaders' parameters. " +
        `Authorization=${authorization.split(" ")[0]}`,
    };
  }
  const [, accessKeyId, scopeDate, region, service, signedHeaderList, signature] = match as unknown as string[];
  const credentials = options.credentials.find((candidate) => candidate.accessKeyId === accessKeyId);
  const token = header(request, "x-amz-security-token");
  if (credentials === undefined || (credentials.sessionToken ?? undefined) !== token) {
    return { type: "UnrecognizedClientException", status: 403, message: INVALID_TOKEN };
  }
  if (credentials.expired === true) {
    return { type: "ExpiredTokenException", status: 403, message: "The security token included in the request is expired" };
  }
  if (region !== options.region) {
    return { type: "InvalidSignatureException", status: 403, message: `Credential should be scoped to a valid region. ` };
  }
  if (service !== options.service) {
    return {
      type: "InvalidSignatureException",
      status: 403,
      message: `Credential should be scoped to correct service: '${options.service}'. `,
    };
  }
  const dateHeader = header(request, "x-amz-date") ?? "";
  const signingDate = parseAmzDate(dateHeader);
  if (signingDate === undefined || !dateHeader.startsWith(scopeDate!)) {
    return { type: "IncompleteSignatureException", status: 403, message: "Date must be in ISO-8601 'basic format'." };
  }
  const now = options.now ?? Date.now();
  const [earliest, latest] = [amzDate(new Date(now - MAX_SKEW_MS)), amzDate(new Date(now + MAX_SKEW_MS))];
  if (signingDate.getTime() < now - MAX_SKEW_MS) {
    return {
      type: "InvalidSignatureException",
      status: 403,
      message: `Signature expired: ${dateHeader} is now earlier than ${earliest} (${amzDate(new Date(now))} - 5 min.)`,
    };
  }
  if (signingDate.getTime() > now + MAX_SKEW_MS) {
    return {
      type: "InvalidSignatureException",
      status: 403,
      message: `Signature not yet current: ${dateHeader} is still later than ${latest} (${amzDate(new Date(now))} + 5 min.)`,
    };
  }

  // a payload hash the client sent must be the body's: the signature covers the hash, not the body
  const payloadHash = header(request, "x-amz-content-sha256");
  if (payloadHash !== undefined && payloadHash !== "UNSIGNED-PAYLOAD") {
    const hash = new Sha256();
    hash.update(request.rawBody);
    if (Buffer.from(await hash.digest()).toString("hex") !== payloadHash) {
      return { type: "InvalidSignatureException", status: 403, message: SIGNATURE_MISMATCH };
    }
  }
  const signedHeaders = signedHeaderList!.split(";");
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = header(request, name);
    if (value !== undefined) headers[name] = value;
  }
  const [path, queryString = ""] = request.path.split("?", 2) as [string, string?];
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(queryString)) {
    const existing = query[key];
    query[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  const host = header(request, "host") ?? "";
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken !== undefined ? { sessionToken: credentials.sessionToken } : {}),
    },
    region: options.region,
    service: options.service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const signed = await signer.sign(
    { method: request.method, protocol: "http:", hostname: host.split(":")[0] ?? host, path, query, headers, body: request.rawBody },
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? signed.headers.Authorization))?.[1];
  if (expected !== signature) return { type: "InvalidSignatureException", status: 403, message: SIGNATURE_MISMATCH };
  return undefined;
}
