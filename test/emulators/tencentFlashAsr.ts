/**
 * A strict local emulator of Tencent's flash recording recognition (录音文件识别极速版,
 * docs/tencent-flash-asr.md#request, #signature, #answer, #errors;
 * https://cloud.tencent.com/document/product/1093/52097): `POST /asr/flash/v1/<appid>?<query>`
 * with the raw audio as the body, signed with `Authorization: base64(HMAC-SHA1(SecretKey,
 * "POST" + "asr.cloud.tencent.com" + "/asr/flash/v1/<appid>" + "?" + query))`, where the query is
 * every parameter sorted by name with raw values joined by `&`. The signed host is always
 * `asr.cloud.tencent.com`, whatever host the request went to (every official speech SDK signs it:
 * TencentCloud/tencentcloud-speech-sdk-python `asr/flash_recognizer.py`, -go
 * `asr/flashrecognizer.go`, -java `FlashRecognizer.java`, -nodejs `common/credential.js`). The
 * verifier reproduces the vectors in test/fixtures/tencent-flash-signing-vectors.json, computed
 * with the official Python and Node.js SDKs.
 *
 * Every answer is HTTP 200 JSON `{request_id, code, message, …}` (404 for another path); success
 * adds `audio_duration` (ms) and `flash_result: [{text, channel_id, sentence_list: [{text,
 * start_time, end_time (ms), speaker_id, word_list?: [{word, start_time, end_time, stable_flag}]}]}]`.
 * Registered transcripts are answered with their segments' times (rounded to whole milliseconds);
 * unknown audio in the named format answers an empty result.
 *
 * Query values are decoded as `application/x-www-form-urlencoded` (`+` is a space: the Java SDK
 * URL-encodes `hotword_list` with URLEncoder; the Python and Go SDKs send raw values, which decode
 * to themselves). Check order: transport faults → path (404) → body over 100 MB (4011) → appid
 * form (4001) → query parsing, unknown names, missing or malformed required parameters (4001) →
 * appid, secretid, timestamp within ±180 s, Authorization, signature, token (4002) → parameter
 * values (4001) → empty body (4012) → injected `error` / `rate-limit` faults → concurrency (4006)
 * → audio not in `voice_format` (4007) → longer than 2 hours (4001) → the answer → `reset-after`.
 *
 * Emulator choices where the vendor does not document the behaviour: unknown query parameters are
 * refused (4001), so a misspelt optional parameter cannot go unnoticed; empty values of optional
 * parameters (the Python SDK sends `customization_id=`) count as absent; error answers carry only
 * `request_id`, `code` and `message`; audio over 2 hours answers 4001; `word_list` is present only
 * when `word_info` > 0; with `word_info` 3 sentences are split at punctuation; with
 * `first_channel_only=0` a two-channel WAV/MP3 answers one result per channel; temporary
 * credentials are taken as a signed `token` query parameter (Node.js SDK) or an `X-TC-Token`
 * header (Java SDK); the Content-Type is not checked (the Python, Go and Node.js SDKs send none).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { estimateAudioDurationSeconds } from './audio';
import { audioHash, EmulatorClock, readBodyCapped, startServer, type TranscriptRegistry } from './common';
import { EmulatorRuntime, TRANSPORT_FAULTS, type FaultInjector, type FaultKind } from './faults';
import type { EmulatorStats } from './limits';
import { ASR_ENGINE_MODEL_TYPES } from './tencent/asr';
import { hotwordListProblem, layoutSentences, layoutWords, type TimedSentence } from './tencent/recognition';
import { engineSampleRate, matchesVoiceFormat, pcmDurationSeconds, TENCENT_VOICE_FORMATS, type TencentVoiceFormat } from './tencent/voiceFormat';
import { parseLegacyQuery } from './tencentLegacyAsr';
import { inspectMpegAudio } from './wechat';

/** The host every flash string to sign contains, whatever host the request used. */
export const FLASH_SIGNING_HOST = 'asr.cloud.tencent.com';

/** The path prefix of the flash API: requests go to `<prefix><appid>?<query>`. */
export const FLASH_PATH_PREFIX = '/asr/flash/v1/';

