import { createHash, createHmac } from 'node:crypto';

/** Inputs of one TC3-HMAC-SHA256 signature (docs/tencent-cloud-api.md#tc3-hmac-sha256-signing). */
export interface Tc3SignInput {
	secretId: string;
	secretKey: string;
	/** Service of the API being called (`ccc`, `asr`, `cam`): the first label of its vendor host. */
	service: string;
	/** Host name as sent, WITHOUT the port (the official SDKs sign `hostname`). */
	host: string;
	/** X-TC-Timestamp, in seconds since the epoch. */
	timestamp: number;
	/** The exact body bytes that are sent. */
	payload: string | Buffer;
	/** Content-Type header value as sent, e.g. `application/json; charset=utf-8`. */
	contentType: string;
	/** HTTP method (default `POST`). */
	method?: string;
	/** Canonical query string (empty for POST; default ''). */
	canonicalQuery?: string;
}

/** A computed signature and its intermediate values (exposed for tests and debugging). */
export interface Tc3Signature {
	/** Value of the `Authorization` header. */
	authorization: string;
	signature: string;
	/** `YYYY-MM-DD`, UTC date of the timestamp. */
	date: string;
	canonicalRequest: string;
	stringToSign: string;
	hashedPayload: string;
}

const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/**
 * Signs a Tencent Cloud API 3.0 request with TC3-HMAC-SHA256 (docs/tencent-cloud-api.md#tc3-hmac-sha256-signing; reproduces both
 * test vectors there). Signed headers are `content-type;host`. Pure function: no clock, no I/O.
 */
export function signTc3(input: Tc3SignInput): Tc3Signature {
	const method = (input.method ?? 'POST').toUpperCase();
	const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
	const hashedPayload = sha256Hex(input.payload);
	const canonicalHeaders =
		`content-type:${input.contentType.trim().toLowerCase()}\n` + `host:${input.host.trim().toLowerCase()}\n`;
	const signedHeaders = 'content-type;host';
	const canonicalRequest = [
		method,
		'/',
		input.canonicalQuery ?? '',
		canonicalHeaders,
		signedHeaders,
		hashedPayload,
	].join('\n');
	const credentialScope = `${date}/${input.service}/tc3_request`;
	const stringToSign = [
		'TC3-HMAC-SHA256',
		String(input.timestamp),
		credentialScope,
		sha256Hex(canonicalRequest),
	].join('\n');
	const kDate = hmac(`TC3${input.secretKey}`, date);
	const kService = hmac(kDate, input.service);
	const kSigning = hmac(kService, 'tc3_request');
	const signature = createHmac('sha256', kSigning).update(stringToSign).digest('hex');
	return {
		authorization: `TC3-HMAC-SHA256 Credential=${input.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
		signature,
		date,
		canonicalRequest,
		stringToSign,
		hashedPayload,
	};
}

/** The fixed domain of the legacy recording-file ASR signature (docs/tencent-legacy-asr.md#signature). */
export const LEGACY_ASR_SIGNING_DOMAIN = 'aai.qcloud.com';

/**
 * The legacy ASR string to sign: `POST` + `aai.qcloud.com` + `/asr/v1/` + appid + `?` + every
 * parameter except `appid`, sorted by key in byte order, joined as `key=value` with `&`, using
 * RAW (not URL-encoded) values (docs/tencent-legacy-asr.md#signature). The domain is always
 * aai.qcloud.com, whatever host the request goes to.
 */
export function legacyAsrStringToSign(appId: string | number, params: Record<string, string>): string {
	const keys = Object.keys(params)
		.filter((key) => key !== 'appid')
		.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
	const joined = keys.map((key) => `${key}=${params[key]}`).join('&');
	return `POST${LEGACY_ASR_SIGNING_DOMAIN}/asr/v1/${appId}?${joined}`;
}

/**
 * The legacy ASR `Authorization` header value: base64(HMAC-SHA1(SecretKey, stringToSign))
 * (docs/tencent-legacy-asr.md#signature; reproduces the three legacy vectors there).
 */
export function signLegacyAsr(secretKey: string, appId: string | number, params: Record<string, string>): string {
	return createHmac('sha1', secretKey).update(legacyAsrStringToSign(appId, params)).digest('base64');
}

/** The fixed host of the flash recognition signature (docs/tencent-flash-asr.md#signature). */
export const FLASH_ASR_SIGNING_HOST = 'asr.cloud.tencent.com';

/** The path prefix of flash recognition: requests go to `/asr/flash/v1/<appid>` (docs/tencent-flash-asr.md#request). */
export const FLASH_ASR_PATH_PREFIX = '/asr/flash/v1/';

/**
 * The flash recognition string to sign: `POST` + `asr.cloud.tencent.com` + `/asr/flash/v1/` +
 * appid + `?` + every query parameter except `appid`, sorted by name in byte order, joined as
 * `name=value` with `&`, using RAW (not URL-encoded) values; empty values are signed as `name=`
 * (docs/tencent-flash-asr.md#signature). The host is always asr.cloud.tencent.com, whatever host
 * the request goes to (every official speech SDK hard-codes it).
 */
export function flashAsrStringToSign(appId: string | number, params: Record<string, string>): string {
	const keys = Object.keys(params)
		.filter((key) => key !== 'appid')
		.sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
	const joined = keys.map((key) => `${key}=${params[key]}`).join('&');
	return `POST${FLASH_ASR_SIGNING_HOST}${FLASH_ASR_PATH_PREFIX}${appId}?${joined}`;
}

/**
 * The flash recognition `Authorization` header value: base64(HMAC-SHA1(SecretKey,
 * {@link flashAsrStringToSign})) (docs/tencent-flash-asr.md#signature; reproduces the official-SDK
 * vectors in test/fixtures/tencent-flash-signing-vectors.json).
 */
export function signFlashAsr(secretKey: string, appId: string | number, params: Record<string, string>): string {
	return createHmac('sha1', secretKey).update(flashAsrStringToSign(appId, params), 'utf8').digest('base64');
}
