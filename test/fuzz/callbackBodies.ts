/**
 * Generators of Tencent ASR callback requests for the fuzz tests: real CreateRecTask and legacy
 * callback fields (built and form-encoded by the emulators' callback sender,
 * test/emulators/callbackSender.ts, exactly as Tencent sends them: docs/tencent-asr-callbacks.md#callback-request)
 * which are then mutated at the field level (duplicate and empty names, missing and extra fields,
 * odd requestIds and codes, fields of megabytes, other text encodings, other escapers) and at the
 * byte level (flips, truncation, inserted bytes, broken or re-cased %-escapes); plus entirely
 * random bodies, and random request options (token, content type, Text Encoding, Include Failed,
 * Max Body Size, raw body kept or not).
 *
 * A generated case is a small RECIPE (what fast-check prints and shrinks); {@link buildBody}
 * turns it into the bytes, so a counterexample stays readable even when the body is megabytes.
 */
import fc from 'fast-check';

import {
	buildLegacyCallback,
	buildRecTaskCallback,
	encodeCallbackForm,
	type CallbackTextEncoding as WireTextEncoding,
	type HexCase,
} from '../emulators/callbackSender';

/** A text made of `unit` repeated `times` times (so huge values stay small in the recipe). */
export interface Repeated {
	repeat: string;
	times: number;
}

/** A field value in a recipe: a string, or a repeated unit for huge values. */
export type RecipeValue = string | Repeated;

/** How one pair is written on the wire. */
export type PairEncoder =
	/** The emulator's encoder (test/emulators/callbackSender.ts): Tencent's own spelling. */
	| { kind: 'sender'; hexCase: HexCase; textEncoding: WireTextEncoding }
	/** `encodeURIComponent` (`%20` for spaces, `!'()*` left as they are). */
	| { kind: 'uri' }
	/** Not encoded at all: the characters as they are (`&`, `=`, `%` break the structure). */
	| { kind: 'raw' };

/** A change to the field list before encoding. */
export type FieldMutation =
	| { kind: 'duplicate'; index: number; value: RecipeValue }
	| { kind: 'emptyName'; at: number; value: RecipeValue }
	| { kind: 'remove'; index: number }
	| { kind: 'extra'; at: number; name: string; value: RecipeValue }
	| { kind: 'requestId'; value: RecipeValue }
	| { kind: 'code'; value: RecipeValue }
	| { kind: 'huge'; index: number; value: Repeated };

/** A change to the encoded body bytes. */
export type ByteMutation =
	| { kind: 'flip'; at: number; bit: number }
	| { kind: 'set'; at: number; byte: number }
	| { kind: 'truncate'; at: number }
	| { kind: 'insert'; at: number; bytes: number[] }
	| { kind: 'recase'; upper: boolean }
	| { kind: 'breakEscape'; nth: number; how: 'cut' | 'nonHex' | 'single' };

/** A body: fields (or random bytes), their mutations, how they are encoded, byte mutations. */
export type BodyRecipe =
	| {
			kind: 'callback';
			format: 'recTask' | 'legacy';
			fields: Array<[string, string]>;
			fieldMutations: FieldMutation[];
			encoder: PairEncoder;
			byteMutations: ByteMutation[];
	  }
	| { kind: 'randomBytes'; bytes: number[] }
	| { kind: 'randomText'; text: string };

/** Expands a {@link RecipeValue}. */
export function valueOf(value: RecipeValue): string {
	return typeof value === 'string' ? value : value.repeat.repeat(value.times);
}

function encodePair(name: string, value: RecipeValue, encoder: PairEncoder): string {
	if (encoder.kind === 'raw') return `${name}=${valueOf(value)}`;
	if (encoder.kind === 'uri') {
		// encodeURIComponent throws on lone surrogates; the sender's encoder writes them as U+FFFD
		try {
			return `${encodeURIComponent(name)}=${encodeURIComponent(valueOf(value))}`;
		} catch {
			return encodeCallbackForm({ [name]: valueOf(value) });
		}
	}
	// one pair at a time, so duplicate names survive (a Record would merge them); a repeated
	// value is encoded once and its encoding repeated (the same bytes: the encodings are
	// stateless; only the alternation of a "mixed" hex case restarts with each repetition)
	if (typeof value === 'string') return encodeCallbackForm({ [name]: value }, encoder.hexCase, encoder.textEncoding);
	const unit = encodeCallbackForm({ '': value.repeat }, encoder.hexCase, encoder.textEncoding).slice(1);
	return `${encodeCallbackForm({ [name]: '' }, encoder.hexCase)}${unit.repeat(value.times)}`;
}

