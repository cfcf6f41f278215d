import type { IDataObject, IHttpRequestMethods } from 'n8n-workflow';

import { VendorApiError } from '../../../credentials/common/errors';
import { isTransientTransportError, parseJsonBody, withRetry } from '../../../credentials/common/http';
import { answerExcerpt } from '../../../credentials/common/redact';
import {
	TOKEN_ERRCODES,
	tokenNeedsRefresh,
	WECHAT,
	weChatApiError,
	weChatBaseUrl,
	weChatErrcode,
} from '../../../credentials/common/wechat/token';
import { toNodeError } from '../../common/errors';
import type { CredentialSession, CredentialSpec } from '../../common/transport';

/** The WeChat credential as the transport sees it: `accessToken` is filled by its preAuthentication. */
export const WECHAT_CREDENTIAL: CredentialSpec = {
	type: 'weChatApi',
	expirableField: 'accessToken',
	secretFields: ['appSecret', 'accessToken'],
};

/** What to check when WeChat cannot be reached. */
const NETWORK_HINT = 'Check that n8n can reach the WeChat API host set in the credential.';

/** One WeChat API call. */
export interface WeChatRequest {
	method: IHttpRequestMethods;
	/** Path under the base URL, e.g. `/cgi-bin/media/voice/addvoicetorecofortext`. */
	path: string;
	/** Query parameters besides access_token (added by the credential). */
	qs?: IDataObject;
	/** A body that can be resent unchanged after a token refresh (FormData or a Buffer, never a stream). */
	body?: Buffer | FormData;
	itemIndex: number;
	/** Longest wait for one answer, in milliseconds (default 60,000). */
	timeoutMs?: number;
	/**
	 * Epoch milliseconds after which an answer is useless (WeChat's 10-second result window): each
	 * attempt waits at most until then (1 s at least) and nothing is retried after it.
	 */
	deadline?: number;
}

/**
 * Calls a WeChat API with the execution's `weChatApi` session and returns the parsed JSON answer.
 *
 * Token rules (docs/wechat.md#access-token, docs/n8n.md#credentials-and-tokens): the stored
 * access_token is reused while valid and refreshed shortly before its expiry stamp; when WeChat
 * answers errcode 40001, 40014 or 42001 the token that was rejected is dropped (the credential's
 * preAuthentication runs once for all items in flight and n8n persists the new token) and the
 * call is retried exactly once. errcode -1 (busy) and connection resets are retried with
 * back-off.
 *
 * @throws NodeApiError `WeChat error: <errcode> – <errmsg>` with what to do; never containing the
 *   App Secret or an access_token.
 */
export async function weChatApiRequest(session: CredentialSession, request: WeChatRequest): Promise<IDataObject> {
	let refreshedAfterError = false;
	try {
		return await withRetry(
			session.ctx,
			async () => {
				for (;;) {
					if (tokenNeedsRefresh(session.data)) session.invalidate(session.data.accessToken);
					const tokenBefore = session.data.accessToken;
					const response = await session.request({
						method: request.method,
						url: `${weChatBaseUrl(session.data)}${request.path}`,
						qs: request.qs,
						body: request.body,
						timeout: request.deadline !== undefined ? Math.max(1000, request.deadline - Date.now()) : (request.timeoutMs ?? 60_000),
					});
					const usedToken = tokenBefore || session.data.accessToken;
					const body = parseJsonBody(response.body);
					if (!body) {
						throw weChatApiError(
							-1,
							`unexpected answer (HTTP ${response.statusCode}): ${answerExcerpt(response.body.toString('utf8'), 120, session.secrets())}`,
						);
					}
					const errcode = weChatErrcode(body);
					if (errcode === 0) return body;
					if (TOKEN_ERRCODES.has(errcode) && !refreshedAfterError) {
						refreshedAfterError = true;
						session.invalidate(usedToken);
						continue;
					}
					throw weChatApiError(errcode, String(body.errmsg ?? ''));
				}
			},
			(error) =>
				(request.deadline === undefined || Date.now() < request.deadline) &&
				((error instanceof VendorApiError && error.code === -1) || isTransientTransportError(error)),
		);
	} catch (error) {
		throw toNodeError(session.ctx.getNode(), error, {
			vendor: WECHAT,
			itemIndex: request.itemIndex,
			secrets: session.secrets(),
			networkHint: NETWORK_HINT,
		});
	}
}
