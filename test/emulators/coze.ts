/**
 * A strict local emulator of the Coze OpenAPI endpoints used by the package:
 * `POST /v1/audio/transcriptions` (docs/coze.md#transcriptions; also the credential test, sent
 * without audio) and `GET /v1/workspaces`.
 *
 * Sources: docs/coze.md (#transcriptions, #errors), Coze's public error-code page. Coze documents
 * no per-second limit for these endpoints, so none is enforced unless a test sets `rateLimits`
 * (refusals answer HTTP 429 code 4013, as Coze's rate limiting does). Faults, statistics and
 * latency come from ./faults (actions: `transcriptions`, `workspaces`, `unknown`).
 * Independent of nodes/ and credentials/ on purpose; it shares only the busboy reader and the
 * MPEG audio parser of the WeChat emulator (./wechat).
 *
 * Every answer carries a fresh log id, both in the `x-tt-logid` header and (for JSON answers) in
 * `detail.logid`: 14 digits of Beijing time `yyyyMMddHHmmss` and 18 upper-case hex digits, like
 * `20241210152726467C48D89D6DB2ABCD`.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { audioHash, sendJson, startServer, type TranscriptRegistry } from './common';
import { EmulatorRuntime, gatewayPage, TRANSPORT_FAULTS, type FaultInjector, type FaultKind } from './faults';
import { RateLimiter, type EmulatorStats, type RateLimit } from './limits';
import { inspectMpegAudio, readMultipart, type MultipartResult } from './wechat';

/** Options of {@link startCozeEmulator}. */
export interface CozeEmulatorOptions {
	/** The access tokens the emulator knows, with their permissions, e.g. `{ pat_good: { scopes: ['createTranscription'] } }`. */
	tokens: Record<string, { scopes: string[] }>;
	/** Audio SHA-256 → transcript; unknown audio is transcribed as ''. */
	transcripts: TranscriptRegistry;
	/** Port to listen on (default: a free one). */
	port?: number;
	/**
	 * Rate limits per token for `transcriptions` / `workspaces`: requests per second, or requests
	 * per window (Coze documents none for these endpoints: none by default).
	 */
	rateLimits?: Partial<Record<'transcriptions' | 'workspaces', number | RateLimit>>;
	/** A fixed delay added to every answer, milliseconds (benchmark). Default 0. */
	latencyMs?: number;
}

/** The faults the Coze emulator can inject (see ./faults). */
export const COZE_FAULTS: readonly FaultKind[] = [...TRANSPORT_FAULTS, 'rate-limit', 'error'];

/** One transcription Coze did (and billed): the side effect of a successful request. */
export interface CozeTranscriptionRecord {
	logId: string;
	/** Hex SHA-256 of the audio. */
	sha256: string;
	bytes: number;
	fileName?: string;
	text: string;
}

/** One request as the emulator saw it. The token itself is never stored. */
export interface CozeRequestRecord {
	method: string;
	/** Path without the query, e.g. `/v1/audio/transcriptions`. */
	path: string;
	/** True when the request carried `Authorization: Bearer <a known token>` (scopes not considered). */
	authorized: boolean;
	/** Names of all multipart parts in order ([] when the body is not multipart). */
	partNames: string[];
	/** File name of the `file` part, as sent. */
	fileName?: string;
	/** Bytes of the `file` part read (at most 10,485,761 when too large). */
	fileBytes?: number;
	/** The request's Content-Type header, as sent. */
	contentType?: string;
	/** HTTP status answered; undefined for a reset. */
	status?: number;
	/** Coze `code` answered (0 on success); undefined for a reset or an HTML answer. */
	code?: number;
	/** The log id answered. */
	logId?: string;
	/**
	 * Set when an injected fault acted on this request: 'fail' (an `error` fault / failNext),
	 * 'reset' (`reset-before` / resetNext), or the fault kind.
	 */
	fault?: 'fail' | 'reset' | Exclude<FaultKind, 'error' | 'reset-before'>;
}

