import type { IDataObject } from 'n8n-workflow';

/**
 * Why a callback was refused: the HTTP status and the JSON `code` of the answer (non-zero, so
 * Tencent retries: docs/tencent-asr-callbacks.md#answer-and-retries) and a reason for the sender and the n8n log.
 */
export interface CallbackRejection {
	/** HTTP status of the answer (400, 403, 413, 415). */
	httpStatus: number;
	/** Non-zero `code` of the JSON answer (4000–4005). */
	code: number;
	/** The reason, in English. */
	message: string;
}

/** The outcome of a callback check: the value, or why the callback is refused. */
export type CallbackResult<T> = { ok: true; value: T } | { ok: false; rejection: CallbackRejection };

/** A refusal {@link CallbackResult}. */
export function rejectCallback(httpStatus: number, code: number, message: string): { ok: false; rejection: CallbackRejection } {
	return { ok: false, rejection: { httpStatus, code, message } };
}

/** Answer codes of refused callbacks (the JSON `code`; any non-zero value makes Tencent retry). */
export const REJECTION_CODES = {
	malformedBody: 4000,
	missingRequestId: 4001,
	invalidCode: 4002,
	forbidden: 4003,
	unsupportedContentType: 4004,
	bodyTooLarge: 4005,
} as const;

const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;

/**
 * How the trigger decodes the bytes of callback values. The legacy API sends `text` in the
 * encoding its task asked for (`res_text_format` 0 UTF-8, 1 GB2312, 2 GBK, 3 BIG5;
 * docs/tencent-legacy-asr.md#request), and nothing in the callback says which one. `auto` takes UTF-8 when the bytes are valid
 * UTF-8 and GB18030 (a superset of GB2312 and GBK) otherwise; BIG5 must be chosen explicitly.
 */
export type CallbackTextEncoding = 'auto' | 'utf-8' | 'gb18030' | 'big5';

/** The encodings of {@link CallbackTextEncoding} (option values of the trigger). */
export const CALLBACK_TEXT_ENCODINGS: readonly CallbackTextEncoding[] = ['auto', 'utf-8', 'gb18030', 'big5'];

/** Value of an ASCII hex digit (`0-9`, `A-F`, `a-f`; the caller has checked it is one). */
function hexDigit(byte: number): number {
	return byte <= 0x39 ? byte - 0x30 : (byte | 0x20) - 0x57;
}

/**
 * `+` → space and `%XX` → byte; other characters as their UTF-8 bytes. Escapes must be valid.
 * One pass over the UTF-8 bytes into one buffer: values can be megabytes (word-level results).
 */
function percentDecodeBytes(text: string): Buffer {
	const input = Buffer.from(text, 'utf8');
	const output = Buffer.allocUnsafe(input.length);
	let length = 0;
	for (let index = 0; index < input.length; index++) {
		const byte = input[index];
		if (byte === 0x25) {
			output[length++] = (hexDigit(input[index + 1]) << 4) | hexDigit(input[index + 2]);
			index += 2;
		} else {
			output[length++] = byte === 0x2b ? 0x20 : byte;
		}
	}
	return output.subarray(0, length);
}

/** Decodes `bytes` strictly in `encoding`; undefined when they are not valid text in it. */
function decodeStrict(bytes: Buffer, encoding: Exclude<CallbackTextEncoding, 'auto'>): string | undefined {
	try {
		// ignoreBOM: a leading U+FEFF is part of the value (as in the WHATWG urlencoded parser)
		return new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
	} catch {
		// invalid bytes for this encoding (or an encoding this Node.js build lacks)
		return undefined;
	}
}

/**
 * Whether a UTF-16 code unit is a character a recognised Chinese or English transcript consists
 * of: ASCII, CJK ideographs and punctuation, full-width forms, curly quotes, the ellipsis; and
 * U+FEFF, the byte order mark UTF-8 text may start with (its bytes EF BB BF read as GBK are "锘").
 */
function isTranscriptChar(code: number): boolean {
	return (
		code <= 0x7f ||
		(code >= 0x3000 && code <= 0x303f) ||
		(code >= 0x3400 && code <= 0x4dbf) ||
		(code >= 0x4e00 && code <= 0x9fff) ||
		(code >= 0xff00 && code <= 0xffef) ||
		(code >= 0x2018 && code <= 0x201d) ||
		code === 0x2026 ||
		code === 0xfeff
	);
}

/**
 * Share of the characters (code points) of `text` that look like transcript text (1 for '').
 * One pass without allocation: texts can be megabytes.
 */
function plausibility(text: string): number {
	let chars = 0;
	let plausible = 0;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		chars++;
		// a surrogate pair is one character, and not a transcript one
		if ((code & 0xfc00) === 0xd800 && index + 1 < text.length && (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00) {
			index++;
		} else if (isTranscriptChar(code)) {
			plausible++;
		}
	}
	return chars === 0 ? 1 : plausible / chars;
}

