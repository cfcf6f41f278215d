/**
 * Sends Tencent ASR result callbacks the way Tencent does (docs/tencent-asr-callbacks.md#callback-request):
 * one `POST` with `Content-Type: application/x-www-form-urlencoded`, every value URL-encoded
 * (`+` for spaces, hex digits upper or lower case), every value a string. The receiver must
 * answer JSON `{"code":0,...}`; any other answer counts as a failure and Tencent retries, with at
 * most 2 attempts in total.
 *
 * Used by the API 3.0 emulator (CreateRecTask callbacks) and the legacy ASR emulator, and usable
 * directly by tests that want to fire a callback at a trigger.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import iconv from 'iconv-lite';
import { request } from 'undici';
import type { FaultInjector } from './faults';

/** How percent-escapes are spelled: `%E6` (upper), `%e6` (lower), or alternating per escape (mixed). */
export type HexCase = 'upper' | 'lower' | 'mixed';

/** Options of {@link sendAsrCallback}. */
export interface SendCallbackOptions {
	/** Case of the hex digits in percent-escapes. Default `upper`. */
	hexCase?: HexCase;
	/**
	 * Wait before the second attempt, in milliseconds. Default: a random value in 0–200 ms (the
	 * vendor's interval is not documented, docs/tencent-asr-callbacks.md#answer-and-retries).
	 */
	retryIntervalMs?: number;
	/** Attempts in total, 1 or 2 (Tencent: at most 2). Default 2. */
	maxAttempts?: 1 | 2;
	/** Per-attempt timeout in milliseconds (headers and body). Default 5000. */
	timeoutMs?: number;
	/** Encoding of the values' text before percent-encoding. Default `utf-8`. */
	textEncoding?: CallbackTextEncoding;
	/**
	 * Faults to apply (../faults, action `callback`, path = the callback URL's path): a due
	 * `truncated-body` fault makes an attempt announce the whole Content-Length, send only half the
	 * body and close the connection; it counts as a failed attempt, so the sender retries.
	 */
	faults?: FaultInjector;
	/**
	 * Called with the first attempt when it was not accepted, before the retry (after
	 * `retryIntervalMs`); the retry waits for the returned promise. For tests that change the
	 * receiver between Tencent's two attempts (e.g. a database that accepts writes again).
	 * Default: none.
	 */
	beforeRetry?: (first: CallbackAttempt) => Promise<void> | void;
}

/** One POST of a callback and what the receiver answered. */
export interface CallbackAttempt {
	/** HTTP status of the answer; 0 when no answer arrived (connection refused, timeout…). */
	status: number;
	/** Answer body as text ('' when none). */
	body: string;
	/** True when the answer was HTTP 2xx JSON with `code` 0 (number or "0"). */
	accepted: boolean;
	/** Transport error message when no answer arrived. */
	error?: string;
	/** Wall-clock time of the attempt, epoch milliseconds. */
	at: number;
	/** True when a `truncated-body` fault cut this attempt's body off. */
	truncated?: boolean;
}

/** A callback delivery: the fields, the exact body sent and every attempt (1 or 2). */
export interface CallbackDelivery {
	url: string;
	fields: Record<string, string>;
	/** The exact `application/x-www-form-urlencoded` body posted. */
	body: string;
	attempts: CallbackAttempt[];
	/** True when one attempt was accepted. */
	accepted: boolean;
}

const UNRESERVED = /[A-Za-z0-9\-_.]/;

/**
 * Form-encodes one value like Tencent's callback sender: UTF-8 bytes, `A–Z a–z 0–9 - _ .` kept,
 * space → `+`, everything else `%XX` (the vendor's example in docs/tencent-asr-callbacks.md#callback-request:
 * `%5B0%3A1.640%2C0%3A4.600%5D++%E6…`).
 * `counter` carries the alternation state for `mixed` across a whole body.
 */
function encodeValue(value: string, hexCase: HexCase, counter: { n: number }, textEncoding: CallbackTextEncoding = 'utf-8'): string {
	let out = '';
	const bytes = textEncoding === 'utf-8' ? Buffer.from(value, 'utf8') : iconv.encode(value, textEncoding);
	for (const byte of bytes) {
		const char = String.fromCharCode(byte);
		if (byte < 0x80 && UNRESERVED.test(char)) {
			out += char;
		} else if (byte === 0x20) {
			out += '+';
		} else {
			const hex = byte.toString(16).padStart(2, '0');
			const upper =
				hexCase === 'upper' || (hexCase === 'mixed' && counter.n % 2 === 0);
			counter.n += 1;
			out += `%${upper ? hex.toUpperCase() : hex.toLowerCase()}`;
		}
	}
	return out;
}

/**
 * Builds the `application/x-www-form-urlencoded` body for `fields`, in their insertion order.
 * Source: docs/tencent-asr-callbacks.md#callback-request (values URL-encoded, `+` for spaces, hex of either case).
 */
