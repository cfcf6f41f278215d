/**
 * A strict local emulator of Tencent's legacy recording-file recognition API with HTTP callback
 * (docs/tencent-legacy-asr.md#request, #signature, #error-codes; callbacks:
 * docs/tencent-asr-callbacks.md): `POST /asr/v1/<appid>?<query>` signed with
 * `Authorization: <base64 HMAC-SHA1>`, answering `{"code":N,"message":"…"}` with the documented
 * request error codes 1000–1034, then "recognising" the audio through the shared
 * {@link TranscriptRegistry} and posting the legacy callback form through ./callbackSender.
 *
 * The HMAC-SHA1 check is implemented here independently of nodes/ and credentials/.
 *
 * Emulator choices where the vendor's behaviour is not documented: every answer is HTTP 200
 * (404 for another path); `message` is the documented return-code name (e.g. `ERROR_PROXY_AUTH_FAILED`)
 * plus a reason; missing or malformed Authorization → 1022, signature mismatch → 1030; a
 * `timestamp` more than 300 s ahead of the emulator clock → 1025 (the docs: a timestamp far from
 * the current time causes a signature-expired error); a wrong Content-Type, `channel_num` 2 with a
 * 16k engine, or `source_type=1` with an empty body → 1000; duplicated or undecodable query
 * parameters → 1001. Query values are decoded as `application/x-www-form-urlencoded` (`+` is a
 * space). The callback text is encoded as `res_text_format` asks: 0 UTF-8, 1 GB2312, 2 GBK,
 * 3 BIG5 (iconv-lite), then percent-encoded. Unregistered audio without a recognisable container (raw PCM included) →
 * callback 10000; empty audio → 10004; download failure → 10007.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { detectAudioFormat, estimateAudioDurationSeconds } from './audio';
import { downloadAudio, EmulatorClock, readBodyCapped, startServer, type DownloadResult, type TranscriptRegistry } from './common';
import { buildLegacyCallback, LEGACY_TEXT_ENCODINGS, sendAsrCallback, type CallbackDelivery, type HexCase } from './callbackSender';
import { EmulatorRuntime, TRANSPORT_FAULTS, type FaultInjector, type FaultKind } from './faults';
import type { EmulatorStats } from './limits';

/** The faults the legacy emulator can inject (see ./faults; action `task`, callbacks `callback`). */
export const LEGACY_FAULTS: readonly FaultKind[] = [...TRANSPORT_FAULTS, 'error', 'truncated-body'];

/** The host that is always part of the legacy string to sign, whatever Host the request used (docs/tencent-legacy-asr.md#signature). */
export const LEGACY_SIGNING_HOST = 'aai.qcloud.com';

/** Request error codes (docs/tencent-legacy-asr.md#error-codes): number → return-code name. */
export const LEGACY_ERROR_NAMES: Readonly<Record<number, string>> = {
	1000: 'ERROR_BAD_REQ',
	1001: 'ERROR_PARSE_DATA_FAILED',
	1002: 'ERROR_HAS_NO_VALID_PROJECTID',
	1003: 'ERROR_HAS_NO_VALID_RES_TEXT_FORMAT',
	1004: 'ERROR_HAS_NO_VALID_SUB_SERVICE_TYPE',
	1005: 'ERROR_HAS_NO_VALID_ENGINE_MODEL_TYPE',
	1006: 'ERROR_HAS_NO_VALID_CALLBACK_URL',
	1007: 'ERROR_HAS_NO_VALID_RES_TYPE',
	1008: 'ERROR_HAS_NO_VALID_SOURCE_TYPE',
	1009: 'ERROR_HAS_NO_VALID_URL',
	1010: 'ERROR_HAS_NO_VALID_SECRET_ID',
	1011: 'ERROR_HAS_NO_VALID_TIMESTAMP',
	1012: 'ERROR_HAS_NO_VALID_EXPIRED',
	1013: 'ERROR_HAS_NO_VALID_NONCE',
	1014: 'ERROR_HAS_NO_VALID_TEMPLATENAME',
	1015: 'ERROR_HAS_NO_BUCKET',
	1016: 'ERROR_HAS_NO_AMOUNT',
	1017: 'ERROR_URL_TOO_LONG',
	1018: 'ERROR_FILEID_TOO_LONG',
	1019: 'ERROR_APPID_NOT_REGISTER',
	1020: 'ERROR_APPID_PROJECTID_TEMPLATENAME_MISMATCH',
	1021: 'ERROR_PROCESS_FAILED',
	1022: 'ERROR_PROXY_BAD_AUTH',
	1024: 'ERROR_PROXY_AUTH_TOO_LONG_EXPIRED',
	1025: 'ERROR_PROXY_AUTH_EXPIRED',
	1026: 'ERROR_PROXY_AUTH_PROJECTID_NOEXIST',
	1027: 'ERROR_PROXY_AUTH_SECRETID_NOEXIST',
	1028: 'ERROR_PROXY_AUTH_PROJECTID_MISMATCH',
	1029: 'ERROR_PROXY_AUTH_REPLAY_ATTACK',
	1030: 'ERROR_PROXY_AUTH_FAILED',
	1032: 'ERROR_AUDIO_TOO_LARGE',
	1034: 'ERROR_UNKNOWN',
};