/**
 * `auto`: bytes valid in only one of UTF-8 and GB18030 are read in that one. Many short GBK texts
 * are ALSO valid UTF-8 (喂 C9 B9 reads as "ι", 谢谢 as "лл"), so when both decode, the reading
 * that looks more like a transcript (ASCII / CJK) wins, UTF-8 on a tie.
 */
function decodeAuto(bytes: Buffer): string | undefined {
	const utf8 = decodeStrict(bytes, 'utf-8');
	const gb = decodeStrict(bytes, 'gb18030');
	if (utf8 === undefined || gb === undefined) return utf8 ?? gb;
	return plausibility(gb) > plausibility(utf8) ? gb : utf8;
}

/** Decodes one form component (`+` → space, `%XX` → bytes, bytes → text); the reason when it cannot. */
function decodeComponent(text: string, what: string, encoding: CallbackTextEncoding): CallbackResult<string> {
	if (BAD_ESCAPE.test(text)) {
		return rejectCallback(400, REJECTION_CODES.malformedBody, `Malformed body: ${what} has a "%" that is not followed by two hex digits`);
	}
	const bytes = percentDecodeBytes(text);
	const decoded = encoding === 'auto' ? decodeAuto(bytes) : decodeStrict(bytes, encoding);
	const expected = encoding === 'auto' ? 'UTF-8 or GBK/GB2312' : encoding.toUpperCase();
	return decoded === undefined
		? rejectCallback(400, REJECTION_CODES.malformedBody, `Malformed body: ${what} does not decode to ${expected} text`)
		: { ok: true, value: decoded };
}

/**
 * Parses an `application/x-www-form-urlencoded` callback body exactly (docs/tencent-asr-callbacks.md#callback-request: every
 * value URL-encoded, `+` for spaces, hex digits of either case): pairs split at `&`, name and
 * value at the first `=`, `+` → space, `%XX` → bytes. Field names are UTF-8. Values of a
 * CreateRecTask callback (it has a `resultDetail` field) are UTF-8 whatever `encoding` says;
 * values of a legacy callback are decoded in `encoding` (see {@link CallbackTextEncoding}). For
 * UTF-8 input the result is the WHATWG urlencoded-parser's. Where a
 * lenient parser (URLSearchParams, qs) would silently alter the data (a bad escape, bytes that are
 * not text in the encoding, a repeated field), the body is refused instead.
 *
 * @param body the raw body bytes (ASCII / UTF-8 on the wire: the values are percent-encoded) or text.
 * @param encoding how percent-decoded bytes become text; default `auto`.
 * @returns every field as a decoded string, in the order received; or a refusal (400, code 4000)
 *   for raw bytes that are not UTF-8, a bad `%` escape, an escape sequence that is not text in the
 *   encoding, an empty field name, or a field that appears twice.
 */
export function parseCallbackForm(body: Buffer | string, encoding: CallbackTextEncoding = 'auto'): CallbackResult<Record<string, string>> {
	let text: string;
	if (typeof body === 'string') {
		text = body;
	} else {
		text = body.toString('utf8');
		if (!Buffer.from(text, 'utf8').equals(body)) {
			return rejectCallback(400, REJECTION_CODES.malformedBody, 'Malformed body: the bytes are not UTF-8 text');
		}
	}
	const pairs: Array<{ key: string; rawValue: string }> = [];
	for (const pair of text.split('&').filter((part) => part.length > 0)) {
		const equals = pair.indexOf('=');
		const key = decodeComponent(equals === -1 ? pair : pair.slice(0, equals), 'a field name', 'utf-8');
		if (!key.ok) return key;
		pairs.push({ key: key.value, rawValue: equals === -1 ? '' : pair.slice(equals + 1) });
	}
	// CreateRecTask callbacks (they carry resultDetail) are always UTF-8; the chosen encoding is
	// for legacy callbacks, whose text is in the task's res_text_format.
	const valueEncoding: CallbackTextEncoding = pairs.some((pair) => pair.key === 'resultDetail') ? 'utf-8' : encoding;
	// a Map, then own properties: a field named like an Object.prototype member (__proto__) is kept
	const fields = new Map<string, string>();
	for (const { key, rawValue } of pairs) {
		const value = decodeComponent(rawValue, `the value of "${key}"`, valueEncoding);
		if (!value.ok) return value;
		if (!key) return rejectCallback(400, REJECTION_CODES.malformedBody, 'Malformed body: a field has no name');
		if (fields.has(key)) {
			return rejectCallback(400, REJECTION_CODES.malformedBody, `Malformed body: the field "${key}" appears more than once`);
		}
		fields.set(key, value.value);
	}
	return { ok: true, value: Object.fromEntries(fields) };
}

/**
 * Takes the fields from a body that n8n already parsed (when the raw bytes are not available):
 * every value must be a string, as Tencent sends them (docs/tencent-asr-callbacks.md#callback-request).
 *
 * @returns the fields, or a refusal (400, code 4000) when a value is not a string (nested or
 *   repeated fields).
 */
