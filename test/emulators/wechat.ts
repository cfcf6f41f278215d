/**
 * A strict local emulator of the WeChat server API used by the package: access tokens (classic
 * `/cgi-bin/token` and stable `/cgi-bin/stable_token`), `get_api_domain_ip` (the credential test)
 * and voice recognition (`addvoicetorecofortext` + `queryrecoresultfortext`).
 *
 * Sources: docs/wechat.md (#access-token, #error-codes, #voice-upload, #voice-result); WeChat's
 * public getAccessToken / getStableAccessToken documentation
 * (https://developers.weixin.qq.com/doc/service/api/base/api_getstableaccesstoken: stable_token
 * is limited to 10,000 calls a minute and 500,000 a day). Choices the documents leave open are
 * marked DECISION below; they are meant to be at least as strict as the real service. Faults,
 * statistics and latency come from ./faults (actions: the {@link WeChatApi} names).
 *
 * Independent of nodes/ and credentials/ on purpose (it has its own MPEG audio parser), so it
 * catches the package's bugs instead of repeating them.
 *
 * Every answer is HTTP 200 with a JSON body and WeChat's own content type
 * `application/json; encoding=utf-8`; errors are
 * `{"errcode":N,"errmsg":"<text>[ hint: [<detail>]] rid: <id>"}`. Like the live service, every
 * error message ends with a request id (` rid: 6569a2f0-5cb1d8f5-12a0a7f3`), so clients must not
 * compare messages for equality: the canonical text ({@link WECHAT_ERRORS}) is a prefix.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import busboy from 'busboy';
import { readBody, sendJson, startServer, type TranscriptRegistry } from './common';
import { EmulatorRuntime, TRANSPORT_FAULTS, type FaultInjector, type FaultKind } from './faults';
import { RateLimiter, type EmulatorStats } from './limits';

// ---------------------------------------------------------------------------------------------
// MPEG audio inspection (independent of nodes/common/mp3.ts)
// ---------------------------------------------------------------------------------------------

/** Channel mode of an MPEG audio frame header (bits 7-6 of byte 3). */
export type MpegChannelMode = 'stereo' | 'joint_stereo' | 'dual_channel' | 'mono';

/** One decoded MPEG audio frame header (ISO/IEC 11172-3 and 13818-3). */
export interface MpegFrameHeader {
	/** MPEG version: '1' (ISO 11172-3), '2' (13818-3 LSF) or '2.5' (unofficial extension). */
	version: '1' | '2' | '2.5';
	/** Layer I, II or III (III is "mp3"). */
	layer: 1 | 2 | 3;
	/** Bit rate in kbit/s (free format is not accepted). */
	bitrateKbps: number;
	/** Sample rate in Hz. */
	sampleRate: number;
	channelMode: MpegChannelMode;
	/** Length of the whole frame, header included, in bytes. */
	frameBytes: number;
	/** PCM samples per channel carried by the frame (384, 576 or 1152). */
	samples: number;
}

/** What {@link inspectMpegAudio} found in a buffer. */
export interface MpegAudioInfo extends MpegFrameHeader {
	/** Byte offset of the first confirmed frame (after ID3v2 tags and any junk). */
	firstFrameOffset: number;
	/** 1 for mono, 2 for the other channel modes. */
	channels: 1 | 2;
	/** Frames counted by walking the frame chain (re-synchronising over junk). */
	frames: number;
	/** Duration estimated from the walked frames, in seconds. */
	durationSeconds: number;
}

const BITRATES_KBPS: Record<string, number[]> = {
	'1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
	'1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
	'1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
	'2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
	'2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
	'2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
};
const SAMPLE_RATES: Record<MpegFrameHeader['version'], number[]> = {
	'1': [44100, 48000, 32000],
	'2': [22050, 24000, 16000],
	'2.5': [11025, 12000, 8000],
};
const CHANNEL_MODES: MpegChannelMode[] = ['stereo', 'joint_stereo', 'dual_channel', 'mono'];

/**
 * Decodes the 4-byte MPEG audio frame header at `offset`, or `undefined` when the bytes there are
 * not a valid header (no 11-bit sync, reserved version/layer/sample-rate/emphasis, free-format or
 * "bad" bit rate).
 */