/** Error codes of the flash API (docs/tencent-flash-asr.md#errors) with the vendor's descriptions. */
export const FLASH_ERRORS: Readonly<Record<number, string>> = {
	4001: '参数不合法',
	4002: '鉴权失败',
	4003: 'AppID 服务未开通',
	4004: '资源包耗尽',
	4005: '账户欠费停止服务',
	4006: '账号当前调用并发超限',
	4007: '音频解码失败，请检查上传音频数据格式与调用参数一致',
	4008: '客户端数据上传超时',
	4009: '客户端连接断开',
	4010: '客户端上传未知文本消息',
	4011: '音频数据太大',
	4012: '音频数据为空',
	5001: '因机器负载过高、网络抖动等导致失败，请重新发起新识别',
	5002: '音频识别失败',
	5003: '音频识别超时',
};

/** Limits of the flash API (bytes, seconds, count). */
export const FLASH_LIMITS = {
	/** Body (audio) size: 100 MB, bytes. */
	bodyBytes: 100 * 1024 * 1024,
	/** Audio duration: 2 hours, seconds. */
	durationSeconds: 2 * 3600,
	/** Allowed distance between `timestamp` and the server clock: 3 minutes, seconds. */
	timestampSkewSeconds: 180,
	/** Free concurrent requests per AppId (standard engines; large-model engines: 5). */
	concurrency: 20,
} as const;

/** `engine_type` values: the documented list plus the large-model engines of the newer documentation. */
export const FLASH_ENGINE_TYPES: readonly string[] = [
	...new Set([
		'8k_zh',
		'8k_en',
		'16k_zh',
		'16k_zh-PY',
		'16k_yue',
		'16k_en',
		'16k_ja',
		'16k_ko',
		'16k_vi',
		'16k_ms',
		'16k_id',
		'16k_fil',
		'16k_th',
		'16k_pt',
		'16k_tr',
		'16k_ar',
		'16k_es',
		'16k_hi',
		'16k_fr',
		'16k_de',
		'16k_zh_dialect',
		...ASR_ENGINE_MODEL_TYPES,
	]),
];

/** Required query parameters. */
const REQUIRED = ['secretid', 'timestamp', 'engine_type', 'voice_format'] as const;

/** Integer parameters and their allowed values (`sentence_max_length`, `input_sample_rate` checked apart). */
const INTEGER_CHOICES: Readonly<Record<string, readonly number[]>> = {
	speaker_diarization: [0, 1],
	filter_dirty: [0, 1, 2],
	filter_modal: [0, 1, 2],
	filter_punc: [0, 1, 2],
	convert_num_mode: [0, 1],
	word_info: [0, 1, 2, 3],
	first_channel_only: [0, 1],
	reinforce_hotword: [0, 1],
	extra_punc: [0, 1],
};

/** Every query parameter the emulator takes (documented, or sent by an official SDK). */
export const FLASH_PARAMETERS: readonly string[] = [
	...REQUIRED,
	...Object.keys(INTEGER_CHOICES),
	'sentence_max_length',
	'input_sample_rate',
	'hotword_id',
	'hotword_list',
	'customization_id',
	'replace_text_id',
	'token',
];

/**
 * The string to sign: `POST` + `asr.cloud.tencent.com` + `/asr/flash/v1/<appid>` + `?` + every
 * parameter except `appid`, sorted by name (byte order), as `name=value` with raw values, joined
 * by `&` (docs/tencent-flash-asr.md#signature).
 */