export function fieldsFromParsedBody(body: IDataObject): CallbackResult<Record<string, string>> {
	const fields: Array<[string, string]> = [];
	for (const [key, value] of Object.entries(body ?? {})) {
		if (typeof value !== 'string') {
			return rejectCallback(400, REJECTION_CODES.malformedBody, `Malformed body: the field "${key}" is not a single text value`);
		}
		fields.push([key, value]);
	}
	return { ok: true, value: Object.fromEntries(fields) };
}

/** The normalised callback that starts the workflow (docs/tencent-asr-callbacks.md#fields). */
export interface AsrCallback extends IDataObject {
	/** The task id (`requestId`), as a string: CreateRecTask TaskIds are uint64. */
	taskId: string;
	/** 0 on success, else the callback error code (10000–10007). */
	code: number;
	/** Tencent's message: `success`, `成功`, '' (CreateRecTask success) or the failure reason. */
	message: string;
	/** The recognised text ('' on failure); CreateRecTask lines look like `[0:1.640,0:4.600]  text`. */
	text: string;
	/** Audio length in seconds, or null when absent or not a number. */
	audioTime: number | null;
	/** The audio URL of URL tasks; null for audio sent in the request. */
	audioUrl: string | null;
	/** The account's AppId as sent (a string), or null. */
	appId: string | null;
	/** The project id (0), or null when absent, not a whole number or beyond ±2^53. */
	projectId: number | null;
	/** `resultDetail` parsed when it is JSON (SentenceDetail[]), else null. */
	resultDetail: IDataObject[] | IDataObject | null;
	/** `resultDetail` exactly as received (CreateRecTask), or null when the field is absent (legacy). */
	resultDetailRaw: string | null;
	/** `recTask` when the callback carries `resultDetail` (CreateRecTask), else `legacy`. */
	format: 'legacy' | 'recTask';
	/** Every field as received (decoded strings). */
	raw: Record<string, string>;
	/** The body exactly as received (form-urlencoded text), or null when n8n did not keep it. */
	rawBody: string | null;
}

const DIGITS = /^\d+$/;
const INTEGER = /^-?\d+$/;

/** The number a text of decimal digits stands for, or null when it is not one or not exact (beyond ±2^53). */
function exactInteger(text: string): number | null {
	if (!INTEGER.test(text)) return null;
	const value = Number(text);
	return Number.isSafeInteger(value) ? value : null;
}

/**
 * Checks and normalises the fields of a callback in either format (legacy, or CreateRecTask:
 * the same fields plus `resultDetail`; docs/tencent-asr-callbacks.md#fields). `resultDetail` is parsed
 * whatever the casing of its keys (UNCONFIRMED in the docs), and kept raw.
 *
 * @returns the normalised callback, or a refusal (400): 4001 when `requestId` is missing or not
 *   digits, 4002 when `code` is missing, not an integer, or beyond ±2^53 (it could not be kept
 *   exactly).
 */
export function normalizeCallback(fields: Record<string, string>, rawBody: string | null = null): CallbackResult<AsrCallback> {
	const requestId = (fields.requestId ?? '').trim();
	if (!requestId) {
		return rejectCallback(400, REJECTION_CODES.missingRequestId, 'The callback has no requestId (task id)');
	}
	if (!DIGITS.test(requestId)) {
		return rejectCallback(400, REJECTION_CODES.missingRequestId, `The requestId "${requestId.slice(0, 40)}" is not a task id`);
	}
	const codeText = (fields.code ?? '').trim();
	const code = exactInteger(codeText);
	if (code === null) {
		const reason = INTEGER.test(codeText) ? 'is too long to be a callback code' : 'is not a number';
		return rejectCallback(
			400,
			REJECTION_CODES.invalidCode,
			codeText ? `The code "${codeText.slice(0, 40)}" ${reason}` : 'The callback has no code',
		);
	}
	const audioTime = fields.audioTime !== undefined && fields.audioTime.trim() !== '' ? Number(fields.audioTime) : Number.NaN;
	const projectIdText = (fields.projectid ?? '').trim();
	const format = Object.hasOwn(fields, 'resultDetail') ? 'recTask' : 'legacy';
	const detailRaw = format === 'recTask' ? fields.resultDetail : null;
	let resultDetail: AsrCallback['resultDetail'] = null;
	if (detailRaw && detailRaw.trim()) {
		try {
			const parsed: unknown = JSON.parse(detailRaw);
			if (parsed !== null && typeof parsed === 'object') resultDetail = parsed as IDataObject[] | IDataObject;
		} catch {
			resultDetail = null;
		}
	}
	const callback: AsrCallback = {
		taskId: requestId,
		code,
		message: fields.message ?? '',
		text: fields.text ?? '',
		audioTime: Number.isFinite(audioTime) ? audioTime : null,
		audioUrl: fields.audioUrl ?? null,
		appId: fields.appid ?? null,
		projectId: exactInteger(projectIdText),
		resultDetail,
		resultDetailRaw: detailRaw,
		format,
		raw: { ...fields },
		rawBody,
	};
	return { ok: true, value: callback };
}