/** Callback error codes (docs/tencent-asr-callbacks.md#error-codes) with the vendor's descriptions. */
export const LEGACY_CALLBACK_ERRORS = {
	transcodingFailed: { code: 10000, message: '语音非标准格式，转码失败' },
	invalidFile: { code: 10004, message: '无效的语音文件' },
	downloadFailed: { code: 10007, message: '语音下载失败' },
} as const;

/** Engine model types of the legacy API (docs/tencent-legacy-asr.md#request). */
export const LEGACY_ENGINE_MODEL_TYPES: readonly string[] = ['8k_0', '16k_0', '8k_6'];

/** Limits of the legacy API: body < 5 MB (1032), URLs < 2048 bytes (1017), expired − timestamp < 90 days (1024). */
export const LEGACY_LIMITS = {
	bodyBytes: 5 * 1024 * 1024,
	urlBytes: 2048,
	maxValiditySeconds: 90 * 24 * 3600,
	futureTimestampSeconds: 300,
} as const;

/**
 * The joined parameters of the legacy string to sign: every parameter except `appid`, sorted by
 * key in byte order, `key=value` with RAW (decoded) values, joined with `&` (docs/tencent-legacy-asr.md#signature).
 */
export function legacyCanonicalQuery(params: Record<string, string> | Array<[string, string]>): string {
	const entries = Array.isArray(params) ? params : Object.entries(params);
	return entries
		.filter(([key]) => key !== 'appid')
		.sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
		.map(([key, value]) => `${key}=${value}`)
		.join('&');
}

/** `POST` + `aai.qcloud.com` + `/asr/v1/` + appid + `?` + {@link legacyCanonicalQuery} (docs/tencent-legacy-asr.md#signature). */
export function legacyStringToSign(
	appId: number | string,
	params: Record<string, string> | Array<[string, string]>,
): string {
	return `POST${LEGACY_SIGNING_HOST}/asr/v1/${appId}?${legacyCanonicalQuery(params)}`;
}

/** base64(HMAC-SHA1(secretKey, stringToSign)): the legacy `Authorization` header value (docs/tencent-legacy-asr.md#signature). */
export function legacySignature(secretKey: string, stringToSign: string): string {
	return createHmac('sha1', secretKey).update(stringToSign).digest('base64');
}

/**
 * Decodes a raw query string as `application/x-www-form-urlencoded` (`+` → space, `%XX`), keeping
 * order. Throws on malformed escapes, invalid UTF-8 or duplicated keys (→ 1001).
 */
export function parseLegacyQuery(rawQuery: string): Array<[string, string]> {
	if (rawQuery === '') {
		return [];
	}
	const seen = new Set<string>();
	return rawQuery.split('&').map((pair) => {
		const equals = pair.indexOf('=');
		const rawKey = equals === -1 ? pair : pair.slice(0, equals);
		const rawValue = equals === -1 ? '' : pair.slice(equals + 1);
		const decode = (text: string): string => decodeURIComponent(text.replace(/\+/g, ' '));
		const key = decode(rawKey);
		if (seen.has(key)) {
			throw new Error(`duplicated parameter ${key}`);
		}
		seen.add(key);
		return [key, decode(rawValue)];
	});
}