function position(at: number, length: number): number {
	return length === 0 ? 0 : at % (length + 1);
}

function applyFieldMutation(pairs: Array<[string, RecipeValue]>, mutation: FieldMutation): void {
	const index = (i: number) => i % Math.max(1, pairs.length);
	switch (mutation.kind) {
		case 'duplicate':
			if (pairs.length > 0) pairs.push([pairs[index(mutation.index)][0], mutation.value]);
			break;
		case 'emptyName':
			pairs.splice(position(mutation.at, pairs.length), 0, ['', mutation.value]);
			break;
		case 'remove':
			if (pairs.length > 0) pairs.splice(index(mutation.index), 1);
			break;
		case 'extra':
			pairs.splice(position(mutation.at, pairs.length), 0, [mutation.name, mutation.value]);
			break;
		case 'requestId':
		case 'code': {
			const at = pairs.findIndex(([name]) => name === mutation.kind);
			if (at === -1) pairs.push([mutation.kind, mutation.value]);
			else pairs[at] = [mutation.kind, mutation.value];
			break;
		}
		case 'huge':
			if (pairs.length > 0) pairs[index(mutation.index)] = [pairs[index(mutation.index)][0], mutation.value];
			break;
	}
}

function applyByteMutation(body: Buffer, mutation: ByteMutation): Buffer {
	switch (mutation.kind) {
		case 'flip': {
			if (body.length === 0) return body;
			const copy = Buffer.from(body);
			copy[mutation.at % copy.length] ^= 1 << mutation.bit;
			return copy;
		}
		case 'set': {
			if (body.length === 0) return body;
			const copy = Buffer.from(body);
			copy[mutation.at % copy.length] = mutation.byte;
			return copy;
		}
		case 'truncate':
			return body.subarray(0, position(mutation.at, body.length));
		case 'insert': {
			const at = position(mutation.at, body.length);
			return Buffer.concat([body.subarray(0, at), Buffer.from(mutation.bytes), body.subarray(at)]);
		}
		case 'recase': {
			const text = body.toString('latin1');
			const changed = text.replace(/%[0-9A-Fa-f]{2}/g, (escape) => (mutation.upper ? escape.toUpperCase() : escape.toLowerCase()));
			return Buffer.from(changed, 'latin1');
		}
		case 'breakEscape': {
			const text = body.toString('latin1');
			const escapes = [...text.matchAll(/%[0-9A-Fa-f]{2}/g)];
			if (escapes.length === 0) return body;
			const at = escapes[mutation.nth % escapes.length].index as number;
			const replacement = mutation.how === 'cut' ? '%' : mutation.how === 'nonHex' ? `%G${text[at + 2]}` : `%${text[at + 1]}&`;
			return Buffer.from(text.slice(0, at) + replacement + text.slice(at + 3), 'latin1');
		}
	}
}

/** The body bytes a recipe stands for. */
export function buildBody(recipe: BodyRecipe): Buffer {
	if (recipe.kind === 'randomBytes') return Buffer.from(recipe.bytes);
	if (recipe.kind === 'randomText') return Buffer.from(recipe.text, 'utf8');
	const pairs = recipe.fields.map(([name, value]): [string, RecipeValue] => [name, value]);
	for (const mutation of recipe.fieldMutations) applyFieldMutation(pairs, mutation);
	// the sender's and encodeURIComponent's output is ASCII; raw pairs are written as UTF-8
	let body = Buffer.from(pairs.map(([name, value]) => encodePair(name, value, recipe.encoder)).join('&'), 'utf8');
	for (const mutation of recipe.byteMutations) body = applyByteMutation(body, mutation);
	return body;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const cjk = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((code) => String.fromCodePoint(code));
/** Characters and snippets that matter to a form parser or a text decoder. */
const tricky = fc.constantFrom(
	' ', '&', '=', '+', '%', '%2', '%zz', '%25', '\n', '\r\n', '\t', '。', '，', '？', '“', '”', '…', '\uFEFF', '\u0000',
	'\u00a0', '\u3000', 'é', 'ß', 'ι', 'лл', '喂', '您好', '😀', '\ud800', '\udc00', '[0:1.640,0:4.600]  ', '１２', '٣',
);
const anyChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
const asciiChar = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 });

