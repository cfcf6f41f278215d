/**
 * TC3-HMAC-SHA256 request signing as Tencent Cloud API 3.0 verifies it, implemented independently
 * of nodes/ and credentials/ (docs/tencent-cloud-api.md#tc3-hmac-sha256-signing), and a lossless
 * JSON reader/writer: uint64 fields such as CreateRecTask's TaskId exceed 2^53 and must survive
 * both directions (docs/tencent-cloud-api.md#asr-describetaskstatus).
 */
import { createHash, createHmac } from 'node:crypto';

/** Hex SHA-256 of a UTF-8 string or of bytes. */
export function sha256Hex(data: string | Uint8Array): string {
	return createHash('sha256').update(data).digest('hex');
}

/** `YYYY-MM-DD`, the UTC date of a timestamp in seconds (the credential-scope date, docs/tencent-cloud-api.md#tc3-hmac-sha256-signing). */
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
 * (docs/tencent-cloud-api.md#tc3-hmac-sha256-signing). A signed header that is absent contributes an empty value (and so fails to verify).
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

/** `TC3-HMAC-SHA256\n<timestamp>\n<date>/<service>/tc3_request\n<hex sha256(canonical request)>` (docs/tencent-cloud-api.md#tc3-hmac-sha256-signing). */
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
 * kSigning = HMAC(kService, "tc3_request"), signature = hex HMAC(kSigning, stringToSign) (docs/tencent-cloud-api.md#tc3-hmac-sha256-signing).
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