export function encodeCallbackForm(
	fields: Record<string, string>,
	hexCase: HexCase = 'upper',
	textEncoding: CallbackTextEncoding = 'utf-8',
): string {
	const counter = { n: 0 };
	return Object.entries(fields)
		.map(([key, value]) => `${encodeValue(key, hexCase, counter)}=${encodeValue(value, hexCase, counter, textEncoding)}`)
		.join('&');
}

/**
 * Text encodings of callback values: UTF-8 (CreateRecTask; legacy `res_text_format` 0) and the
 * legacy API's GB2312 / GBK / BIG5 (`res_text_format` 1 / 2 / 3, docs/tencent-legacy-asr.md#request), encoded with
 * iconv-lite before percent-encoding.
 */
export type CallbackTextEncoding = 'utf-8' | 'gb2312' | 'gbk' | 'big5';

/** The encoding the legacy API uses for `res_text_format` 0–3 (docs/tencent-legacy-asr.md#request). */
export const LEGACY_TEXT_ENCODINGS: readonly CallbackTextEncoding[] = ['utf-8', 'gb2312', 'gbk', 'big5'];

/**
 * True when a receiver's answer acknowledges the callback: HTTP 2xx and a JSON object body whose
 * `code` is 0 or "0" (docs/tencent-asr-callbacks.md#answer-and-retries). Anything else makes Tencent retry.
 */
export function isAcceptedAnswer(status: number, body: string): boolean {
	if (status < 200 || status > 299) {
		return false;
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(body);
	} catch {
		return false;
	}
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
		return false;
	}
	const code = (parsed as Record<string, unknown>).code;
	return code === 0 || code === '0';
}

async function attempt(url: string, body: string, timeoutMs: number): Promise<CallbackAttempt> {
	const at = Date.now();
	try {
		const answer = await request(url, {
			method: 'POST',
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body,
			headersTimeout: timeoutMs,
			bodyTimeout: timeoutMs,
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await answer.body.text();
		return { status: answer.statusCode, body: text, accepted: isAcceptedAnswer(answer.statusCode, text), at };
	} catch (error) {
		return { status: 0, body: '', accepted: false, error: (error as Error).message, at };
	}
}

/**
 * One attempt whose body is cut off: the request line and headers announce `Content-Length` of
 * the whole body, half of it is sent, then the connection is closed (FIN). Never throws.
 */
async function truncatedAttempt(url: string, body: string, timeoutMs: number): Promise<CallbackAttempt> {
	const at = Date.now();
	const target = new URL(url);
	const bytes = Buffer.from(body, 'utf8');
	const sent = Math.floor(bytes.length / 2);
	const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
	const head =
		`POST ${target.pathname}${target.search} HTTP/1.1\r\nHost: ${target.host}\r\n` +
		`Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${bytes.length}\r\nConnection: close\r\n\r\n`;
	const error = await new Promise<string>((resolve) => {
		const socket =
			target.protocol === 'https:'
				? tlsConnect({ host: target.hostname, port, servername: target.hostname })
				: netConnect({ host: target.hostname, port });
		const timer = setTimeout(() => socket.destroy(), timeoutMs);
		socket.on('error', () => undefined);
		socket.on('close', () => {
			clearTimeout(timer);
			resolve(`body truncated by an injected fault: sent ${sent} of ${bytes.length} bytes, then closed the connection`);
		});
		socket.once(target.protocol === 'https:' ? 'secureConnect' : 'connect', () => {
			socket.write(head);
			socket.end(bytes.subarray(0, sent));
		});
		socket.resume();
	});
	return { status: 0, body: '', accepted: false, error, at, truncated: true };
}

/**
 * POSTs a callback to `url` as Tencent does and retries ONCE when the first answer is not an
 * acceptance (see {@link isAcceptedAnswer}), after `retryIntervalMs` (default random 0–200 ms).
 * Never throws: transport errors are recorded as attempts with status 0.
 * Source: docs/tencent-asr-callbacks.md#answer-and-retries (at most 2 attempts in total).
 */
export async function sendAsrCallback(
	url: string,
	fields: Record<string, string>,
	options: SendCallbackOptions = {},
): Promise<CallbackDelivery> {
	const body = encodeCallbackForm(fields, options.hexCase ?? 'upper', options.textEncoding ?? 'utf-8');
	const maxAttempts = options.maxAttempts ?? 2;
	const timeoutMs = options.timeoutMs ?? 5000;
	const delivery: CallbackDelivery = { url, fields: { ...fields }, body, attempts: [], accepted: false };
	for (let i = 0; i < maxAttempts; i += 1) {
		if (i > 0) {
			const wait = options.retryIntervalMs ?? Math.floor(Math.random() * 201);
			await new Promise((resolve) => setTimeout(resolve, wait));
			await options.beforeRetry?.(delivery.attempts[0]);
		}
		const fault = options.faults?.take({ action: 'callback', path: new URL(url).pathname }, ['truncated-body']);
		const result = fault ? await truncatedAttempt(url, body, timeoutMs) : await attempt(url, body, timeoutMs);
		delivery.attempts.push(result);
		if (result.accepted) {
			delivery.accepted = true;
			break;
		}
	}
	return delivery;
}

/** Formats seconds like Tencent's `audioTime` field: six decimals, e.g. `8.420000`. */
export function formatAudioTime(seconds: number): string {
	return (Number.isFinite(seconds) && seconds > 0 ? seconds : 0).toFixed(6);
}

/** What {@link buildRecTaskCallback} needs to know about a finished CreateRecTask task. */
export interface RecTaskCallbackInput {
	/** The uint64 TaskId (decimal string or bigint; never a lossy number). */
	taskId: string | bigint;
	/** The account AppId. */
	appId: number | string;
	/** 0 on success, else a callback error code (10000 transcoding failed … 10007 download failed). */
	code: number;
	/** Failure reason; '' on success (`message` is empty on success, docs/tencent-asr-callbacks.md#fields). */
	message: string;
	/** The `Result` text (lines `[m:s.mmm,m:s.mmm]  text\n`), '' on failure. */
	text: string;
	/** Audio length in seconds. */
	audioDurationSeconds: number;
	/** SentenceDetail[] (PascalCase keys as in DescribeTaskStatus), or null when ResTextFormat is 0 / failed. */
	resultDetail: unknown[] | null;
	/** The audio URL for `SourceType` 0 tasks; absent for data uploads. */
	audioUrl?: string;
	/**
	 * Key casing of the `resultDetail` JSON (not documented, docs/tencent-asr-callbacks.md#fields): `pascal`
	 * (default, as DescribeTaskStatus) or `camel` (first letter lower-cased at every level).
	 */
	detailCase?: 'pascal' | 'camel';
}

function camelKeys(value: unknown): unknown {
	if (Array.isArray(value)) {
		return value.map(camelKeys);
	}
	if (value !== null && typeof value === 'object') {
		return Object.fromEntries(
			Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
				key.charAt(0).toLowerCase() + key.slice(1),
				camelKeys(inner),
			]),
		);
	}
	return value;
}

