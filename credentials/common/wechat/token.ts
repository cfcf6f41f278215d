import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import { CredentialError, recordCredentialError, VendorApiError } from '../errors';
import { isTransientTransportError, parseJsonBody, toTransportError, TransportError, withRetry } from '../http';
import { answerExcerpt, redactSecrets } from '../redact';

/**
 * The WeChat access_token: fetching it (the credential's `preAuthentication`), judging its age,
 * and what WeChat's error codes mean. Source: docs/wechat.md#access-token and
 * docs/wechat.md#error-codes.
 */

/** Default WeChat API host (other official hosts: api2, sh.api, sz.api, hk.api .weixin.qq.com). */
export const WECHAT_DEFAULT_BASE_URL = 'https://api.weixin.qq.com';

/** Vendor name in messages. */
export const WECHAT = 'WeChat';

/** errcodes meaning "this access_token is no longer good": refresh once and retry (docs/wechat.md#error-codes). */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** A token is refreshed this long before its expiry stamp, in milliseconds. */
export const TOKEN_REFRESH_MARGIN_MS = 120_000;

/** What to do about WeChat errcodes (docs/wechat.md#error-codes). */
export const WECHAT_HINTS: Readonly<Record<number, string>> = {
	[-1]: 'WeChat is busy. The node retried with back-off; try again in a few minutes.',
	40001: 'The App Secret is wrong, or another system refreshed the access token of this App ID. Check the App Secret, and prefer the "Stable" token endpoint, whose tokens other systems cannot invalidate.',
	40002: 'Invalid grant_type. This is a bug in the node; please report it.',
	40013: 'The App ID is wrong. Copy it from the WeChat admin platform (mp.weixin.qq.com → Settings and Development → Basic Configuration).',
	40014: 'The access token was rejected. The node refreshed it once; if this persists check the App Secret.',
	40125: 'The App Secret is wrong. Reset or copy it from the WeChat admin platform (Settings and Development → Basic Configuration → AppSecret).',
	40164: "The IP address of this n8n server is not in the account's IP whitelist. Add it in the WeChat admin platform (Basic Configuration → IP Whitelist).",
	40010: 'WeChat rejected the voice size: the file must be an mp3 of at most 1 MB (1,048,576 bytes).',
	41001: 'The access token is missing. Check the WeChat credential.',
	42001: 'The access token expired. The node refreshed it once; if this persists check the App Secret.',
	45009: 'The daily API quota of this App ID is used up. Use the "Stable" token endpoint (its own quota) and wait until tomorrow, or reset the quota in the WeChat admin platform.',
	45011: 'Too many calls per minute. Wait a minute and try again.',
};

/** A WeChat errcode/errmsg answer as a typed error, with the hint for the code. */
export function weChatApiError(errcode: number, errmsg: string): VendorApiError {
	return new VendorApiError({ vendor: WECHAT, code: errcode, message: errmsg, hint: WECHAT_HINTS[errcode] });
}

/**
 * `errcode` of a WeChat answer as a number: WeChat sends it as a number or as the STRING "0"
 * (docs/wechat.md#voice-upload), so compare numerically, never by truthiness. Missing → 0; not a
 * number → -1.
 */
export function weChatErrcode(body: IDataObject | undefined): number {
	const raw = body?.errcode;
	if (raw === undefined || raw === null || raw === '') return 0;
	const code = Number(raw);
	return Number.isFinite(code) ? code : -1;
}

/** Base URL of a WeChat credential, without trailing slash. */
export function weChatBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const base = String(credentials.baseUrl || WECHAT_DEFAULT_BASE_URL).trim();
	return base.replace(/\/+$/, '');
}

/**
 * True when the stored token is missing or expires within {@link TOKEN_REFRESH_MARGIN_MS}. A
 * token without an expiry stamp is used until WeChat says otherwise.
 *
 * @param nowMs the clock, in epoch milliseconds.
 */
export function tokenNeedsRefresh(credentials: ICredentialDataDecryptedObject, nowMs = Date.now()): boolean {
	if (!credentials.accessToken) return true;
	const expiresAt = Number(credentials.expiresAt ?? 0);
	return expiresAt > 0 && expiresAt - nowMs < TOKEN_REFRESH_MARGIN_MS;
}

/** Attempts of one token fetch: WeChat busy (-1), HTTP 5xx / 429 or a broken connection are retried. */
const TOKEN_FETCH_ATTEMPTS = 3;

/** True for a failed token request worth another try (see {@link TOKEN_FETCH_ATTEMPTS}). */
function isRetryableTokenFailure(error: unknown): boolean {
	if (error instanceof VendorApiError) return error.code === -1;
	if (!(error instanceof TransportError)) return false;
	const status = error.httpStatus ?? 0;
	return status >= 500 || status === 429 || isTransientTransportError(error);
}