/** Transcript-like text: CJK, ASCII, punctuation, tricky characters, any code unit. */
export const textArb = fc.string({
	unit: fc.oneof({ weight: 4, arbitrary: cjk }, { weight: 4, arbitrary: asciiChar }, { weight: 2, arbitrary: tricky }, { weight: 1, arbitrary: anyChar }),
	maxLength: 24,
});

/** A huge value: a unit repeated up to about `maxBytes` UTF-8 bytes (at most 2 MB here). */
export function repeatedArb(maxBytes: number): fc.Arbitrary<Repeated> {
	return fc
		.record({ repeat: fc.oneof(fc.constantFrom('a', '我', '%', 'x+y', '%E6%88%91', '&'), textArb.filter((t) => t.length > 0)), bytes: fc.integer({ min: 1, max: maxBytes }) })
		.map(({ repeat, bytes }) => ({ repeat, times: Math.max(1, Math.floor(bytes / Math.max(1, Buffer.byteLength(repeat)))) }));
}

/** Values: mostly short texts; one in 100 a field of up to 64 KB. */
export const valueArb: fc.Arbitrary<RecipeValue> = fc.oneof(
	{ weight: 99, arbitrary: textArb },
	{ weight: 1, arbitrary: repeatedArb(65536) },
);

/** requestIds Tencent never sends: not digits, signs, spaces, other digit scripts, huge. */
const oddRequestId: fc.Arbitrary<RecipeValue> = fc.oneof(
	fc.constantFrom('', ' ', ' 12 ', '12a', '-5', '+5', '0x1F', '1e5', '1.0', '١٢', '１２', '12\n', '\u00a012', '18446744073709551616', '0'),
	fc.bigInt({ min: 0n, max: 2n ** 70n }).map(String),
	fc.integer({ min: 1, max: 5000 }).map((n) => ({ repeat: '9', times: n })),
	textArb,
);

/** codes Tencent never sends: fractions, exponents, hex, signs, spaces, NaN, 400-digit numbers. */
const oddCode: fc.Arbitrary<RecipeValue> = fc.oneof(
	fc.constantFrom('', ' ', '0.5', '1e3', '-0', '+1', ' 0 ', '00', '٠', '０', '0x0', 'NaN', 'Infinity', '-', '10007 ', '9007199254740993', '-9007199254740993'),
	fc.integer({ min: -20000, max: 20000 }).map(String),
	fc.integer({ min: 15, max: 400 }).map((n) => ({ repeat: '9', times: n })),
	fc.integer({ min: 300, max: 400 }).map((n) => `1${'0'.repeat(n)}`),
	textArb,
);

/** Field names worth trying: the real ones, JavaScript's special property names, other casings. */
const fieldName = fc.oneof(
	fc.constantFrom(
		'code', 'requestId', 'appid', 'projectid', 'text', 'audioUrl', 'audioTime', 'message', 'resultDetail',
		'__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'RequestId', 'requestid',
		'request Id', 'a&b', 'a=b', '%', '\uFEFFcode', '您好',
	),
	textArb,
);

const failureCode = fc.constantFrom(0, 0, 0, 0, 10000, 10001, 10002, 10003, 10004, 10005, 10006, 10007);
const sentence = fc.record({
	FinalSentence: textArb,
	StartMs: fc.nat(10_000_000),
	EndMs: fc.nat(10_000_000),
	Words: fc.array(fc.record({ Word: textArb, OffsetStartMs: fc.nat(100_000), OffsetEndMs: fc.nat(100_000) }), { maxLength: 3 }),
});
const audioUrl = fc.option(
	fc.oneof(fc.constant('http://test.qq.com/voice_url'), textArb.map((t) => `https://example.com/a b/${t}.mp3?x=1&y=2`)),
	{ nil: undefined },
);