/**
 * The form fields of a CreateRecTask callback, in the order of the vendor example
 * (docs/tencent-asr-callbacks.md#fields):
 * `code, requestId, appid, projectid, text, [audioUrl], audioTime, message, resultDetail`.
 * `requestId` is the TaskId as a decimal string, `projectid` "0", `audioTime` like "8.420000",
 * `resultDetail` a JSON string of SentenceDetail[] or '' when there is none.
 */
export function buildRecTaskCallback(task: RecTaskCallbackInput): Record<string, string> {
	const fields: Record<string, string> = {
		code: String(task.code),
		requestId: String(task.taskId),
		appid: String(task.appId),
		projectid: '0',
		text: task.text,
	};
	if (task.audioUrl !== undefined) {
		fields.audioUrl = task.audioUrl;
	}
	fields.audioTime = formatAudioTime(task.audioDurationSeconds);
	fields.message = task.message;
	fields.resultDetail =
		task.resultDetail === null
			? ''
			: JSON.stringify(task.detailCase === 'camel' ? camelKeys(task.resultDetail) : task.resultDetail);
	return fields;
}

/** What {@link buildLegacyCallback} needs to know about a finished legacy recognition. */
export interface LegacyCallbackInput {
	/** 0 on success, else 10000–10007 (docs/tencent-asr-callbacks.md#error-codes). */
	code: number;
	/** `success` on success (the legacy docs also show `成功`), else the reason. */
	message: string;
	/** The legacy task id (an int). */
	requestId: number;
	appId: number | string;
	projectId: number | string;
	/** Recognised text ('' on failure). */
	text: string;
	/** The audio URL for `source_type=0`; absent for body uploads. */
	audioUrl?: string;
	/** Audio length in seconds. */
	audioTimeSeconds: number;
}

/**
 * The form fields of a legacy (aai.qcloud.com) callback, in the order of the vendor's example:
 * `code, requestId, appid, projectid, text, [audioUrl], audioTime, message`. Source:
 * docs/tencent-asr-callbacks.md#fields.
 */
export function buildLegacyCallback(input: LegacyCallbackInput): Record<string, string> {
	const fields: Record<string, string> = {
		code: String(input.code),
		requestId: String(input.requestId),
		appid: String(input.appId),
		projectid: String(input.projectId),
		text: input.text,
	};
	if (input.audioUrl !== undefined) {
		fields.audioUrl = input.audioUrl;
	}
	fields.audioTime = formatAudioTime(input.audioTimeSeconds);
	fields.message = input.message;
	return fields;
}
