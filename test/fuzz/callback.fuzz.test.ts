/**
 * Property-based fuzzing of the Tencent Cloud ASR Trigger's callback handling
 * (nodes/TencentCloudAsrTrigger): 10,000 generated requests per property, from a fixed seed
 * (see test/fuzz/fuzz.ts to reproduce or explore), made of real CreateRecTask and legacy
 * callbacks as the emulators' callback sender encodes them, mutated (test/fuzz/callbackBodies.ts),
 * and of random bodies.
 *
 * (a) parseCallbackForm / normalizeCallback never throw; they answer ok, or a refusal with a 4xx
 *     status and a non-zero code; nothing received is lost (one field per pair).
 * (b) For UTF-8 bodies without repeated or empty names and without bad escapes, parseCallbackForm
 *     agrees with the WHATWG urlencoded parser (URLSearchParams).
 * (c) The trigger's webhook() never throws, starts the workflow only when the token matched (when
 *     one is set), the requestId is all digits and the code an integer, and refuses everything
 *     else with a 4xx and a JSON body whose code is non-zero, in the documented order of checks.
 *
 * The contract of (c) is written with {@link classifyOutcome} so that it holds whether the node
 * writes the "accepted" answer itself or leaves it to n8n (returned as `webhookResponse`, or sent
 * after the workflow finished).
 */
import fc from 'fast-check';
import type { IDataObject, INodeExecutionData, IWebhookResponseData } from 'n8n-workflow';

import {
	CALLBACK_TEXT_ENCODINGS,
	normalizeCallback,
	parseCallbackForm,
	type CallbackResult,
	type CallbackTextEncoding,
} from '../../nodes/TencentCloudAsrTrigger/callback';
import { TencentCloudAsrTrigger } from '../../nodes/TencentCloudAsrTrigger/TencentCloudAsrTrigger.node';
import { createWebhookContext, type CapturedResponse } from '../helpers/webhookContext';
import { bodyRecipeArb, buildBody, requestRecipeArb, type RequestRecipe } from './callbackBodies';
import { ensure, ensureSame, FUZZ_RUNS, fuzzLabel, fuzzParameters, fuzzSeed } from './fuzz';

const trigger = new TencentCloudAsrTrigger();
const ENCODINGS: CallbackTextEncoding[] = [...CALLBACK_TEXT_ENCODINGS];

// ---------------------------------------------------------------------------------------------
// Contract helpers (adapt these, not the properties, when the trigger's answering changes)

/** A refusal as the node must write it: 4xx, JSON body, non-zero integer code. */
interface Refusal {
	kind: 'refused';
	status: number;
	code: number;
}

/** What one webhook() call did, in contract terms. */
type Outcome = Refusal | { kind: 'accepted'; items: IDataObject[] } | { kind: 'dropped' };

/** The JSON answer in a body or `webhookResponse`; throws when it is not a JSON object with a `code`. */
function answerCode(body: unknown): number {
	const parsed: unknown = typeof body === 'string' ? JSON.parse(body) : body;
	if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error(`answer is not a JSON object: ${String(body)}`);
	const code = (parsed as { code?: unknown }).code;
	if (typeof code !== 'number' || !Number.isInteger(code)) throw new Error(`answer has no integer code: ${String(body)}`);
	return code;
}

/**
 * Classifies what webhook() did and throws when it breaks the contract:
 * - refused: the node wrote a 4xx with `{"code":<non-zero>,...}` (application/json) and returned
 *   neither workflowData nor a webhookResponse;
 * - accepted: workflowData with one item; any answer given (written by the node or returned as
 *   webhookResponse) is 2xx and `{"code":0,...}`;
 * - dropped (failed recognition, Include Failed off): no workflowData, and any answer is code 0.
 */
