import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { answerExcerpt, inputError, redactSecrets, vendorApiError } from '../../shared/errors';
import { buildMultipart } from '../../shared/multipart';
import {
	isTransientTransportError,
	parseJsonBody,
	requestRaw,
	TransportError,
	withRetry,
} from '../../shared/transport';

/** What to do about Coze error codes (vendor notes §2). */
const COZE_HINTS: Record<number, string> = {
	4000: 'Coze rejected the request parameters. Check the audio file (format, size under 10 MB, under 30 minutes).',
	4100: 'The access token is invalid or expired. Create a new personal access token and update the Coze credential; check that the Base URL matches the site of the token (coze.cn or coze.com).',
	4101: 'The token lacks a permission. Edit the personal access token and enable createTranscription (audio transcription).',
	4200: 'Coze did not find the resource. Check the Base URL of the credential.',
	4013: 'Coze rate-limited the request. The node retried with back-off; lower the request rate.',
};

/** A Coze error answer, carried until it becomes a node error. */
export class CozeApiError extends Error {
	constructor(
		readonly code: number,
		readonly msg: string,
		readonly logId: string | undefined,
		readonly httpStatus: number,
	) {
		super(`Coze error ${code}: ${msg}`);
		this.name = 'CozeApiError';
	}
}

/** Timeouts are retried once at most: the upload may have been transcribed (and billed) already. */
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ECONNABORTED', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

function isRetryable(error: unknown, attemptNumber: number): boolean {
	if (error instanceof CozeApiError) {
		return error.httpStatus >= 500 || error.httpStatus === 429 || error.code === 4013 || error.code >= 5000;
	}
	if (error instanceof TransportError && error.code !== undefined && TIMEOUT_CODES.has(error.code)) {
		return attemptNumber < 2;
	}
	return isTransientTransportError(error);
}

/**
 * The API base URL of a Coze credential, without trailing slash: China `https://api.coze.cn`
 * (default), Global `https://api.coze.com`, or the Custom Base URL.
 *
 * @throws NodeOperationError (item error) when it is not an http(s) URL, e.g. "Custom" chosen
 *   with an empty Custom Base URL.
 */
export function cozeBaseUrl(node: INode, credentials: ICredentialDataDecryptedObject, itemIndex: number): string {
	const baseUrl = String(
		(credentials.baseUrl === 'custom' ? credentials.customBaseUrl : credentials.baseUrl || 'https://api.coze.cn') ?? '',
	)
		.trim()
		.replace(/\/+$/, '');
	if (!/^https?:\/\/[^/]/.test(baseUrl)) {
		throw inputError(
			node,
			credentials.baseUrl === 'custom' ? 'The Coze credential has Base URL "Custom" but no valid Custom Base URL' : `The Coze Base URL "${baseUrl}" is not an http(s) URL`,
			'Open the Coze credential and enter the full address, e.g. https://api.coze.cn, or choose China or Global.',
			itemIndex,
		);
	}
	return baseUrl;
}

/**
 * `POST /v1/audio/transcriptions` (seed 003): multipart with the file part named `file` (the
 * official curl example and SDKs; vendor notes §2). Returns `{ text, logId }`.
 *
 * Retries with back-off on HTTP 5xx / 429, code 4013 and connection resets (a timeout only once:
 * the audio may already have been transcribed); never on input or authentication errors.
 *
 * @throws NodeApiError `Coze error: <code> – <msg>` with the log id (from `detail.logid` or the
 *   `x-tt-logid` header) that Coze support asks for.
 */
export async function cozeTranscribe(
	this: IExecuteFunctions,
	args: {
		/** From {@link cozeBaseUrl}. */
		baseUrl: string;
		/** The credential's token: only to redact it from messages (the credential sends it). */
		accessToken: string;
		data: Buffer;
		fileName: string;
		contentType: string;
		itemIndex: number;
	},
): Promise<{ text: string; logId: string }> {
	const { baseUrl } = args;
	const secrets = [args.accessToken];
	const multipart = buildMultipart([
		{ fieldName: 'file', fileName: args.fileName, contentType: args.contentType, data: args.data },
	]);
	try {
		return await withRetry(
			this,
			async () => {
				const response = await requestRaw(
					this,
					'cozeApi',
					{
						method: 'POST',
						url: `${baseUrl}/v1/audio/transcriptions`,
						body: multipart.body,
						headers: { 'Content-Type': multipart.contentType },
						timeout: 300_000,
					},
					undefined,
					secrets,
				);
				const body = parseJsonBody(response.body);
				const logId = String((body?.detail as IDataObject | undefined)?.logid ?? response.headers['x-tt-logid'] ?? '') || undefined;
				if (!body) {
					throw new CozeApiError(
						response.statusCode,
						`unexpected answer (HTTP ${response.statusCode}): ${answerExcerpt(response.body.toString('utf8'), 120, secrets)}`,
						logId,
						response.statusCode,
					);
				}
				const code = Number(body.code ?? (response.statusCode === 200 ? 0 : response.statusCode));
				if (code !== 0 || response.statusCode >= 400) {
					throw new CozeApiError(code || response.statusCode, String(body.msg ?? ''), logId, response.statusCode);
				}
				const data = (body.data ?? {}) as IDataObject;
				return { text: typeof data.text === 'string' ? data.text : '', logId: logId ?? '' };
			},
			isRetryable,
		);
	} catch (error) {
		throw toCozeNodeError(this.getNode(), error, args.itemIndex, secrets);
	}
}

/** The node error for a failed Coze call: code + msg + Log ID + what to do. */
export function toCozeNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	secrets: Array<string | undefined>,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof CozeApiError) {
		return vendorApiError(
			node,
			{
				vendor: 'Coze',
				code: error.code,
				message: error.msg,
				requestId: error.logId,
				requestIdLabel: 'Log ID',
				httpCode: error.httpStatus !== 200 ? error.httpStatus : undefined,
				hint:
					COZE_HINTS[error.code] ??
					(error.httpStatus >= 500 ? 'A temporary Coze server error; the node retried. Try again later.' : undefined),
			},
			itemIndex,
			secrets,
		);
	}
	if (error instanceof TransportError) {
		return vendorApiError(
			node,
			{ vendor: 'Coze', code: error.code, message: error.message, hint: 'Check that n8n can reach the Coze API host of the credential.' },
			itemIndex,
			secrets,
		);
	}
	return new NodeOperationError(node, redactSecrets(error instanceof Error ? error.message : String(error), secrets), {
		itemIndex,
	});
}
