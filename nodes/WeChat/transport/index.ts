import type {
	INode,
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
} from 'n8n-workflow';

import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { answerExcerpt, redactSecrets, vendorApiError } from '../../shared/errors';
import {
	isTransientTransportError,
	parseJsonBody,
	requestRaw,
	TransportError,
	withRetry,
} from '../../shared/transport';
import { TOKEN_ERRCODES, WECHAT_HINTS, WeChatApiError, weChatBaseUrl, weChatErrcode } from './token';

/** A token is refreshed this long before its expiry stamp, in milliseconds. */
export const TOKEN_REFRESH_MARGIN_MS = 120_000;

/** One WeChat API call. */
export interface WeChatRequest {
	method: IHttpRequestMethods;
	/** Path under the base URL, e.g. `/cgi-bin/media/voice/addvoicetorecofortext`. */
	path: string;
	/** Query parameters besides access_token (added by the credential). */
	qs?: IDataObject;
	/** A body that can be resent unchanged (multipart built as a Buffer). */
	body?: Buffer;
	contentType?: string;
	itemIndex: number;
}

/** True when the stored token is missing or expires within {@link TOKEN_REFRESH_MARGIN_MS}. */
export function tokenNeedsRefresh(credentials: ICredentialDataDecryptedObject, nowMs = Date.now()): boolean {
	if (!credentials.accessToken) return true;
	const expiresAt = Number(credentials.expiresAt ?? 0);
	return expiresAt > 0 && expiresAt - nowMs < TOKEN_REFRESH_MARGIN_MS;
}

/**
 * Calls a WeChat API with the `weChatApi` credential and returns the parsed JSON answer.
 *
 * Token rules (vendor notes §1, n8n notes "Credentials"): the stored access_token is reused while
 * valid and refreshed shortly before its expiry stamp; when WeChat answers errcode 40001, 40014
 * or 42001 the token is refreshed (the credential's preAuthentication runs and n8n persists the
 * new token) and the call is retried exactly once. errcode -1 (busy) and connection resets are
 * retried with back-off.
 *
 * @throws NodeApiError `WeChat error: <errcode> – <errmsg>` with what to do; never containing the
 *   App Secret or an access_token.
 */
export async function weChatApiRequest(this: IExecuteFunctions, request: WeChatRequest): Promise<IDataObject> {
	const credentials = await this.getCredentials('weChatApi');
	const secrets = [credentials.appSecret as string, credentials.accessToken as string];
	const node = this.getNode();
	const refreshOptions = (): IAdditionalCredentialOptions => ({
		credentialsDecrypted: {
			id: node.credentials?.weChatApi?.id ?? '',
			name: node.credentials?.weChatApi?.name ?? 'WeChat API',
			type: 'weChatApi',
			data: { ...credentials, accessToken: '' },
		},
	});
	let forceRefresh = tokenNeedsRefresh(credentials);
	const refreshedUpFront = forceRefresh;
	let refreshedAfterError = false;
	try {
		return await withRetry(
			this,
			async () => {
				for (;;) {
					const response = await requestRaw(
						this,
						'weChatApi',
						{
							method: request.method,
							url: `${weChatBaseUrl(credentials)}${request.path}`,
							qs: request.qs,
							body: request.body,
							headers: request.contentType ? { 'Content-Type': request.contentType } : undefined,
						},
						forceRefresh ? refreshOptions() : undefined,
						secrets,
					);
					forceRefresh = false;
					const body = parseJsonBody(response.body);
					if (!body) {
						throw new WeChatApiError(
							-1,
							`unexpected answer (HTTP ${response.statusCode}): ${answerExcerpt(response.body.toString('utf8'), 120, secrets)}`,
						);
					}
					const errcode = weChatErrcode(body);
					if (errcode === 0) return body;
					if (TOKEN_ERRCODES.has(errcode) && !refreshedAfterError) {
						refreshedAfterError = true;
						forceRefresh = true;
						continue;
					}
					throw new WeChatApiError(errcode, String(body.errmsg ?? ''));
				}
			},
			(error) =>
				(error instanceof WeChatApiError && error.errcode === -1) || isTransientTransportError(error),
		);
	} catch (error) {
		if (refreshedAfterError || refreshedUpFront) {
			// a token fetched during this call is stored by n8n: hide it too
			const latest = await this.getCredentials('weChatApi').catch(() => undefined);
			if (typeof latest?.accessToken === 'string') secrets.push(latest.accessToken);
		}
		throw toWeChatNodeError(node, error, request.itemIndex, secrets);
	}
}

/**
 * The node error for a failed WeChat call: errcode + errmsg + what to do; token-request failures
 * (wrong secret, IP whitelist) keep WeChat's errcode; connection failures name the host problem.
 */
export function toWeChatNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	secrets: Array<string | undefined>,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof WeChatApiError) {
		return vendorApiError(
			node,
			{ vendor: 'WeChat', code: error.errcode, message: error.errmsg, hint: WECHAT_HINTS[error.errcode] },
			itemIndex,
			secrets,
		);
	}
	if (error instanceof TransportError) {
		const tokenProblem = /^WeChat error (-?\d+): (.*)$/s.exec(error.message);
		if (tokenProblem) {
			// The credential's token request failed (wrong secret, IP whitelist, quota …).
			const errcode = Number(tokenProblem[1]);
			return vendorApiError(
				node,
				{
					vendor: 'WeChat',
					code: errcode,
					message: tokenProblem[2].replace(/\. .*$/s, ''),
					hint: `Getting an access_token failed. ${WECHAT_HINTS[errcode] ?? ''}`.trim(),
				},
				itemIndex,
				secrets,
			);
		}
		return vendorApiError(
			node,
			{
				vendor: 'WeChat',
				code: error.code,
				message: error.message,
				hint: 'Check that n8n can reach the WeChat API host set in the credential.',
			},
			itemIndex,
			secrets,
		);
	}
	return new NodeOperationError(node, redactSecrets(error instanceof Error ? error.message : String(error), secrets), {
		itemIndex,
	});
}