export function parseMpegFrameHeader(bytes: Uint8Array, offset: number): MpegFrameHeader | undefined {
	if (offset < 0 || offset + 4 > bytes.length) return undefined;
	const b1 = bytes[offset + 1];
	const b2 = bytes[offset + 2];
	const b3 = bytes[offset + 3];
	if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
	const versionBits = (b1 >> 3) & 3;
	const layerBits = (b1 >> 1) & 3;
	const bitrateIndex = b2 >> 4;
	const rateIndex = (b2 >> 2) & 3;
	if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) {
		return undefined;
	}
	if ((b3 & 3) === 2) return undefined; // reserved emphasis
	const version: MpegFrameHeader['version'] = versionBits === 3 ? '1' : versionBits === 2 ? '2' : '2.5';
	const layer = (4 - layerBits) as 1 | 2 | 3;
	const bitrateKbps = BITRATES_KBPS[`${version === '1' ? '1' : '2'}-${layer}`][bitrateIndex];
	const sampleRate = SAMPLE_RATES[version][rateIndex];
	const padding = (b2 >> 1) & 1;
	let samples: number;
	let frameBytes: number;
	if (layer === 1) {
		samples = 384;
		frameBytes = (Math.floor((12 * bitrateKbps * 1000) / sampleRate) + padding) * 4;
	} else {
		samples = layer === 3 && version !== '1' ? 576 : 1152;
		frameBytes = Math.floor(((samples / 8) * bitrateKbps * 1000) / sampleRate) + padding;
	}
	return { version, layer, bitrateKbps, sampleRate, channelMode: CHANNEL_MODES[b3 >> 6], frameBytes, samples };
}

function sameStream(a: MpegFrameHeader, b: MpegFrameHeader): boolean {
	return a.version === b.version && a.layer === b.layer && a.sampleRate === b.sampleRate;
}

/** A header at `offset` confirmed by a consistent header right after its frame. */
function confirmedHeaderAt(bytes: Uint8Array, offset: number): MpegFrameHeader | undefined {
	const header = parseMpegFrameHeader(bytes, offset);
	if (!header) return undefined;
	const next = parseMpegFrameHeader(bytes, offset + header.frameBytes);
	return next && sameStream(header, next) ? header : undefined;
}

function findConfirmedHeader(bytes: Uint8Array, from: number): number {
	for (let i = from; i + 4 <= bytes.length; i++) {
		if (bytes[i] === 0xff && confirmedHeaderAt(bytes, i)) return i;
	}
	return -1;
}

/** Length of the ID3v2 tags at the start of `bytes` (0 when there is none), in bytes. */
function id3v2Length(bytes: Uint8Array): number {
	let offset = 0;
	while (
		offset + 10 <= bytes.length &&
		bytes[offset] === 0x49 && // I
		bytes[offset + 1] === 0x44 && // D
		bytes[offset + 2] === 0x33 // 3
	) {
		const size =
			((bytes[offset + 6] & 0x7f) << 21) |
			((bytes[offset + 7] & 0x7f) << 14) |
			((bytes[offset + 8] & 0x7f) << 7) |
			(bytes[offset + 9] & 0x7f);
		const footer = (bytes[offset + 5] & 0x10) !== 0 ? 10 : 0;
		offset += 10 + size + footer;
	}
	return offset;
}

const OTHER_CONTAINERS = ['RIFF', 'OggS', 'fLaC', '#!AMR', 'FORM'];

/**
 * Finds the MPEG audio stream in `bytes`: skips ID3v2 tags, takes the first valid frame header
 * that is confirmed by a consistent header exactly one frame later, then walks the frame chain
 * (re-synchronising over junk such as an ID3v1 tag) to count frames and estimate the duration.
 * Buffers that start with another container's magic (RIFF/WAVE, Ogg, FLAC, AMR, AIFF, ISO
 * `ftyp`) are not MPEG audio. Returns `undefined` when no confirmed frame exists.
 */
export function inspectMpegAudio(bytes: Uint8Array): MpegAudioInfo | undefined {
	const head = Buffer.from(bytes.subarray(0, 12)).toString('latin1');
	if (OTHER_CONTAINERS.some((magic) => head.startsWith(magic)) || head.slice(4, 8) === 'ftyp') {
		return undefined;
	}
	const first = findConfirmedHeader(bytes, id3v2Length(bytes));
	if (first < 0) return undefined;
	const header = parseMpegFrameHeader(bytes, first) as MpegFrameHeader;
	let frames = 0;
	let samples = 0;
	let offset = first;
	while (offset + 4 <= bytes.length) {
		const h = parseMpegFrameHeader(bytes, offset);
		if (h && sameStream(h, header) && offset + h.frameBytes <= bytes.length) {
			frames++;
			samples += h.samples;
			offset += h.frameBytes;
			continue;
		}
		const next = findConfirmedHeader(bytes, offset + 1);
		if (next < 0 || !sameStream(parseMpegFrameHeader(bytes, next) as MpegFrameHeader, header)) break;
		offset = next;
	}
	return {
		...header,
		firstFrameOffset: first,
		channels: header.channelMode === 'mono' ? 1 : 2,
		frames,
		durationSeconds: samples / header.sampleRate,
	};
}

// ---------------------------------------------------------------------------------------------
// Bounded multipart reading (busboy)
// ---------------------------------------------------------------------------------------------

/** One file part read by {@link readMultipart}. */
export interface MultipartFile {
	fileName?: string;
	mimeType: string;
	/** The bytes kept: at most `maxFileBytes + 1` (the extra byte proves the file was too big). */
	data: Buffer;
	/** True when the part was larger than `maxFileBytes`. */
	tooLarge: boolean;
}