/** One request seen by the legacy emulator. */
export interface LegacyRequestRecord {
	/** The answered code (0 = accepted). */
	code: number;
	message: string;
	/** Decoded query parameters (empty when they could not be parsed). */
	params: Record<string, string>;
	/** Path appid segment. */
	appId: string;
	/** Body size, bytes. */
	bodyBytes: number;
	/** Task id when accepted. */
	requestId?: number;
	/** Wall-clock arrival, epoch milliseconds. */
	at: number;
	/** The fault kind that acted on this request, if any. */
	fault?: FaultKind;
}

/** An accepted legacy recognition task. */
export interface LegacyTaskRecord {
	requestId: number;
	params: Record<string, string>;
	sourceType: 0 | 1;
	url?: string;
	callbackUrl: string;
	projectId: string;
	/** Emulator clock at acceptance, epoch milliseconds. */
	acceptedAtMs: number;
	/** True once the callback has been built (and sent). */
	completed: boolean;
	delivery?: CallbackDelivery;
}

/** Options of {@link startTencentLegacyAsrEmulator}. */
export interface TencentLegacyAsrEmulatorOptions {
	secretId: string;
	secretKey: string;
	/** The registered AppId (path segment); any other → 1019. */
	appId: number;
	transcripts: TranscriptRegistry;
	/** Seconds of emulator clock after acceptance before the callback is sent. Default 2. */
	callbackDelaySteps?: number;
	/** Freeze the clock (moves only by advanceClock/setClock). Default false: runs with real time. */
	freezeClock?: boolean;
	/** Hex case of callback percent-escapes. Default `lower` (as the vendor's legacy example). */
	callbackHexCase?: HexCase;
	/** Wait before the callback retry, ms. Default random 0–200. */
	callbackRetryIntervalMs?: number;
	/** A fixed delay added to every answer, milliseconds (benchmark). Default 0. */
	latencyMs?: number;
}

/** A running legacy ASR emulator. */
export interface TencentLegacyAsrEmulator {
	/** Base URL, e.g. `http://127.0.0.1:40123`; requests go to `${url}/asr/v1/<appid>?…`. */
	url: string;
	port: number;
	readonly requests: LegacyRequestRecord[];
	readonly tasks: LegacyTaskRecord[];
	readonly deliveries: CallbackDelivery[];
	/** Emulator clock, epoch seconds. */
	nowSeconds(): number;
	/** Moves the clock; resolves once callbacks that became due have been delivered. */
	advanceClock(seconds: number): Promise<void>;
	/** Sets the clock; resolves once callbacks that became due have been delivered. */
	setClock(epochSeconds: number): Promise<void>;
	/** Recognises one task now and sends its callback. */
	completeTask(requestId: number): Promise<CallbackDelivery>;
	/** Recognises every pending task now; resolves with the deliveries. */
	completeAll(): Promise<CallbackDelivery[]>;
	/** The next `count` otherwise valid requests answer `code` (e.g. 1016 no free amount, 1021): an `error` fault. */
	failNext(code: number, message?: string, count?: number): void;
	/** Fault injection (./faults): reset-before/after, hang, slow, http-status, error, truncated-body (callbacks). */
	readonly faults: FaultInjector;
	/** Requests, faults and peak rate (action `task`); the legacy API documents no rate limit. */
	stats(): EmulatorStats;
	/** Zeroes the statistics. */
	resetStats(): void;
	/** Sets the fixed latency of every later answer, milliseconds. */
	setLatency(ms: number): void;
	close(): Promise<void>;
}

class LegacyError extends Error {
	constructor(
		readonly code: number,
		reason: string,
	) {
		super(`${LEGACY_ERROR_NAMES[code] ?? 'ERROR'}: ${reason}`);
	}
}

const POSITIVE_INT = /^[1-9]\d*$/;

/**
 * Starts the legacy emulator on 127.0.0.1 (free port). Check order: path → appid (1019) → query
 * parsing (1001) → secretid (1010 / 1027) → Authorization present (1022) → timestamp (1011) →
 * expired (1012) → nonce (1013) → validity > 90 days (1024) → expired / future timestamp (1025)
 * → signature (1030) → nonce replay (1029) → projectid (1002) → sub_service_type (1004) →
 * engine_model_type (1005) → res_text_format (1003) → res_type (1007) → callback_url (1006/1017)
 * → source_type (1008) → url (1009/1017) → channel_num (1000) → Content-Type (1000) → body size
 * (1032) / empty body (1000) → failNext → accepted `{"code":0,"message":"success","requestId":N}`.
 */
