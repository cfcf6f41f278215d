import type { IDataObject } from 'n8n-workflow';

/**
 * Why a callback was refused: the HTTP status and the JSON `code` of the answer (non-zero, so
 * Tencent retries: vendor notes §5) and a reason for the sender and the n8n log.
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

/** Decodes one form component (`+` → space, `%XX` → UTF-8); the reason when it cannot. */
function decodeComponent(text: string, what: string): CallbackResult<string> {
	if (BAD_ESCAPE.test(text)) {
		return rejectCallback(400, REJECTION_CODES.malformedBody, `Malformed body: ${what} has a "%" that is not followed by two hex digits`);
	}
	let decoded: string | undefined;
	try {
		decoded = decodeURIComponent(text.replace(/\+/g, ' '));
	} catch {
		decoded = undefined;
	}
	return decoded === undefined
		? rejectCallback(400, REJECTION_CODES.malformedBody, `Malformed body: ${what} does not decode to UTF-8 text`)
		: { ok: true, value: decoded };
}

/**
 * Parses an `application/x-www-form-urlencoded` callback body exactly (vendor notes §5: every
 * value URL-encoded, `+` for spaces, hex digits of either case): pairs split at `&`, name and
 * value at the first `=`, `+` → space, `%XX` → bytes decoded as UTF-8 (the WHATWG
 * urlencoded-parser's result for valid input). Where a lenient parser (URLSearchParams, qs) would
 * silently alter the data (a bad escape, bytes that are not UTF-8, a repeated field), the body
 * is refused instead.
 *
 * @param body the raw body bytes (must be UTF-8 / ASCII) or text.
 * @returns every field as a decoded string, in the order received; or a refusal (400, code 4000)
 *   for invalid UTF-8 bytes, a bad `%` escape, an escape that does not decode to UTF-8, an empty
 *   field name, or a field that appears twice.
 */
export function parseCallbackForm(body: Buffer | string): CallbackResult<Record<string, string>> {
	let text: string;
	if (typeof body === 'string') {
		text = body;
	} else {
		text = body.toString('utf8');
		if (!Buffer.from(text, 'utf8').equals(body)) {
			return rejectCallback(400, REJECTION_CODES.malformedBody, 'Malformed body: the bytes are not UTF-8 text');
		}
	}
	const fields: Record<string, string> = {};
	for (const pair of text.split('&').filter((part) => part.length > 0)) {
		const equals = pair.indexOf('=');
		const key = decodeComponent(equals === -1 ? pair : pair.slice(0, equals), 'a field name');
		if (!key.ok) return key;
		const value = decodeComponent(equals === -1 ? '' : pair.slice(equals + 1), `the value of "${key.value}"`);
		if (!value.ok) return value;
		if (!key.value) return rejectCallback(400, REJECTION_CODES.malformedBody, 'Malformed body: a field has no name');
		if (Object.hasOwn(fields, key.value)) {
			return rejectCallback(400, REJECTION_CODES.malformedBody, `Malformed body: the field "${key.value}" appears more than once`);
		}
		fields[key.value] = value.value;
	}
	return { ok: true, value: fields };
}

/**
 * Takes the fields from a body that n8n already parsed (when the raw bytes are not available):
 * every value must be a string, as Tencent sends them (vendor notes §5).
 *
 * @returns the fields, or a refusal (400, code 4000) when a value is not a string (nested or
 *   repeated fields).
 */
export function fieldsFromParsedBody(body: IDataObject): CallbackResult<Record<string, string>> {
	const fields: Record<string, string> = {};
	for (const [key, value] of Object.entries(body ?? {})) {
		if (typeof value !== 'string') {
			return rejectCallback(400, REJECTION_CODES.malformedBody, `Malformed body: the field "${key}" is not a single text value`);
		}
		fields[key] = value;
	}
	return { ok: true, value: fields };
}

/** The normalised callback that starts the workflow (issue 3; vendor notes §5). */
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
	/** The project id (0), or null when absent or not a number. */
	projectId: number | null;
	/** `resultDetail` parsed when it is JSON (SentenceDetail[]), else null. */
	resultDetail: IDataObject[] | IDataObject | null;
	/** `resultDetail` exactly as received (CreateRecTask), or null when the field is absent (legacy). */
	resultDetailRaw: string | null;
	/** `recTask` when the callback carries `resultDetail` (CreateRecTask), else `legacy`. */
	format: 'legacy' | 'recTask';
	/** Every field as received (decoded strings). */
	raw: Record<string, string>;
}

const DIGITS = /^\d+$/;
const INTEGER = /^-?\d+$/;

/**
 * Checks and normalises the fields of a callback in either format (legacy seed 004 §3.2.1, or
 * CreateRecTask: the same fields plus `resultDetail`; vendor notes §5). `resultDetail` is parsed
 * whatever the casing of its keys (UNCONFIRMED in the docs), and kept raw.
 *
 * @returns the normalised callback, or a refusal (400): 4001 when `requestId` is missing or not
 *   digits, 4002 when `code` is missing or not an integer.
 */
export function normalizeCallback(fields: Record<string, string>): CallbackResult<AsrCallback> {
	const requestId = (fields.requestId ?? '').trim();
	if (!requestId) {
		return rejectCallback(400, REJECTION_CODES.missingRequestId, 'The callback has no requestId (task id)');
	}
	if (!DIGITS.test(requestId)) {
		return rejectCallback(400, REJECTION_CODES.missingRequestId, `The requestId "${requestId.slice(0, 40)}" is not a task id`);
	}
	const codeText = (fields.code ?? '').trim();
	if (!INTEGER.test(codeText)) {
		return rejectCallback(
			400,
			REJECTION_CODES.invalidCode,
			codeText ? `The code "${codeText.slice(0, 40)}" is not a number` : 'The callback has no code',
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
		code: Number(codeText),
		message: fields.message ?? '',
		text: fields.text ?? '',
		audioTime: Number.isFinite(audioTime) ? audioTime : null,
		audioUrl: fields.audioUrl ?? null,
		appId: fields.appid ?? null,
		projectId: INTEGER.test(projectIdText) ? Number(projectIdText) : null,
		resultDetail,
		resultDetailRaw: detailRaw,
		format,
		raw: { ...fields },
	};
	return { ok: true, value: callback };
}
