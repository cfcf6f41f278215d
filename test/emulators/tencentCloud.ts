/**
 * A strict local emulator of the Tencent Cloud API 3.0 services the package calls: CCC
 * (`UploadIvrAudio`, `DescribeIvrAudioList`, version 2020-02-10), ASR (`CreateRecTask`,
 * `DescribeTaskStatus`, 2019-06-14) and CAM (`GetUserAppId`, 2019-01-16), on one HTTP server
 * answering `POST /`. Sources: vendor-api-notes §3 (signing, errors, limits), seed 002
 * (UploadIvrAudio), the official SDKs' models and error-code lists (parameter names, optional
 * parameters, `FailedOperation.NoSuchTask`, `FailedOperation.UploadFileOverflow`).
 *
 * It verifies TC3-HMAC-SHA256 signatures with its own implementation (never the package's), keeps
 * its own clock, enforces the rate limits and the CCC daily quota, downloads audio URLs with
 * undici, "recognises" audio through the shared {@link TranscriptRegistry}, simulates task
 * progress and posts CreateRecTask callbacks through ./callbackSender.
 *
 * Emulator choices where the vendor's behaviour is not documented (each also noted where it
 * applies): invalid JSON → `InvalidParameter`; wrong Content-Type → `InvalidParameter`; signed
 * headers without content-type/host → `AuthFailure.InvalidAuthorization`; a credential scope whose
 * service is not the action's, or whose date is not the timestamp's UTC date →
 * `AuthFailure.SignatureFailure` (the real server signs with its own host's service and the
 * timestamp's date, so the signature cannot match); wrong version → `NoSuchVersion`; wrong types
 * and values → `InvalidParameterValue` (the real service sometimes answers a sub-code such as
 * `InvalidParameterValue.ErrorInvalidUrl`: match codes by prefix); unknown SdkAppId →
 * `InvalidParameterValue.InstanceNotExist` (CCC SDK error list); DescribeIvrAudioList `PageSize`
 * and `PageNumber` are REQUIRED (official SDK models), files listed in FileId order; at most 20
 * files per UploadIvrAudio request; rate limits count every authenticated request in a sliding
 * 1000 ms window of the emulator clock.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { detectAudioFormat, estimateAudioDurationSeconds } from './audio';
import { downloadAudio, EmulatorClock, readBodyCapped, startServer, type DownloadResult, type TranscriptRegistry } from './common';
import {
	buildRecTaskCallback,
	sendAsrCallback,
	type CallbackDelivery,
	type HexCase,
} from './callbackSender';

// ---------------------------------------------------------------------------------------------
// TC3-HMAC-SHA256 (notes §3), implemented independently of nodes/ and credentials/.
// ---------------------------------------------------------------------------------------------

/** Hex SHA-256 of a UTF-8 string or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
	return createHash('sha256').update(data).digest('hex');
}

/** `YYYY-MM-DD`, the UTC date of a timestamp in seconds (the credential-scope date, notes §3). */
export function utcDate(timestampSeconds: number): string {
	return new Date(timestampSeconds * 1000).toISOString().slice(0, 10);
}

/** Inputs of {@link tc3CanonicalRequest}. */
export interface Tc3CanonicalInput {
	/** HTTP method, e.g. `POST`. */
	method: string;
	/** Canonical URI; always `/` for API 3.0. */
	path?: string;
	/** Canonical query string; '' for POST. */
	query?: string;
	/** Header values by lower-case name (the `host` value already without port). */
	headers: Record<string, string>;
	/** The SignedHeaders list, in the order given by the client (lower-case names). */
	signedHeaders: string[];
	/** The exact body bytes (or string, hashed as UTF-8). */
	body: string | Uint8Array;
}

/**
 * The canonical request: `METHOD\nURI\nQUERY\n<name:lower(trim(value))\n…>\n<signed;headers>\n<hex sha256(body)>`
 * (notes §3). A signed header that is absent contributes an empty value (and so fails to verify).
 */
export function tc3CanonicalRequest(input: Tc3CanonicalInput): string {
	const names = input.signedHeaders.map((name) => name.toLowerCase());
	const canonicalHeaders = names
		.map((name) => `${name}:${(input.headers[name] ?? '').trim().toLowerCase()}\n`)
		.join('');
	return [
		input.method.toUpperCase(),
		input.path ?? '/',
		input.query ?? '',
		canonicalHeaders,
		names.join(';'),
		sha256Hex(input.body),
	].join('\n');
}

/** `TC3-HMAC-SHA256\n<timestamp>\n<date>/<service>/tc3_request\n<hex sha256(canonical request)>` (notes §3). */
export function tc3StringToSign(
	timestamp: number | string,
	date: string,
	service: string,
	canonicalRequest: string,
): string {
	return `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${sha256Hex(canonicalRequest)}`;
}

/**
 * Hex signature: kDate = HMAC("TC3"+key, date), kService = HMAC(kDate, service),
 * kSigning = HMAC(kService, "tc3_request"), signature = hex HMAC(kSigning, stringToSign) (notes §3).
 */
export function tc3Signature(secretKey: string, date: string, service: string, stringToSign: string): string {
	const kDate = createHmac('sha256', `TC3${secretKey}`).update(date).digest();
	const kService = createHmac('sha256', kDate).update(service).digest();
	const kSigning = createHmac('sha256', kService).update('tc3_request').digest();
	return createHmac('sha256', kSigning).update(stringToSign).digest('hex');
}

/** A parsed `Authorization: TC3-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header. */
export interface Tc3Authorization {
	secretId: string;
	date: string;
	service: string;
	signedHeaders: string[];
	signature: string;
}

const AUTHORIZATION_PATTERN =
	/^TC3-HMAC-SHA256 Credential=([^/\s,]+)\/(\d{4}-\d{2}-\d{2})\/([A-Za-z0-9_-]+)\/tc3_request, ?SignedHeaders=([a-z0-9;_-]+), ?Signature=([0-9a-f]{64})$/;

/** Parses a TC3 Authorization header; `undefined` when it is malformed. */
export function parseTc3Authorization(header: string | undefined): Tc3Authorization | undefined {
	const match = header === undefined ? null : AUTHORIZATION_PATTERN.exec(header.trim());
	if (!match) {
		return undefined;
	}
	return {
		secretId: match[1],
		date: match[2],
		service: match[3],
		signedHeaders: match[4].split(';'),
		signature: match[5],
	};
}

/** The Host header without its port (`127.0.0.1:9000` → `127.0.0.1`, `[::1]:9000` → `[::1]`). */
export function hostWithoutPort(host: string): string {
	const trimmed = host.trim();
	if (trimmed.startsWith('[')) {
		const end = trimmed.indexOf(']');
		return end === -1 ? trimmed : trimmed.slice(0, end + 1);
	}
	const colon = trimmed.lastIndexOf(':');
	return colon === -1 ? trimmed : trimmed.slice(0, colon);
}

// ---------------------------------------------------------------------------------------------
// Lossless JSON: uint64 TaskIds above 2^53 (notes §3) must survive both directions.
// ---------------------------------------------------------------------------------------------

/** A JSON value as parsed by {@link parseJsonLossless}: integers outside the safe range are bigint. */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * Strict JSON parser (RFC 8259) that returns integers beyond ±(2^53−1) as `bigint` instead of
 * rounding them. Throws `SyntaxError` on invalid JSON.
 */
