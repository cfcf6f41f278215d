import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * What a vendor said when a call failed, in the vendor's own terms. Every field is safe to
 * show: no secret, token or signed URL ever goes in here.
 */
export interface VendorErrorInfo {
	/** Display name of the service, e.g. `WeChat`, `Coze`, `Tencent Cloud`. */
	vendor: string;
	/** The vendor's error code (`40001`, `4100`, `AuthFailure.SignatureFailure`, `1025`). */
	code?: string | number;
	/** The vendor's own error message. */
	message?: string;
	/** Request / log id the vendor's support asks for (Coze log id, Tencent RequestId). */
	requestId?: string;
	/** Label for `requestId` in the description, e.g. `Log ID` or `RequestId`. */
	requestIdLabel?: string;
	/** HTTP status of the answer, when it was not 200. */
	httpCode?: number;
	/** What the user should do about it (one or two sentences). */
	hint?: string;
}

/**
 * Builds the `NodeApiError` that every node throws for a vendor failure. The message names the
 * vendor, code and vendor message; the description carries the hint and the request/log id.
 * The error is built from a plain object made here (never from a request error that could
 * carry headers, signed URLs or tokens), and the text passes through {@link redactSecrets}.
 *
 * @param secrets values that must never appear (App Secret, access token, SecretKey …).
 */
export function vendorApiError(
	node: INode,
	info: VendorErrorInfo,
	itemIndex?: number,
	secrets: Array<string | undefined> = [],
): NodeApiError {
	const parts: string[] = [];
	if (info.code !== undefined && info.code !== '') parts.push(String(info.code));
	if (info.message) parts.push(info.message);
	const message = redactSecrets(
		`${info.vendor} error${parts.length ? `: ${parts.join(' – ')}` : ''}`,
		secrets,
	);
	const descriptionParts: string[] = [];
	if (info.hint) descriptionParts.push(info.hint);
	if (info.requestId) descriptionParts.push(`${info.requestIdLabel ?? 'Request ID'}: ${info.requestId}`);
	const description = redactSecrets(descriptionParts.join(' '), secrets) || undefined;
	const errorObject: JsonObject = {
		vendor: info.vendor,
		message,
	};
	if (info.code !== undefined) errorObject.vendorCode = String(info.code);
	if (info.message) errorObject.vendorMessage = redactSecrets(info.message, secrets);
	if (info.requestId) errorObject.requestId = info.requestId;
	return new NodeApiError(node, errorObject, {
		message,
		description,
		httpCode: info.httpCode !== undefined ? String(info.httpCode) : undefined,
		itemIndex,
	});
}

/**
 * An input problem found before any network call (wrong format, too large, missing field).
 * `description` says what to do.
 */
export function inputError(
	node: INode,
	message: string,
	description: string | undefined,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(node, message, { description, itemIndex, level: 'warning' });
}

const TOKEN_QUERY =
	/([?&](?:access_token|secretid|secret|token|signature|sign|sig|q-signature|x-amz-signature|x-amz-security-token|x-amz-credential|auth_key|api_key|apikey|key)=)[^&#\s"']*/gi;

/**
 * The first `maxChars` characters of a vendor answer for an error message, redacted BEFORE it is
 * cut (so a secret cut in half cannot slip past {@link redactSecrets}).
 */
export function answerExcerpt(text: string, maxChars: number, secrets: Array<string | undefined> = []): string {
	return redactSecrets(text, secrets).slice(0, maxChars);
}

/**
 * Removes secrets from a text before it is shown: every listed secret value becomes `***`, and
 * any `access_token=`, `secret=`, `token=`, `secretid=` or `signature=` query value in a URL is
 * replaced. WeChat puts its access_token in the query string (vendor notes §1), so any URL we
 * surface goes through here.
 */
export function redactSecrets(text: string, secrets: Array<string | undefined> = []): string {
	let result = text.replace(TOKEN_QUERY, '$1***');
	for (const secret of secrets) {
		if (secret && secret.length >= 4) {
			result = result.split(secret).join('***');
		}
	}
	return result;
}

/** Formats a byte count for messages: `1,048,576 bytes (1.00 MB)`. */
export function formatBytes(bytes: number): string {
	const mb = bytes / 1048576;
	return `${bytes.toLocaleString('en-US')} bytes (${mb.toFixed(2)} MB)`;
}