/** Fields of a CreateRecTask callback, built by the emulators' callback sender. */
export const recTaskFieldsArb = fc
	.record({
		taskId: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
		appId: fc.nat(),
		code: failureCode,
		message: fc.oneof(fc.constant(''), textArb),
		text: textArb,
		audioDurationSeconds: fc.double({ min: 0, max: 100_000, noNaN: true }),
		resultDetail: fc.option(fc.array(sentence, { maxLength: 3 })),
		audioUrl,
		detailCase: fc.constantFrom<'pascal' | 'camel'>('pascal', 'camel'),
	})
	.map((task) => Object.entries(buildRecTaskCallback(task)));

/** Fields of a legacy callback, built by the emulators' callback sender. */
export const legacyFieldsArb = fc
	.record({
		code: failureCode,
		message: fc.oneof(fc.constantFrom('success', '成功'), textArb),
		requestId: fc.nat(),
		appId: fc.oneof(fc.nat(), fc.constant('12000001')),
		projectId: fc.oneof(fc.nat(), fc.constant('0')),
		text: textArb,
		audioUrl,
		audioTimeSeconds: fc.double({ min: 0, max: 100_000, noNaN: true }),
	})
	.map((input) => Object.entries(buildLegacyCallback(input)));

const fieldMutationArb: fc.Arbitrary<FieldMutation> = fc.oneof(
	{ weight: 40, arbitrary: fc.record({ kind: fc.constant('duplicate' as const), index: fc.nat(), value: valueArb }) },
	{ weight: 40, arbitrary: fc.record({ kind: fc.constant('emptyName' as const), at: fc.nat(), value: valueArb }) },
	{ weight: 40, arbitrary: fc.record({ kind: fc.constant('remove' as const), index: fc.nat() }) },
	{ weight: 40, arbitrary: fc.record({ kind: fc.constant('extra' as const), at: fc.nat(), name: fieldName, value: valueArb }) },
	{ weight: 40, arbitrary: fc.record({ kind: fc.constant('requestId' as const), value: oddRequestId }) },
	{ weight: 40, arbitrary: fc.record({ kind: fc.constant('code' as const), value: oddCode }) },
	// about one recipe in 200 gets a field of up to 2 MB (the trigger's limit is 16 MB by default)
	{ arbitrary: fc.record({ kind: fc.constant('huge' as const), index: fc.nat(), value: repeatedArb(2 * 1048576) }), weight: 1 },
);

const encoderArb: fc.Arbitrary<PairEncoder> = fc.oneof(
	{
		weight: 8,
		arbitrary: fc.record({
			kind: fc.constant('sender' as const),
			hexCase: fc.constantFrom<HexCase>('upper', 'lower', 'mixed'),
			textEncoding: fc.constantFrom<WireTextEncoding>('utf-8', 'utf-8', 'gbk', 'gb2312', 'big5'),
		}),
	},
	{ weight: 1, arbitrary: fc.constant({ kind: 'uri' as const }) },
	{ weight: 1, arbitrary: fc.constant({ kind: 'raw' as const }) },
);

/** Byte sequences worth inserting: invalid UTF-8, raw GBK / BIG5, escapes good and broken. */
const interestingBytes = fc.oneof(
	fc.constantFrom(
		[0xc3, 0x28], [0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xef, 0xbb, 0xbf],
		[0xc4, 0xfa, 0xba, 0xc3], [0xb1, 0x7a, 0xa6, 0x6e], [0xce, 0xb9], [0xe6, 0x88, 0x91],
	).map((bytes): number[] => [...bytes]),
	fc.constantFrom('%', '%4', '%G0', '+', '&', '=', '&&', '%25', '%00', '%EF%BB%BF', '%C4%FA', '%e6%88%91', '%ED%A0%80', '&code=1', '&requestId=7').map((text) => [...Buffer.from(text, 'latin1')]),
	fc.array(fc.nat(255), { minLength: 1, maxLength: 8 }),
);

const byteMutationArb: fc.Arbitrary<ByteMutation> = fc.oneof(
	fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
	fc.record({ kind: fc.constant('set' as const), at: fc.nat(), byte: fc.nat(255) }),
	fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
	fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: interestingBytes }),
	fc.record({ kind: fc.constant('recase' as const), upper: fc.boolean() }),
	fc.record({ kind: fc.constant('breakEscape' as const), nth: fc.nat(), how: fc.constantFrom<'cut' | 'nonHex' | 'single'>('cut', 'nonHex', 'single') }),
);