export function parseJsonLossless(text: string): JsonValue {
	let pos = 0;
	const fail = (what: string): never => {
		throw new SyntaxError(`${what} at position ${pos}`);
	};
	const skipWs = (): void => {
		while (pos < text.length && ' \t\n\r'.includes(text[pos])) {
			pos += 1;
		}
	};
	const numberPattern = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;
	const parseString = (): string => {
		const start = pos;
		pos += 1;
		while (pos < text.length) {
			const char = text[pos];
			if (char === '"') {
				pos += 1;
				return JSON.parse(text.slice(start, pos)) as string;
			}
			if (char === '\\') {
				pos += 2;
				continue;
			}
			if (char.charCodeAt(0) < 0x20) {
				fail('Control character in string');
			}
			pos += 1;
		}
		return fail('Unterminated string');
	};
	const parseValue = (): JsonValue => {
		skipWs();
		const char = text[pos];
		if (char === '{') {
			pos += 1;
			const object: { [key: string]: JsonValue } = {};
			skipWs();
			if (text[pos] === '}') {
				pos += 1;
				return object;
			}
			for (;;) {
				skipWs();
				if (text[pos] !== '"') {
					fail('Expected a property name');
				}
				const key = parseString();
				skipWs();
				if (text[pos] !== ':') {
					fail('Expected ":"');
				}
				pos += 1;
				const value = parseValue();
				Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
				skipWs();
				if (text[pos] === ',') {
					pos += 1;
					continue;
				}
				if (text[pos] === '}') {
					pos += 1;
					return object;
				}
				fail('Expected "," or "}"');
			}
		}
		if (char === '[') {
			pos += 1;
			const array: JsonValue[] = [];
			skipWs();
			if (text[pos] === ']') {
				pos += 1;
				return array;
			}
			for (;;) {
				array.push(parseValue());
				skipWs();
				if (text[pos] === ',') {
					pos += 1;
					continue;
				}
				if (text[pos] === ']') {
					pos += 1;
					return array;
				}
				fail('Expected "," or "]"');
			}
		}
		if (char === '"') {
			return parseString();
		}
		for (const [literal, value] of [
			['true', true],
			['false', false],
			['null', null],
		] as const) {
			if (text.startsWith(literal, pos)) {
				pos += literal.length;
				return value;
			}
		}
		numberPattern.lastIndex = pos;
		const match = numberPattern.exec(text);
		if (!match) {
			return fail('Unexpected token');
		}
		pos += match[0].length;
		const isInteger = match[1] === undefined && match[2] === undefined;
		const asNumber = Number(match[0]);
		if (isInteger && !Number.isSafeInteger(asNumber)) {
			return BigInt(match[0]);
		}
		return asNumber;
	};
	const result = parseValue();
	skipWs();
	if (pos !== text.length) {
		fail('Unexpected data after JSON');
	}
	return result;
}

/**
 * Serialises like `JSON.stringify` but writes `bigint` as bare digits (uint64 fields such as
 * TaskId are JSON numbers on the wire). `undefined` object members are omitted.
 */
export function toJsonText(value: unknown): string {
	if (typeof value === 'bigint') {
		return value.toString();
	}
	if (value === null || value === undefined) {
		return 'null';
	}
	if (Array.isArray(value)) {
		return `[${value.map((item) => toJsonText(item)).join(',')}]`;
	}
	if (typeof value === 'object') {
		const members = Object.entries(value as Record<string, unknown>)
			.filter(([, inner]) => inner !== undefined)
			.map(([key, inner]) => `${JSON.stringify(key)}:${toJsonText(inner)}`);
		return `{${members.join(',')}}`;
	}
	return JSON.stringify(value) ?? 'null';
}

/** Sliding-window limiter: at most `limit` admitted requests per key in any 1000 ms of the clock. */
class RateLimiter {
	private readonly hits = new Map<string, number[]>();

	/** Admits (and records) the request, or returns the count it would have made. */
	admit(key: string, limit: number, nowMs: number): { ok: true } | { ok: false; count: number } {
		const recent = (this.hits.get(key) ?? []).filter((at) => at > nowMs - 1000 && at <= nowMs);
		if (recent.length >= limit) {
			this.hits.set(key, recent);
			return { ok: false, count: recent.length + 1 };
		}
		recent.push(nowMs);
		this.hits.set(key, recent);
		return { ok: true };
	}
}

// ---------------------------------------------------------------------------------------------
// Actions, parameters, errors.
// ---------------------------------------------------------------------------------------------

/** The services this emulator answers and their API versions (notes §3). */
export const TENCENT_SERVICE_VERSIONS = { ccc: '2020-02-10', asr: '2019-06-14', cam: '2019-01-16' } as const;

/** A service of {@link TENCENT_SERVICE_VERSIONS}. */
export type TencentService = keyof typeof TENCENT_SERVICE_VERSIONS;

/**
 * Actions → service and documented rate limit (requests per second; notes §3, seed 002, ASR
 * docs: CreateRecTask 20/s, DescribeTaskStatus 50/s; CAM GetUserAppId: emulator choice 20/s).
 */
export const TENCENT_ACTIONS: ReadonlyMap<string, { service: TencentService; ratePerSecond: number }> = new Map<
	string,
	{ service: TencentService; ratePerSecond: number }
>([
	['GetUserAppId', { service: 'cam', ratePerSecond: 20 }],
	['UploadIvrAudio', { service: 'ccc', ratePerSecond: 1 }],
	['DescribeIvrAudioList', { service: 'ccc', ratePerSecond: 20 }],
	['CreateRecTask', { service: 'asr', ratePerSecond: 20 }],
	['DescribeTaskStatus', { service: 'asr', ratePerSecond: 50 }],
]);

/**
 * CreateRecTask engine models accepted (official SDK model list, plus older names still
 * documented: 16k_zh_video, 16k_zh_large, 16k_zh_dialect). Anything else → InvalidParameterValue.
 */
export const ASR_ENGINE_MODEL_TYPES: readonly string[] = [
	'8k_zh',
	'8k_en',
	'8k_zh_large',
	'16k_zh',
	'16k_zh_en',
	'16k_multi_lang',
	'16k_en',
	'16k_en_large',
	'16k_yue',
	'16k_zh-PY',
	'16k_zh-TW',
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
	'16k_zh_medical',
	'16k_zh_video',
	'16k_zh_large',
	'16k_zh_dialect',
];

/** Emulator limits (bytes, counts). */
export const TENCENT_LIMITS = {
	/** API 3.0 request body (TC3 POST), bytes: 10 MB (vendor docs). */
	requestBodyBytes: 10 * 1024 * 1024,
	/** IVR audio file size, bytes (seed 002 / notes §3: 5 MB). */
	ivrAudioBytes: 5 * 1024 * 1024,
	/** IVR files per account per day (Beijing calendar day). */
	ivrFilesPerDay: 50,
	/** Files per UploadIvrAudio request: UNDOCUMENTED, emulator choice. */
	ivrFilesPerRequest: 20,
	/** DescribeIvrAudioList PageSize upper bound (SDK model: 上限 50). */
	ivrPageSizeMax: 50,
	/** CreateRecTask Data, raw bytes (≤ 5 MB allowed). */
	asrDataBytes: 5 * 1024 * 1024,
	/** CreateRecTask Url download cap, bytes (1 GB). */
	asrUrlBytes: 1024 * 1024 * 1024,
	/** Allowed skew between X-TC-Timestamp and the emulator clock, seconds. */
	timestampSkewSeconds: 300,
} as const;

