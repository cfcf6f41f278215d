/**
 * Minimal vendor clients for the emulator tests, written from the vendors' rules and independent
 * of the emulators' verifiers (and of nodes/): a TC3-HMAC-SHA256 signer for API 3.0
 * (docs/tencent-cloud-api.md#tc3-hmac-sha256-signing), the HMAC-SHA1 signers of the legacy API
 * (docs/tencent-legacy-asr.md#signature) and of flash recognition (docs/tencent-flash-asr.md#signature),
 * and WeChat / Coze calls. Every call goes over real HTTP with undici and resolves with the raw
 * answer (or rejects when the connection breaks, e.g. under a reset fault).
 */
import { createHash, createHmac } from 'node:crypto';
import { FormData, request, type Dispatcher } from 'undici';

/** An HTTP answer as the tests look at it. */
export interface RawAnswer {
	status: number;
	headers: Record<string, string | string[] | undefined>;
	text: string;
	/** The body parsed as JSON, when it is JSON. */
	json?: any;
}

async function toAnswer(response: Dispatcher.ResponseData): Promise<RawAnswer> {
	const text = await response.body.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.statusCode, headers: response.headers, text, json };
}

/** Extra undici request options every client takes (timeouts, abort). */
export interface CallOptions {
	headersTimeout?: number;
	signal?: AbortSignal;
}

// ---------------------------------------------------------------------------------------------
// Tencent Cloud API 3.0
// ---------------------------------------------------------------------------------------------

/** The service and version of each API 3.0 action the emulator answers. */
export const TC3_ACTIONS: Record<string, [service: string, version: string]> = {
	GetUserAppId: ['cam', '2019-01-16'],
	UploadIvrAudio: ['ccc', '2020-02-10'],
	DescribeIvrAudioList: ['ccc', '2020-02-10'],
	DescribeCCCBuyInfoList: ['ccc', '2020-02-10'],
	CreateRecTask: ['asr', '2019-06-14'],
	DescribeTaskStatus: ['asr', '2019-06-14'],
	SentenceRecognition: ['asr', '2019-06-14'],
	GetAsrVocabList: ['asr', '2019-06-14'],
	GetCustomizationList: ['asr', '2019-06-14'],
};

/** A signed API 3.0 call. */
export interface Tc3Call extends CallOptions {
	url: string;
	secretId: string;
	secretKey: string;
	action: string;
	/** The JSON body (serialised once; the bytes sent are the bytes signed). Default `{}`. */
	body?: Record<string, unknown> | string;
	/** X-TC-Timestamp, epoch seconds. */
	timestamp: number;
	token?: string;
}

const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();