/** A running Coze emulator. */
export interface CozeEmulator {
	/** Base URL without trailing slash, e.g. `http://127.0.0.1:40123` (use as the credential's baseUrl). */
	url: string;
	port: number;
	/** Every request in arrival order. */
	requests: CozeRequestRecord[];
	/** Every transcription done (successful answers, including those whose answer a fault destroyed). */
	transcriptions: CozeTranscriptionRecord[];
	/** Fault injection (./faults): reset-before/after, hang, slow, http-status, rate-limit (429/4013), error. */
	readonly faults: FaultInjector;
	/** Requests, refusals (`rateLimits`), faults and peak rate per action. */
	stats(): EmulatorStats;
	/** Zeroes the statistics. */
	resetStats(): void;
	/** Sets the fixed latency of every later answer, milliseconds. */
	setLatency(ms: number): void;
	/**
	 * The next `count` requests (any endpoint) answer HTTP `status` with
	 * `{"code":code,"msg":…,"detail":{"logid":…}}`, after the body was read and before any other
	 * check. Gateway statuses 502/503/504 answer an nginx-style HTML page instead (text/html),
	 * unless `options.html` is false. `options.msg` overrides the message.
	 */
	failNext(status: number, code: number, count?: number, options?: { html?: boolean; msg?: string }): void;
	/** The next `count` requests are read whole, then their socket is destroyed without an answer (`reset-before`). */
	resetNext(count?: number): void;
	close(): Promise<void>;
}

/** Maximum audio file size: 10 MB (docs/coze.md#transcriptions), in bytes. */
export const COZE_MAX_FILE_BYTES = 10 * 1024 * 1024;
/** Audio must be shorter than 30 minutes (docs/coze.md#transcriptions), in seconds. */
export const COZE_MAX_DURATION_SECONDS = 30 * 60;
/** File extensions of the large-model formats (docs/coze.md#transcriptions). */
export const COZE_FORMATS = ['opus', 'ogg', 'mp3', 'wav', 'm4a', 'mp4', 'pcm', 'raw', 'spx', 'aac', 'amr'] as const;

const MESSAGES: Record<number, string> = {
	4000: 'invalid parameter',
	4013: 'request rate exceeds the limit, please retry later',
	4100: 'authentication is invalid',
	4101: 'the token you entered does not have permission for this operation',
	4200: 'resource not found',
	5000: 'internal server error',
};

function logId(): string {
	const beijing = new Date(Date.now() + 8 * 3600 * 1000).toISOString(); // 2024-12-10T07:27:26.467Z
	const stamp = beijing.slice(0, 19).replace(/[-T:]/g, '');
	return stamp + randomBytes(9).toString('hex').toUpperCase();
}

function ascii(bytes: Uint8Array, start: number, end: number): string {
	return Buffer.from(bytes.subarray(start, end)).toString('latin1');
}

/**
 * Whether the content matches the format named by the extension. mp3: a confirmed MPEG Layer III
 * frame (after ID3v2); wav: RIFF/WAVE; ogg: `OggS`; opus: Ogg with `OpusHead`; spx: Ogg with
 * `Speex   `; m4a/mp4: ISO `ftyp` box; aac: ADTS sync or ADIF (after ID3v2); amr: `#!AMR`.
 * pcm/raw have no header and cannot be sniffed: any content is accepted.
 */
export function sniffAudioFormat(extension: string, bytes: Uint8Array): boolean {
	const head = ascii(bytes, 0, 64);
	switch (extension) {
		case 'mp3':
			return inspectMpegAudio(bytes)?.layer === 3;
		case 'wav':
			return head.startsWith('RIFF') && head.slice(8, 12) === 'WAVE';
		case 'ogg':
			return head.startsWith('OggS');
		case 'opus':
			return head.startsWith('OggS') && head.includes('OpusHead');
		case 'spx':
			return head.startsWith('OggS') && head.includes('Speex   ');
		case 'm4a':
		case 'mp4':
			return head.slice(4, 8) === 'ftyp';
		case 'aac': {
			let offset = 0;
			if (head.startsWith('ID3') && bytes.length >= 10) {
				offset = 10 + (((bytes[6] & 0x7f) << 21) | ((bytes[7] & 0x7f) << 14) | ((bytes[8] & 0x7f) << 7) | (bytes[9] & 0x7f));
			}
			if (ascii(bytes, offset, offset + 4) === 'ADIF') return true;
			return bytes[offset] === 0xff && (bytes[offset + 1] & 0xf6) === 0xf0;
		}
		case 'amr':
			return head.startsWith('#!AMR');
		case 'pcm':
		case 'raw':
			return bytes.length > 0;
		default:
			return false;
	}
}

