import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { CredentialError, VendorApiError, type VendorErrorInfo } from '../../credentials/common/errors';
import { isCancelledTransportError, TransportError } from '../../credentials/common/http';
import { redactSecrets } from '../../credentials/common/redact';

/**
 * Builds the `NodeApiError` that every node throws for a vendor failure. The message names the
 * vendor, code and vendor message (`<vendor> error: <code> – <message>`); the description carries
 * the hint and the request/log id. The error is built from a plain object made here (never from a
 * request error that could carry headers, signed URLs or tokens), and the text passes through
 * `redactSecrets`. `errorResponse` keeps `vendorCode`, `vendorMessage` and `requestId` for
 * callers that need them (see {@link vendorDetails}).
 *
 * @param secrets values that must never appear (App Secret, access token, SecretKey …).
 */
export function vendorApiError(
	node: INode,
	info: VendorErrorInfo,
	itemIndex?: number,
	secrets: ReadonlyArray<string | undefined> = [],
): NodeApiError {
	const parts: string[] = [];
	if (info.code !== undefined && info.code !== '') parts.push(String(info.code));
	if (info.message) parts.push(info.message);
	const message = redactSecrets(`${info.vendor} error${parts.length ? `: ${parts.join(' – ')}` : ''}`, secrets);
	const descriptionParts: string[] = [];
	if (info.hint) descriptionParts.push(info.hint);
	if (info.requestId) descriptionParts.push(`${info.requestIdLabel ?? 'Request ID'}: ${info.requestId}`);
	const description = redactSecrets(descriptionParts.join(' '), secrets) || undefined;
	const errorObject: JsonObject = { vendor: info.vendor, message };
	if (info.code !== undefined) errorObject.vendorCode = String(info.code);
	if (info.message) errorObject.vendorMessage = redactSecrets(info.message, secrets);
	if (info.requestId) errorObject.requestId = info.requestId;
	const error = new NodeApiError(node, errorObject, {
		message,
		description,
		httpCode: info.httpStatus !== undefined ? String(info.httpStatus) : undefined,
		itemIndex,
	});
	// NodeApiError replaces a message that mentions a connection code (ECONNRESET …) with a generic
	// text (docs/n8n.md#errors-from-httprequestwithauthentication); ours already says what happened.
	error.message = message;
	return error;
}

/**
 * The vendor's code, message and request id carried by a `NodeApiError` that
 * {@link vendorApiError} built, e.g. `{ code: 'FailedOperation.UploadFileOverflow', message: '…',
 * requestId: '…' }`; `undefined` for any other error or one without a vendor code.
 */
export function vendorDetails(error: unknown): { code: string; message?: string; requestId?: string } | undefined {
	if (!(error instanceof NodeApiError)) return undefined;
	const response = error.errorResponse as JsonObject | undefined;
	if (!response || typeof response.vendorCode !== 'string') return undefined;
	return {
		code: response.vendorCode,
		message: typeof response.vendorMessage === 'string' ? response.vendorMessage : undefined,
		requestId: typeof response.requestId === 'string' ? response.requestId : undefined,
	};
}

/**
 * An input problem found before any network call (wrong format, too large, missing field).
 * `description` says what to do.
 */
export function inputError(node: INode, message: string, description: string | undefined, itemIndex: number): NodeOperationError {
	return new NodeOperationError(node, message, { description, itemIndex, level: 'warning' });
}

/** Formats a byte count for messages: `1,048,576 bytes (1.00 MB)`. */
export function formatBytes(bytes: number): string {
	const mb = bytes / 1048576;
	return `${bytes.toLocaleString('en-US')} bytes (${mb.toFixed(2)} MB)`;
}

/** How {@link toNodeError} words errors of one vendor call. */
export interface ErrorContext {
	/** Vendor name for errors that carry none of their own (a broken connection): `WeChat`, `Coze`, `Tencent Cloud`. */
	vendor: string;
	itemIndex?: number;
	/** Values that must never appear in the message (tokens, keys). */
	secrets?: ReadonlyArray<string | undefined>;
	/** What to check when the network failed, e.g. "Check that n8n can reach the Coze API host of the credential." */
	networkHint: string;
	/**
	 * For a call that must not be sent twice (an upload, a task creation): its name and what to
	 * check before trying again when the connection broke after it was sent. Absent for calls
	 * that change nothing.
	 */
	notResent?: { action: string; check: string };
}

/**
 * The one mapper from this package's typed errors to the node errors users see:
 * - {@link VendorApiError}: the vendor's code, message, request id and hint ({@link vendorApiError}).
 * - {@link CredentialError}: the credential's token fetch / key check failed; shown as the
 *   vendor's error when the vendor refused, with the credential's hint first.
 * - {@link TransportError}: no answer; the hint says what to check, and for a call in
 *   `notResent` that it may have reached the vendor and was not resent. A cancelled execution
 *   says so.
 * - `NodeApiError` / `NodeOperationError` pass through (their item index set when missing);
 *   anything else becomes a `NodeOperationError` with its redacted message.
 */
export function toNodeError(node: INode, error: unknown, context: ErrorContext): NodeApiError | NodeOperationError {
	const { itemIndex, secrets = [] } = context;
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (itemIndex !== undefined && error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	if (error instanceof VendorApiError) return vendorApiError(node, error.info, itemIndex, secrets);
	if (error instanceof CredentialError) {
		const reason = error.reason;
		if (reason instanceof VendorApiError) {
			// the request id stays in the message: a rejected key or secret is what support is asked about
			const { requestId, requestIdLabel } = reason.info;
			return vendorApiError(
				node,
				{
					...reason.info,
					message: requestId ? `${reason.info.message} (${requestIdLabel ?? 'Request ID'}: ${requestId})` : reason.info.message,
					hint: [error.hint, reason.info.hint].filter(Boolean).join(' '),
				},
				itemIndex,
				secrets,
			);
		}
		return vendorApiError(
			node,
			{ vendor: error.vendor, code: reason?.code, message: error.message, hint: reason ? context.networkHint : error.hint },
			itemIndex,
			secrets,
		);
	}
	if (error instanceof TransportError) {
		if (isCancelledTransportError(error)) {
			return new NodeOperationError(node, 'The execution was cancelled while a request was under way', { itemIndex });
		}
		const unsure = context.notResent !== undefined && error.mayHaveReachedServer;
		return vendorApiError(
			node,
			{
				vendor: context.vendor,
				code: error.code,
				message: error.message,
				httpStatus: error.httpStatus,
				hint: unsure
					? `The connection broke after ${context.notResent!.action} was sent, so ${context.vendor} may have accepted it. It was NOT resent; ${context.notResent!.check}`
					: context.networkHint,
			},
			itemIndex,
			secrets,
		);
	}
	return new NodeOperationError(node, redactSecrets(error instanceof Error ? error.message : String(error), secrets), {
		itemIndex,
	});
}