function classifyOutcome(result: IWebhookResponseData, response: CapturedResponse): Outcome {
	if (response.ended && response.statusCode !== undefined && response.statusCode >= 400) {
		if (response.statusCode >= 500) throw new Error(`HTTP ${response.statusCode}: refusals must be 4xx`);
		if (result.workflowData !== undefined) throw new Error('a refused callback returned workflowData');
		if (result.webhookResponse !== undefined) throw new Error('a refused callback also returned a webhookResponse');
		if (!/^application\/json/.test(response.headers['content-type'] ?? '')) throw new Error('refusal is not application/json');
		const code = answerCode(response.body);
		if (code === 0) throw new Error(`a ${response.statusCode} refusal says code 0: Tencent would not retry`);
		return { kind: 'refused', status: response.statusCode, code };
	}
	if (response.ended) {
		if ((response.statusCode ?? 200) < 200 || (response.statusCode ?? 200) > 299) throw new Error(`unexpected HTTP ${response.statusCode}`);
		if (answerCode(response.body) !== 0) throw new Error(`2xx answer with a non-zero code: ${response.body}`);
	}
	if (result.webhookResponse !== undefined && answerCode(result.webhookResponse) !== 0) {
		throw new Error(`webhookResponse with a non-zero code: ${JSON.stringify(result.webhookResponse)}`);
	}
	if (result.workflowData === undefined) return { kind: 'dropped' };
	const items = (result.workflowData as INodeExecutionData[][]).flat().map((item) => item.json);
	if (items.length !== 1) throw new Error(`expected one item, got ${items.length}`);
	return { kind: 'accepted', items };
}

/** Checks a CallbackResult's refusal shape; returns whether it was ok. */
function expectWellFormedResult<T>(result: CallbackResult<T>): boolean {
	if (result.ok) return true;
	const { httpStatus, code, message } = result.rejection;
	if (!(Number.isInteger(httpStatus) && httpStatus >= 400 && httpStatus <= 499)) throw new Error(`refusal status ${httpStatus}`);
	if (!(Number.isInteger(code) && code !== 0)) throw new Error(`refusal code ${code}`);
	if (typeof message !== 'string' || message.length === 0) throw new Error('refusal without a message');
	return false;
}

/** Checks a normalised callback: digits-only task id, integer code, finite numbers. */
function expectSaneCallback(callback: IDataObject): void {
	if (typeof callback.taskId !== 'string' || !/^[0-9]+$/.test(callback.taskId)) throw new Error(`taskId ${String(callback.taskId)}`);
	if (typeof callback.code !== 'number' || !Number.isSafeInteger(callback.code)) throw new Error(`code ${String(callback.code)}`);
	for (const field of ['audioTime', 'projectId'] as const) {
		const value = callback[field];
		if (value !== null && !(typeof value === 'number' && Number.isFinite(value))) throw new Error(`${field} ${String(value)}`);
	}
	if (callback.projectId !== null && !Number.isSafeInteger(callback.projectId)) throw new Error(`projectId ${String(callback.projectId)}`);
}

/** Number of non-empty `&`-separated pairs in a form body. */
function pairCount(text: string): number {
	return text.split('&').filter((part) => part.length > 0).length;
}

/**
 * True when the WHATWG urlencoded parser's result is the right answer for `body`: the bytes are
 * UTF-8, every `%` starts a valid escape, every name and value percent-decodes to UTF-8 (checked
 * with decodeURIComponent, not with the code under test), no name is empty or repeated.
 */
function whatwgComparable(body: Buffer): boolean {
	const text = body.toString('utf8');
	if (!Buffer.from(text, 'utf8').equals(body)) return false;
	const names = new Set<string>();
	for (const part of text.split('&')) {
		if (part.length === 0) continue;
		const equals = part.indexOf('=');
		const components = equals === -1 ? [part] : [part.slice(0, equals), part.slice(equals + 1)];
		const decoded: string[] = [];
		for (const component of components) {
			if (/%(?![0-9A-Fa-f]{2})/.test(component)) return false;
			try {
				decoded.push(decodeURIComponent(component.replace(/\+/g, ' ')));
			} catch {
				return false;
			}
		}
		if (decoded[0] === '' || names.has(decoded[0])) return false;
		names.add(decoded[0]);
	}
	return true;
}

/**
 * The WHATWG application/x-www-form-urlencoded parser's result for `text`, through
 * URLSearchParams. A leading `&` (an empty sequence, skipped by the parser) stops the
 * constructor from dropping a leading `?`, which is the constructor's rule, not the parser's.
 */
function whatwgParse(text: string): URLSearchParams {
	return new URLSearchParams(`&${text}`);
}

