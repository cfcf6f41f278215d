import { randomInt } from 'node:crypto';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { FLASH_ASR_PATH_PREFIX, FLASH_ASR_SIGNING_HOST, LEGACY_ASR_SIGNING_DOMAIN, signFlashAsr, signLegacyAsr, signTc3 } from './signing';

/** Content-Type sent (and signed) with every API 3.0 request. */
export const TC3_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Lifetime of a legacy ASR signature, in seconds (`expired` − `timestamp`; must be < 90 days). */
export const LEGACY_SIGNATURE_TTL_SECONDS = 3600;

/** The fields of the `tencentCloudApi` credential that signing reads. */
export interface TencentCredentials {
	secretId: string;
	secretKey: string;
	sessionToken?: string;
	appId?: string;
	region?: string;
	/** Custom base URL (private gateway, local emulator); empty for the vendor hosts. */
	endpoint?: string;
}

/** Reads {@link TencentCredentials} from decrypted credential data, trimming whitespace. */
export function toTencentCredentials(data: ICredentialDataDecryptedObject): TencentCredentials {
	const text = (value: unknown) => (typeof value === 'string' ? value.trim() : value === undefined ? '' : String(value));
	return {
		secretId: text(data.secretId),
		secretKey: text(data.secretKey),
		sessionToken: text(data.sessionToken),
		appId: text(data.appId),
		region: text(data.region),
		endpoint: text(data.endpoint),
	};
}

function headerValue(headers: IDataObject, name: string): string | undefined {
	const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
	return key === undefined ? undefined : String(headers[key]);
}

function setHeader(headers: IDataObject, name: string, value: string): void {
	for (const key of Object.keys(headers)) {
		if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
	}
	headers[name] = value;
}

/**
 * Moves a vendor URL onto the credential's custom endpoint, keeping path and query:
 * `https://asr.tencentcloudapi.com/` + endpoint `http://127.0.0.1:9000` → `http://127.0.0.1:9000/`.
 */
export function applyEndpoint(url: URL, endpoint: string | undefined): URL {
	if (!endpoint) return url;
	const base = new URL(endpoint);
	const prefix = base.pathname.replace(/\/$/, '');
	return new URL(`${base.origin}${prefix}${url.pathname}${url.search}`);
}

/**
 * The credential's `authenticate` step: signs every request of the `tencentCloudApi` credential
 * in one place (docs/n8n.md#credentials-and-tokens).
 *
 * - API 3.0 (any `*.tencentcloudapi.com` URL): the body is serialised once (objects become JSON
 *   text; strings and Buffers are sent as given) and those exact bytes are signed with TC3-HMAC-SHA256; the service is the first label
 *   of the vendor host the node asked for (`ccc`, `asr`, `cam`), the canonical host is the host
 *   actually sent, without port (docs/tencent-cloud-api.md#tc3-hmac-sha256-signing). Adds `Authorization`, `Content-Type`,
 *   `X-TC-Timestamp`, and `X-TC-Region` / `X-TC-Token` when configured. The node sets
 *   `X-TC-Action` and `X-TC-Version`.
 * - Legacy ASR (`https://aai.qcloud.com/asr/v1/<appid>` with the parameters in `qs`): adds
 *   `secretid`, `timestamp`, `expired`, `nonce` unless given, signs with HMAC-SHA1 over the raw
 *   sorted parameters and domain aai.qcloud.com, and sends them URL-encoded (docs/tencent-legacy-asr.md#signature).
 * - Flash recognition (`https://asr.cloud.tencent.com/asr/flash/v1/<appid>` with the parameters
 *   in `qs`): adds `secretid` and `timestamp` unless given, and with a Session Token a `token`
 *   parameter (signed, as the official Node.js speech SDK sends it) plus an `X-TC-Token` header
 *   (as the Java SDK sends it; temporary keys are not documented for this API); signs with
 *   HMAC-SHA1 over the raw sorted parameters and host asr.cloud.tencent.com, sets the bare
 *   signature as `Authorization`, and sends the parameters URL-encoded. Empty values are signed
 *   and sent as `name=` (like the documented example); `undefined`/`null` ones are left out
 *   (docs/tencent-flash-asr.md#signature).
 *
 * When the credential has an `endpoint`, the request goes there instead of the vendor host.
 *
 * @param nowMs clock in milliseconds (tests pass a fixed one).
 */
