/**
 * Tests of the Tencent Cloud API 3.0 emulator: the TC3 verifier against the vectors of
 * docs/tencent-cloud-api.md#tc3-hmac-sha256-signing, every rejection path, CCC uploads/limits,
 * ASR task progress, uint64 TaskIds and CreateRecTask callbacks. Requests are signed by a small client-side signer written
 * here (independent of the emulator's verifier and of nodes/).
 */
import { createHash, createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { detectAudioFormat, encodeTestMp3, encodeTestWav, estimateAudioDurationSeconds } from './audio';
import { readBody, startFileServer, startServer, TranscriptRegistry, type RunningServer } from './common';
import {
	buildRecognition,
	formatResultTime,
	hostWithoutPort,
	parseJsonLossless,
	parseTc3Authorization,
	sha256Hex,
	startTencentCloudEmulator,
	tc3CanonicalRequest,
	tc3Signature,
	tc3StringToSign,
	toJsonText,
	utcDate,
	type TencentCloudEmulator,
	type TencentCloudEmulatorOptions,
} from './tencentCloud';

const SECRET_ID = 'AKIDemulatortest0001';
const SECRET_KEY = 'emulator-secret-key-0001';
const APP_ID = 1250000000;
const SDK_APP_ID = 1400123456;
const VERSIONS: Record<string, [string, string]> = {
	GetUserAppId: ['cam', '2019-01-16'],
	UploadIvrAudio: ['ccc', '2020-02-10'],
	DescribeIvrAudioList: ['ccc', '2020-02-10'],
	CreateRecTask: ['asr', '2019-06-14'],
	DescribeTaskStatus: ['asr', '2019-06-14'],
};

// ----- test-only client signer (TC3-HMAC-SHA256, docs/tencent-cloud-api.md) -------------------

interface CallOptions {
	action?: string;
	/** Raw JSON text, or a value serialised with JSON.stringify. Default `{}`. */
	body?: string | Record<string, unknown>;
	/** Bytes actually sent, when they must differ from the signed body. */
	sendBody?: string;
	service?: string;
	version?: string | null;
	timestamp?: number | string | null;
	secretId?: string;
	secretKey?: string;
	token?: string;
	/** Host value signed (default: the hostname without port). */
	signHost?: string;
	signedHeaders?: string[];
	contentType?: string;
	/** Credential-scope date (default: UTC date of the timestamp). */
	date?: string;
	/** Replaces the Authorization header (null: none). */
	authorization?: string | null;
}

interface CallResult {
	status: number;
	text: string;
	response: Record<string, any>;
}

function clientSign(secretKey: string, date: string, service: string, stringToSign: string): string {
	const hmac = (key: string | Buffer, data: string): Buffer => createHmac('sha256', key).update(data).digest();
	const signing = hmac(hmac(hmac(`TC3${secretKey}`, date), service), 'tc3_request');
	return createHmac('sha256', signing).update(stringToSign).digest('hex');
}

async function call(emu: TencentCloudEmulator, options: CallOptions = {}): Promise<CallResult> {
	const action = options.action ?? 'GetUserAppId';
	const [defaultService, defaultVersion] = VERSIONS[action] ?? ['cvm', '2017-03-12'];
	const service = options.service ?? defaultService;
	const body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body ?? {});
	const timestamp = options.timestamp === undefined ? emu.nowSeconds() : options.timestamp;
	const contentType = options.contentType ?? 'application/json; charset=utf-8';
	const host = options.signHost ?? new URL(emu.url).hostname;
	const signedHeaders = options.signedHeaders ?? ['content-type', 'host'];
	const values: Record<string, string> = { 'content-type': contentType, host, 'x-tc-action': action };
	const canonical = [
		'POST',
		'/',
		'',
		signedHeaders.map((name) => `${name}:${values[name].trim().toLowerCase()}\n`).join(''),
		signedHeaders.join(';'),
		createHash('sha256').update(body).digest('hex'),
	].join('\n');
	const date = options.date ?? new Date(Number(timestamp) * 1000).toISOString().slice(0, 10);
	const stringToSign = `TC3-HMAC-SHA256\n${timestamp}\n${date}/${service}/tc3_request\n${createHash('sha256').update(canonical).digest('hex')}`;
	const signature = clientSign(options.secretKey ?? SECRET_KEY, date, service, stringToSign);
	const headers: Record<string, string> = { 'content-type': contentType, 'x-tc-action': action };
	const version = options.version === undefined ? defaultVersion : options.version;
	if (version !== null) {
		headers['x-tc-version'] = version;
	}
	if (timestamp !== null) {
		headers['x-tc-timestamp'] = String(timestamp);
	}
	if (options.token !== undefined) {
		headers['x-tc-token'] = options.token;
	}
	const authorization =
		options.authorization === undefined
			? `TC3-HMAC-SHA256 Credential=${options.secretId ?? SECRET_ID}/${date}/${service}/tc3_request, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`
			: options.authorization;
	if (authorization !== null) {
		headers.authorization = authorization;
	}
	const answer = await request(`${emu.url}/`, { method: 'POST', headers, body: options.sendBody ?? body });
	const text = await answer.body.text();
	return { status: answer.statusCode, text, response: JSON.parse(text).Response };
}

const errorCode = (result: CallResult): string | undefined => result.response.Error?.Code;

// ----- fixtures ------------------------------------------------------------------------------

let dir: string;
let files: RunningServer;
const transcripts = new TranscriptRegistry();
const mp3 = encodeTestMp3(2.88, 1);
const wav = encodeTestWav(1.5, 16000, 2);
const unknownMp3 = encodeTestMp3(1.44, 3);
const zhMp3 = encodeTestMp3(4, 4);

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'tc-emu-'));
	await writeFile(join(dir, 'hello.mp3'), mp3);
	await writeFile(join(dir, 'hello.wav'), wav);
	await writeFile(join(dir, 'unknown.mp3'), unknownMp3);
	await writeFile(join(dir, 'zh.mp3'), zhMp3);
	await writeFile(join(dir, 'noext'), mp3);
	await writeFile(join(dir, 'song.ogg'), Buffer.from('OggS\0\0\0\0'));
	await writeFile(join(dir, 'text.mp3'), 'this is not audio at all');
	const big = Buffer.alloc(5 * 1024 * 1024 + 1);
	mp3.copy(big);
	await writeFile(join(dir, 'big.mp3'), big);
	files = await startFileServer(dir);
	transcripts.register(mp3, 'Hello world. How are you?', 2.38);
	transcripts.register(wav, '你好。');
	transcripts.register(zhMp3, '我在马上上夜班。明天见！');
});