/** What the WeChat credential says to check when its token cannot be fetched. */
const CREDENTIAL_HINT = 'Getting an access_token failed.';

/**
 * Fetches an access_token (the credential's `preAuthentication`): `POST /cgi-bin/stable_token`
 * (default; tokens other systems cannot invalidate) or `GET /cgi-bin/token` (classic),
 * docs/wechat.md#access-token. WeChat's errcode -1 (busy), HTTP 5xx / 429 and broken connections
 * are retried (3 attempts in all, 0.5 s then 1 s apart). Every failure is recorded against
 * `credentials` (see `recordCredentialError`) so the node can tell it from its own errors.
 *
 * @returns the token and its expiry stamp in epoch milliseconds (time of the request +
 *   `expires_in` seconds).
 * @throws {@link CredentialError} "Enter both …" when App ID or App Secret is empty; "Could not
 *   reach the WeChat token endpoint …" (reason: TransportError) for a connection or HTTP failure,
 *   "… did not answer with JSON …" for a wrong Base URL; `WeChat error <errcode>: <errmsg>. <what
 *   to do>` (reason: VendorApiError) for a WeChat error (40125 wrong secret, 40013 wrong App ID,
 *   40164 IP not whitelisted …). Never containing the secret.
 */
export async function fetchWeChatAccessToken(
	this: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<{ accessToken: string; expiresAt: number }> {
	const appId = String(credentials.appId ?? '').trim();
	const appSecret = String(credentials.appSecret ?? '').trim();
	const fail = (message: string, reason?: VendorApiError | TransportError): never => {
		throw recordCredentialError(credentials, new CredentialError(message, WECHAT, reason, CREDENTIAL_HINT));
	};
	if (!appId || !appSecret) fail('Enter both the App ID and the App Secret of the WeChat account.');
	const baseUrl = weChatBaseUrl(credentials);
	let requestedAt = 0;
	let body: IDataObject | undefined;
	let failure: unknown;
	try {
		body = await withRetry(
			{},
			async () => {
				requestedAt = Date.now();
				let answer: unknown;
				let requestFailure: unknown;
				try {
					answer =
						credentials.grantEndpoint === 'classic'
							? await this.helpers.httpRequest({
									method: 'GET',
									url: `${baseUrl}/cgi-bin/token`,
									qs: { grant_type: 'client_credential', appid: appId, secret: appSecret },
									json: true,
								})
							: await this.helpers.httpRequest({
									method: 'POST',
									url: `${baseUrl}/cgi-bin/stable_token`,
									body: { grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: false },
									json: true,
								});
				} catch (error) {
					requestFailure = error;
				}
				if (requestFailure !== undefined) {
					const transport = toTransportError(requestFailure, [appSecret]);
					if (transport) throw transport;
					return fail(`Could not reach the WeChat token endpoint at ${baseUrl}: ${redactSecrets(String((requestFailure as Error)?.message ?? requestFailure), [appSecret])}`);
				}
				const parsed = typeof answer === 'string' ? parseJsonBody(answer) : (answer as IDataObject | undefined);
				if (!parsed || typeof parsed !== 'object') {
					return fail(
						`The WeChat token endpoint at ${baseUrl} did not answer with JSON: ${answerExcerpt(String(answer), 120, [appSecret])}. Check the Base URL of the credential.`,
					);
				}
				if (weChatErrcode(parsed) === -1) throw weChatApiError(-1, String(parsed.errmsg ?? 'system error'));
				return parsed;
			},
			isRetryableTokenFailure,
			{ maxAttempts: TOKEN_FETCH_ATTEMPTS },
		);
	} catch (error) {
		failure = error;
	}
	if (failure instanceof TransportError) fail(`Could not reach the WeChat token endpoint at ${baseUrl}: ${failure.message}`, failure);
	if (failure instanceof VendorApiError) fail(describeWeChatError(failure), failure);
	// a CredentialError from fail() above, already recorded
	if (failure !== undefined) throw failure;
	const errcode = weChatErrcode(body);
	if (errcode !== 0 || typeof body?.access_token !== 'string' || !body.access_token) {
		const error = weChatApiError(errcode || -1, String(body?.errmsg ?? 'no access_token in the answer'));
		fail(describeWeChatError(error), error);
	}
	const expiresIn = Number(body!.expires_in ?? 7200);
	return { accessToken: body!.access_token as string, expiresAt: requestedAt + expiresIn * 1000 };
}

/** `WeChat error <errcode>: <errmsg>. <what to do>`: the message of a failed token fetch. */
function describeWeChatError(error: VendorApiError): string {
	return `${error.message}${error.info.hint ? `. ${error.info.hint}` : ''}`;
}
