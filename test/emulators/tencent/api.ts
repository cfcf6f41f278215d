/**
 * What every emulated Tencent Cloud API 3.0 action shares: the error envelope, parameter
 * checking by the official SDK models' types (TencentCloud/tencentcloud-sdk-nodejs
 * `src/services/<service>/<version>/<service>_models.ts`), and the shape of an action handler
 * that the services (./cam, ./ccc, ./asr) register with the server (./server).
 *
 * Errors are answered with HTTP 200 `{"Response":{"Error":{"Code","Message"},"RequestId"}}`
 * (docs/tencent-cloud-api.md#error-answers). Emulator choices where Tencent does not document
 * the answer: unknown names → `UnknownParameter`, missing required ones → `MissingParameter`,
 * wrong JSON types and values → `InvalidParameterValue` (the real service sometimes answers a
 * sub-code such as `InvalidParameterValue.ErrorInvalidUrl`: clients must match codes by prefix).
 */
import type { JsonValue } from './tc3';

/** The services the emulator answers and their API versions (docs/tencent-cloud-api.md). */
export const TENCENT_SERVICE_VERSIONS = { ccc: '2020-02-10', asr: '2019-06-14', cam: '2019-01-16' } as const;

/** A service of {@link TENCENT_SERVICE_VERSIONS}. */
export type TencentService = keyof typeof TENCENT_SERVICE_VERSIONS;

/** An API error answered in the `{"Response":{"Error":{Code,Message},RequestId}}` envelope. */
export class TencentApiError extends Error {
	constructor(
		readonly code: string,
		message: string,
	) {
		super(message);
	}
}

/** The JSON type of a request parameter (SDK model types: number → integer, Array<…> → …[]). */
export type ParamSpec =
	| { type: 'integer' | 'string' | 'string[]' | 'integer[]'; required?: boolean }
	| { type: 'object[]'; required?: boolean; fields: Record<string, ParamSpec> };

/** What an action handler gets besides its parameters. */
export interface ActionContext {
	/** The RequestId of this request. */
	requestId: string;
}

/** One emulated action: its service, documented rate limit, parameters and handler. */
export interface ActionDefinition {
	service: TencentService;
	/** Requests per second per account (docs/tencent-cloud-api.md#rate-limits). */
	ratePerSecond: number;
	/** The request parameters by name (case-sensitive). */
	params: Record<string, ParamSpec>;
	/** Answers the `Response` members besides RequestId; throws {@link TencentApiError}. */
	handle(params: Record<string, JsonValue>, context: ActionContext): Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** True for a JSON object (not null, not an array). */
export const isPlainObject = (value: unknown): value is Record<string, JsonValue> =>
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
 * @throws TencentApiError
 */
export function validateParams(params: Record<string, JsonValue>, specs: Record<string, ParamSpec>, prefix = ''): void {
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

/** `InvalidParameterValue` with `message`. */
export const invalidValue = (message: string): TencentApiError => new TencentApiError('InvalidParameterValue', message);

/** A `MissingParameter` error for `name`. */
export const missingParameter = (name: string): TencentApiError =>
	new TencentApiError('MissingParameter', `The request is missing a required parameter \`${name}\`.`);

/**
 * An integer parameter as a JS number, undefined when absent.
 * @throws TencentApiError InvalidParameterValue for integers beyond the safe range (bigint).
 */
export function intParam(params: Record<string, JsonValue>, name: string): number | undefined {
	const value = params[name];
	if (value === undefined) {
		return undefined;
	}
	if (typeof value === 'bigint') {
		throw invalidValue(`The value of parameter \`${name}\` is out of range.`);
	}
	return value as number;
}

/** @throws TencentApiError `code` (default InvalidParameterValue) when the integer `name` is present and not one of `allowed`. */
export function checkChoice(params: Record<string, JsonValue>, name: string, allowed: readonly number[], code = 'InvalidParameterValue'): void {
	const value = intParam(params, name);
	if (value !== undefined && !allowed.includes(value)) {
		throw new TencentApiError(code, `The value \`${value}\` of parameter \`${name}\` is not valid: expected one of ${allowed.join(', ')}.`);
	}
}

/** True for an absolute http(s) URL. */
export function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

/**
 * The rows of a list for `Offset`/`Limit` paging (GetAsrVocabList, GetCustomizationList):
 * `Offset` ≥ 0 (default 0), 1 ≤ `Limit` ≤ `maxLimit` (default `defaultLimit`).
 * @throws TencentApiError InvalidParameterValue for values out of range.
 */
export function offsetPage<T>(rows: readonly T[], params: Record<string, JsonValue>, defaultLimit: number, maxLimit: number): T[] {
	const offset = intParam(params, 'Offset') ?? 0;
	const limit = intParam(params, 'Limit') ?? defaultLimit;
	if (offset < 0) {
		throw invalidValue(`The value of parameter \`Offset\` must not be negative (got ${offset}).`);
	}
	if (limit < 1 || limit > maxLimit) {
		throw invalidValue(`The value of parameter \`Limit\` must be between 1 and ${maxLimit} (got ${limit}).`);
	}
	return rows.slice(offset, offset + limit);
}

/**
 * Checks a `TagInfos` filter: strings `"$TagKey : $TagValue"` (space, colon, space), as the SDK
 * models describe it. Returns the tags, or undefined when absent.
 * @throws TencentApiError InvalidParameterValue for a tag of another form.
 */
export function tagFilter(params: Record<string, JsonValue>): string[] | undefined {
	const tags = params.TagInfos as string[] | undefined;
	for (const tag of tags ?? []) {
		const separator = tag.indexOf(' : ');
		if (separator < 1 || separator + 3 >= tag.length) {
			throw invalidValue(`The value \`${tag}\` of parameter \`TagInfos\` is not valid: expected "$TagKey : $TagValue".`);
		}
	}
	return tags;
}