/** The outcome of {@link readMultipart}. Never throws: problems are flags. */
export interface MultipartResult {
	/** False when the Content-Type is not multipart/form-data with a boundary. */
	isMultipart: boolean;
	/** True when busboy could not parse the body (bad boundary, truncated form, client abort). */
	malformed: boolean;
	/** True when a file part passed `maxFileBytes` or the raw body passed `maxBodyBytes`. */
	tooLarge: boolean;
	/** Names of all parts in arrival order, fields and files alike. */
	partNames: string[];
	/** The first file part of each name. */
	files: Map<string, MultipartFile>;
	/** Raw body bytes read before answering (at most `maxBodyBytes + one chunk`). */
	bodyBytes: number;
}

/**
 * Reads a multipart/form-data request with busboy, keeping at most `maxFileBytes + 1` bytes of
 * each file and at most `maxBodyBytes` of raw body. When a limit is passed it resolves at once
 * (so the emulator answers at the limit, like a real front end) and the rest of the upload is
 * drained and discarded, never buffered: a 50 MB upload costs no memory and the keep-alive
 * connection stays usable.
 */
export async function readMultipart(
	req: IncomingMessage,
	limits: { maxFileBytes: number; maxBodyBytes: number },
): Promise<MultipartResult> {
	const result: MultipartResult = {
		isMultipart: true,
		malformed: false,
		tooLarge: false,
		partNames: [],
		files: new Map(),
		bodyBytes: 0,
	};
	return await new Promise<MultipartResult>((resolve) => {
		let done = false;
		let parser: busboy.Busboy | undefined;
		const finish = () => {
			if (done) return;
			done = true;
			resolve(result);
		};
		// The body is always consumed (drained once `done`), so Node can reuse the connection.
		req.on('data', (chunk: Buffer) => {
			if (done) return;
			result.bodyBytes += chunk.length;
			if (result.bodyBytes > limits.maxBodyBytes) {
				result.tooLarge = true;
				finish();
				return;
			}
			parser?.write(chunk);
		});
		req.on('end', () => {
			if (parser && !done) parser.end();
			else finish();
		});
		req.on('error', () => {
			result.malformed = true;
			finish();
		});
		req.on('aborted', () => {
			result.malformed = true;
			finish();
		});
		try {
			parser = busboy({
				headers: req.headers,
				// busboy reports 'limit' when a file REACHES fileSize, hence the + 1.
				limits: { fileSize: limits.maxFileBytes + 1, parts: 100, fieldSize: 64 * 1024 },
			});
		} catch {
			result.isMultipart = false;
			return;
		}
		parser.on('file', (name, stream, info) => {
			result.partNames.push(name);
			const keep = !result.files.has(name);
			const chunks: Buffer[] = [];
			let size = 0;
			stream.on('data', (chunk: Buffer) => {
				size += chunk.length;
				if (keep) chunks.push(chunk);
			});
			stream.on('error', () => {
				result.malformed = true;
				finish();
			});
			stream.on('limit', () => {
				result.tooLarge = true;
				if (keep) {
					result.files.set(name, {
						fileName: info.filename,
						mimeType: info.mimeType,
						data: Buffer.concat(chunks),
						tooLarge: true,
					});
				}
				finish();
			});
			stream.on('end', () => {
				if (keep && !stream.truncated) {
					result.files.set(name, {
						fileName: info.filename,
						mimeType: info.mimeType,
						data: Buffer.concat(chunks, size),
						tooLarge: false,
					});
				}
			});
		});
		parser.on('field', (name) => {
			result.partNames.push(name);
		});
		parser.on('error', () => {
			result.malformed = true;
			finish();
		});
		parser.on('close', finish);
	});
}

// ---------------------------------------------------------------------------------------------
// The WeChat emulator
// ---------------------------------------------------------------------------------------------

/** The emulated endpoints, as named by fault injection and the request log. */
export type WeChatApi = 'token' | 'stable_token' | 'domain_ip' | 'upload' | 'query';

/** Options of {@link startWeChatEmulator}. */
export interface WeChatEmulatorOptions {
	/** The one AppID the emulator knows. */
	appId: string;
	/** Its AppSecret. */
	appSecret: string;
	/** Audio SHA-256 → transcript; unknown audio is recognised as ''. */
	transcripts: TranscriptRegistry;
	/**
	 * Lifetime of every new token, in seconds (default 7200, as WeChat). Below 300 s every
	 * normal-mode stable_token call issues a new token (it is always inside the renewal window).
	 */
	tokenTtlSeconds?: number;
	/**
	 * 'complete' (default): after the processing polls, one answer with the whole text.
	 * 'partial': after the processing polls, the text in up to 3 incremental chunks.
	 * 'official': the shape of the official document (docs/wechat.md#voice-result), without `is_end`: `{"result":""}`
	 * while processing, then `{"result":"<text>"}`.
	 */
	resultMode?: 'complete' | 'partial' | 'official';
	/** How many query calls per upload answer "not ready" (`{"result":"","is_end":false}`) first; default 1. */
	processingPolls?: number;
	/** When true the clock moves only through `advanceClock`; default false (real time + advances). */
	freezeClock?: boolean;
	/** Port to listen on (default: a free one). */
	port?: number;
	/** A fixed delay added to every answer, milliseconds (benchmark). Default 0. */
	latencyMs?: number;
	/** stable_token's per-AppID limits; default {@link WECHAT_STABLE_TOKEN_LIMITS} (the documented ones). */
	stableTokenLimits?: { perMinute: number; perDay: number };
}