/** An API error answered in the `{"Response":{"Error":{Code,Message},RequestId}}` envelope. */
export class TencentApiError extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

type ParamSpec =
	| { type: 'integer' | 'string' | 'string[]' | 'integer[]'; required?: boolean }
	| { type: 'object[]'; required?: boolean; fields: Record<string, ParamSpec> };

const PARAMS: Record<string, Record<string, ParamSpec>> = {
	GetUserAppId: {},
	UploadIvrAudio: {
		SdkAppId: { type: 'integer', required: true },
		AudioList: {
			type: 'object[]',
			required: true,
			fields: { CustomFileName: { type: 'string', required: true }, AudioUrl: { type: 'string', required: true } },
		},
	},
	DescribeIvrAudioList: {
		SdkAppId: { type: 'integer', required: true },
		PageSize: { type: 'integer', required: true },
		PageNumber: { type: 'integer', required: true },
		CustomFileName: { type: 'string[]' },
		AudioFileName: { type: 'string[]' },
		FileId: { type: 'integer[]' },
	},
	CreateRecTask: {
		EngineModelType: { type: 'string', required: true },
		ChannelNum: { type: 'integer', required: true },
		ResTextFormat: { type: 'integer', required: true },
		SourceType: { type: 'integer', required: true },
		Data: { type: 'string' },
		DataLen: { type: 'integer' },
		Url: { type: 'string' },
		CallbackUrl: { type: 'string' },
		SpeakerDiarization: { type: 'integer' },
		SpeakerNumber: { type: 'integer' },
		HotwordId: { type: 'string' },
		ReinforceHotword: { type: 'integer' },
		CustomizationId: { type: 'string' },
		EmotionRecognition: { type: 'integer' },
		EmotionalEnergy: { type: 'integer' },
		ConvertNumMode: { type: 'integer' },
		FilterDirty: { type: 'integer' },
		FilterPunc: { type: 'integer' },
		FilterModal: { type: 'integer' },
		SentenceMaxLength: { type: 'integer' },
		Extra: { type: 'string' },
		HotwordList: { type: 'string' },
		KeyWordLibIdList: { type: 'string[]' },
		ReplaceTextId: { type: 'string' },
		SpeakerRoles: {
			type: 'object[]',
			fields: { RoleAudioUrl: { type: 'string', required: true }, RoleName: { type: 'string', required: true } },
		},
	},
	DescribeTaskStatus: { TaskId: { type: 'integer', required: true } },
};

const isPlainObject = (value: unknown): value is Record<string, JsonValue> =>
	value !== null && typeof value === 'object' && !Array.isArray(value);

const isInteger = (value: unknown): value is number | bigint =>
	typeof value === 'bigint' || (typeof value === 'number' && Number.isInteger(value));

function typeMatches(spec: ParamSpec, value: JsonValue): boolean {
	switch (spec.type) {
		case 'integer':
			return isInteger(value);
		case 'string':
			return typeof value === 'string';
		case 'string[]':
			return Array.isArray(value) && value.every((item) => typeof item === 'string');
		case 'integer[]':
			return Array.isArray(value) && value.every((item) => isInteger(item));
		case 'object[]':
			return Array.isArray(value) && value.every((item) => isPlainObject(item));
	}
}

/**
 * Checks `params` against `specs`: unknown names → UnknownParameter, missing required →
 * MissingParameter, wrong JSON types → InvalidParameterValue. Nested names are reported like
 * Tencent's flattened form, e.g. `AudioList.0.CustomFileName`. Names are case-sensitive.
 */
function validateParams(params: Record<string, JsonValue>, specs: Record<string, ParamSpec>, prefix = ''): void {
	for (const name of Object.keys(params)) {
		if (!Object.hasOwn(specs, name)) {
			throw new TencentApiError('UnknownParameter', `The parameter \`${prefix}${name}\` is not recognized.`);
		}
	}
	for (const [name, spec] of Object.entries(specs)) {
		if (spec.required && !Object.hasOwn(params, name)) {
			throw new TencentApiError('MissingParameter', `The request is missing a required parameter \`${prefix}${name}\`.`);
		}
	}
	for (const [name, value] of Object.entries(params)) {
		const spec = specs[name];
		if (!typeMatches(spec, value)) {
			throw new TencentApiError('InvalidParameterValue', `The value type of parameter \`${prefix}${name}\` is not valid.`);
		}
		if (spec.type === 'object[]') {
			(value as Record<string, JsonValue>[]).forEach((item, index) =>
				validateParams(item, spec.fields, `${prefix}${name}.${index}.`),
			);
		}
	}
}

const invalidValue = (message: string): TencentApiError => new TencentApiError('InvalidParameterValue', message);

/** An integer param as a JS number (bigints beyond the safe range are invalid where this is used). */
function intParam(params: Record<string, JsonValue>, name: string): number | undefined {
	const value = params[name];
	if (value === undefined) {
		return undefined;
	}
	if (typeof value === 'bigint') {
		throw invalidValue(`The value of parameter \`${name}\` is out of range.`);
	}
	return value as number;
}

function checkChoice(params: Record<string, JsonValue>, name: string, allowed: readonly number[]): void {
	const value = intParam(params, name);
	if (value !== undefined && !allowed.includes(value)) {
		throw invalidValue(`The value \`${value}\` of parameter \`${name}\` is not valid: expected one of ${allowed.join(', ')}.`);
	}
}

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

// ---------------------------------------------------------------------------------------------
// Recognition results (Result lines and SentenceDetail, notes §3).
// ---------------------------------------------------------------------------------------------

/** A word of a SentenceDetail (offsets relative to the sentence start, milliseconds). */
export interface SentenceWord {
	Word: string;
	OffsetStartMs: number;
	OffsetEndMs: number;
}

/** A SentenceDetail as returned in `ResultDetail` (PascalCase, as DescribeTaskStatus). */
export interface SentenceDetail {
	FinalSentence: string;
	SliceSentence: string;
	WrittenText: string;
	StartMs: number;
	EndMs: number;
	WordsNum: number;
	Words: SentenceWord[];
	SpeechSpeed: number;
	SpeakerId: number;
	EmotionalEnergy: number;
	SilenceTime: number;
	EmotionType: string[];
}

/** Formats milliseconds as Tencent's `m:s.mmm` (seconds not zero-padded: `0:1.640`, `1:5.100`). */
export function formatResultTime(ms: number): string {
	const minutes = Math.floor(ms / 60000);
	return `${minutes}:${((ms - minutes * 60000) / 1000).toFixed(3)}`;
}

const PUNCTUATION = /[\p{P}]/u;
const TRAILING_PUNCTUATION = /[\p{P}]+$/u;

function tokenize(sentence: string): string[] {
	return sentence.match(/[A-Za-z0-9'’-]+|[^\sA-Za-z0-9'’-]/gu) ?? [];
}

/**
 * Lays a transcript out as Tencent does: sentences (split after 。！？!?.) spread proportionally
 * over the audio, from 20 ms to 20 ms before the end. `Result` has one line per sentence
 * `[start,end]  text\n`; `ResultDetail` is null when `resTextFormat` is 0, else SentenceDetail[]
 * with words (punctuation tokens only from format 2). `filterPunc` 1 drops sentence-final
 * punctuation, 2 all punctuation.
 */