/** Mutated real callbacks (most cases), unmutated real callbacks, random bytes and random text. */
export const bodyRecipeArb: fc.Arbitrary<BodyRecipe> = fc.oneof(
	{
		weight: 16,
		arbitrary: fc.record({
			kind: fc.constant('callback' as const),
			format: fc.constantFrom<'recTask' | 'legacy'>('recTask', 'legacy'),
			seed: fc.tuple(recTaskFieldsArb, legacyFieldsArb),
			fieldMutations: fc.oneof(fc.constant<FieldMutation[]>([]), fc.array(fieldMutationArb, { minLength: 1, maxLength: 3 })),
			encoder: encoderArb,
			byteMutations: fc.oneof(fc.constant<ByteMutation[]>([]), fc.array(byteMutationArb, { maxLength: 3 })),
		}).map(({ seed, format, ...rest }) => ({ ...rest, format, fields: format === 'recTask' ? seed[0] : seed[1] })),
	},
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant('randomBytes' as const), bytes: fc.array(fc.nat(255), { maxLength: 300 }) }) },
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant('randomText' as const),
			text: fc.string({ unit: fc.oneof(fc.constantFrom('=', '&', '%', '+', 'code', 'requestId', '0', '5', '%2', '%E6', '%zz'), asciiChar, tricky), maxLength: 40 }),
		}),
	},
);

/** How the trigger is configured and what else the request carries. */
export interface RequestRecipe {
	/** Callback Token option ('' = not set; undefined = option absent). */
	callbackToken: string | undefined;
	/** How the query's `token` relates to the option. */
	query: 'match' | 'missing' | 'wrong' | 'array' | 'otherCase' | 'prefix';
	contentType: string | string[] | undefined;
	includeFailed: boolean | undefined;
	textEncoding: string | undefined;
	maxBodySizeMb: number | undefined;
	/** False: n8n kept no raw body, the trigger gets only n8n's parsed body. */
	rawBody: boolean;
	/** Declared Content-Length header, when sent. */
	contentLength: 'exact' | 'absent' | 'huge' | 'garbage';
}

/** Content types: what Tencent sends, variants of it, and others. */
export const CONTENT_TYPES: ReadonlyArray<string | string[] | undefined> = [
	'application/x-www-form-urlencoded',
	'application/x-www-form-urlencoded',
	'application/x-www-form-urlencoded; charset=UTF-8',
	'APPLICATION/X-WWW-FORM-URLENCODED',
	' application/x-www-form-urlencoded ;charset=gbk',
	['application/x-www-form-urlencoded', 'text/plain'],
	undefined,
	'',
	'application/json',
	'text/plain',
	'multipart/form-data; boundary=x',
	'application/x-www-form-urlencodedx',
	'application/x-www-form-urlencoded,text/plain',
	['text/plain', 'application/x-www-form-urlencoded'],
];

export const requestRecipeArb: fc.Arbitrary<RequestRecipe> = fc.record({
	callbackToken: fc.oneof(
		fc.constant(undefined),
		fc.constant(''),
		fc.constantFrom('s3cret-token', 'Token', '令牌', ' spaced ', 'a'),
		fc.string({ unit: fc.oneof(asciiChar, cjk), minLength: 1, maxLength: 40 }),
	),
	// the request passes the token and content-type checks in most cases, so the body checks run
	query: fc.oneof(
		{ weight: 12, arbitrary: fc.constant<RequestRecipe['query']>('match') },
		{ weight: 5, arbitrary: fc.constantFrom<RequestRecipe['query']>('missing', 'wrong', 'array', 'otherCase', 'prefix') },
	),
	contentType: fc.oneof(
		{ weight: 3, arbitrary: fc.constantFrom(...CONTENT_TYPES.slice(0, 5)) },
		{ weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
	),
	includeFailed: fc.constantFrom(true, false, undefined),
	textEncoding: fc.constantFrom(undefined, 'auto', 'utf-8', 'gb18030', 'big5', 'latin1'),
	maxBodySizeMb: fc.constantFrom(undefined, undefined, 16, 1, 0.01, 0.001, 0, -1),
	rawBody: fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
	contentLength: fc.constantFrom<RequestRecipe['contentLength']>('exact', 'exact', 'absent', 'huge', 'garbage'),
});