/** Entries in a canonical order (objects put integer-like keys first; forms keep send order). */
function sortedEntries(entries: Iterable<[string, string]>): Array<[string, string]> {
	return [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Properties

describe('fuzz: parseCallbackForm / normalizeCallback', () => {
	const seedA = fuzzSeed(20_251_101);
	it(`(a) never throw; ok or a 4xx refusal with a non-zero code; one field per pair (${fuzzLabel(seedA)})`, () => {
		fc.assert(
			fc.property(bodyRecipeArb, fc.constantFrom(...ENCODINGS), (recipe, encoding) => {
				const body = buildBody(recipe);
				for (const input of [body, body.toString('latin1')]) {
					const parsed = parseCallbackForm(input, encoding);
					if (!expectWellFormedResult(parsed) || !parsed.ok) continue;
					const text = typeof input === 'string' ? input : input.toString('utf8');
					// repeated and empty names are refused, so every pair must be one own field
					ensureSame(Object.keys(parsed.value).length, pairCount(text), 'fields for the pairs sent');
					ensure(Object.values(parsed.value).every((value) => typeof value === 'string'), 'a value is not a string');
					const normalized = normalizeCallback(parsed.value, text);
					if (expectWellFormedResult(normalized) && normalized.ok) {
						expectSaneCallback(normalized.value);
						ensureSame(JSON.stringify(Object.entries(normalized.value.raw)), JSON.stringify(Object.entries(parsed.value)), 'raw fields');
					}
				}
			}),
			fuzzParameters(seedA),
		);
	});

	const seedB = fuzzSeed(20_251_102);
	it(`(b) agrees with URLSearchParams on UTF-8 bodies without repeated/empty names or bad escapes (${fuzzLabel(seedB)})`, () => {
		let compared = 0;
		fc.assert(
			fc.property(bodyRecipeArb, (recipe) => {
				const body = buildBody(recipe);
				if (!whatwgComparable(body)) return;
				compared++;
				const expected = sortedEntries(whatwgParse(body.toString('utf8')));
				const expectedText = JSON.stringify(expected);
				// CreateRecTask bodies are read as UTF-8 whatever the option says
				const encodings: CallbackTextEncoding[] = expected.some(([name]) => name === 'resultDetail') ? ENCODINGS : ['utf-8'];
				for (const encoding of encodings) {
					const parsed = parseCallbackForm(body, encoding);
					if (!parsed.ok) throw new Error(`refused as ${encoding}: ${parsed.rejection.message}`);
					ensureSame(JSON.stringify(sortedEntries(Object.entries(parsed.value))), expectedText, `fields read as ${encoding}`);
				}
			}),
			fuzzParameters(seedB),
		);
		// the generators must reach the comparable domain often enough to mean something
		expect(compared).toBeGreaterThan(FUZZ_RUNS / 4);
	});
});

/** The query the request carries for a token option. */
function queryFor(request: RequestRecipe): IDataObject {
	const token = request.callbackToken ?? '';
	switch (request.query) {
		case 'match':
			return { token };
		case 'missing':
			return {};
		case 'wrong':
			return { token: `${token}x` };
		case 'array':
			return { token: [token, token] };
		case 'otherCase':
			return { token: token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase() };
		case 'prefix':
			return { token: token.slice(0, -1) };
	}
}

/** n8n's parsed form body when it kept no raw bytes: repeated names become arrays. */
function parsedBodyOf(body: Buffer): IDataObject {
	const parsed: IDataObject = {};
	for (const [name, value] of whatwgParse(body.toString('utf8'))) {
		const previous = parsed[name];
		parsed[name] = previous === undefined ? value : ([] as string[]).concat(previous as string, value);
	}
	return parsed;
}

/** What the trigger must answer, computed without the trigger (except the form syntax, see (a)/(b)). */
function expectedOutcome(request: RequestRecipe, body: Buffer, query: IDataObject): { refused?: { status: number; code: number }; failed?: boolean } {
	const expectedToken = request.callbackToken ?? '';
	// the trigger compares the UTF-8 bytes of the tokens (constant-time); for strings without lone
	// surrogates, as the generator makes them, that is string equality
	if (expectedToken !== '' && query.token !== expectedToken) return { refused: { status: 403, code: 4003 } };
	const first = Array.isArray(request.contentType) ? request.contentType[0] : (request.contentType ?? '');
	if (first.split(';')[0].trim().toLowerCase() !== 'application/x-www-form-urlencoded') return { refused: { status: 415, code: 4004 } };
	const mb = request.maxBodySizeMb ?? 16;
	const maxBytes = Math.floor((mb > 0 ? mb : 16) * 1048576);
	const size = request.rawBody ? body.length : request.contentLength === 'exact' ? body.length : request.contentLength === 'huge' ? 1e12 : 0;
	if (size > maxBytes) return { refused: { status: 413, code: 4005 } };
	return {};
}

describe('fuzz: the trigger webhook', () => {
	const seedC = fuzzSeed(20_251_103);
	it(`(c) never throws; starts the workflow only for a matching token, digit requestId and integer code (${fuzzLabel(seedC)})`, async () => {
		const tally = { refused: 0, accepted: 0, dropped: 0 };
		const refusals: Record<string, number> = {};
		await fc.assert(
			fc.asyncProperty(bodyRecipeArb, requestRecipeArb, async (recipe, request) => {
				const body = buildBody(recipe);
				const query = queryFor(request);
				const headers: Record<string, string | string[]> = {};
				if (request.contentType !== undefined) headers['content-type'] = request.contentType;
				if (request.contentLength === 'exact') headers['content-length'] = String(body.length);
				if (request.contentLength === 'huge') headers['content-length'] = '1000000000000';
				if (request.contentLength === 'garbage') headers['content-length'] = 'lots';
				const options: IDataObject = {};
				if (request.callbackToken !== undefined) options.callbackToken = request.callbackToken;
				if (request.includeFailed !== undefined) options.includeFailed = request.includeFailed;
				if (request.textEncoding !== undefined) options.textEncoding = request.textEncoding;
				if (request.maxBodySizeMb !== undefined) options.maxBodySizeMb = request.maxBodySizeMb;
				const test = createWebhookContext({
					node: trigger,
					// Simplify off: the whole normalised callback is checked
					parameters: { simplify: false, options },
					headers,
					query,
					rawBody: request.rawBody ? body : undefined,
					bodyData: request.rawBody ? undefined : parsedBodyOf(body),
				});
				const result = await trigger.webhook.call(test.ctx);
				const outcome = classifyOutcome(result, test.response);
				tally[outcome.kind]++;
				if (outcome.kind === 'refused') refusals[`${outcome.status}/${outcome.code}`] = (refusals[`${outcome.status}/${outcome.code}`] ?? 0) + 1;

				const expected = expectedOutcome(request, body, query);
				if (expected.refused) {
					ensureSame(JSON.stringify(outcome), JSON.stringify({ kind: 'refused', ...expected.refused }), 'outcome');
					return;
				}
				if (outcome.kind === 'refused') {
					// only the body checks are left: malformed (4000), requestId (4001), code (4002)
					ensure([4000, 4001, 4002].includes(outcome.code) && outcome.status === 400, () => `refused with ${outcome.status}/${outcome.code}`);
					return;
				}
				// accepted or dropped: the token matched (checked above) and the body made sense
				if (outcome.kind === 'accepted') {
					const [callback] = outcome.items;
					expectSaneCallback(callback);
					// ("-0" is a code 0: Number gives -0, which equals 0 and is written 0 in JSON)
					ensure(request.includeFailed !== false || callback.code === 0, 'a failed recognition started the workflow with Include Failed off');
					// what started the workflow is what was sent: the requestId as received
					if (whatwgComparable(body)) {
						const sent = whatwgParse(body.toString('utf8'));
						ensureSame(callback.taskId, (sent.get('requestId') ?? '').trim(), 'taskId');
						ensure(callback.code === Number((sent.get('code') ?? '').trim()), 'code');
					}
				} else {
					// dropped: only a failed recognition with Include Failed Recognitions off
					ensureSame(request.includeFailed, false, 'dropped although Include Failed is not off');
				}
			}),
			fuzzParameters(seedC),
		);
		// every kind of outcome was reached (the counts are in the test output)
		process.stdout.write(`webhook outcomes (${fuzzLabel(seedC)}): ${JSON.stringify(tally)}, refusals ${JSON.stringify(refusals)}\n`);
		expect(tally.accepted).toBeGreaterThan(FUZZ_RUNS / 20);
		expect(tally.refused).toBeGreaterThan(FUZZ_RUNS / 20);
		expect(tally.dropped).toBeGreaterThan(0);
	});
});