export function buildRecognition(
	text: string,
	durationSeconds: number,
	options: { resTextFormat: number; filterPunc?: number },
): { Result: string; ResultDetail: SentenceDetail[] | null } {
	const filterPunc = options.filterPunc ?? 0;
	const sentences = (text.match(/[^。！？!?.\n]+[。！？!?.]*/gu) ?? [])
		.map((sentence) => sentence.trim())
		.map((sentence) =>
			filterPunc === 2
				? sentence.replace(/[\p{P}]/gu, '')
				: filterPunc === 1
					? sentence.replace(TRAILING_PUNCTUATION, '')
					: sentence,
		)
		.filter((sentence) => sentence.length > 0);
	const weights = sentences.map((sentence) => Math.max(1, sentence.replace(/\s/g, '').length));
	const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
	const totalMs = durationSeconds > 0 ? Math.round(durationSeconds * 1000) : totalWeight * 250 + 40;
	const spanMs = Math.max(totalWeight, totalMs - 40);
	let cursor = 0;
	let previousEnd = 0;
	let result = '';
	const details: SentenceDetail[] = [];
	sentences.forEach((sentence, index) => {
		const startMs = 20 + Math.round((cursor / totalWeight) * spanMs);
		cursor += weights[index];
		const endMs = 20 + Math.round((cursor / totalWeight) * spanMs);
		result += `[${formatResultTime(startMs)},${formatResultTime(endMs)}]  ${sentence}\n`;
		const tokens = tokenize(sentence).filter((token) => options.resTextFormat >= 2 || !PUNCTUATION.test(token));
		const slot = tokens.length > 0 ? (endMs - startMs) / tokens.length : 0;
		const words = tokens.map((word, i) => ({
			Word: word,
			OffsetStartMs: Math.round(i * slot),
			OffsetEndMs: Math.round((i + 1) * slot),
		}));
		details.push({
			FinalSentence: sentence,
			SliceSentence: tokens.join(' '),
			WrittenText: '',
			StartMs: startMs,
			EndMs: endMs,
			WordsNum: words.length,
			Words: words,
			SpeechSpeed: Math.round((weights[index] / Math.max(0.001, (endMs - startMs) / 1000)) * 10) / 10,
			SpeakerId: 0,
			EmotionalEnergy: 0,
			SilenceTime: index === 0 ? 0 : startMs - previousEnd,
			EmotionType: [],
		});
		previousEnd = endMs;
	});
	return { Result: result, ResultDetail: options.resTextFormat === 0 ? null : details };
}

// ---------------------------------------------------------------------------------------------
// Emulator state types.
// ---------------------------------------------------------------------------------------------

/** One request seen by the emulator, successful or not. */
export interface ApiRequestRecord {
	/** X-TC-Action ('' when absent). */
	action: string;
	/** Credential-scope service ('' when the Authorization header was malformed). */
	service: string;
	ok: boolean;
	errorCode?: string;
	/** The body JSON (`Data` truncated to 32 characters plus its length); undefined when not JSON. */
	params?: unknown;
	/** X-TC-Timestamp minus the emulator clock, seconds (undefined when not numeric). */
	timestampSkewSeconds?: number;
	/** X-TC-Region, when sent. */
	region?: string;
	/** X-TC-Token, when sent. */
	token?: string;
	requestId: string;
	/** Wall-clock time of arrival, epoch milliseconds. */
	at: number;
	/** True when the emulator destroyed the socket instead of answering (resetNext). */
	reset?: boolean;
}

/** An accepted IVR audio file (CCC AudioFileInfo plus emulator bookkeeping). */
export interface IvrUploadRecord {
	FileId: number;
	CustomFileName: string;
	AudioFileName: string;
	/** 0 not yet reviewed, 1 approved, 2 rejected (seed 002). */
	Status: 0 | 1 | 2;
	SdkAppId: number;
	AudioUrl: string;
	/** Size of the downloaded file, bytes. */
	bytes: number;
	format: 'mp3' | 'wav';
	/** Emulator clock at upload, epoch seconds. */
	uploadedAt: number;
	/** True once reviewed (by approveAll() or after reviewSeconds). */
	reviewed: boolean;
}

/** A CreateRecTask task. */
export interface RecTaskRecord {
	/** The uint64 TaskId as a decimal string. */
	TaskId: string;
	params: Record<string, unknown>;
	EngineModelType: string;
	ResTextFormat: number;
	SourceType: number;
	Url?: string;
	CallbackUrl?: string;
	/** DescribeTaskStatus polls answered so far. */
	polls: number;
	/** Emulator clock at creation, epoch milliseconds. */
	createdAtMs: number;
	/** True once completed by completeTask()/completeAll(). */
	forced: boolean;
	/** The final outcome once the task reached success/failed. */
	outcome?: RecTaskOutcome;
	/** The callback delivery, once sent (tasks with CallbackUrl). */
	delivery?: CallbackDelivery;
}

/** The final state of a task. */
export interface RecTaskOutcome {
	Status: 2 | 3;
	StatusStr: 'success' | 'failed';
	Result: string;
	ErrorMsg: string;
	ResultDetail: SentenceDetail[] | null;
	AudioDuration: number;
	/** Callback code: 0, 10000 (decode failed) or 10007 (download failed). */
	callbackCode: number;
}

/** Options of {@link startTencentCloudEmulator}. */
export interface TencentCloudEmulatorOptions {
	secretId: string;
	secretKey: string;
	/** When set, every request must carry `X-TC-Token` equal to it (else AuthFailure.TokenFailure). */
	sessionToken?: string;
	/** The account AppId (GetUserAppId, callbacks). */
	appId: number;
	/** The account Uin (GetUserAppId `Uin`/`OwnerUin`). Default `100000000001`. */
	uin?: string;
	/** The CCC applications that exist (SdkAppId). */
	sdkAppIds: number[];
	transcripts: TranscriptRegistry;
	/** DescribeTaskStatus polls answered `waiting` (default 1) then `doing` (default 1) before the result. */
	taskSteps?: { waitingPolls?: number; doingPolls?: number };
	/**
	 * Seconds of emulator clock per task step for tasks WITH a CallbackUrl, which also complete on
	 * their own after (waitingPolls + doingPolls + 1) steps. Default 1.
	 */
	taskStepSeconds?: number;
	/** Seconds of emulator clock after which an uploaded IVR file is reviewed. Default 60. */
	reviewSeconds?: number;
	/** Freeze the clock (it then moves only by advanceClock/setClock). Default false: runs with real time. */
	freezeClock?: boolean;
	/** Hex case of callback percent-escapes. Default `upper` (as the notes' CreateRecTask example). */
	callbackHexCase?: HexCase;
	/** Wait before the callback retry, ms. Default random 0–200. */
	callbackRetryIntervalMs?: number;
	/** Key casing of the callback `resultDetail` JSON. Default `pascal`. */
	callbackDetailCase?: 'pascal' | 'camel';
	/**
	 * What UploadIvrAudio puts in `FailedFileList[].FileName` (seed 002 does not define it):
	 * `custom` (default) the CustomFileName; `opaque` a name of Tencent's own that the caller
	 * cannot match.
	 */
	failedFileName?: 'custom' | 'opaque';
}