afterAll(async () => {
	await files.close();
	await rm(dir, { recursive: true, force: true });
});

const emulators: TencentCloudEmulator[] = [];
async function start(extra: Partial<TencentCloudEmulatorOptions> = {}): Promise<TencentCloudEmulator> {
	const emu = await startTencentCloudEmulator({
		secretId: SECRET_ID,
		secretKey: SECRET_KEY,
		appId: APP_ID,
		sdkAppIds: [SDK_APP_ID],
		transcripts,
		freezeClock: true,
		...extra,
	});
	emulators.push(emu);
	return emu;
}
afterEach(async () => {
	await Promise.all(emulators.splice(0).map((emu) => emu.close()));
});

// ----- the verifier against the documented vectors ---------------------------------------------

describe('TC3 verifier (documented vectors, docs/tencent-cloud-api.md#tc3-hmac-sha256-signing)', () => {
	it('reproduces the first vector (cvm DescribeInstances, 2022-01-01)', () => {
		const body = '{"Action":"DescribeInstances","Version":"2017-03-12"}';
		const canonical = tc3CanonicalRequest({
			method: 'POST',
			headers: { 'content-type': 'application/json', host: 'cvm.tencentcloudapi.com' },
			signedHeaders: ['content-type', 'host'],
			body,
		});
		expect(utcDate(1640995200)).toBe('2022-01-01');
		const stringToSign = tc3StringToSign(1640995200, '2022-01-01', 'cvm', canonical);
		expect(tc3Signature('test-secret-key', '2022-01-01', 'cvm', stringToSign)).toBe(
			'96473b50fe407833672a5d6d067238d88bb44c8abcc39ef83baa3132afbfadd3',
		);
	});

	it('reproduces the public documentation example (body hash, canonical hash, signature)', () => {
		const body = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
		expect(sha256Hex(body)).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
		const canonical = tc3CanonicalRequest({
			method: 'POST',
			path: '/',
			query: '',
			headers: { 'content-type': 'application/json; charset=utf-8', host: 'cvm.tencentcloudapi.com' },
			signedHeaders: ['content-type', 'host'],
			body: Buffer.from(body),
		});
		expect(sha256Hex(canonical)).toBe('5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
		const date = utcDate(1551113065);
		expect(date).toBe('2019-02-25');
		const stringToSign = tc3StringToSign(1551113065, date, 'cvm', canonical);
		expect(tc3Signature('Gu5t9xGARNpq86cd98joQYCN3*******', date, 'cvm', stringToSign)).toBe(
			'2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
		);
		// The test-only client signer agrees with the verifier.
		expect(clientSign('Gu5t9xGARNpq86cd98joQYCN3*******', date, 'cvm', stringToSign)).toBe(
			'2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c',
		);
	});

	it('parses Authorization headers strictly and strips ports from Host', () => {
		const sig = 'a'.repeat(64);
		expect(
			parseTc3Authorization(`TC3-HMAC-SHA256 Credential=AKID/2024-01-02/asr/tc3_request, SignedHeaders=content-type;host, Signature=${sig}`),
		).toEqual({ secretId: 'AKID', date: '2024-01-02', service: 'asr', signedHeaders: ['content-type', 'host'], signature: sig });
		expect(parseTc3Authorization(undefined)).toBeUndefined();
		expect(parseTc3Authorization(`TC3-HMAC-SHA1 Credential=AKID/2024-01-02/asr/tc3_request, SignedHeaders=host, Signature=${sig}`)).toBeUndefined();
		expect(parseTc3Authorization(`TC3-HMAC-SHA256 Credential=AKID/2024-01-02/asr/tc3_request, SignedHeaders=host, Signature=xyz`)).toBeUndefined();
		expect(hostWithoutPort('127.0.0.1:9000')).toBe('127.0.0.1');
		expect(hostWithoutPort('ccc.tencentcloudapi.com')).toBe('ccc.tencentcloudapi.com');
		expect(hostWithoutPort('[::1]:9000')).toBe('[::1]');
	});
});

describe('lossless JSON', () => {
	it('keeps integers above 2^53 exactly, both ways', () => {
		const parsed = parseJsonLossless('{"TaskId": 9007199254740993, "n": 1.5, "s": "x\\u00e9", "a": [true, null, -3]}');
		expect(parsed).toEqual({ TaskId: 9007199254740993n, n: 1.5, s: 'xé', a: [true, null, -3] });
		expect(toJsonText({ Data: { TaskId: 18446744073709551615n, Text: 'a"b' } })).toBe(
			'{"Data":{"TaskId":18446744073709551615,"Text":"a\\"b"}}',
		);
	});

	it('rejects invalid JSON', () => {
		for (const text of ['', '{', '{"a":1,}', '[1 2]', "{'a':1}", '{"a":1} x', '01', '{"a":"\u0001"}']) {
			expect(() => parseJsonLossless(text)).toThrow(SyntaxError);
		}
	});
});

describe('audio inspection', () => {
	it('detects formats and estimates durations', () => {
		expect(detectAudioFormat(mp3)).toBe('mp3');
		expect(detectAudioFormat(wav)).toBe('wav');
		expect(detectAudioFormat(Buffer.from('OggS....'))).toBe('ogg');
		expect(detectAudioFormat(Buffer.from('hello'))).toBeUndefined();
		expect(estimateAudioDurationSeconds(wav)).toBeCloseTo(1.5, 3);
		expect(estimateAudioDurationSeconds(mp3)).toBeCloseTo(2.88, 2);
		expect(estimateAudioDurationSeconds(Buffer.from('hello'))).toBeUndefined();
	});

	it('formats result times and lays out sentences like Tencent', () => {
		expect(formatResultTime(20)).toBe('0:0.020');
		expect(formatResultTime(65100)).toBe('1:5.100');
		const basic = buildRecognition('Hello world. How are you?', 2.4, { resTextFormat: 0 });
		// Weights 11 and 10 characters over 2400 - 40 ms: 20 + 11/21 × 2360 = 1256.
		expect(basic.Result).toBe('[0:0.020,0:1.256]  Hello world.\n[0:1.256,0:2.380]  How are you?\n');
		expect(basic.ResultDetail).toBeNull();
		const detail = buildRecognition('Hello world.', 1, { resTextFormat: 1 });
		expect(detail.ResultDetail?.[0].Words.map((word) => word.Word)).toEqual(['Hello', 'world']);
		const punct = buildRecognition('Hello world.', 1, { resTextFormat: 2, filterPunc: 0 });
		expect(punct.ResultDetail?.[0].Words.map((word) => word.Word)).toEqual(['Hello', 'world', '.']);
		expect(buildRecognition('你好。', 1, { resTextFormat: 0, filterPunc: 1 }).Result).toBe('[0:0.020,0:0.980]  你好\n');
	});
});

// ----- authentication and envelope -----------------------------------------------------------

describe('API 3.0 authentication and envelope', () => {
	it('answers GetUserAppId for a correctly signed request (host signed without port)', async () => {
		const emu = await start({ uin: '100012345678' });
		const result = await call(emu);
		expect(result.status).toBe(200);
		expect(result.response).toEqual({
			Uin: '100012345678',
			OwnerUin: '100012345678',
			AppId: APP_ID,
			RequestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
		});
		expect(emu.requests[0]).toMatchObject({ action: 'GetUserAppId', service: 'cam', ok: true, timestampSkewSeconds: 0 });
	});

	it('rejects a signature computed over the Host header with its port', async () => {
		const emu = await start();
		const result = await call(emu, { signHost: new URL(emu.url).host });
		expect(result.status).toBe(200);
		expect(result.response.Error).toEqual({
			Code: 'AuthFailure.SignatureFailure',
			Message: 'The provided credentials could not be validated. Please check your signature is correct.',
		});
		expect(result.response.RequestId).toMatch(/^[0-9a-f-]{36}$/);
	});

	it('rejects a wrong key, an unknown SecretId and malformed or missing Authorization', async () => {
		const emu = await start();
		expect(errorCode(await call(emu, { secretKey: 'wrong' }))).toBe('AuthFailure.SignatureFailure');
		expect(errorCode(await call(emu, { secretId: 'AKIDunknown' }))).toBe('AuthFailure.SecretIdNotFound');
		expect(errorCode(await call(emu, { authorization: 'Bearer abc' }))).toBe('AuthFailure.InvalidAuthorization');
		expect(errorCode(await call(emu, { authorization: null }))).toBe('AuthFailure.InvalidAuthorization');
		expect(emu.requests.map((r) => r.ok)).toEqual([false, false, false, false]);
		expect(emu.requests.map((r) => r.errorCode)).toEqual([
			'AuthFailure.SignatureFailure',
			'AuthFailure.SecretIdNotFound',
			'AuthFailure.InvalidAuthorization',
			'AuthFailure.InvalidAuthorization',
		]);
	});

	it('checks X-TC-Timestamp presence, format and the 300 s window against its own clock', async () => {
		const emu = await start();
		const now = emu.nowSeconds();
		expect(errorCode(await call(emu, { timestamp: null }))).toBe('MissingParameter');
		expect(errorCode(await call(emu, { timestamp: 'soon', date: utcDate(now) }))).toBe('InvalidParameter');
		expect(errorCode(await call(emu, { timestamp: now - 301 }))).toBe('AuthFailure.SignatureExpire');
		expect(errorCode(await call(emu, { timestamp: now + 301 }))).toBe('AuthFailure.SignatureExpire');
		expect(errorCode(await call(emu, { timestamp: now - 299 }))).toBeUndefined();
		expect(errorCode(await call(emu, { timestamp: now + 299 }))).toBeUndefined();
		expect(emu.requests.at(-1)?.timestampSkewSeconds).toBe(299);
		await emu.advanceClock(400);
		const stale = await call(emu, { timestamp: now });
		expect(errorCode(stale)).toBe('AuthFailure.SignatureExpire');
		expect(stale.response.Error.Message).toMatch(/five minutes/);
		await emu.setClock(now);
		expect(errorCode(await call(emu, { timestamp: now }))).toBeUndefined();
	});

	it('requires the credential date to be the UTC date of the timestamp', async () => {
		const emu = await start();
		await emu.setClock(Date.UTC(2024, 0, 2, 1, 0, 0) / 1000);
		const ts = emu.nowSeconds();
		expect(errorCode(await call(emu, { timestamp: ts, date: '2024-01-01' }))).toBe('AuthFailure.SignatureFailure');
		expect(errorCode(await call(emu, { timestamp: ts, date: '2024-01-02' }))).toBeUndefined();
	});

	it('rejects a credential scope whose service is not the action’s service', async () => {
		const emu = await start();
		expect(errorCode(await call(emu, { action: 'GetUserAppId', service: 'ccc' }))).toBe('AuthFailure.SignatureFailure');
		expect(
			errorCode(await call(emu, { action: 'DescribeTaskStatus', service: 'ccc', body: { TaskId: 1 } })),
		).toBe('AuthFailure.SignatureFailure');
		expect(errorCode(await call(emu, { action: 'DescribeTaskStatus', service: 'asr', body: { TaskId: 1 } }))).toBe(
			'FailedOperation.NoSuchTask',
		);
	});

	it('requires content-type and host among the signed headers', async () => {
		const emu = await start();
		expect(errorCode(await call(emu, { signedHeaders: ['content-type'] }))).toBe('AuthFailure.InvalidAuthorization');
		expect(errorCode(await call(emu, { signedHeaders: ['host'] }))).toBe('AuthFailure.InvalidAuthorization');
		// More signed headers are fine (values lower-cased in the canonical form).
		expect(errorCode(await call(emu, { signedHeaders: ['content-type', 'host', 'x-tc-action'] }))).toBeUndefined();
	});

	it('hashes the exact body bytes received', async () => {
		const emu = await start();
		const result = await call(emu, { body: '{}', sendBody: '{ }' });
		expect(errorCode(result)).toBe('AuthFailure.SignatureFailure');
	});

	it('accepts application/json with or without charset and refuses other content types', async () => {
		const emu = await start();
		expect(errorCode(await call(emu, { contentType: 'application/json' }))).toBeUndefined();
		expect(errorCode(await call(emu, { contentType: 'text/plain' }))).toBe('InvalidParameter');
		expect(errorCode(await call(emu, { contentType: 'application/x-www-form-urlencoded' }))).toBe('InvalidParameter');
	});

	it('checks X-TC-Token against the session token', async () => {
		const temp = await start({ sessionToken: 'session-token-1' });
		expect(errorCode(await call(temp))).toBe('AuthFailure.TokenFailure');
		expect(errorCode(await call(temp, { token: 'other' }))).toBe('AuthFailure.TokenFailure');
		expect(errorCode(await call(temp, { token: 'session-token-1' }))).toBeUndefined();
		const permanent = await start();
		expect(errorCode(await call(permanent, { token: 'session-token-1' }))).toBe('AuthFailure.TokenFailure');
		expect(permanent.requests[0].token).toBe('session-token-1');
	});

	it('requires X-TC-Action and X-TC-Version, and rejects unknown actions and versions', async () => {
		const emu = await start();
		const missingVersion = await call(emu, { version: null });
		expect(errorCode(missingVersion)).toBe('MissingParameter');
		expect(missingVersion.response.Error.Message).toContain('`Version`');
		expect(errorCode(await call(emu, { action: 'DescribeInstances', service: 'cam', version: '2019-01-16' }))).toBe(
			'InvalidAction',
		);
		expect(errorCode(await call(emu, { version: '2017-03-12' }))).toBe('NoSuchVersion');
		expect(errorCode(await call(emu, { action: 'CreateRecTask', version: '2020-02-10', body: {} }))).toBe('NoSuchVersion');
	});

	it('rejects invalid JSON, non-object bodies, unknown, missing and mistyped parameters (case-sensitive)', async () => {
		const emu = await start();
		const list = (body: CallOptions['body']) => call(emu, { action: 'DescribeIvrAudioList', body });
		expect(errorCode(await list('{"SdkAppId":'))).toBe('InvalidParameter');
		expect(errorCode(await list('[1]'))).toBe('InvalidParameter');
		const unknown = await list({ SdkAppId: SDK_APP_ID, PageSize: 10, PageNumber: 0, Foo: 1 });
		expect(unknown.response.Error).toEqual({ Code: 'UnknownParameter', Message: 'The parameter `Foo` is not recognized.' });
		expect(errorCode(await list({ sdkAppId: SDK_APP_ID, PageSize: 10, PageNumber: 0 }))).toBe('UnknownParameter');
		const missing = await list({ SdkAppId: SDK_APP_ID, PageNumber: 0 });
		expect(missing.response.Error).toEqual({
			Code: 'MissingParameter',
			Message: 'The request is missing a required parameter `PageSize`.',
		});
		expect(errorCode(await list({ SdkAppId: String(SDK_APP_ID), PageSize: 10, PageNumber: 0 }))).toBe('InvalidParameterValue');
		expect(errorCode(await list({ SdkAppId: SDK_APP_ID, PageSize: 10, PageNumber: 0, FileId: ['1'] }))).toBe(
			'InvalidParameterValue',
		);
		expect(errorCode(await call(emu, { body: { Action: 'GetUserAppId' } }))).toBe('UnknownParameter');
	});

	it('injects failures and socket resets per action', async () => {
		const emu = await start();
		emu.failNext('GetUserAppId', 'InternalError', 'Injected internal error.', 2);
		emu.failNext('GetUserAppId', 'RequestLimitExceeded', 'slow down');
		expect((await call(emu)).response.Error).toEqual({ Code: 'InternalError', Message: 'Injected internal error.' });
		expect(errorCode(await call(emu))).toBe('InternalError');
		expect((await call(emu)).response.Error).toEqual({ Code: 'RequestLimitExceeded', Message: 'slow down' });
		expect(errorCode(await call(emu))).toBeUndefined();
		emu.resetNext('GetUserAppId');
		await expect(call(emu)).rejects.toThrow();
		expect(emu.requests.at(-1)).toMatchObject({ ok: true, reset: true });
		expect(errorCode(await call(emu))).toBeUndefined();
	});
});

// ----- CCC -----------------------------------------------------------------------------------

describe('CCC UploadIvrAudio / DescribeIvrAudioList', () => {
	const upload = (emu: TencentCloudEmulator, AudioList: unknown[], SdkAppId: unknown = SDK_APP_ID) =>
		call(emu, { action: 'UploadIvrAudio', body: { SdkAppId, AudioList } });
	const list = (emu: TencentCloudEmulator, extra: Record<string, unknown> = {}) =>
		call(emu, { action: 'DescribeIvrAudioList', body: { SdkAppId: SDK_APP_ID, PageSize: 20, PageNumber: 0, ...extra } });

	it('downloads mp3 and wav files and lists them as not yet reviewed', async () => {
		const emu = await start();
		const result = await upload(emu, [
			{ CustomFileName: 'welcome', AudioUrl: `${files.url}/hello.mp3` },
			{ CustomFileName: 'goodbye', AudioUrl: `${files.url}/hello.wav` },
			{ CustomFileName: 'no-extension', AudioUrl: `${files.url}/noext` },
		]);
		expect(result.response.FailedFileList).toBeNull();
		expect(result.response.SuccessFileList).toEqual([
			{ FileId: 1001, CustomFileName: 'welcome', AudioFileName: expect.stringMatching(/\.mp3$/), Status: 0 },
			{ FileId: 1002, CustomFileName: 'goodbye', AudioFileName: expect.stringMatching(/\.mp3$/), Status: 0 },
			{ FileId: 1003, CustomFileName: 'no-extension', AudioFileName: expect.stringMatching(/\.mp3$/), Status: 0 },
		]);
		expect(emu.uploads.map((file) => [file.format, file.bytes])).toEqual([
			['mp3', mp3.length],
			['wav', wav.length],
			['mp3', mp3.length],
		]);
		const listed = await list(emu);
		expect(listed.response.TotalCount).toBe(3);
		expect(listed.response.FileInfo[0]).toEqual(result.response.SuccessFileList[0]);
	});

	it('reports per-file failures in FailedFileList (SuccessFileList null when none succeeded)', async () => {
		const emu = await start();
		const closed = await startServer(() => undefined);
		const closedUrl = closed.url;
		await closed.close();
		const result = await upload(emu, [
			{ CustomFileName: 'missing', AudioUrl: `${files.url}/nothing-here.mp3` },
			{ CustomFileName: 'ogg', AudioUrl: `${files.url}/song.ogg` },
			{ CustomFileName: 'text', AudioUrl: `${files.url}/text.mp3` },
			{ CustomFileName: 'big', AudioUrl: `${files.url}/big.mp3` },
			{ CustomFileName: 'unreachable', AudioUrl: `${closedUrl}/a.mp3` },
			{ CustomFileName: 'not a url', AudioUrl: 'hello.mp3' },
		]);
		expect(result.response.SuccessFileList).toBeNull();
		expect(result.response.FailedFileList).toEqual([
			{ FileName: 'missing', FailedMsg: 'download file failed' },
			{ FileName: 'ogg', FailedMsg: 'file format not supported' },
			{ FileName: 'text', FailedMsg: 'file format not supported' },
			{ FileName: 'big', FailedMsg: 'file size exceeds limit' },
			{ FileName: 'unreachable', FailedMsg: 'download file failed' },
			{ FileName: 'not a url', FailedMsg: 'download file failed' },
		]);
		expect(emu.uploads).toHaveLength(0);
	});

	it('validates SdkAppId and AudioList', async () => {
		const emu = await start();
		const item = { CustomFileName: 'a', AudioUrl: `${files.url}/hello.mp3` };
		const step = () => emu.advanceClock(1);
		expect(errorCode(await upload(emu, [item], 1400999999))).toBe('InvalidParameterValue.InstanceNotExist');
		await step();
		expect(errorCode(await upload(emu, []))).toBe('InvalidParameterValue');
		await step();
		expect(errorCode(await upload(emu, Array.from({ length: 21 }, () => item)))).toBe('InvalidParameterValue');
		await step();
		const missing = await upload(emu, [{ CustomFileName: 'a' }]);
		expect(missing.response.Error.Message).toBe('The request is missing a required parameter `AudioList.0.AudioUrl`.');
		await step();
		expect(errorCode(await upload(emu, [{ ...item, Extra: 1 }]))).toBe('UnknownParameter');
		await step();
		expect(errorCode(await upload(emu, [{ ...item, CustomFileName: 5 }]))).toBe('InvalidParameterValue');
		await step();
		expect(errorCode(await upload(emu, [item]))).toBeUndefined();
	});

	it('allows 1 UploadIvrAudio per second per SecretId (emulator clock)', async () => {
		const emu = await start();
		const item = { CustomFileName: 'a', AudioUrl: `${files.url}/hello.mp3` };
		expect(errorCode(await upload(emu, [item]))).toBeUndefined();
		const limited = await upload(emu, [item]);
		expect(limited.response.Error).toEqual({
			Code: 'RequestLimitExceeded',
			Message:
				'Your current request times equals to `2` in a second, which exceeds the frequency limit `1` for a second. Please reduce the frequency of calls.',
		});
		await emu.advanceClock(0.5);
		expect(errorCode(await upload(emu, [item]))).toBe('RequestLimitExceeded');
		await emu.advanceClock(0.5);
		expect(errorCode(await upload(emu, [item]))).toBeUndefined();
		expect(emu.uploads).toHaveLength(2);
		// DescribeIvrAudioList allows 20/s.
		for (let i = 0; i < 20; i += 1) {
			expect(errorCode(await list(emu))).toBeUndefined();
		}
		expect(errorCode(await list(emu))).toBe('RequestLimitExceeded');
	});

	it('enforces 50 files a day, rejecting the whole request that would exceed it', async () => {
		const emu = await start();
		await emu.setClock(Date.UTC(2024, 5, 1, 4, 0, 0) / 1000);
		const item = (name: string) => ({ CustomFileName: name, AudioUrl: `${files.url}/hello.mp3` });
		emu.setDailyUploads(48);
		const over = await upload(emu, [item('a'), item('b'), item('c')]);
		expect(errorCode(over)).toBe('FailedOperation.UploadFileOverflow');
		expect(emu.uploads).toHaveLength(0);
		await emu.advanceClock(1);
		expect(errorCode(await upload(emu, [item('a'), item('b')]))).toBeUndefined();
		await emu.advanceClock(1);
		expect(errorCode(await upload(emu, [item('c')]))).toBe('FailedOperation.UploadFileOverflow');
		// The quota resets at midnight Beijing time (16:00 UTC).
		await emu.setClock(Date.UTC(2024, 5, 1, 16, 0, 1) / 1000);
		expect(errorCode(await upload(emu, [item('c')]))).toBeUndefined();
	});

	it('reviews files after approveAll() or reviewSeconds, rejecting names containing "reject"', async () => {
		const emu = await start({ reviewSeconds: 30 });
		await upload(emu, [
			{ CustomFileName: 'ok-1', AudioUrl: `${files.url}/hello.mp3` },
			{ CustomFileName: 'please-reject', AudioUrl: `${files.url}/hello.wav` },
		]);
		expect((await list(emu)).response.FileInfo.map((f: { Status: number }) => f.Status)).toEqual([0, 0]);
		await emu.advanceClock(31);
		expect((await list(emu)).response.FileInfo.map((f: { Status: number }) => f.Status)).toEqual([1, 2]);
		await upload(emu, [{ CustomFileName: 'ok-2', AudioUrl: `${files.url}/hello.mp3` }]);
		expect(emu.uploads.map((file) => file.Status)).toEqual([1, 2, 0]);
		emu.approveAll();
		expect(emu.uploads.map((file) => file.Status)).toEqual([1, 2, 1]);
	});

	it('pages and filters DescribeIvrAudioList', async () => {
		const emu = await start();
		const names = ['a', 'b', 'c', 'd', 'e'];
		await upload(emu, names.map((name) => ({ CustomFileName: name, AudioUrl: `${files.url}/hello.mp3` })));
		const page1 = await list(emu, { PageSize: 2, PageNumber: 1 });
		expect(page1.response.TotalCount).toBe(5);
		expect(page1.response.FileInfo.map((f: { CustomFileName: string }) => f.CustomFileName)).toEqual(['c', 'd']);
		const byName = await list(emu, { CustomFileName: ['b', 'e'] });
		expect(byName.response.FileInfo.map((f: { FileId: number }) => f.FileId)).toEqual([1002, 1005]);
		const byId = await list(emu, { FileId: [1003] });
		expect(byId.response.TotalCount).toBe(1);
		const fileName = byId.response.FileInfo[0].AudioFileName;
		expect((await list(emu, { AudioFileName: [fileName] })).response.FileInfo[0].CustomFileName).toBe('c');
		expect(errorCode(await list(emu, { PageSize: 51 }))).toBe('InvalidParameterValue');
		expect(errorCode(await list(emu, { PageNumber: -1 }))).toBe('InvalidParameterValue');
		expect(errorCode(await list(emu, { SdkAppId: 1 }))).toBe('InvalidParameterValue.InstanceNotExist');
	});

	it('records an upload whose answer was lost to a socket reset', async () => {
		const emu = await start();
		emu.resetNext('UploadIvrAudio');
		await expect(upload(emu, [{ CustomFileName: 'lost', AudioUrl: `${files.url}/hello.mp3` }])).rejects.toThrow();
		expect(emu.uploads.map((file) => file.CustomFileName)).toEqual(['lost']);
		expect((await list(emu)).response.FileInfo[0].CustomFileName).toBe('lost');
	});
});

// ----- ASR -----------------------------------------------------------------------------------

describe('ASR CreateRecTask / DescribeTaskStatus', () => {
	const create = (emu: TencentCloudEmulator, body: Record<string, unknown>) =>
		call(emu, {
			action: 'CreateRecTask',
			body: { EngineModelType: '16k_zh', ChannelNum: 1, ResTextFormat: 0, SourceType: 0, ...body },
		});
	/** Polls with the TaskId as a bare JSON number written from its decimal string (no precision loss). */
	const poll = (emu: TencentCloudEmulator, taskId: string) =>
		call(emu, { action: 'DescribeTaskStatus', body: `{"TaskId":${taskId}}` });
	const taskIdOf = (result: CallResult): string => {
		const match = /"TaskId":(\d+)/.exec(result.text);
		if (!match) {
			throw new Error(`no TaskId in ${result.text}`);
		}
		return match[1];
	};

	it('runs waiting → doing → success with Tencent-shaped results', async () => {
		const emu = await start();
		const created = await create(emu, { Url: `${files.url}/hello.mp3`, ResTextFormat: 2 });
		expect(created.text).toMatch(/^\{"Response":\{"Data":\{"TaskId":9007199254740993\},"RequestId":"[0-9a-f-]{36}"\}\}$/);
		const taskId = taskIdOf(created);
		const first = await poll(emu, taskId);
		expect(first.response.Data).toEqual({
			TaskId: expect.any(Number),
			Status: 0,
			StatusStr: 'waiting',
			AudioDuration: 0,
			Result: '',
			ErrorMsg: '',
			ResultDetail: null,
		});
		expect(first.text).toContain(`"TaskId":${taskId},`);
		expect((await poll(emu, taskId)).response.Data).toMatchObject({ Status: 1, StatusStr: 'doing' });
		const done = await poll(emu, taskId);
		expect(done.response.Data).toMatchObject({
			Status: 2,
			StatusStr: 'success',
			ErrorMsg: '',
			AudioDuration: 2.38,
			Result: '[0:0.020,0:1.246]  Hello world.\n[0:1.246,0:2.360]  How are you?\n',
		});
		const detail = done.response.Data.ResultDetail;
		expect(detail).toHaveLength(2);
		expect(detail[0]).toEqual({
			FinalSentence: 'Hello world.',
			SliceSentence: 'Hello world .',
			WrittenText: '',
			StartMs: 20,
			EndMs: 1246,
			WordsNum: 3,
			Words: [
				{ Word: 'Hello', OffsetStartMs: 0, OffsetEndMs: 409 },
				{ Word: 'world', OffsetStartMs: 409, OffsetEndMs: 817 },
				{ Word: '.', OffsetStartMs: 817, OffsetEndMs: 1226 },
			],
			SpeechSpeed: expect.any(Number),
			SpeakerId: 0,
			EmotionalEnergy: 0,
			SilenceTime: 0,
			EmotionType: [],
		});
		// Stays final.
		expect((await poll(emu, taskId)).response.Data.Status).toBe(2);
		expect(emu.tasks[0]).toMatchObject({ TaskId: taskId, polls: 4, SourceType: 0 });
	});

	it('honours taskSteps', async () => {
		const emu = await start({ taskSteps: { waitingPolls: 2, doingPolls: 0 } });
		const taskId = taskIdOf(await create(emu, { Url: `${files.url}/hello.wav` }));
		const statuses = [];
		for (let i = 0; i < 3; i += 1) {
			statuses.push((await poll(emu, taskId)).response.Data.StatusStr);
		}
		expect(statuses).toEqual(['waiting', 'waiting', 'success']);
	});

	it('recognises base64 Data, estimates durations from the header, and answers empty text for unknown audio', async () => {
		const emu = await start({ taskSteps: { waitingPolls: 0, doingPolls: 0 } });
		const fromData = taskIdOf(
			await create(emu, { SourceType: 1, Data: wav.toString('base64'), DataLen: wav.length, EngineModelType: '16k_zh' }),
		);
		expect((await poll(emu, fromData)).response.Data).toMatchObject({
			Status: 2,
			AudioDuration: 1.5,
			Result: '[0:0.020,0:1.480]  你好。\n',
			ResultDetail: null,
		});
		const unknown = taskIdOf(await create(emu, { Url: `${files.url}/unknown.mp3`, ResTextFormat: 1 }));
		expect((await poll(emu, unknown)).response.Data).toMatchObject({
			Status: 2,
			StatusStr: 'success',
			Result: '',
			ResultDetail: [],
			AudioDuration: 1.44,
		});
	});

	it('fails tasks whose audio cannot be downloaded or decoded', async () => {
		const emu = await start({ taskSteps: { waitingPolls: 0, doingPolls: 0 } });
		const missing = taskIdOf(await create(emu, { Url: `${files.url}/missing.mp3` }));
		expect((await poll(emu, missing)).response.Data).toMatchObject({
			Status: 3,
			StatusStr: 'failed',
			ErrorMsg: 'Failed to download audio file!',
			Result: '',
		});
		const garbage = Buffer.from('definitely not audio');
		const text = taskIdOf(await create(emu, { SourceType: 1, Data: garbage.toString('base64'), DataLen: garbage.length }));
		expect((await poll(emu, text)).response.Data).toMatchObject({ Status: 3, ErrorMsg: 'Failed to decode audio file!' });
	});

	it('validates CreateRecTask parameters', async () => {
		const emu = await start();
		const url = `${files.url}/hello.mp3`;
		const expectCode = async (body: Record<string, unknown>, code: string | undefined): Promise<void> => {
			await emu.advanceClock(1); // stay under CreateRecTask's 20 requests per second
			expect(errorCode(await create(emu, body))).toBe(code);
		};
		await expectCode({ Url: url, EngineModelType: '16k_klingon' }, 'InvalidParameterValue');
		await expectCode({ Url: url, ChannelNum: 2 }, 'InvalidParameterValue');
		await expectCode({ Url: url, ChannelNum: 2, EngineModelType: '8k_zh' }, undefined);
		await expectCode({ Url: url, ChannelNum: 3 }, 'InvalidParameterValue');
		await expectCode({ Url: url, ResTextFormat: 6 }, 'InvalidParameterValue');
		await expectCode({ Url: url, SourceType: 2 }, 'InvalidParameterValue');
		await expectCode({}, 'MissingParameter');
		await expectCode({ Url: 'ftp://example.com/a.mp3' }, 'InvalidParameterValue');
		await expectCode({ Url: url, CallbackUrl: 'not a url' }, 'InvalidParameterValue');
		await expectCode({ Url: url, FilterDirty: 3 }, 'InvalidParameterValue');
		await expectCode({ Url: url, Foo: 1 }, 'UnknownParameter');
		await expectCode({ Url: url, engineModelType: '16k_zh' }, 'UnknownParameter');
		await expectCode(
			{
				Url: url,
				CallbackUrl: 'http://127.0.0.1:1/cb',
				SpeakerDiarization: 1,
				SpeakerNumber: 2,
				HotwordId: 'abc',
				HotwordList: '腾讯云|10',
				CustomizationId: 'c1',
				FilterDirty: 1,
				FilterModal: 2,
				FilterPunc: 0,
				ConvertNumMode: 1,
				SentenceMaxLength: 10,
				EmotionRecognition: 0,
				EmotionalEnergy: 1,
				ReinforceHotword: 1,
				KeyWordLibIdList: ['k1'],
				ReplaceTextId: 'r1',
				Extra: '',
			},
			undefined,
		);
		const data = mp3.toString('base64');
		await expectCode({ SourceType: 1, Data: data }, 'MissingParameter');
		await expectCode({ SourceType: 1, Data: data, DataLen: mp3.length + 1 }, 'InvalidParameterValue');
		await expectCode({ SourceType: 1, Data: `${data.slice(0, 40)}\n${data.slice(40)}`, DataLen: mp3.length }, 'InvalidParameterValue');
		const big = Buffer.alloc(5 * 1024 * 1024 + 1);
		await expectCode({ SourceType: 1, Data: big.toString('base64'), DataLen: big.length }, 'InvalidParameterValue');
		const limit = Buffer.alloc(5 * 1024 * 1024);
		mp3.copy(limit);
		await expectCode({ SourceType: 1, Data: limit.toString('base64'), DataLen: limit.length }, undefined);
	});

	it('keeps uint64 TaskIds exact: a client that rounds through a double cannot find its task', async () => {
		const emu = await start({ taskSteps: { waitingPolls: 0, doingPolls: 0 } });
		const first = taskIdOf(await create(emu, { Url: `${files.url}/hello.mp3` }));
		const second = taskIdOf(await create(emu, { Url: `${files.url}/hello.wav` }));
		expect([first, second]).toEqual(['9007199254740993', '9007199254740994']);
		expect(BigInt(first) > 2n ** 53n).toBe(true);
		// A naive client: JSON.parse then JSON.stringify turns 9007199254740993 into 9007199254740992.
		const naive = JSON.stringify({ TaskId: JSON.parse(`{"TaskId":${first}}`).TaskId });
		expect(naive).toBe('{"TaskId":9007199254740992}');
		expect(errorCode(await call(emu, { action: 'DescribeTaskStatus', body: naive }))).toBe('FailedOperation.NoSuchTask');
		const exact = await poll(emu, first);
		expect(exact.text).toContain(`"TaskId":${first},`);
		expect(exact.response.Data.Result).toContain('Hello world.');
		expect(errorCode(await call(emu, { action: 'DescribeTaskStatus', body: { TaskId: first } }))).toBe('InvalidParameterValue');
		expect(errorCode(await call(emu, { action: 'DescribeTaskStatus', body: { TaskId: -1 } }))).toBe('InvalidParameterValue');
	});

	it('rate-limits DescribeTaskStatus at 50 per second', async () => {
		const emu = await start();
		const codes: Array<string | undefined> = [];
		for (let i = 0; i < 51; i += 1) {
			codes.push(errorCode(await call(emu, { action: 'DescribeTaskStatus', body: { TaskId: 1 } })));
		}
		expect(codes.slice(0, 50).every((code) => code === 'FailedOperation.NoSuchTask')).toBe(true);
		expect(codes[50]).toBe('RequestLimitExceeded');
	});
});

// ----- CreateRecTask callbacks ---------------------------------------------------------------

describe('CreateRecTask callbacks', () => {
	interface Received {
		contentType: string;
		body: string;
	}
	async function receiver(answers: Array<[number, string]>): Promise<{ server: RunningServer; received: Received[] }> {
		const received: Received[] = [];
		const server = await startServer(async (req, res) => {
			const body = (await readBody(req)).toString('utf8');
			received.push({ contentType: String(req.headers['content-type']), body });
			const [status, text] = answers[Math.min(received.length - 1, answers.length - 1)];
			res.writeHead(status, { 'content-type': 'application/json' }).end(text);
		});
		return { server, received };
	}
	const create = (emu: TencentCloudEmulator, body: Record<string, unknown>) =>
		call(emu, {
			action: 'CreateRecTask',
			body: { EngineModelType: '16k_zh', ChannelNum: 1, ResTextFormat: 0, SourceType: 0, ...body },
		});

	it('posts the form-urlencoded callback when a task is completed', async () => {
		const { server, received } = await receiver([[200, '{"code":0,"message":"success"}']]);
		try {
			const emu = await start({ callbackRetryIntervalMs: 0 });
			const created = await create(emu, {
				Url: `${files.url}/zh.mp3`,
				CallbackUrl: `${server.url}/cb?token=s3cret`,
				ResTextFormat: 0,
			});
			const taskId = /"TaskId":(\d+)/.exec(created.text)![1];
			const delivery = await emu.completeTask(taskId);
			expect(delivery?.accepted).toBe(true);
			expect(received).toHaveLength(1);
			expect(received[0].contentType).toBe('application/x-www-form-urlencoded');
			const form = new URLSearchParams(received[0].body);
			expect([...form.keys()]).toEqual(['code', 'requestId', 'appid', 'projectid', 'text', 'audioUrl', 'audioTime', 'message', 'resultDetail']);
			expect(Object.fromEntries(form)).toEqual({
				code: '0',
				requestId: taskId,
				appid: String(APP_ID),
				projectid: '0',
				// 111 frames × 36 ms = 3.996 s (duration estimated from the MP3 frames).
				text: '[0:0.020,0:2.657]  我在马上上夜班。\n[0:2.657,0:3.976]  明天见！\n',
				audioUrl: `${files.url}/zh.mp3`,
				audioTime: '3.996000',
				message: '',
				resultDetail: '',
			});
			expect(received[0].body).toContain('text=%5B0%3A0.020%2C0%3A2.657%5D++%E6%88%91');
			// The same outcome is visible by polling.
			const polled = await call(emu, { action: 'DescribeTaskStatus', body: `{"TaskId":${taskId}}` });
			expect(polled.response.Data.Result).toBe(form.get('text'));
			expect(emu.deliveries).toHaveLength(1);
		} finally {
			await server.close();
		}
	});

	it('sends resultDetail as JSON when ResTextFormat > 0, and failures with their code', async () => {
		const { server, received } = await receiver([[200, '{"code":"0"}']]);
		try {
			const emu = await start({ callbackDetailCase: 'camel' });
			await create(emu, { Url: `${files.url}/hello.mp3`, CallbackUrl: `${server.url}/a`, ResTextFormat: 1 });
			const garbage = Buffer.from('garbage');
			await create(emu, { SourceType: 1, Data: garbage.toString('base64'), DataLen: garbage.length, CallbackUrl: `${server.url}/b` });
			const deliveries = await emu.completeAll();
			expect(deliveries).toHaveLength(2);
			const forms = received.map((item) => new URLSearchParams(item.body));
			const ok = forms.find((form) => form.get('code') === '0')!;
			const detail = JSON.parse(ok.get('resultDetail')!);
			expect(detail[0]).toMatchObject({ finalSentence: 'Hello world.', startMs: 20, words: [{ word: 'Hello' }, { word: 'world' }] });
			const failed = forms.find((form) => form.get('code') !== '0')!;
			expect(Object.fromEntries(failed)).toMatchObject({
				code: '10000',
				message: 'Failed to decode audio file!',
				text: '',
				audioTime: '0.000000',
				resultDetail: '',
			});
			expect(failed.has('audioUrl')).toBe(false);
		} finally {
			await server.close();
		}
	});

	it('retries once when the receiver does not answer code 0, and never a third time', async () => {
		const { server, received } = await receiver([
			[200, '{"code":1,"message":"busy"}'],
			[200, '{"code":0,"message":"success"}'],
		]);
		const failing = await receiver([[500, 'oops']]);
		try {
			const emu = await start({ callbackRetryIntervalMs: 0 });
			await create(emu, { Url: `${files.url}/hello.mp3`, CallbackUrl: `${server.url}/cb` });
			await create(emu, { Url: `${files.url}/hello.mp3`, CallbackUrl: `${failing.server.url}/cb` });
			const [retried, refused] = await emu.completeAll();
			expect(retried.attempts.map((a) => [a.status, a.accepted])).toEqual([
				[200, false],
				[200, true],
			]);
			expect(retried.accepted).toBe(true);
			expect(received).toHaveLength(2);
			expect(received[0].body).toBe(received[1].body);
			expect(refused.attempts).toHaveLength(2);
			expect(refused.accepted).toBe(false);
			expect(failing.received).toHaveLength(2);
		} finally {
			await server.close();
			await failing.server.close();
		}
	});

	it('completes callback tasks on its own after the task steps of emulator time', async () => {
		const { server, received } = await receiver([[200, '{"code":0}']]);
		try {
			const emu = await start({ taskStepSeconds: 10 });
			await create(emu, { Url: `${files.url}/hello.mp3`, CallbackUrl: `${server.url}/cb` });
			await emu.advanceClock(20);
			expect(received).toHaveLength(0);
			await emu.advanceClock(10);
			expect(received).toHaveLength(1);
			expect(emu.tasks[0].outcome?.StatusStr).toBe('success');
			await emu.advanceClock(100);
			expect(received).toHaveLength(1);
		} finally {
			await server.close();
		}
	});
});