export async function startTencentLegacyAsrEmulator(
	options: TencentLegacyAsrEmulatorOptions,
): Promise<TencentLegacyAsrEmulator> {
	const clock = new EmulatorClock(options.freezeClock ?? false);
	const delayMs = (options.callbackDelaySteps ?? 2) * 1000;
	const requests: LegacyRequestRecord[] = [];
	const tasks: LegacyTaskRecord[] = [];
	const deliveries: CallbackDelivery[] = [];
	const audioOf = new Map<LegacyTaskRecord, Promise<DownloadResult>>();
	const completing = new Map<LegacyTaskRecord, Promise<CallbackDelivery>>();
	const pending = new Set<Promise<unknown>>();
	const nonces = new Map<string, number>();
	const runtime = new EmulatorRuntime({
		name: 'Tencent legacy ASR',
		supportedFaults: LEGACY_FAULTS,
		nowMs: () => clock.nowMs(),
		latencyMs: options.latencyMs,
	});
	let nextRequestId = 500;

	const recognise = async (task: LegacyTaskRecord): Promise<CallbackDelivery> => {
		const audio = await audioOf.get(task)!;
		let code = 0;
		let message = 'success';
		let text = '';
		let seconds = 0;
		if (!audio.ok) {
			({ code, message } = LEGACY_CALLBACK_ERRORS.downloadFailed);
		} else if (audio.bytes.length === 0) {
			({ code, message } = LEGACY_CALLBACK_ERRORS.invalidFile);
		} else {
			const transcript = options.transcripts.lookup(audio.bytes);
			if (!transcript && !detectAudioFormat(audio.bytes)) {
				({ code, message } = LEGACY_CALLBACK_ERRORS.transcodingFailed);
			} else {
				text = transcript?.text ?? '';
				seconds = transcript?.durationSeconds ?? estimateAudioDurationSeconds(audio.bytes) ?? 0;
			}
		}
		const fields = buildLegacyCallback({
			code,
			message,
			requestId: task.requestId,
			appId: options.appId,
			projectId: task.projectId,
			text,
			audioUrl: task.sourceType === 0 ? task.url : undefined,
			audioTimeSeconds: seconds,
		});
		const delivery = await sendAsrCallback(task.callbackUrl, fields, {
			hexCase: options.callbackHexCase ?? 'lower',
			retryIntervalMs: options.callbackRetryIntervalMs,
			textEncoding: LEGACY_TEXT_ENCODINGS[Number(task.params.res_text_format ?? '0')] ?? 'utf-8',
			faults: runtime.faults,
		});
		task.delivery = delivery;
		deliveries.push(delivery);
		return delivery;
	};

	const complete = (task: LegacyTaskRecord): Promise<CallbackDelivery> => {
		let running = completing.get(task);
		if (!running) {
			task.completed = true;
			running = recognise(task);
			completing.set(task, running);
			const settled = running;
			pending.add(settled);
			void settled.finally(() => pending.delete(settled)).catch(() => undefined);
		}
		return running;
	};

	const tick = async (): Promise<void> => {
		const now = clock.nowMs();
		await Promise.all(tasks.filter((task) => !task.completed && now >= task.acceptedAtMs + delayMs).map(complete));
	};
	const timer = setInterval(() => void tick().catch(() => undefined), 250);
	timer.unref();

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const url = new URL(req.url ?? '/', 'http://emulator');
		const target = { action: 'task', path: url.pathname };
		runtime.begin(res, target);
		const { body, totalBytes } = await readBodyCapped(req, LEGACY_LIMITS.bodyBytes);
		const record: LegacyRequestRecord = { code: -1, message: '', params: {}, appId: '', bodyBytes: totalBytes, at: Date.now() };
		requests.push(record);
		const transport = runtime.transport(req, res, target);
		if (transport) {
			record.fault = transport.kind;
			return;
		}
		const reply = (status: number, payload: Record<string, unknown>): void => {
			const text = JSON.stringify(payload);
			res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
			res.end(text);
		};
		const match = /^\/asr\/v1\/([^/]+)$/.exec(url.pathname);
		if (req.method !== 'POST' || !match) {
			record.code = 1000;
			record.message = `${LEGACY_ERROR_NAMES[1000]}: expected POST /asr/v1/<appid>`;
			reply(404, { code: 1000, message: record.message });
			return;
		}
		record.appId = match[1];
		try {
			if (match[1] !== String(options.appId)) {
				throw new LegacyError(1019, `appid ${match[1]} is not registered`);
			}
			let entries: Array<[string, string]>;
			try {
				entries = parseLegacyQuery(url.search.slice(1));
			} catch (error) {
				throw new LegacyError(1001, (error as Error).message);
			}
			const params: Record<string, string> = Object.fromEntries(entries);
			record.params = params;
			const has = (name: string): boolean => Object.hasOwn(params, name);

			if (!has('secretid') || params.secretid === '') {
				throw new LegacyError(1010, 'secretid is missing');
			}
			if (params.secretid !== options.secretId) {
				throw new LegacyError(1027, 'secretid does not exist');
			}
			const authorization = (req.headers.authorization ?? '').trim();
			if (!/^[A-Za-z0-9+/]{27}=$/.test(authorization)) {
				throw new LegacyError(1022, 'Authorization must be the bare base64 HMAC-SHA1 signature');
			}
			if (!has('timestamp') || !POSITIVE_INT.test(params.timestamp) || params.timestamp.length > 12) {
				throw new LegacyError(1011, 'timestamp must be a Unix time in seconds');
			}
			const timestamp = Number(params.timestamp);
			if (!has('expired') || !POSITIVE_INT.test(params.expired) || params.expired.length > 12) {
				throw new LegacyError(1012, 'expired must be a Unix time in seconds');
			}
			const expired = Number(params.expired);
			if (expired <= timestamp) {
				throw new LegacyError(1012, 'expired must be greater than timestamp');
			}
			if (!has('nonce') || !POSITIVE_INT.test(params.nonce) || params.nonce.length > 10) {
				throw new LegacyError(1013, 'nonce must be a positive integer of at most 10 digits');
			}
			if (expired - timestamp >= LEGACY_LIMITS.maxValiditySeconds) {
				throw new LegacyError(1024, 'expired - timestamp must be less than 90 days');
			}
			const now = clock.nowSeconds();
			if (expired < now) {
				throw new LegacyError(1025, `the signature expired at ${expired} (now ${now})`);
			}
			if (timestamp > now + LEGACY_LIMITS.futureTimestampSeconds) {
				throw new LegacyError(1025, `timestamp ${timestamp} is too far ahead of the current time ${now}`);
			}
			const expected = legacySignature(options.secretKey, legacyStringToSign(match[1], entries));
			if (!timingSafeEqual(Buffer.from(expected), Buffer.from(authorization))) {
				throw new LegacyError(1030, 'signature mismatch');
			}
			for (const [key, until] of nonces) {
				if (until < now) {
					nonces.delete(key);
				}
			}
			const nonceKey = `${params.secretid}:${params.nonce}`;
			if (nonces.has(nonceKey)) {
				throw new LegacyError(1029, `nonce ${params.nonce} was already used`);
			}
			nonces.set(nonceKey, expired);

			if (!has('projectid') || !/^\d+$/.test(params.projectid)) {
				throw new LegacyError(1002, 'projectid must be an integer (0)');
			}
			if (params.sub_service_type !== '0') {
				throw new LegacyError(1004, 'sub_service_type must be 0');
			}
			if (!LEGACY_ENGINE_MODEL_TYPES.includes(params.engine_model_type ?? '')) {
				throw new LegacyError(1005, `engine_model_type must be one of ${LEGACY_ENGINE_MODEL_TYPES.join(', ')}`);
			}
			if (!['0', '1', '2', '3'].includes(params.res_text_format ?? '')) {
				throw new LegacyError(1003, 'res_text_format must be 0, 1, 2 or 3');
			}
			if (params.res_type !== '1') {
				throw new LegacyError(1007, 'res_type must be 1');
			}
			const isHttpUrl = (value: string): boolean => {
				try {
					const parsed = new URL(value);
					return parsed.protocol === 'http:' || parsed.protocol === 'https:';
				} catch {
					return false;
				}
			};
			if (!has('callback_url') || params.callback_url === '') {
				throw new LegacyError(1006, 'callback_url is missing');
			}
			if (Buffer.byteLength(params.callback_url) >= LEGACY_LIMITS.urlBytes) {
				throw new LegacyError(1017, 'callback_url must be shorter than 2048 bytes');
			}
			if (!isHttpUrl(params.callback_url)) {
				throw new LegacyError(1006, 'callback_url is not a valid http(s) URL');
			}
			if (params.source_type !== '0' && params.source_type !== '1') {
				throw new LegacyError(1008, 'source_type must be 0 (url) or 1 (body)');
			}
			const sourceType = params.source_type === '0' ? 0 : 1;
			if (sourceType === 0) {
				if (!has('url') || params.url === '') {
					throw new LegacyError(1009, 'url is required when source_type is 0');
				}
				if (Buffer.byteLength(params.url) >= LEGACY_LIMITS.urlBytes) {
					throw new LegacyError(1017, 'url must be shorter than 2048 bytes');
				}
				if (!isHttpUrl(params.url)) {
					throw new LegacyError(1009, 'url is not a valid http(s) URL');
				}
			}
			if (has('channel_num')) {
				if (params.channel_num !== '1' && params.channel_num !== '2') {
					throw new LegacyError(1000, 'channel_num must be 1 or 2');
				}
				if (params.channel_num === '2' && !params.engine_model_type.startsWith('8k_')) {
					throw new LegacyError(1000, 'channel_num 2 is only supported by 8k engines');
				}
			}
			const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
			if (contentType !== 'application/octet-stream') {
				throw new LegacyError(1000, 'Content-Type must be application/octet-stream');
			}
			if (totalBytes > LEGACY_LIMITS.bodyBytes) {
				throw new LegacyError(1032, `the audio data is ${totalBytes} bytes, more than 5MB`);
			}
			if (sourceType === 1 && totalBytes === 0) {
				throw new LegacyError(1000, 'source_type 1 needs the audio bytes in the body');
			}
			const injected = runtime.vendor(target, ['error']);
			if (injected) {
				record.fault = 'error';
				throw new LegacyError(Number(injected.code), injected.message ?? 'injected failure');
			}
			const requestId = nextRequestId;
			nextRequestId += 1;
			const task: LegacyTaskRecord = {
				requestId,
				params,
				sourceType,
				url: sourceType === 0 ? params.url : undefined,
				callbackUrl: params.callback_url,
				projectId: params.projectid,
				acceptedAtMs: clock.nowMs(),
				completed: false,
			};
			audioOf.set(
				task,
				sourceType === 0
					? downloadAudio(params.url, { limitBytes: 1024 * 1024 * 1024, timeoutMs: 30000 })
					: Promise.resolve({ ok: true, bytes: body }),
			);
			tasks.push(task);
			record.code = 0;
			record.message = 'success';
			record.requestId = requestId;
			if (runtime.resetAfter(req, target)) {
				record.fault = 'reset-after';
				return;
			}
			reply(200, { code: 0, message: 'success', requestId });
		} catch (error) {
			if (!(error instanceof LegacyError)) {
				throw error;
			}
			record.code = error.code;
			record.message = error.message;
			reply(200, { code: error.code, message: error.message });
		}
	};

	const server = await startServer(handle);

	const settle = async (): Promise<void> => {
		await tick();
		await Promise.allSettled([...pending]);
	};

	return {
		url: server.url,
		port: server.port,
		requests,
		tasks,
		deliveries,
		nowSeconds: () => clock.nowSeconds(),
		advanceClock: async (seconds: number) => {
			clock.advance(seconds);
			await settle();
		},
		setClock: async (epochSeconds: number) => {
			clock.set(epochSeconds);
			await settle();
		},
		completeTask: async (requestId: number) => {
			const task = tasks.find((candidate) => candidate.requestId === requestId);
			if (!task) {
				throw new Error(`No legacy task ${requestId}`);
			}
			return await complete(task);
		},
		completeAll: async () => await Promise.all(tasks.filter((task) => !task.completed).map(complete)),
		failNext: (code: number, message = 'injected failure', count = 1) => {
			runtime.faults.add({ kind: 'error', code, message, count });
		},
		faults: runtime.faults,
		stats: () => runtime.stats(),
		resetStats: () => runtime.resetStats(),
		setLatency: (ms: number) => runtime.setLatency(ms),
		close: async () => {
			runtime.close();
			clearInterval(timer);
			await Promise.allSettled([...pending]);
			await server.close();
		},
	};
}