/** The faults the WeChat emulator can inject (see ./faults). */
export const WECHAT_FAULTS: readonly FaultKind[] = [...TRANSPORT_FAULTS, 'rate-limit', 'error', 'token-revoked'];

/** stable_token's documented limits: 10,000 calls a minute, 500,000 a (Beijing) day. */
export const WECHAT_STABLE_TOKEN_LIMITS = { perMinute: 10_000, perDay: 500_000 } as const;

/** One request as the emulator saw it. Secrets and tokens are never stored. */
export interface WeChatRequestRecord {
	/** Which endpoint; 'unknown' for any other path (answered HTTP 404). */
	api: WeChatApi | 'unknown';
	method: string;
	path: string;
	/** The query parameters, with `access_token` and `secret` replaced by '<redacted>'. */
	query: Record<string, string>;
	/** stable_token only: the JSON body with `secret` replaced by '<redacted>' (undefined if not JSON). */
	body?: Record<string, unknown>;
	/** upload only: names of all multipart parts in order. */
	partNames?: string[];
	/** upload only: file name of the `media` part. */
	fileName?: string;
	/** upload only: bytes of the `media` part read (at most 1,048,577 when too large). */
	fileBytes?: number;
	/** The request's Content-Type header, as sent. */
	contentType?: string;
	/** The errcode answered (0 for a success); undefined for a reset or a 404. */
	errcode?: number;
	/**
	 * Set when an injected fault acted on this request: 'fail' (an `error` fault / failNext),
	 * 'reset' (`reset-before` / resetNext), or the fault kind.
	 */
	fault?: 'fail' | 'reset' | Exclude<FaultKind, 'error' | 'reset-before'>;
}

/** A running WeChat emulator. */
export interface WeChatEmulator {
	/** Base URL without trailing slash, e.g. `http://127.0.0.1:40123` (use as the credential's baseUrl). */
	url: string;
	port: number;
	/** Every request in arrival order. */
	requests: WeChatRequestRecord[];
	/** Requests received by the token endpoints, whatever the answer. `forced`: stable calls with force_refresh:true. */
	tokenCalls: { classic: number; stable: number; forced: number };
	/** voice_id of every accepted upload, in order (a re-used id appears again). */
	uploads: string[];
	/** Fault injection (./faults): reset-before/after, hang, slow, http-status, rate-limit (45011), error, token-revoked. */
	readonly faults: FaultInjector;
	/** Requests, refusals (stable_token quota), faults and peak rate per endpoint. */
	stats(): EmulatorStats;
	/** Zeroes the statistics. */
	resetStats(): void;
	/** Sets the fixed latency of every later answer, milliseconds. */
	setLatency(ms: number): void;
	/** The emulator clock, in ms since the epoch. */
	now(): number;
	/** Moves the emulator clock forward by `seconds` (tokens expire, the 10-s window closes, quotas reset). */
	advanceClock(seconds: number): void;
	/**
	 * The next `count` calls to `api` answer `{"errcode":errcode,"errmsg":…}` before any other
	 * check (the request is still read whole and logged): an `error` fault. `errmsg` defaults to
	 * WeChat's text for the code (-1 "system error", 45009, 45011, 40164, 40001, 42001, …).
	 */
	failNext(api: WeChatApi, errcode: number, count?: number, errmsg?: string): void;
	/** The next `count` calls to `api` are read whole, then their socket is destroyed without an answer (`reset-before`). */
	resetNext(api: WeChatApi, count?: number): void;
	/** Every access_token issued so far (for tests that check no token leaks into outputs). */
	issuedTokens(): string[];
	/** Every token issued so far is now invalid (40001), as when another system refreshed it. */
	invalidateAllTokens(): void;
	/** Every token issued so far is now expired (42001). */
	expireAllTokens(): void;
	close(): Promise<void>;
}