/** POSTs a TC3-signed API 3.0 request; `json` is the whole answer (`{Response: …}`). */
export async function tc3Call(call: Tc3Call): Promise<RawAnswer> {
	const [service, version] = TC3_ACTIONS[call.action];
	const body = typeof call.body === 'string' ? call.body : JSON.stringify(call.body ?? {});
	const contentType = 'application/json; charset=utf-8';
	const host = new URL(call.url).hostname;
	const canonical = `POST\n/\n\ncontent-type:${contentType}\nhost:${host}\n\ncontent-type;host\n${createHash('sha256').update(body).digest('hex')}`;
	const date = new Date(call.timestamp * 1000).toISOString().slice(0, 10);
	const scope = `${date}/${service}/tc3_request`;
	const stringToSign = `TC3-HMAC-SHA256\n${call.timestamp}\n${scope}\n${createHash('sha256').update(canonical).digest('hex')}`;
	const signing = hmac(hmac(hmac(`TC3${call.secretKey}`, date), service), 'tc3_request');
	const signature = createHmac('sha256', signing).update(stringToSign).digest('hex');
	const headers: Record<string, string> = {
		'content-type': contentType,
		'x-tc-action': call.action,
		'x-tc-version': version,
		'x-tc-timestamp': String(call.timestamp),
		authorization: `TC3-HMAC-SHA256 Credential=${call.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
	};
	if (call.token !== undefined) headers['x-tc-token'] = call.token;
	return await toAnswer(
		await request(`${call.url}/`, { method: 'POST', headers, body, headersTimeout: call.headersTimeout, signal: call.signal }),
	);
}

// ---------------------------------------------------------------------------------------------
// Flash recognition and the legacy API (HMAC-SHA1 over the sorted raw query)
// ---------------------------------------------------------------------------------------------

/** `name=value` pairs sorted by name, raw values, joined by `&`. */
function sortedRaw(params: Record<string, string>): string {
	return Object.keys(params)
		.sort()
		.map((key) => `${key}=${params[key]}`)
		.join('&');
}

/**
 * How a client puts the query on the wire: `encoded` (every value through encodeURIComponent) or
 * `raw` (the value as the Python and Go SDKs build the URL, with only what HTTP cannot carry
 * escaped by encodeURI: `|`, spaces and non-ASCII become %XX, `,` `&` `=` `+` stay as they are).
 */
export type QueryEncoding = 'encoded' | 'raw';

function wireQuery(params: Record<string, string>, encoding: QueryEncoding): string {
	return Object.keys(params)
		.sort()
		.map((key) => (encoding === 'raw' ? `${key}=${encodeURI(params[key])}` : `${encodeURIComponent(key)}=${encodeURIComponent(params[key])}`))
		.join('&');
}

/** A flash recognition request. */
export interface FlashCall extends CallOptions {
	/** Base URL of the emulator (or a gateway). */
	url: string;
	appId: number | string;
	secretKey: string;
	/** Every query parameter (secretid, timestamp, engine_type, voice_format, …). */
	params: Record<string, string>;
	body?: Buffer;
	/** Replaces the Authorization header; null sends none. */
	authorization?: string | null;
	/** How the query goes on the wire. Default `encoded`. */
	encoding?: QueryEncoding;
	headers?: Record<string, string>;
}

/** The flash signature: base64 HMAC-SHA1 of `POSTasr.cloud.tencent.com/asr/flash/v1/<appid>?<sorted raw query>`. */
export function flashClientSignature(secretKey: string, appId: number | string, params: Record<string, string>): string {
	return createHmac('sha1', secretKey).update(`POSTasr.cloud.tencent.com/asr/flash/v1/${appId}?${sortedRaw(params)}`).digest('base64');
}

/** POSTs a signed flash recognition request. */
export async function flashCall(call: FlashCall): Promise<RawAnswer> {
	const authorization = call.authorization === undefined ? flashClientSignature(call.secretKey, call.appId, call.params) : call.authorization;
	const headers: Record<string, string> = { 'content-type': 'application/octet-stream', ...call.headers };
	if (authorization !== null) headers.authorization = authorization;
	return await toAnswer(
		await request(`${call.url}/asr/flash/v1/${call.appId}?${wireQuery(call.params, call.encoding ?? 'encoded')}`, {
			method: 'POST',
			headers,
			body: call.body,
			headersTimeout: call.headersTimeout,
			signal: call.signal,
		}),
	);
}

/** A legacy recording-recognition request (`POST /asr/v1/<appid>`). */
export interface LegacyCall extends CallOptions {
	url: string;
	appId: number | string;
	secretKey: string;
	params: Record<string, string>;
	body?: Buffer;
}

/** POSTs a signed legacy request (signed host `aai.qcloud.com`). */
export async function legacyCall(call: LegacyCall): Promise<RawAnswer> {
	const signature = createHmac('sha1', call.secretKey).update(`POSTaai.qcloud.com/asr/v1/${call.appId}?${sortedRaw(call.params)}`).digest('base64');
	return await toAnswer(
		await request(`${call.url}/asr/v1/${call.appId}?${wireQuery(call.params, 'encoded')}`, {
			method: 'POST',
			headers: { authorization: signature, 'content-type': 'application/octet-stream' },
			body: call.body ?? Buffer.alloc(0),
			headersTimeout: call.headersTimeout,
			signal: call.signal,
		}),
	);
}

// ---------------------------------------------------------------------------------------------
// WeChat and Coze
// ---------------------------------------------------------------------------------------------

/** GET /cgi-bin/token (classic); resolves with the access_token. @throws Error on an errcode. */
export async function wechatToken(url: string, appId: string, secret: string): Promise<string> {
	const answer = await toAnswer(await request(`${url}/cgi-bin/token?grant_type=client_credential&appid=${appId}&secret=${secret}`));
	if (typeof answer.json?.access_token !== 'string') throw new Error(`no token: ${answer.text}`);
	return answer.json.access_token as string;
}

/** POSTs an mp3 to addvoicetorecofortext as multipart `media`. */
export async function wechatUpload(url: string, token: string, voiceId: string, mp3: Buffer, options: CallOptions = {}): Promise<RawAnswer> {
	const form = new FormData();
	form.append('media', new Blob([mp3], { type: 'audio/mpeg' }), `${voiceId}.mp3`);
	return await toAnswer(
		await request(`${url}/cgi-bin/media/voice/addvoicetorecofortext?access_token=${token}&format=mp3&voice_id=${voiceId}&lang=zh_CN`, {
			method: 'POST',
			body: form,
			headersTimeout: options.headersTimeout,
			signal: options.signal,
		}),
	);
}

/** POSTs audio to Coze's /v1/audio/transcriptions as the multipart file part `file`. */
export async function cozeTranscribe(url: string, token: string, audio: Buffer, fileName: string, options: CallOptions = {}): Promise<RawAnswer> {
	const form = new FormData();
	form.append('file', new Blob([audio]), fileName);
	return await toAnswer(
		await request(`${url}/v1/audio/transcriptions`, {
			method: 'POST',
			headers: { authorization: `Bearer ${token}` },
			body: form,
			headersTimeout: options.headersTimeout,
			signal: options.signal,
		}),
	);
}
