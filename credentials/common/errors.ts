import type { TransportError } from './http';

/**
 * The typed errors every vendor client of this package throws before they become n8n node errors
 * (one mapper, `toNodeError` in nodes/common/errors.ts, turns them into `NodeApiError`s). They
 * live beside the credentials because the credentials' own token fetches and key checks throw
 * them too; nodes import them from here.
 */

/** What a vendor said when it refused a call. */
export interface VendorErrorInfo {
	/** Vendor name as shown to users: `WeChat`, `Coze`, `Tencent Cloud`, `Tencent Cloud ASR`. */
	vendor: string;
	/** The vendor's error code: WeChat errcode, Coze code, Tencent `Error.Code` or legacy code. */
	code?: string | number;
	/** The vendor's own message (may be empty). */
	message: string;
	/** The id vendor support asks for: Tencent RequestId, Coze Log ID. */
	requestId?: string;
	/** How to label {@link requestId}: `RequestId`, `Log ID` (default `Request ID`). */
	requestIdLabel?: string;
	/** HTTP status of the answer, when it was not 200. */
	httpStatus?: number;
	/** What the user should do about it (one or two sentences). */
	hint?: string;
}

/**
 * A vendor answered with an error (WeChat errcode ≠ 0, Coze code ≠ 0, Tencent `Response.Error`,
 * a legacy ASR code ≠ 0, or an answer that is not the vendor's JSON at all). The message is
 * `<vendor> error <code>: <message>`; the fields keep every part apart, so nothing has to be read
 * back out of the message.
 */
export class VendorApiError extends Error {
	constructor(readonly info: VendorErrorInfo) {
		super(`${info.vendor} error${info.code !== undefined && info.code !== '' ? ` ${String(info.code)}` : ''}: ${info.message}`);
		this.name = 'VendorApiError';
	}

	/** The vendor's code, e.g. `40001`, `4100`, `RequestLimitExceeded`. */
	get code(): string | number | undefined {
		return this.info.code;
	}
}

/**
 * A credential could not authenticate: its `preAuthentication` (the WeChat token fetch, the
 * Tencent key check) failed. `reason` is what went wrong underneath: the vendor refused
 * ({@link VendorApiError}: wrong secret, IP whitelist …), the vendor could not be reached
 * ({@link TransportError}), or nothing (a field is empty). The message is what n8n shows for a
 * failed credential test, so it names the vendor code and never a secret.
 */
export class CredentialError extends Error {
	constructor(
		message: string,
		/** The vendor whose credential failed, e.g. `WeChat`. */
		readonly vendor: string,
		readonly reason: VendorApiError | TransportError | undefined,
		/** What to check, e.g. "Check the App ID and App Secret of the WeChat credential." */
		readonly hint: string,
	) {
		super(message);
		this.name = 'CredentialError';
	}
}

/*
 * n8n's `httpRequestWithAuthentication` re-throws every failure, those of `preAuthentication`
 * included, as `new NodeApiError(node, error)`, and n8n-workflow's error classes do not keep an
 * Error as `cause` (docs/n8n.md#errors-from-httprequestwithauthentication). So a node cannot see
 * the credential's typed error through n8n. It can see it here instead: n8n calls
 * `preAuthentication` with exactly the credential data object the node passed as
 * `additionalCredentialOptions.credentialsDecrypted.data`, and the credential records its error
 * against that object. Serial numbers tell a fresh failure from an old one.
 */
const recorded = new WeakMap<object, { serial: number; error: CredentialError }>();
let serials = 0;

/**
 * Records that `preAuthentication` failed for the credential data object `credentials` (the one
 * n8n passed in) and returns the error, so the credential can `throw recordCredentialError(…)`.
 */
export function recordCredentialError(credentials: object, error: CredentialError): CredentialError {
	serials += 1;
	recorded.set(credentials, { serial: serials, error });
	return error;
}

/** The current serial: pass it to {@link credentialErrorSince} after a request fails. */
export function credentialErrorSerial(): number {
	return serials;
}

/**
 * The {@link CredentialError} recorded for `credentials` after serial `since`, or `undefined`
 * when its preAuthentication did not fail since then.
 */
export function credentialErrorSince(credentials: object, since: number): CredentialError | undefined {
	const entry = recorded.get(credentials);
	return entry && entry.serial > since ? entry.error : undefined;
}