export function flashStringToSign(appId: number | string, params: Record<string, string> | Array<[string, string]>): string {
	const entries = (Array.isArray(params) ? params : Object.entries(params))
		.filter(([key]) => key !== 'appid')
		.sort(([a], [b]) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')))
		.map(([key, value]) => `${key}=${value}`)
		.join('&');
	return `POST${FLASH_SIGNING_HOST}${FLASH_PATH_PREFIX}${appId}?${entries}`;
}

/** base64(HMAC-SHA1(secretKey, stringToSign)): the flash `Authorization` header value. */
export function flashSignature(secretKey: string, stringToSign: string): string {
	return createHmac('sha1', secretKey).update(stringToSign, 'utf8').digest('base64');
}

/** A flash `word_list` entry. */
export interface FlashWord {
	word: string;
	start_time: number;
	end_time: number;
	stable_flag: number;
}

/** A flash `sentence_list` entry (times in milliseconds). */
export interface FlashSentence {
	text: string;
	start_time: number;
	end_time: number;
	speaker_id: number;
	word_list?: FlashWord[];
}

/** A flash `flash_result` entry: one channel. */
export interface FlashChannelResult {
	text: string;
	channel_id: number;
	sentence_list: FlashSentence[];
}

/** One request seen by the emulator. */
export interface FlashRequestRecord {
	/** The answered code (0 = recognised); -1 when no answer was given (a fault). */
	code: number;
	message: string;
	request_id: string;
	/** The path appid segment. */
	appId: string;
	/** The decoded query parameters (`token` replaced by '<redacted>'); empty when unparsable. */
	params: Record<string, string>;
	/** Body size, bytes. */
	bodyBytes: number;
	contentType?: string;
	/** Wall-clock arrival, epoch milliseconds. */
	at: number;
	/** The fault kind that acted on this request, if any. */
	fault?: FaultKind;
}

/** One recognition the emulator did (and Tencent would bill). */
export interface FlashRecognitionRecord {
	request_id: string;
	appId: string;
	engineType: string;
	voiceFormat: string;
	/** Hex SHA-256 of the audio. */
	sha256: string;
	bytes: number;
	/** The answered `audio_duration`, milliseconds. */
	audioDurationMs: number;
	/** The text of channel 0. */
	text: string;
}

/** Options of {@link startTencentFlashAsrEmulator}. */
export interface TencentFlashAsrEmulatorOptions {
	secretId: string;
	secretKey: string;
	/** The registered AppId (path segment); any other → 4002. */
	appId: number;
	transcripts: TranscriptRegistry;
	/** When set, requests must carry it as a `token` query parameter or an `X-TC-Token` header. */
	sessionToken?: string;
	/** When given, `hotword_id` must be one of these (else 4001). Default: not checked. */
	hotwordIds?: string[];
	/** When given, `customization_id` must be one of these (else 4001). Default: not checked. */
	customizationIds?: string[];
	/** Concurrent requests allowed per AppId before 4006. Default 20 (documented free concurrency). */
	concurrency?: number;
	/** Freeze the clock (moves only by advanceClock/setClock). Default false: runs with real time. */
	freezeClock?: boolean;
	/** A fixed delay added to every answer, milliseconds (benchmark). Default 0. */
	latencyMs?: number;
}

/** A running flash emulator. */
export interface TencentFlashAsrEmulator {
	/** Base URL, e.g. `http://127.0.0.1:40123`; requests go to `${url}/asr/flash/v1/<appid>?…`. */
	url: string;
	port: number;
	readonly requests: FlashRequestRecord[];
	/** Every recognition done (successful requests, including those whose answer a fault destroyed). */
	readonly recognitions: FlashRecognitionRecord[];
	/** Fault injection (./faults, action `flash`): reset-before/after, hang, slow, http-status, rate-limit (4006), error. */
	readonly faults: FaultInjector;
	/** Requests, refusals (4006 by the concurrency limit), faults and peak rate (action `flash`). */
	stats(): EmulatorStats;
	/** Zeroes the statistics. */
	resetStats(): void;
	/** Sets the fixed latency of every later answer, milliseconds. */
	setLatency(ms: number): void;
	/** Emulator clock, epoch seconds. */
	nowSeconds(): number;
	/** Moves the clock by `seconds`. */
	advanceClock(seconds: number): void;
	/** Sets the clock to `epochSeconds`. */
	setClock(epochSeconds: number): void;
	close(): Promise<void>;
}

/** The faults the flash emulator can inject (see ./faults). */
export const FLASH_FAULTS: readonly FaultKind[] = [...TRANSPORT_FAULTS, 'rate-limit', 'error'];

/** An error answer: the message is the vendor's description of the code and the reason. */
class FlashError extends Error {
	constructor(
		readonly code: number,
		reason: string,
		verbatim = false,
	) {
		super(verbatim || FLASH_ERRORS[code] === undefined ? reason : `${FLASH_ERRORS[code]}: ${reason}`);
	}
}

/** A request id like the documented example's: 8 hex digits of epoch seconds and 16 random hex digits. */
function newRequestId(nowSeconds: number): string {
	return nowSeconds.toString(16).padStart(8, '0').slice(-8) + randomBytes(8).toString('hex');
}

/** Channels of WAV (header) or MPEG audio (channel mode); 1 for anything else. */
function channelsOf(bytes: Uint8Array): number {
	const head = Buffer.from(bytes.subarray(0, 24));
	if (head.length >= 24 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') {
		return head.readUInt16LE(22) || 1;
	}
	return inspectMpegAudio(bytes)?.channels ?? 1;
}

/** Splits a sentence at clause punctuation, spreading its time by characters (`word_info` 3). */
function splitAtPunctuation(sentence: TimedSentence): TimedSentence[] {
	const clauses = sentence.text.match(/[^，。！？；、,.!?;]+[，。！？；、,.!?;]*/gu) ?? [sentence.text];
	if (clauses.length <= 1) return [sentence];
	const total = clauses.reduce((sum, clause) => sum + clause.length, 0);
	let cursor = 0;
	return clauses.map((clause) => {
		const startMs = sentence.startMs + Math.round((cursor / total) * (sentence.endMs - sentence.startMs));
		cursor += clause.length;
		const endMs = sentence.startMs + Math.round((cursor / total) * (sentence.endMs - sentence.startMs));
		return { ...sentence, text: clause, startMs, endMs, weight: Math.max(1, clause.length) };
	});
}

/**
 * Starts the flash emulator on 127.0.0.1 (free port). See the module description for the checks
 * and their order.
 */
export async function startTencentFlashAsrEmulator(options: TencentFlashAsrEmulatorOptions): Promise<TencentFlashAsrEmulator> {
	const clock = new EmulatorClock(options.freezeClock ?? false);
	const concurrency = options.concurrency ?? FLASH_LIMITS.concurrency;
	const runtime = new EmulatorRuntime({
		name: 'Tencent flash ASR',
		supportedFaults: FLASH_FAULTS,
		nowMs: () => clock.nowMs(),
		latencyMs: options.latencyMs,
	});
	const requests: FlashRequestRecord[] = [];
	const recognitions: FlashRecognitionRecord[] = [];
	let inFlight = 0;

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const url = new URL(req.url ?? '/', 'http://emulator');
		const target = { action: 'flash', path: url.pathname };
		runtime.begin(res, target);
		const requestId = newRequestId(clock.nowSeconds());
		const record: FlashRequestRecord = {
			code: -1,
			message: '',
			request_id: requestId,
			appId: '',
			params: {},
			bodyBytes: 0,
			contentType: req.headers['content-type'],
			at: Date.now(),
		};
		requests.push(record);
		const reply = (status: number, payload: Record<string, unknown>): void => {
			const text = JSON.stringify(payload);
			res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
			res.end(text);
		};
		const declared = Number(req.headers['content-length']);
		const { body, totalBytes } = await readBodyCapped(req, declared > FLASH_LIMITS.bodyBytes ? 0 : FLASH_LIMITS.bodyBytes);
		record.bodyBytes = totalBytes;
		const transport = runtime.transport(req, res, target);
		if (transport) {
			record.fault = transport.kind;
			return;
		}
		const match = /^\/asr\/flash\/v1\/([^/]+)$/.exec(url.pathname);
		if (req.method !== 'POST' || !match) {
			record.code = 4001;
			record.message = `expected POST ${FLASH_PATH_PREFIX}<appid> (got ${req.method ?? '?'} ${url.pathname})`;
			reply(404, { request_id: requestId, code: 4001, message: record.message });
			return;
		}
		record.appId = match[1];
		try {
			if (totalBytes > FLASH_LIMITS.bodyBytes) {
				throw new FlashError(4011, `the audio is ${totalBytes} bytes, more than 100 MB (${FLASH_LIMITS.bodyBytes} bytes)`);
			}
			if (!/^[1-9]\d{0,11}$/.test(match[1])) {
				throw new FlashError(4001, `appid \`${match[1]}\` in the path is not a number`);
			}
			let entries: Array<[string, string]>;
			try {
				entries = parseLegacyQuery(url.search.slice(1));
			} catch (error) {
				throw new FlashError(4001, `the query cannot be parsed: ${(error as Error).message}`);
			}
			const params: Record<string, string> = Object.fromEntries(entries);
			record.params = { ...params, ...(params.token !== undefined ? { token: '<redacted>' } : {}) };
			for (const name of Object.keys(params)) {
				if (!FLASH_PARAMETERS.includes(name)) {
					throw new FlashError(4001, `unknown parameter \`${name}\``);
				}
			}
			for (const name of REQUIRED) {
				if (!params[name]) {
					throw new FlashError(4001, `missing parameter \`${name}\``);
				}
			}
			if (!/^\d{1,12}$/.test(params.timestamp)) {
				throw new FlashError(4001, '`timestamp` must be a Unix time in seconds');
			}
			// Authentication.
			if (match[1] !== String(options.appId)) {
				throw new FlashError(4002, `appid ${match[1]} does not belong to this SecretId`);
			}
			if (params.secretid !== options.secretId) {
				throw new FlashError(4002, 'secretid does not exist');
			}
			const skew = Number(params.timestamp) - clock.nowSeconds();
			if (Math.abs(skew) > FLASH_LIMITS.timestampSkewSeconds) {
				throw new FlashError(4002, 'timestamp differs from the server time by more than 3 minutes');
			}
			const authorization = (req.headers.authorization ?? '').trim();
			if (!/^[A-Za-z0-9+/]{27}=$/.test(authorization)) {
				throw new FlashError(4002, 'the Authorization header must be the bare base64 HMAC-SHA1 signature');
			}
			const expected = flashSignature(options.secretKey, flashStringToSign(match[1], entries));
			if (!timingSafeEqual(Buffer.from(expected), Buffer.from(authorization))) {
				throw new FlashError(4002, 'signature mismatch');
			}
			const headerToken = req.headers['x-tc-token'];
			const token = params.token ?? (Array.isArray(headerToken) ? headerToken.join(',') : headerToken);
			if ((options.sessionToken ?? '') !== (token ?? '')) {
				throw new FlashError(4002, options.sessionToken ? 'the temporary credential token is missing or wrong' : 'a token was sent but the key is not a temporary credential');
			}
			// Parameter values.
			const engine = params.engine_type;
			if (!FLASH_ENGINE_TYPES.includes(engine)) {
				throw new FlashError(4001, `engine_type \`${engine}\` is not supported`);
			}
			const voiceFormat = params.voice_format;
			if (!(TENCENT_VOICE_FORMATS as readonly string[]).includes(voiceFormat)) {
				throw new FlashError(4001, `voice_format \`${voiceFormat}\` is not supported: use one of ${TENCENT_VOICE_FORMATS.join(', ')}`);
			}
			const integer = (name: string): number | undefined => {
				const value = params[name];
				if (value === undefined || value === '') return undefined;
				if (!/^\d{1,9}$/.test(value)) throw new FlashError(4001, `\`${name}\` must be an integer (got \`${value}\`)`);
				return Number(value);
			};
			for (const [name, allowed] of Object.entries(INTEGER_CHOICES)) {
				const value = integer(name);
				if (value !== undefined && !allowed.includes(value)) {
					throw new FlashError(4001, `\`${name}\` must be one of ${allowed.join(', ')} (got ${value})`);
				}
			}
			const sentenceMax = integer('sentence_max_length') ?? 0;
			if (sentenceMax !== 0 && (sentenceMax < 6 || sentenceMax > 40)) {
				throw new FlashError(4001, '`sentence_max_length` must be 0 or between 6 and 40');
			}
			if (sentenceMax !== 0 && engine !== '8k_zh' && engine !== '16k_zh') {
				throw new FlashError(4001, '`sentence_max_length` is only supported by the 8k_zh and 16k_zh engines');
			}
			const inputRate = integer('input_sample_rate');
			if (inputRate !== undefined && (inputRate !== 8000 || voiceFormat !== 'pcm')) {
				throw new FlashError(4001, '`input_sample_rate` must be 8000 and applies to pcm audio only');
			}
			if (params.hotword_list) {
				const problem = hotwordListProblem(params.hotword_list);
				if (problem) throw new FlashError(4001, `hotword_list is not valid: ${problem}`);
			}
			if (params.hotword_id && options.hotwordIds && !options.hotwordIds.includes(params.hotword_id)) {
				throw new FlashError(4001, `hotword_id \`${params.hotword_id}\` does not exist`);
			}
			if (params.customization_id && options.customizationIds && !options.customizationIds.includes(params.customization_id)) {
				throw new FlashError(4001, `customization_id \`${params.customization_id}\` does not exist`);
			}
			if (totalBytes === 0) {
				throw new FlashError(4012, 'the request body (the audio) is empty');
			}
			const injected = runtime.vendor(target, ['error', 'rate-limit']);
			if (injected) {
				record.fault = injected.kind;
				if (injected.kind === 'rate-limit') throw new FlashError(4006, injected.message ?? FLASH_ERRORS[4006], true);
				throw new FlashError(Number(injected.code), injected.message ?? FLASH_ERRORS[Number(injected.code)] ?? 'injected failure', true);
			}
			if (inFlight >= concurrency) {
				runtime.refuse('flash');
				throw new FlashError(4006, `${concurrency} concurrent requests allowed per AppId`);
			}
			inFlight += 1;
			res.once('close', () => {
				inFlight -= 1;
			});
			// The audio.
			if (!matchesVoiceFormat(voiceFormat as TencentVoiceFormat, body)) {
				throw new FlashError(4007, `the body is not ${voiceFormat} audio`);
			}
			const transcript = options.transcripts.lookup(body);
			const seconds =
				transcript?.durationSeconds ??
				(voiceFormat === 'pcm' ? pcmDurationSeconds(body.length, inputRate ?? engineSampleRate(engine)) : estimateAudioDurationSeconds(body)) ??
				0;
			if (seconds > FLASH_LIMITS.durationSeconds) {
				throw new FlashError(4001, `the audio lasts ${Math.round(seconds)} s, more than 2 hours`);
			}
			const wordInfo = integer('word_info') ?? 0;
			const diarization = integer('speaker_diarization') ?? 0;
			let sentences = layoutSentences(transcript?.text ?? '', seconds, {
				segments: transcript?.segments,
				filterPunc: integer('filter_punc') ?? 0,
			});
			if (wordInfo === 3) sentences = sentences.flatMap(splitAtPunctuation);
			const sentenceList: FlashSentence[] = sentences.map((sentence) => ({
				text: sentence.text,
				start_time: sentence.startMs,
				end_time: sentence.endMs,
				speaker_id: diarization === 1 ? sentence.speakerId : 0,
				...(wordInfo > 0
					? {
							word_list: layoutWords(sentence, wordInfo >= 2).map((word) => ({
								word: word.word,
								start_time: word.startMs,
								end_time: word.endMs,
								stable_flag: 1,
							})),
						}
					: {}),
			}));
			const text = sentenceList.map((sentence) => sentence.text).join('');
			const channels = (integer('first_channel_only') ?? 1) === 0 ? channelsOf(body) : 1;
			const audioDurationMs = Math.round(seconds * 1000);
			recognitions.push({
				request_id: requestId,
				appId: match[1],
				engineType: engine,
				voiceFormat,
				sha256: audioHash(body),
				bytes: body.length,
				audioDurationMs,
				text,
			});
			record.code = 0;
			if (runtime.resetAfter(req, target)) {
				record.fault = 'reset-after';
				return;
			}
			reply(200, {
				request_id: requestId,
				code: 0,
				message: '',
				audio_duration: audioDurationMs,
				flash_result: Array.from({ length: channels }, (_, channel) => ({ text, channel_id: channel, sentence_list: sentenceList })),
			});
		} catch (error) {
			if (!(error instanceof FlashError)) throw error;
			record.code = error.code;
			record.message = error.message;
			reply(200, { request_id: requestId, code: error.code, message: error.message });
		}
	};

	const server = await startServer(handle);

	return {
		url: server.url,
		port: server.port,
		requests,
		recognitions,
		faults: runtime.faults,
		stats: () => runtime.stats(),
		resetStats: () => runtime.resetStats(),
		setLatency: (ms: number) => runtime.setLatency(ms),
		nowSeconds: () => clock.nowSeconds(),
		advanceClock: (seconds: number) => clock.advance(seconds),
		setClock: (epochSeconds: number) => clock.set(epochSeconds),
		close: async () => {
			runtime.close();
			await server.close();
		},
	};
}