/** Canonical WeChat error texts (without the ` rid: …` suffix). */
export const WECHAT_ERRORS: Record<number, string> = {
	[-1]: 'system error',
	40001: 'invalid credential, access_token is invalid or not latest',
	40002: 'invalid grant_type',
	40004: 'invalid media type',
	40007: 'invalid media_id',
	40010: 'invalid voice size',
	40013: 'invalid appid',
	40014: 'invalid access_token',
	40097: 'invalid args',
	40125: 'invalid appsecret',
	40164: 'invalid ip 127.0.0.1 ipv6 ::ffff:127.0.0.1, not in whitelist',
	41001: 'access_token missing',
	41002: 'appid missing',
	41004: 'appsecret missing',
	41005: 'media data missing',
	41006: 'missing voice_id',
	42001: 'access_token expired',
	43001: 'require GET method',
	43002: 'require POST method',
	45009: 'reach max api daily quota limit',
	45011: 'api minute-quota reach limit  mustslower  retry next minute',
	47001: 'data format error',
};

/** WeChat's own response content type (sic: `encoding`, not `charset`). */
const CONTENT_TYPE = 'application/json; encoding=utf-8';
const TOKEN_LENGTH = 136;
const TOKEN_RE = /^[0-9]{2}_[A-Za-z0-9_-]+$/;
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const MAX_VOICE_BYTES = 1_048_576;
const WINDOW_MS = 10_000;
const GRACE_MS = 300_000;
const FORCE_DAILY_LIMIT = 20;
const FORCE_INTERVAL_MS = 30_000;
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

interface TokenRecord {
	kind: 'classic' | 'stable';
	expiresAt: number;
	/** From this instant the token answers 40001 (Infinity while never superseded). */
	revokedAt: number;
}

interface UploadRecord {
	lang: string;
	uploadedAt: number;
	text: string;
	polls: number;
}

function rid(): string {
	const hex = randomBytes(12).toString('hex');
	return `${hex.slice(0, 8)}-${hex.slice(8, 16)}-${hex.slice(16, 24)}`;
}

/** 136 characters: a two-digit prefix, '_' and 133 random letters and digits, like live tokens. */
function newToken(): string {
	const bytes = randomBytes(TOKEN_LENGTH);
	let body = '';
	for (let i = 0; i < TOKEN_LENGTH - 3; i++) body += TOKEN_ALPHABET[bytes[i] % TOKEN_ALPHABET.length];
	return `${80 + (bytes[TOKEN_LENGTH - 1] % 10)}_${body}`;
}

function splitChunks(text: string): string[] {
	const chars = Array.from(text);
	if (chars.length === 0) return [''];
	const size = Math.ceil(chars.length / 3);
	const chunks: string[] = [];
	for (let i = 0; i < chars.length; i += size) chunks.push(chars.slice(i, i + size).join(''));
	return chunks;
}

/**
 * Starts the WeChat emulator on 127.0.0.1.
 *
 * Endpoints and their rules (numbers are WeChat errcodes, all answered with HTTP 200):
 * - `GET /cgi-bin/token?grant_type=client_credential&appid=&secret=`: 40002 wrong grant_type,
 *   41002/41004 missing appid/secret, 40013 unknown appid, 40125 wrong secret; POST → 43001.
 *   Each call issues a new 136-character token; earlier classic tokens stay valid 5 more minutes,
 *   then answer 40001.
 * - `POST /cgi-bin/stable_token` with a JSON object body (else 47001; GET → 43002): same checks;
 *   `force_refresh` must be a boolean when present (else 47001). Normal mode returns the current
 *   stable token with its remaining `expires_in` while at least 300 s remain, otherwise a new one
 *   (the old one lives to its own expiry). `force_refresh:true` issues a new token and the
 *   previous stable token is invalid at once (40001, per the official doc); at most 20 per
 *   Beijing calendar day (45009) and 30 s apart (45011). Stable and classic tokens are independent.
 * - API calls take `access_token` in the query: 41001 missing, 40014 malformed (not the
 *   `NN_` + 133 [A-Za-z0-9_-] shape), 40001 unknown or superseded, 42001 expired.
 * - `GET /cgi-bin/get_api_domain_ip` → `{"ip_list":[…]}` (POST → 43001).
 * - `POST /cgi-bin/media/voice/addvoicetorecofortext?format=mp3&voice_id=&lang=` (GET → 43002):
 *   DECISIONS: `format` other than exactly `mp3` → 40004 "invalid media type"; missing/empty
 *   `voice_id` → 41006 "missing voice_id"; `lang` other than `zh_CN`/`en_US` (empty included)
 *   → 40097 "invalid args"; no multipart file part named `media` (or an empty one) → 41005;
 *   `media` over 1,048,576 bytes → 40010 (the raw body is capped at 2 MiB, the rest is drained
 *   unbuffered). Success: `{"errcode":"0","errmsg":"ok"}` (errcode as a STRING, as in the official
 *   example, docs/wechat.md#voice-upload).
 *   Re-using a voice_id overwrites the earlier upload (new audio, new 10-s window, new polls).
 *   Audio that is not 16 kHz mono MPEG Layer III is accepted but recognised as ''.
 * - `POST` or `GET /cgi-bin/media/voice/queryrecoresultfortext?voice_id=&lang=`: missing
 *   voice_id → 41006; unknown voice_id, or more than 10 s (emulator clock) after its upload →
 *   40007 "invalid media_id" (DECISION); `lang` (default zh_CN) invalid or not the upload's →
 *   40097. Answers: the first `processingPolls` calls `{"result":"","is_end":false}`; then in
 *   'complete' mode `{"result":"<text>","is_end":true}` (repeated on later calls), in 'partial'
 *   mode up to 3 incremental chunks, `is_end:true` on the last, and `{"result":"","is_end":true}`
 *   after it. `is_end` is what developers report, not the official doc (docs/wechat.md#voice-result).
 * - stable_token counts calls per AppID: more than 10,000 in any minute → 45011, more than
 *   500,000 in a Beijing day → 45009 (documented limits; refusals are counted in `stats()`).
 * - Faults (./faults) act after the request is read: transport faults and `error` / `rate-limit`
 *   (45011) before any check; `token-revoked` right before the access_token check of
 *   get_api_domain_ip, upload and query; `reset-after` instead of a success answer.
 * - Any other path → HTTP 404, text body.
 */