export function signTencentRequest(
	credentials: TencentCredentials,
	requestOptions: IHttpRequestOptions,
	nowMs: number = Date.now(),
): IHttpRequestOptions {
	const target = new URL(requestOptions.url, requestOptions.baseURL);
	const headers: IDataObject = { ...(requestOptions.headers ?? {}) };
	const timestamp = Math.floor(nowMs / 1000);

	if (target.hostname === LEGACY_ASR_SIGNING_DOMAIN) {
		const appId = target.pathname.replace(/^\/asr\/v1\//, '').replace(/\/$/, '');
		const params: Record<string, string> = {};
		for (const [key, value] of Object.entries(requestOptions.qs ?? {})) {
			if (value !== undefined && value !== null && value !== '') params[key] = String(value);
		}
		params.secretid ??= credentials.secretId;
		params.timestamp ??= String(timestamp);
		params.expired ??= String(Number(params.timestamp) + LEGACY_SIGNATURE_TTL_SECONDS);
		params.nonce ??= String(randomInt(1, 2147483647));
		delete params.appid;
		setHeader(headers, 'Authorization', signLegacyAsr(credentials.secretKey, appId, params));
		setHeader(headers, 'Content-Type', 'application/octet-stream');
		const query = Object.keys(params)
			.sort()
			.map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(params[key])}`)
			.join('&');
		const url = applyEndpoint(new URL(`${target.origin}${target.pathname}?${query}`), credentials.endpoint);
		const signed: IHttpRequestOptions = { ...requestOptions, url: url.toString(), headers };
		delete signed.qs;
		delete signed.baseURL;
		return signed;
	}

	if (target.hostname === FLASH_ASR_SIGNING_HOST && target.pathname.startsWith(FLASH_ASR_PATH_PREFIX)) {
		const appId = target.pathname.slice(FLASH_ASR_PATH_PREFIX.length).replace(/\/$/, '');
		const params: Record<string, string> = {};
		for (const [key, value] of Object.entries(requestOptions.qs ?? {})) {
			if (value !== undefined && value !== null) params[key] = String(value);
		}
		params.secretid ??= credentials.secretId;
		params.timestamp ??= String(timestamp);
		if (credentials.sessionToken) {
			params.token ??= credentials.sessionToken;
			setHeader(headers, 'X-TC-Token', credentials.sessionToken);
		}
		delete params.appid;
		setHeader(headers, 'Authorization', signFlashAsr(credentials.secretKey, appId, params));
		setHeader(headers, 'Content-Type', 'application/octet-stream');
		const query = Object.keys(params)
			.sort()
			.map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(params[key])}`)
			.join('&');
		const url = applyEndpoint(new URL(`${target.origin}${target.pathname}?${query}`), credentials.endpoint);
		const signed: IHttpRequestOptions = { ...requestOptions, method: 'POST', url: url.toString(), headers };
		delete signed.qs;
		delete signed.baseURL;
		return signed;
	}

	const service = target.hostname.split('.')[0];
	const url = applyEndpoint(target, credentials.endpoint);
	const body = requestOptions.body;
	const payload: string | Buffer =
		typeof body === 'string' || Buffer.isBuffer(body)
			? body
			: body === undefined || body === null
				? '{}'
				: JSON.stringify(body);
	setHeader(headers, 'Content-Type', TC3_CONTENT_TYPE);
	const signature = signTc3({
		secretId: credentials.secretId,
		secretKey: credentials.secretKey,
		service,
		host: url.hostname,
		timestamp,
		payload,
		contentType: TC3_CONTENT_TYPE,
		method: requestOptions.method ?? 'POST',
	});
	setHeader(headers, 'Authorization', signature.authorization);
	setHeader(headers, 'X-TC-Timestamp', String(timestamp));
	if (credentials.region && headerValue(headers, 'X-TC-Region') === undefined) {
		setHeader(headers, 'X-TC-Region', credentials.region);
	}
	if (credentials.sessionToken) setHeader(headers, 'X-TC-Token', credentials.sessionToken);
	const signed: IHttpRequestOptions = {
		...requestOptions,
		method: requestOptions.method ?? 'POST',
		url: url.toString(),
		headers,
		body: payload,
	};
	delete signed.baseURL;
	return signed;
}