/** A running API 3.0 emulator. */
export interface TencentCloudEmulator {
	/** Base URL, e.g. `http://127.0.0.1:40123` (POST `/`). */
	url: string;
	port: number;
	/** Every request, in arrival order. */
	readonly requests: ApiRequestRecord[];
	/** Accepted IVR files (statuses refreshed on read). */
	readonly uploads: IvrUploadRecord[];
	/** CreateRecTask tasks. */
	readonly tasks: RecTaskRecord[];
	/** CreateRecTask callback deliveries, in completion order. */
	readonly deliveries: CallbackDelivery[];
	/** Emulator clock, epoch seconds. */
	nowSeconds(): number;
	/** Moves the clock; resolves once callbacks that became due have been delivered. */
	advanceClock(seconds: number): Promise<void>;
	/** Sets the clock; resolves once callbacks that became due have been delivered. */
	setClock(epochSeconds: number): Promise<void>;
	/** Marks every IVR file reviewed: Status 1, or 2 for names containing "reject". */
	approveAll(): void;
	/** Sets how many IVR files were uploaded today (toward the 50/day quota). */
	setDailyUploads(count: number): void;
	/** Completes a task now (its next poll answers the result); resolves with its callback delivery, if any. */
	completeTask(taskId: string | bigint | number): Promise<CallbackDelivery | undefined>;
	/** Completes every unfinished task; resolves with the callback deliveries made. */
	completeAll(): Promise<CallbackDelivery[]>;
	/** The next `count` requests of `action` (after authentication) answer this error. */
	failNext(action: string, code: string, message?: string, count?: number): void;
	/**
	 * The next `count` requests of `action` are processed (an upload/task IS recorded) but the
	 * socket is destroyed instead of answering: the client cannot know whether it was accepted.
	 */
	resetNext(action: string, count?: number): void;
	close(): Promise<void>;
}

const FIRST_TASK_ID = 9007199254740993n;

// ---------------------------------------------------------------------------------------------
// The emulator.
// ---------------------------------------------------------------------------------------------

/**
 * Starts the API 3.0 emulator on 127.0.0.1 (free port). Every answer is HTTP 200 JSON:
 * `{"Response":{…,"RequestId":"<uuid>"}}` or `{"Response":{"Error":{"Code","Message"},"RequestId"}}`
 * (notes §3). Check order: method/path → body size (RequestSizeLimitExceeded) → Authorization
 * format (AuthFailure.InvalidAuthorization) → X-TC-Action / X-TC-Version / X-TC-Timestamp
 * (MissingParameter / InvalidParameter) → SecretId (AuthFailure.SecretIdNotFound) → ±300 s
 * (AuthFailure.SignatureExpire) → SignedHeaders ⊇ content-type;host (InvalidAuthorization) →
 * Content-Type application/json (InvalidParameter) → credential date/service and signature
 * (AuthFailure.SignatureFailure) → X-TC-Token (AuthFailure.TokenFailure) → action (InvalidAction)
 * → version (NoSuchVersion) → failNext → rate limit (RequestLimitExceeded) → JSON
 * (InvalidParameter) → parameters (UnknownParameter / MissingParameter / InvalidParameterValue)
 * → the action.
 */