/**
 * Starts the Coze emulator on 127.0.0.1.
 *
 * Order of checks for every request: injected faults (reset / failNext), then authentication
 * (`Authorization: Bearer <known token>`, else HTTP 401 code 4100 "authentication is invalid"),
 * then the endpoint's own rules. JSON answers are
 * `{"code":N,"msg":"…","detail":{"logid":"…"}}` (plus `data` on success) with the matching HTTP
 * status (400/401/403/404), content type `application/json; charset=utf-8`.
 *
 * - `POST /v1/audio/transcriptions`: token lacking `createTranscription` → 403 code 4101; not
 *   multipart/form-data, malformed, or no FILE part named `file` (a plain text field does not
 *   count) or an empty one → 400 code 4000; file over 10,485,760 bytes → 400 code 4000, answered
 *   at the limit (the rest is drained unbuffered; raw body capped at 11 MiB); extension of the
 *   part's filename not one of {@link COZE_FORMATS}, or content not matching it
 *   ({@link sniffAudioFormat}) → 400 code 4000 "unsupported audio format"; mp3 lasting 30 minutes
 *   or more (frame walk) → 400 code 4000. Success: HTTP 200
 *   `{"code":0,"msg":"","data":{"text":"…"},"detail":{"logid":"…"}}`; unknown audio → text "".
 * - `GET /v1/workspaces?page_num=&page_size=`: any known token (no scope needed); page_num ≥ 1
 *   and 1 ≤ page_size ≤ 50 when given (else 400 code 4000). Answers one personal workspace.
 * - Any other path or method → HTTP 404 code 4200.
 */