export async function startWeChatEmulator(options: WeChatEmulatorOptions): Promise<WeChatEmulator> {
	const ttlMs = (options.tokenTtlSeconds ?? 7200) * 1000;
	const resultMode = options.resultMode ?? 'complete';
	const processingPolls = options.processingPolls ?? 1;
	const startedAt = Date.now();
	let offsetMs = 0;
	const now = () => (options.freezeClock ? startedAt : Date.now()) + offsetMs;

	const tokens = new Map<string, TokenRecord>();
	let currentStable: { token: string; record: TokenRecord } | undefined;
	const forcedAt: number[] = [];
	const voices = new Map<string, UploadRecord>();
	const stableLimits = options.stableTokenLimits ?? WECHAT_STABLE_TOKEN_LIMITS;
	const runtime = new EmulatorRuntime({
		name: 'WeChat',
		supportedFaults: WECHAT_FAULTS,
		nowMs: now,
		latencyMs: options.latencyMs,
		limitOf: (action) => (action === 'stable_token' ? { requests: stableLimits.perMinute, windowSeconds: 60 } : undefined),
	});
	const limiter = new RateLimiter();
	const stableDaily = { day: -1, count: 0 };
	const requests: WeChatRequestRecord[] = [];
	const tokenCalls = { classic: 0, stable: 0, forced: 0 };
	const uploads: string[] = [];

	const issue = (kind: TokenRecord['kind']): { token: string; record: TokenRecord } => {
		const token = newToken();
		const record: TokenRecord = { kind, expiresAt: now() + ttlMs, revokedAt: Infinity };
		tokens.set(token, record);
		return { token, record };
	};

	/** errcode for the request's access_token, or 0 when it is current. */
	const tokenError = (query: URLSearchParams): number => {
		const token = query.get('access_token');
		if (token === null || token === '') return 41001;
		if (token.length !== TOKEN_LENGTH || !TOKEN_RE.test(token)) return 40014;
		const record = tokens.get(token);
		if (!record) return 40001;
		const t = now();
		if (t >= record.revokedAt && record.revokedAt <= record.expiresAt) return 40001;
		if (t >= record.expiresAt) return 42001;
		return 0;
	};

	/** errcode for appid/secret/grant_type, or 0. */
	const credentialError = (grantType: unknown, appId: unknown, secret: unknown): number => {
		if (grantType !== 'client_credential') return 40002;
		if (typeof appId !== 'string' || appId === '') return 41002;
		if (typeof secret !== 'string' || secret === '') return 41004;
		if (appId !== options.appId) return 40013;
		if (secret !== options.appSecret) return 40125;
		return 0;
	};

	const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const url = new URL(req.url ?? '/', 'http://emulator');
		const method = req.method ?? 'GET';
		const query = url.searchParams;
		const redactedQuery: Record<string, string> = {};
		for (const [key, value] of query) {
			redactedQuery[key] = key === 'access_token' || key === 'secret' ? '<redacted>' : value;
		}
		const apiByPath: Record<string, WeChatApi> = {
			'/cgi-bin/token': 'token',
			'/cgi-bin/stable_token': 'stable_token',
			'/cgi-bin/get_api_domain_ip': 'domain_ip',
			'/cgi-bin/media/voice/addvoicetorecofortext': 'upload',
			'/cgi-bin/media/voice/queryrecoresultfortext': 'query',
		};
		const api = apiByPath[url.pathname];
		const record: WeChatRequestRecord = {
			api: api ?? 'unknown',
			method,
			path: url.pathname,
			query: redactedQuery,
			contentType: req.headers['content-type'],
		};
		requests.push(record);
		const target = { action: api ?? 'unknown', path: url.pathname };
		runtime.begin(res, target);
		if (!api) {
			res.writeHead(404, { 'content-type': 'text/plain' });
			res.end('404 Not Found');
			return;
		}
		if (api === 'token') tokenCalls.classic++;
		if (api === 'stable_token') tokenCalls.stable++;

		const answer = (body: Record<string, unknown>): void => {
			if (typeof body.errcode === 'number') record.errcode = body.errcode;
			else if (body.errcode !== undefined) record.errcode = Number(body.errcode);
			else record.errcode = 0;
			if (record.errcode === 0 && record.fault === undefined && runtime.resetAfter(req, target)) {
				record.fault = 'reset-after';
				return;
			}
			sendJson(res, 200, body, { 'content-type': CONTENT_TYPE });
		};
		/** Applies a due `token-revoked` fault: every token issued so far is revoked (or expired) now. */
		const revokeIfDue = (): void => {
			const revoked = runtime.vendor(target, ['token-revoked']);
			if (!revoked) return;
			record.fault = 'token-revoked';
			const t = now();
			for (const token of tokens.values()) {
				if (revoked.mode === 'expired') token.expiresAt = Math.min(token.expiresAt, t);
				else token.revokedAt = Math.min(token.revokedAt, t);
			}
		};
		const fail = (errcode: number, detail?: string): void => {
			const text = WECHAT_ERRORS[errcode] ?? 'emulated error';
			answer({ errcode, errmsg: `${detail ? `${text} hint: [${detail}]` : text} rid: ${rid()}` });
		};

		// Read the whole request first (bounded), so faults and logs see what the client sent.
		let upload: MultipartResult | undefined;
		let jsonBody: unknown;
		let jsonOk = false;
		if (api === 'upload' && method === 'POST') {
			upload = await readMultipart(req, { maxFileBytes: MAX_VOICE_BYTES, maxBodyBytes: 2 * 1024 * 1024 });
			const media = upload.files.get('media');
			record.partNames = upload.partNames;
			record.fileName = media?.fileName;
			record.fileBytes = media?.data.length;
		} else {
			try {
				const raw = await readBody(req, 64 * 1024);
				if (api === 'stable_token') {
					jsonBody = JSON.parse(raw.toString('utf8'));
					jsonOk = typeof jsonBody === 'object' && jsonBody !== null && !Array.isArray(jsonBody);
				}
			} catch {
				// Not JSON (answered 47001 below), or over 64 KiB: readBody then destroys the
				// request, so the client sees a reset, as from a front end that drops huge bodies.
			}
			if (jsonOk) {
				record.body = { ...(jsonBody as Record<string, unknown>) };
				if ('secret' in record.body) record.body.secret = '<redacted>';
			}
		}

		// Injected faults come before any check.
		const transport = runtime.transport(req, res, target);
		if (transport) {
			record.fault = transport.kind === 'reset-before' ? 'reset' : (transport.kind as 'hang' | 'http-status');
			return;
		}
		const injected = runtime.vendor(target, ['error', 'rate-limit']);
		if (injected) {
			if (injected.kind === 'rate-limit') {
				record.fault = 'rate-limit';
				return fail(45011);
			}
			record.fault = 'fail';
			if (injected.message !== undefined) {
				answer({ errcode: Number(injected.code), errmsg: injected.message });
			} else {
				fail(Number(injected.code));
			}
			return;
		}

		switch (api) {
			case 'token': {
				if (method !== 'GET') return fail(43001);
				const error = credentialError(query.get('grant_type'), query.get('appid'), query.get('secret'));
				if (error) return fail(error);
				const t = now();
				for (const other of tokens.values()) {
					if (other.kind === 'classic') other.revokedAt = Math.min(other.revokedAt, t + GRACE_MS);
				}
				const { token } = issue('classic');
				return answer({ access_token: token, expires_in: Math.floor(ttlMs / 1000) });
			}
			case 'stable_token': {
				if (method !== 'POST') return fail(43002);
				if (!jsonOk) return fail(47001);
				const body = jsonBody as Record<string, unknown>;
				const force = body.force_refresh;
				if (force !== undefined && typeof force !== 'boolean') return fail(47001);
				if (force === true) tokenCalls.forced++;
				const error = credentialError(body.grant_type, body.appid, body.secret);
				if (error) return fail(error);
				const t = now();
				const day = Math.floor((t + BEIJING_OFFSET_MS) / 86_400_000);
				if (stableDaily.day !== day) Object.assign(stableDaily, { day, count: 0 });
				if (stableDaily.count >= stableLimits.perDay) {
					runtime.refuse('stable_token');
					return fail(45009);
				}
				if (!limiter.admit(options.appId, stableLimits.perMinute, t, 60_000).ok) {
					runtime.refuse('stable_token');
					return fail(45011);
				}
				stableDaily.count++;
				if (force === true) {
					const today = forcedAt.filter((at) => Math.floor((at + BEIJING_OFFSET_MS) / 86_400_000) === day);
					const last = forcedAt[forcedAt.length - 1];
					if (today.length >= FORCE_DAILY_LIMIT || (last !== undefined && t - last < FORCE_INTERVAL_MS)) {
						runtime.refuse('stable_token');
						return fail(today.length >= FORCE_DAILY_LIMIT ? 45009 : 45011);
					}
					forcedAt.push(t);
					if (currentStable) currentStable.record.revokedAt = Math.min(currentStable.record.revokedAt, t);
					currentStable = issue('stable');
					return answer({ access_token: currentStable.token, expires_in: Math.floor(ttlMs / 1000) });
				}
				const current = currentStable?.record;
				if (!current || t >= current.revokedAt || current.expiresAt - t < GRACE_MS) {
					currentStable = issue('stable');
				}
				const active = currentStable as { token: string; record: TokenRecord };
				return answer({
					access_token: active.token,
					expires_in: Math.floor((active.record.expiresAt - t) / 1000),
				});
			}
			case 'domain_ip': {
				if (method !== 'GET') return fail(43001);
				revokeIfDue();
				const error = tokenError(query);
				if (error) return fail(error);
				return answer({
					ip_list: ['101.226.103.0/25', '101.226.233.128/25', '58.247.206.128/25', '182.254.11.0/25'],
				});
			}
			case 'upload': {
				if (method !== 'POST') return fail(43002);
				revokeIfDue();
				const error = tokenError(query);
				if (error) return fail(error);
				if (query.get('format') !== 'mp3') return fail(40004, 'format must be mp3');
				const voiceId = query.get('voice_id');
				if (voiceId === null || voiceId === '') return fail(41006);
				const lang = query.get('lang') ?? 'zh_CN';
				if (lang !== 'zh_CN' && lang !== 'en_US') return fail(40097, 'lang must be zh_CN or en_US');
				const parsed = upload as MultipartResult;
				const media = parsed.files.get('media');
				if (!parsed.isMultipart) return fail(41005, 'body must be multipart/form-data');
				if (parsed.tooLarge) return fail(40010);
				if (parsed.malformed || !media || media.data.length === 0) return fail(41005);
				const info = inspectMpegAudio(media.data);
				const recognisable = info !== undefined && info.layer === 3 && info.sampleRate === 16000 && info.channels === 1;
				const text = recognisable ? (options.transcripts.lookup(media.data)?.text ?? '') : '';
				voices.set(voiceId, { lang, uploadedAt: now(), text, polls: 0 });
				uploads.push(voiceId);
				return answer({ errcode: '0', errmsg: 'ok' });
			}
			case 'query': {
				if (method !== 'POST' && method !== 'GET') return fail(43002);
				revokeIfDue();
				const error = tokenError(query);
				if (error) return fail(error);
				const voiceId = query.get('voice_id');
				if (voiceId === null || voiceId === '') return fail(41006);
				const voice = voices.get(voiceId);
				if (!voice || now() - voice.uploadedAt > WINDOW_MS) return fail(40007);
				const lang = query.get('lang') ?? 'zh_CN';
				if (lang !== 'zh_CN' && lang !== 'en_US') return fail(40097, 'lang must be zh_CN or en_US');
				if (lang !== voice.lang) return fail(40097, 'lang differs from the upload');
				voice.polls++;
				if (resultMode === 'official') return answer({ result: voice.polls <= processingPolls ? '' : voice.text });
				if (voice.polls <= processingPolls) return answer({ result: '', is_end: false });
				if (resultMode === 'complete') return answer({ result: voice.text, is_end: true });
				const chunks = splitChunks(voice.text);
				const index = voice.polls - processingPolls - 1;
				if (index >= chunks.length) return answer({ result: '', is_end: true });
				return answer({ result: chunks[index], is_end: index === chunks.length - 1 });
			}
		}
	};

	const running = await startServer(handler, options.port ?? 0);
	return {
		close: async () => {
			runtime.close();
			await running.close();
		},
		url: running.url,
		port: running.port,
		requests,
		tokenCalls,
		uploads,
		now,
		advanceClock: (seconds: number) => {
			offsetMs += seconds * 1000;
		},
		faults: runtime.faults,
		stats: () => runtime.stats(),
		resetStats: () => runtime.resetStats(),
		setLatency: (ms: number) => runtime.setLatency(ms),
		failNext: (api, errcode, count = 1, errmsg) => {
			runtime.faults.add({ kind: 'error', match: { action: api }, code: errcode, message: errmsg, count });
		},
		resetNext: (api, count = 1) => {
			runtime.faults.add({ kind: 'reset-before', match: { action: api }, count });
		},
		issuedTokens: () => [...tokens.keys()],
		invalidateAllTokens: () => {
			const t = now();
			for (const record of tokens.values()) record.revokedAt = Math.min(record.revokedAt, t);
		},
		expireAllTokens: () => {
			const t = now();
			for (const record of tokens.values()) record.expiresAt = Math.min(record.expiresAt, t);
		},
	};
}