export async function startTencentCloudEmulator(options: TencentCloudEmulatorOptions): Promise<TencentCloudEmulator> {
	const clock = new EmulatorClock(options.freezeClock ?? false);
	const limiter = new RateLimiter();
	const waitingPolls = options.taskSteps?.waitingPolls ?? 1;
	const doingPolls = options.taskSteps?.doingPolls ?? 1;
	const stepMs = (options.taskStepSeconds ?? 1) * 1000;
	const reviewSeconds = options.reviewSeconds ?? 60;
	const uin = options.uin ?? '100000000001';

	const requests: ApiRequestRecord[] = [];
	const uploads: IvrUploadRecord[] = [];
	const tasks: RecTaskRecord[] = [];
	const tasksById = new Map<string, RecTaskRecord>();
	const audioOf = new Map<RecTaskRecord, Promise<DownloadResult>>();
	const deliveries: CallbackDelivery[] = [];
	const pending = new Set<Promise<unknown>>();
	const failures = new Map<string, Array<{ code: string; message: string }>>();
	const resets = new Map<string, number>();
	let nextTaskId = FIRST_TASK_ID;
	let nextFileId = 1001;
	let daily = { day: '', count: 0 };

	const beijingDay = (): string => new Date((clock.nowSeconds() + 8 * 3600) * 1000).toISOString().slice(0, 10);
	const dailyCount = (): number => {
		if (daily.day !== beijingDay()) {
			daily = { day: beijingDay(), count: 0 };
		}
		return daily.count;
	};

	const refreshUploads = (): void => {
		const now = clock.nowSeconds();
		for (const upload of uploads) {
			if (!upload.reviewed && now >= upload.uploadedAt + reviewSeconds) {
				upload.reviewed = true;
			}
			if (upload.reviewed) {
				upload.Status = upload.CustomFileName.includes('reject') ? 2 : 1;
			}
		}
	};

	// --- task progress ------------------------------------------------------------------------

	const stepOf = (task: RecTaskRecord): number => {
		const byTime = task.CallbackUrl ? Math.floor((clock.nowMs() - task.createdAtMs) / stepMs) : 0;
		return Math.max(task.polls, byTime);
	};
	const isDue = (task: RecTaskRecord): boolean => task.forced || stepOf(task) > waitingPolls + doingPolls;

	const computeOutcome = async (task: RecTaskRecord): Promise<RecTaskOutcome> => {
		const audio = await audioOf.get(task)!;
		const failed = (ErrorMsg: string, callbackCode: number): RecTaskOutcome => ({
			Status: 3,
			StatusStr: 'failed',
			Result: '',
			ErrorMsg,
			ResultDetail: null,
			AudioDuration: 0,
			callbackCode,
		});
		if (!audio.ok) {
			return failed('Failed to download audio file!', 10007);
		}
		const transcript = options.transcripts.lookup(audio.bytes);
		const format = detectAudioFormat(audio.bytes);
		if (audio.bytes.length === 0 || (!format && !transcript)) {
			return failed('Failed to decode audio file!', 10000);
		}
		const duration = transcript?.durationSeconds ?? estimateAudioDurationSeconds(audio.bytes) ?? 0;
		const recognition = buildRecognition(transcript?.text ?? '', duration, {
			resTextFormat: task.ResTextFormat,
			filterPunc: (task.params.FilterPunc as number | undefined) ?? 0,
		});
		return {
			Status: 2,
			StatusStr: 'success',
			Result: recognition.Result,
			ErrorMsg: '',
			ResultDetail: recognition.ResultDetail,
			AudioDuration: Math.round(duration * 1000) / 1000,
			callbackCode: 0,
		};
	};

	const sendCallback = async (task: RecTaskRecord, outcome: RecTaskOutcome): Promise<CallbackDelivery> => {
		const fields = buildRecTaskCallback({
			taskId: task.TaskId,
			appId: options.appId,
			code: outcome.callbackCode,
			message: outcome.Status === 2 ? '' : outcome.ErrorMsg,
			text: outcome.Result,
			audioDurationSeconds: outcome.AudioDuration,
			resultDetail: outcome.ResultDetail,
			audioUrl: task.SourceType === 0 ? task.Url : undefined,
			detailCase: options.callbackDetailCase,
		});
		const delivery = await sendAsrCallback(task.CallbackUrl!, fields, {
			hexCase: options.callbackHexCase ?? 'upper',
			retryIntervalMs: options.callbackRetryIntervalMs,
		});
		task.delivery = delivery;
		deliveries.push(delivery);
		return delivery;
	};

	const finalizing = new Map<RecTaskRecord, Promise<CallbackDelivery | undefined>>();
	/** Computes the outcome once and sends the callback (once) for tasks with a CallbackUrl. */
	const finalize = (task: RecTaskRecord): Promise<CallbackDelivery | undefined> => {
		let running = finalizing.get(task);
		if (!running) {
			running = (async () => {
				task.outcome = await computeOutcome(task);
				return task.CallbackUrl ? await sendCallback(task, task.outcome) : undefined;
			})();
			finalizing.set(task, running);
			const settled = running;
			pending.add(settled);
			void settled.finally(() => pending.delete(settled)).catch(() => undefined);
		}
		return running;
	};

	const tick = async (): Promise<void> => {
		const due = tasks.filter((task) => task.CallbackUrl && !finalizing.has(task) && isDue(task));
		await Promise.all(due.map(finalize));
	};
	const timer = setInterval(() => void tick().catch(() => undefined), 250);
	timer.unref();

	// --- answers ------------------------------------------------------------------------------

	const answer = (res: ServerResponse, requestId: string, data: Record<string, unknown>): void => {
		const text = toJsonText({ Response: { ...data, RequestId: requestId } });
		res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
		res.end(text);
	};

	const truncatedParams = (params: unknown): unknown => {
		if (!isPlainObject(params)) {
			return params;
		}
		const copy: Record<string, unknown> = { ...params };
		if (typeof copy.Data === 'string' && copy.Data.length > 32) {
			copy.Data = `${copy.Data.slice(0, 32)}…(${copy.Data.length} chars)`;
		}
		return copy;
	};

	// --- actions ------------------------------------------------------------------------------

	const uploadIvrAudio = async (params: Record<string, JsonValue>): Promise<Record<string, unknown>> => {
		const sdkAppId = intParam(params, 'SdkAppId')!;
		if (!options.sdkAppIds.includes(sdkAppId)) {
			throw new TencentApiError('InvalidParameterValue.InstanceNotExist', `SdkAppId \`${sdkAppId}\` does not exist.`);
		}
		const list = params.AudioList as Array<{ CustomFileName: string; AudioUrl: string }>;
		if (list.length === 0) {
			throw invalidValue('The parameter `AudioList` must not be empty.');
		}
		if (list.length > TENCENT_LIMITS.ivrFilesPerRequest) {
			throw invalidValue(`The parameter \`AudioList\` holds more than ${TENCENT_LIMITS.ivrFilesPerRequest} files.`);
		}
		list.forEach((item, index) => {
			if (item.CustomFileName.trim() === '') {
				throw invalidValue(`The parameter \`AudioList.${index}.CustomFileName\` must not be empty.`);
			}
		});
		const today = dailyCount();
		if (today + list.length > TENCENT_LIMITS.ivrFilesPerDay) {
			throw new TencentApiError(
				'FailedOperation.UploadFileOverflow',
				`Number of uploaded files exceeds the limit: ${TENCENT_LIMITS.ivrFilesPerDay} files per day, ${today} uploaded today, ${list.length} in this request.`,
			);
		}
		const results = await Promise.all(
			list.map(async (item) => {
				const failed = (FailedMsg: string) => ({
					failed: { FileName: options.failedFileName === 'opaque' ? `upload_${randomUUID().slice(0, 8)}` : item.CustomFileName, FailedMsg },
				});
				let extension = '';
				try {
					const path = new URL(item.AudioUrl).pathname;
					const dot = path.lastIndexOf('.');
					extension = dot > path.lastIndexOf('/') ? path.slice(dot + 1).toLowerCase() : '';
				} catch {
					return failed('download file failed');
				}
				if (extension !== '' && extension !== 'mp3' && extension !== 'wav') {
					return failed('file format not supported');
				}
				const download = await downloadAudio(item.AudioUrl, { limitBytes: TENCENT_LIMITS.ivrAudioBytes });
				if (!download.ok) {
					return failed(download.reason === 'too-large' ? 'file size exceeds limit' : 'download file failed');
				}
				const format = detectAudioFormat(download.bytes);
				if (format !== 'mp3' && format !== 'wav') {
					return failed('file format not supported');
				}
				return { ok: { item, bytes: download.bytes.length, format } };
			}),
		);
		const success: IvrUploadRecord[] = [];
		const failedList: Array<{ FileName: string; FailedMsg: string }> = [];
		for (const result of results) {
			if ('failed' in result) {
				failedList.push(result.failed);
				continue;
			}
			const fileId = nextFileId;
			nextFileId += 1;
			const record: IvrUploadRecord = {
				FileId: fileId,
				CustomFileName: result.ok.item.CustomFileName,
				AudioFileName: `ivr_${sdkAppId}_${fileId}_${randomUUID().slice(0, 8)}.mp3`,
				Status: 0,
				SdkAppId: sdkAppId,
				AudioUrl: result.ok.item.AudioUrl,
				bytes: result.ok.bytes,
				format: result.ok.format,
				uploadedAt: clock.nowSeconds(),
				reviewed: false,
			};
			uploads.push(record);
			success.push(record);
			daily.count += 1;
		}
		return {
			FailedFileList: failedList.length > 0 ? failedList : null,
			SuccessFileList:
				success.length > 0
					? success.map((file) => ({
							FileId: file.FileId,
							CustomFileName: file.CustomFileName,
							AudioFileName: file.AudioFileName,
							Status: file.Status,
						}))
					: null,
		};
	};

	const describeIvrAudioList = (params: Record<string, JsonValue>): Record<string, unknown> => {
		const sdkAppId = intParam(params, 'SdkAppId')!;
		if (!options.sdkAppIds.includes(sdkAppId)) {
			throw new TencentApiError('InvalidParameterValue.InstanceNotExist', `SdkAppId \`${sdkAppId}\` does not exist.`);
		}
		const pageSize = intParam(params, 'PageSize')!;
		const pageNumber = intParam(params, 'PageNumber')!;
		if (pageSize < 1 || pageSize > TENCENT_LIMITS.ivrPageSizeMax) {
			throw invalidValue(`The value of parameter \`PageSize\` must be between 1 and ${TENCENT_LIMITS.ivrPageSizeMax}.`);
		}
		if (pageNumber < 0) {
			throw invalidValue('The value of parameter `PageNumber` must not be negative.');
		}
		refreshUploads();
		const names = params.CustomFileName as string[] | undefined;
		const fileNames = params.AudioFileName as string[] | undefined;
		const ids = (params.FileId as Array<number | bigint> | undefined)?.map((id) => String(id));
		const matching = uploads.filter(
			(file) =>
				file.SdkAppId === sdkAppId &&
				(!names || names.includes(file.CustomFileName)) &&
				(!fileNames || fileNames.includes(file.AudioFileName)) &&
				(!ids || ids.includes(String(file.FileId))),
		);
		const page = matching.slice(pageNumber * pageSize, (pageNumber + 1) * pageSize);
		return {
			TotalCount: matching.length,
			FileInfo: page.map((file) => ({
				FileId: file.FileId,
				CustomFileName: file.CustomFileName,
				AudioFileName: file.AudioFileName,
				Status: file.Status,
			})),
		};
	};

	const createRecTask = (params: Record<string, JsonValue>): Record<string, unknown> => {
		const engine = params.EngineModelType as string;
		if (!ASR_ENGINE_MODEL_TYPES.includes(engine)) {
			throw invalidValue(`The value \`${engine}\` of parameter \`EngineModelType\` is not supported.`);
		}
		checkChoice(params, 'ChannelNum', [1, 2]);
		if (intParam(params, 'ChannelNum') === 2 && !engine.startsWith('8k_')) {
			throw invalidValue('`ChannelNum` 2 (two channels) is only supported by 8k engines.');
		}
		checkChoice(params, 'ResTextFormat', [0, 1, 2, 3, 4, 5]);
		checkChoice(params, 'SourceType', [0, 1]);
		checkChoice(params, 'SpeakerDiarization', [0, 1, 3]);
		checkChoice(params, 'SpeakerNumber', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		checkChoice(params, 'FilterDirty', [0, 1, 2]);
		checkChoice(params, 'FilterModal', [0, 1, 2]);
		checkChoice(params, 'FilterPunc', [0, 1, 2]);
		checkChoice(params, 'ConvertNumMode', [0, 1, 3]);
		checkChoice(params, 'EmotionRecognition', [0, 1, 2]);
		checkChoice(params, 'EmotionalEnergy', [0, 1]);
		checkChoice(params, 'ReinforceHotword', [0, 1]);
		const sentenceMax = intParam(params, 'SentenceMaxLength');
		if (sentenceMax !== undefined && sentenceMax !== 0 && (sentenceMax < 6 || sentenceMax > 40)) {
			throw invalidValue('The value of parameter `SentenceMaxLength` must be 0 or between 6 and 40.');
		}
		if (((params.KeyWordLibIdList as string[] | undefined) ?? []).length > 10) {
			throw invalidValue('The parameter `KeyWordLibIdList` holds more than 10 ids.');
		}
		if (params.CallbackUrl !== undefined && !isHttpUrl(params.CallbackUrl as string)) {
			throw invalidValue('The value of parameter `CallbackUrl` is not a valid http(s) URL.');
		}
		const sourceType = intParam(params, 'SourceType')!;
		let audio: Promise<DownloadResult>;
		if (sourceType === 0) {
			if (params.Url === undefined) {
				throw new TencentApiError('MissingParameter', 'The request is missing a required parameter `Url`.');
			}
			if (!isHttpUrl(params.Url as string)) {
				throw invalidValue('The value of parameter `Url` is not a valid http(s) URL.');
			}
			audio = downloadAudio(params.Url as string, { limitBytes: TENCENT_LIMITS.asrUrlBytes, timeoutMs: 30000 });
		} else {
			if (params.Data === undefined) {
				throw new TencentApiError('MissingParameter', 'The request is missing a required parameter `Data`.');
			}
			if (params.DataLen === undefined) {
				throw new TencentApiError('MissingParameter', 'The request is missing a required parameter `DataLen`.');
			}
			const data = params.Data as string;
			if (data.length === 0 || data.length % 4 !== 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(data)) {
				throw invalidValue('The value of parameter `Data` is not valid base64 (no line breaks, padded).');
			}
			const bytes = Buffer.from(data, 'base64');
			if (bytes.length > TENCENT_LIMITS.asrDataBytes) {
				throw invalidValue(`The audio data is ${bytes.length} bytes: it must be at most 5MB (${TENCENT_LIMITS.asrDataBytes} bytes).`);
			}
			if (intParam(params, 'DataLen') !== bytes.length) {
				throw invalidValue(`The value of parameter \`DataLen\` (${String(params.DataLen)}) does not match the decoded data length (${bytes.length}).`);
			}
			audio = Promise.resolve({ ok: true, bytes });
		}
		const taskId = nextTaskId;
		nextTaskId += 1n;
		const task: RecTaskRecord = {
			TaskId: taskId.toString(),
			params: truncatedParams(params) as Record<string, unknown>,
			EngineModelType: engine,
			ResTextFormat: intParam(params, 'ResTextFormat')!,
			SourceType: sourceType,
			Url: sourceType === 0 ? (params.Url as string) : undefined,
			CallbackUrl: params.CallbackUrl as string | undefined,
			polls: 0,
			createdAtMs: clock.nowMs(),
			forced: false,
		};
		audioOf.set(task, audio);
		tasks.push(task);
		tasksById.set(task.TaskId, task);
		return { Data: { TaskId: taskId } };
	};

	const describeTaskStatus = async (params: Record<string, JsonValue>): Promise<Record<string, unknown>> => {
		const raw = params.TaskId as number | bigint;
		if (raw < 0) {
			throw invalidValue('The value of parameter `TaskId` must be a uint64.');
		}
		const task = tasksById.get(String(raw));
		if (!task) {
			throw new TencentApiError('FailedOperation.NoSuchTask', `No such task: TaskId ${String(raw)}.`);
		}
		task.polls += 1;
		const taskId = BigInt(task.TaskId);
		if (isDue(task)) {
			await finalize(task);
			const outcome = task.outcome!;
			return {
				Data: {
					TaskId: taskId,
					Status: outcome.Status,
					StatusStr: outcome.StatusStr,
					AudioDuration: outcome.AudioDuration,
					Result: outcome.Result,
					ErrorMsg: outcome.ErrorMsg,
					ResultDetail: outcome.ResultDetail,
				},
			};
		}
		const waiting = stepOf(task) <= waitingPolls;
		return {
			Data: {
				TaskId: taskId,
				Status: waiting ? 0 : 1,
				StatusStr: waiting ? 'waiting' : 'doing',
				AudioDuration: 0,
				Result: '',
				ErrorMsg: '',
				ResultDetail: null,
			},
		};
	};

	// --- request handling ---------------------------------------------------------------------

	const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const requestId = randomUUID();
		const header = (name: string): string | undefined => {
			const value = req.headers[name];
			return Array.isArray(value) ? value.join(',') : value;
		};
		const record: ApiRequestRecord = {
			action: header('x-tc-action') ?? '',
			service: '',
			ok: false,
			requestId,
			at: Date.now(),
			region: header('x-tc-region'),
			token: header('x-tc-token'),
		};
		requests.push(record);
		const fail = (error: TencentApiError): void => {
			record.errorCode = error.code;
			const text = toJsonText({ Response: { Error: { Code: error.code, Message: error.message }, RequestId: requestId } });
			res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
			res.end(text);
		};
		try {
			const url = new URL(req.url ?? '/', 'http://emulator');
			if (req.method !== 'POST' || url.pathname !== '/') {
				await readBodyCapped(req, 0);
				throw new TencentApiError(
					'UnsupportedOperation',
					`This emulator answers only POST / with a JSON body (got ${req.method ?? '?'} ${url.pathname}).`,
				);
			}
			const { body, totalBytes } = await readBodyCapped(req, TENCENT_LIMITS.requestBodyBytes);
			if (totalBytes > TENCENT_LIMITS.requestBodyBytes) {
				throw new TencentApiError(
					'RequestSizeLimitExceeded',
					`The request body is ${totalBytes} bytes, more than the ${TENCENT_LIMITS.requestBodyBytes} bytes allowed.`,
				);
			}
			const authorization = parseTc3Authorization(header('authorization'));
			if (!authorization) {
				throw new TencentApiError(
					'AuthFailure.InvalidAuthorization',
					'The Authorization header is missing or malformed: expected `TC3-HMAC-SHA256 Credential=<SecretId>/<Date>/<service>/tc3_request, SignedHeaders=<headers>, Signature=<hex>`.',
				);
			}
			record.service = authorization.service;
			const action = header('x-tc-action');
			const version = header('x-tc-version');
			const timestampText = header('x-tc-timestamp');
			if (!action) {
				throw new TencentApiError('MissingParameter', 'The request is missing a required parameter `Action`.');
			}
			if (!version) {
				throw new TencentApiError('MissingParameter', 'The request is missing a required parameter `Version`.');
			}
			if (timestampText === undefined || timestampText === '') {
				throw new TencentApiError('MissingParameter', 'The request is missing a required parameter `Timestamp`.');
			}
			if (!/^\d{1,12}$/.test(timestampText)) {
				throw new TencentApiError('InvalidParameter', 'The parameter `Timestamp` must be a Unix timestamp in seconds.');
			}
			const timestamp = Number(timestampText);
			record.timestampSkewSeconds = timestamp - clock.nowSeconds();
			if (authorization.secretId !== options.secretId) {
				throw new TencentApiError(
					'AuthFailure.SecretIdNotFound',
					'The SecretId is not found, please ensure that your SecretId is correct.',
				);
			}
			if (Math.abs(record.timestampSkewSeconds) > TENCENT_LIMITS.timestampSkewSeconds) {
				throw new TencentApiError(
					'AuthFailure.SignatureExpire',
					`Signature expired. Timestamp and server time cannot differ by more than five minutes (request ${timestamp}, server ${clock.nowSeconds()}).`,
				);
			}
			if (!authorization.signedHeaders.includes('content-type') || !authorization.signedHeaders.includes('host')) {
				throw new TencentApiError(
					'AuthFailure.InvalidAuthorization',
					'SignedHeaders must include content-type and host.',
				);
			}
			const contentType = (header('content-type') ?? '').toLowerCase();
			if (!/^application\/json\s*(;\s*charset=utf-8\s*)?$/.test(contentType.trim())) {
				throw new TencentApiError(
					'InvalidParameter',
					`Content-Type \`${header('content-type') ?? ''}\` is not supported: send application/json.`,
				);
			}
			const known = TENCENT_ACTIONS.get(action);
			const service = known?.service ?? authorization.service;
			const headers: Record<string, string> = {};
			for (const name of authorization.signedHeaders) {
				headers[name] = name === 'host' ? hostWithoutPort(header('host') ?? '') : header(name) ?? '';
			}
			const canonical = tc3CanonicalRequest({
				method: 'POST',
				path: '/',
				query: url.search.slice(1),
				headers,
				signedHeaders: authorization.signedHeaders,
				body,
			});
			const expected = tc3Signature(
				options.secretKey,
				utcDate(timestamp),
				service,
				tc3StringToSign(timestamp, utcDate(timestamp), service, canonical),
			);
			const signatureOk =
				authorization.date === utcDate(timestamp) &&
				authorization.service === service &&
				timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(authorization.signature, 'hex'));
			if (!signatureOk) {
				throw new TencentApiError(
					'AuthFailure.SignatureFailure',
					'The provided credentials could not be validated. Please check your signature is correct.',
				);
			}
			const token = header('x-tc-token');
			if ((options.sessionToken ?? '') !== (token ?? '')) {
				throw new TencentApiError('AuthFailure.TokenFailure', 'The token is invalid or does not match the temporary credentials.');
			}
			if (!known) {
				throw new TencentApiError('InvalidAction', `The requested action \`${action}\` does not exist for service \`${service}\`.`);
			}
			if (version !== TENCENT_SERVICE_VERSIONS[known.service]) {
				throw new TencentApiError(
					'NoSuchVersion',
					`The requested version \`${version}\` of service \`${known.service}\` does not exist (use ${TENCENT_SERVICE_VERSIONS[known.service]}).`,
				);
			}
			const language = header('x-tc-language');
			if (language !== undefined && language !== 'zh-CN' && language !== 'en-US') {
				throw new TencentApiError('InvalidParameterValue', 'X-TC-Language must be zh-CN or en-US.');
			}
			const injected = failures.get(action)?.shift();
			if (injected) {
				throw new TencentApiError(injected.code, injected.message);
			}
			const admitted = limiter.admit(`${options.secretId}:${action}`, known.ratePerSecond, clock.nowMs());
			if (!admitted.ok) {
				throw new TencentApiError(
					'RequestLimitExceeded',
					`Your current request times equals to \`${admitted.count}\` in a second, which exceeds the frequency limit \`${known.ratePerSecond}\` for a second. Please reduce the frequency of calls.`,
				);
			}
			let params: JsonValue;
			try {
				params = parseJsonLossless(body.toString('utf8'));
			} catch (error) {
				throw new TencentApiError('InvalidParameter', `The request body is not valid JSON: ${(error as Error).message}.`);
			}
			record.params = truncatedParams(params);
			if (!isPlainObject(params)) {
				throw new TencentApiError('InvalidParameter', 'The request body must be a JSON object.');
			}
			validateParams(params, PARAMS[action]);
			let data: Record<string, unknown>;
			switch (action) {
				case 'GetUserAppId':
					data = { Uin: uin, OwnerUin: uin, AppId: options.appId };
					break;
				case 'UploadIvrAudio':
					data = await uploadIvrAudio(params);
					break;
				case 'DescribeIvrAudioList':
					data = describeIvrAudioList(params);
					break;
				case 'CreateRecTask':
					data = createRecTask(params);
					break;
				default:
					data = await describeTaskStatus(params);
			}
			record.ok = true;
			const resetsLeft = resets.get(action) ?? 0;
			if (resetsLeft > 0) {
				resets.set(action, resetsLeft - 1);
				record.reset = true;
				req.socket.destroy();
				return;
			}
			answer(res, requestId, data);
		} catch (error) {
			if (error instanceof TencentApiError) {
				fail(error);
				return;
			}
			fail(new TencentApiError('InternalError', `Emulator failure: ${(error as Error).message}`));
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
		get uploads() {
			refreshUploads();
			return uploads;
		},
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
		approveAll: () => {
			for (const upload of uploads) {
				upload.reviewed = true;
			}
			refreshUploads();
		},
		setDailyUploads: (count: number) => {
			daily = { day: beijingDay(), count };
		},
		completeTask: async (taskId: string | bigint | number) => {
			const task = tasksById.get(String(taskId));
			if (!task) {
				throw new Error(`No task ${String(taskId)}`);
			}
			task.forced = true;
			return await finalize(task);
		},
		completeAll: async () => {
			const open = tasks.filter((task) => !finalizing.has(task));
			for (const task of open) {
				task.forced = true;
			}
			const results = await Promise.all(open.map(finalize));
			return results.filter((delivery): delivery is CallbackDelivery => delivery !== undefined);
		},
		failNext: (action: string, code: string, message = `Injected ${code}.`, count = 1) => {
			const queue = failures.get(action) ?? [];
			for (let i = 0; i < count; i += 1) {
				queue.push({ code, message });
			}
			failures.set(action, queue);
		},
		resetNext: (action: string, count = 1) => {
			resets.set(action, (resets.get(action) ?? 0) + count);
		},
		close: async () => {
			clearInterval(timer);
			await Promise.allSettled([...pending]);
			await server.close();
		},
	};
}