export async function startCozeEmulator(options: CozeEmulatorOptions): Promise<CozeEmulator> {
	const requests: CozeRequestRecord[] = [];
	const transcriptions: CozeTranscriptionRecord[] = [];
	const limiter = new RateLimiter();
	const runtime = new EmulatorRuntime({
		name: 'Coze',
		supportedFaults: COZE_FAULTS,
		nowMs: () => Date.now(),
		latencyMs: options.latencyMs,
		limitOf: (action) => options.rateLimits?.[action as 'transcriptions' | 'workspaces'],
		gatewayHeaders: () => ({ 'x-tt-logid': logId() }),
	});

	const handler = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
		const url = new URL(req.url ?? '/', 'http://emulator');
		const method = req.method ?? 'GET';
		const auth = req.headers.authorization ?? '';
		const match = /^Bearer (\S+)$/.exec(auth);
		const token =
			match && Object.prototype.hasOwnProperty.call(options.tokens, match[1]) ? options.tokens[match[1]] : undefined;
		const record: CozeRequestRecord = {
			method,
			path: url.pathname,
			authorized: token !== undefined,
			partNames: [],
			contentType: req.headers['content-type'],
		};
		requests.push(record);
		const isTranscription = url.pathname === '/v1/audio/transcriptions' && method === 'POST';
		const isWorkspaces = url.pathname === '/v1/workspaces' && method === 'GET';
		const action = url.pathname === '/v1/audio/transcriptions' ? 'transcriptions' : url.pathname === '/v1/workspaces' ? 'workspaces' : 'unknown';
		const target = { action, path: url.pathname };
		runtime.begin(res, target);

		const answer = (status: number, code: number, msg: string, data?: unknown): void => {
			const id = logId();
			record.status = status;
			record.code = code;
			record.logId = id;
			if (code === 0 && status === 200 && record.fault === undefined && runtime.resetAfter(req, target)) {
				record.fault = 'reset-after';
				return;
			}
			const body: Record<string, unknown> = { code, msg };
			if (data !== undefined) body.data = data;
			body.detail = { logid: id };
			sendJson(res, status, body, { 'x-tt-logid': id });
		};
		const reject = (status: number, code: number, msg = MESSAGES[code]): void => {
			answer(status, code, msg);
		};

		let upload: MultipartResult | undefined;
		if (isTranscription) {
			upload = await readMultipart(req, {
				maxFileBytes: COZE_MAX_FILE_BYTES,
				maxBodyBytes: COZE_MAX_FILE_BYTES + 1024 * 1024,
			});
			const file = upload.files.get('file');
			record.partNames = upload.partNames;
			record.fileName = file?.fileName;
			record.fileBytes = file?.data.length;
		} else {
			req.resume();
			await new Promise<void>((resolve) => {
				if (req.readableEnded) resolve();
				else req.once('end', resolve).once('error', () => resolve());
			});
		}

		const transport = runtime.transport(req, res, target);
		if (transport) {
			record.fault = transport.kind === 'reset-before' ? 'reset' : (transport.kind as 'hang' | 'http-status');
			if (transport.kind === 'http-status') record.status = transport.status ?? 503;
			return;
		}
		const injected = runtime.vendor(target, ['error', 'rate-limit']);
		if (injected?.kind === 'rate-limit') {
			record.fault = 'rate-limit';
			return reject(429, 4013, injected.message ?? MESSAGES[4013]);
		}
		if (injected) {
			record.fault = 'fail';
			const status = injected.status ?? 400;
			const code = Number(injected.code);
			const html = injected.html ?? [502, 503, 504].includes(status);
			if (html) {
				const id = logId();
				record.status = status;
				record.logId = id;
				res.writeHead(status, { 'content-type': 'text/html', 'x-tt-logid': id });
				res.end(gatewayPage(status));
				return;
			}
			answer(status, code, injected.message ?? MESSAGES[code] ?? 'emulated error');
			return;
		}

		if (!isTranscription && !isWorkspaces) return reject(404, 4200, `resource not found: ${method} ${url.pathname}`);
		if (!token) return reject(401, 4100);
		const configured = options.rateLimits?.[action as 'transcriptions' | 'workspaces'];
		const limit = typeof configured === 'number' ? { requests: configured, windowSeconds: 1 } : configured;
		if (limit && !limiter.admit(`${match?.[1] ?? ''}:${action}`, limit.requests, Date.now(), limit.windowSeconds * 1000).ok) {
			runtime.refuse(action);
			return reject(429, 4013);
		}

		if (isWorkspaces) {
			const pageNum = url.searchParams.get('page_num');
			const pageSize = url.searchParams.get('page_size');
			if (pageNum !== null && !(/^\d+$/.test(pageNum) && Number(pageNum) >= 1)) {
				return reject(400, 4000, 'invalid parameter: page_num must be an integer >= 1');
			}
			if (pageSize !== null && !(/^\d+$/.test(pageSize) && Number(pageSize) >= 1 && Number(pageSize) <= 50)) {
				return reject(400, 4000, 'invalid parameter: page_size must be an integer between 1 and 50');
			}
			const first = pageNum === null || Number(pageNum) === 1;
			return answer(200, 0, '', {
				workspaces: first
					? [
							{
								id: '7484523878849822754',
								name: 'Personal',
								role_type: 'owner',
								workspace_type: 'personal',
							},
						]
					: [],
				total_count: 1,
			});
		}

		if (!token.scopes.includes('createTranscription')) {
			return reject(403, 4101, `${MESSAGES[4101]}: createTranscription is required`);
		}
		const parsed = upload as MultipartResult;
		const file = parsed.files.get('file');
		if (!parsed.isMultipart) return reject(400, 4000, 'invalid parameter: Content-Type must be multipart/form-data');
		if (parsed.tooLarge) return reject(400, 4000, `invalid parameter: audio file exceeds ${COZE_MAX_FILE_BYTES} bytes (10 MB)`);
		if (parsed.malformed) return reject(400, 4000, 'invalid parameter: malformed multipart/form-data body');
		if (!file) return reject(400, 4000, "invalid parameter: missing file, send the audio as the multipart file part named 'file'");
		if (file.data.length === 0) return reject(400, 4000, 'invalid parameter: the audio file is empty');
		const dot = (file.fileName ?? '').lastIndexOf('.');
		const extension = dot >= 0 ? (file.fileName as string).slice(dot + 1).toLowerCase() : '';
		if (!(COZE_FORMATS as readonly string[]).includes(extension) || !sniffAudioFormat(extension, file.data)) {
			return reject(400, 4000, `unsupported audio format (${extension || 'no extension'}); supported: ${COZE_FORMATS.join(', ')}`);
		}
		if (extension === 'mp3') {
			const info = inspectMpegAudio(file.data);
			if (info && info.durationSeconds >= COZE_MAX_DURATION_SECONDS) {
				return reject(400, 4000, `invalid parameter: audio duration ${Math.round(info.durationSeconds)} s is not under 30 minutes`);
			}
		}
		const text = options.transcripts.lookup(file.data)?.text ?? '';
		answer(200, 0, '', { text });
		transcriptions.push({ logId: record.logId ?? '', sha256: audioHash(file.data), bytes: file.data.length, fileName: file.fileName, text });
	};

	const running = await startServer(handler, options.port ?? 0);
	return {
		url: running.url,
		port: running.port,
		requests,
		transcriptions,
		faults: runtime.faults,
		stats: () => runtime.stats(),
		resetStats: () => runtime.resetStats(),
		setLatency: (ms: number) => runtime.setLatency(ms),
		failNext: (status, code, count = 1, extra = {}) => {
			runtime.faults.add({ kind: 'error', status, code, count, html: extra.html, message: extra.msg });
		},
		resetNext: (count = 1) => {
			runtime.faults.add({ kind: 'reset-before', count });
		},
		close: async () => {
			runtime.close();
			await running.close();
		},
	};
}
