/**
 * Tests of the WeChat emulator itself (test/emulators/wechat.ts), over real HTTP with undici:
 * every rejection path, the token lifecycles, the voice upload/query rules, the audio checks
 * and fault injection. The node tests rely on these rules holding.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import FormDataPackage from 'form-data';
import { FormData, request } from 'undici';
import { audioHash, TranscriptRegistry } from './common';
import {
	inspectMpegAudio,
	parseMpegFrameHeader,
	startWeChatEmulator,
	WECHAT_ERRORS,
	type WeChatEmulator,
	type WeChatEmulatorOptions,
} from './wechat';

const APP_ID = 'wx1234567890abcdef';
const APP_SECRET = '0123456789abcdef0123456789abcdef';
const FIXTURE = join(__dirname, '..', 'fixtures', 'audio', 'speech-16k-mono.mp3');

/** MPEG-2 Layer III, 32 kbit/s, 16 kHz, mono, no CRC: 72 * 32000 / 16000 = 144-byte frames. */
const MONO_16K = [0xff, 0xf3, 0x48, 0xc4];
/** MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, stereo: floor(144 * 128000 / 44100) = 417-byte frames. */
const STEREO_44K = [0xff, 0xfb, 0x90, 0x04];
/** MPEG-2 Layer III, 32 kbit/s, 16 kHz, joint stereo. */
const STEREO_16K = [0xff, 0xf3, 0x48, 0x44];
/** MPEG-2 Layer III, 32 kbit/s, 22.05 kHz, mono: floor(72 * 32000 / 22050) = 104-byte frames. */
const MONO_22K = [0xff, 0xf3, 0x40, 0xc4];

/** `count` frames with `header`, each `frameBytes` long, payload bytes derived from `seed`. */
function frames(header: number[], frameBytes: number, count: number, seed = 1): Buffer {
	const out = Buffer.alloc(frameBytes * count);
	for (let f = 0; f < count; f++) {
		const at = f * frameBytes;
		out.set(header, at);
		for (let i = 4; i < frameBytes; i++) out[at + i] = (f * 31 + i * 7 + seed) & 0x7f;
	}
	return out;
}

/** An ID3v2.4 tag of `size` payload bytes (syncsafe size). */
function id3(size: number): Buffer {
	const tag = Buffer.alloc(10 + size);
	tag.write('ID3', 0, 'latin1');
	tag[3] = 4;
	tag[6] = (size >> 21) & 0x7f;
	tag[7] = (size >> 14) & 0x7f;
	tag[8] = (size >> 7) & 0x7f;
	tag[9] = size & 0x7f;
	return tag;
}

/** The spoken fixture if the fixture helper made it, else 20 generated 16 kHz mono frames. */
const SPEECH = existsSync(FIXTURE) ? readFileSync(FIXTURE) : Buffer.concat([id3(20), frames(MONO_16K, 144, 20)]);
const SPEECH_TEXT = '你好，欢迎使用语音识别。Hello world.';

interface Json {
	[key: string]: unknown;
}

let emulator: WeChatEmulator;
let transcripts: TranscriptRegistry;

async function start(options: Partial<WeChatEmulatorOptions> = {}): Promise<WeChatEmulator> {
	await emulator?.close();
	transcripts = new TranscriptRegistry();
	transcripts.register(SPEECH, SPEECH_TEXT);
	emulator = await startWeChatEmulator({
		appId: APP_ID,
		appSecret: APP_SECRET,
		transcripts,
		freezeClock: true,
		...options,
	});
	return emulator;
}

afterEach(async () => {
	await emulator?.close();
	emulator = undefined as unknown as WeChatEmulator;
});

async function get(path: string): Promise<{ text: string; json: Json; headers: Record<string, unknown> }> {
	const res = await request(`${emulator.url}${path}`);
	expect(res.statusCode).toBe(200);
	const text = await res.body.text();
	return { text, json: JSON.parse(text) as Json, headers: res.headers };
}

async function postJson(path: string, body: unknown, raw?: string): Promise<Json> {
	const res = await request(`${emulator.url}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: raw ?? JSON.stringify(body),
	});
	expect(res.statusCode).toBe(200);
	return (await res.body.json()) as Json;
}

function classicPath(overrides: Record<string, string | undefined> = {}): string {
	const params: Record<string, string | undefined> = {
		grant_type: 'client_credential',
		appid: APP_ID,
		secret: APP_SECRET,
		...overrides,
	};
	const query = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
	return `/cgi-bin/token?${query.toString()}`;
}

async function classicToken(): Promise<string> {
	const { json } = await get(classicPath());
	return json.access_token as string;
}

async function stable(force?: boolean, overrides: Json = {}): Promise<Json> {
	const body: Json = { grant_type: 'client_credential', appid: APP_ID, secret: APP_SECRET, ...overrides };
	if (force !== undefined) body.force_refresh = force;
	return await postJson('/cgi-bin/stable_token', body);
}

/** errcode of a call to get_api_domain_ip with `token` (0 when it answers the IP list). */
async function probe(token: string): Promise<number> {
	const { json } = await get(`/cgi-bin/get_api_domain_ip?access_token=${encodeURIComponent(token)}`);
	if (Array.isArray(json.ip_list)) return 0;
	return json.errcode as number;
}

function expectError(json: Json, errcode: number): void {
	expect(json.errcode).toBe(errcode);
	expect(typeof json.errmsg).toBe('string');
	expect(json.errmsg as string).toMatch(/ rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/);
	if (WECHAT_ERRORS[errcode]) expect((json.errmsg as string).startsWith(WECHAT_ERRORS[errcode])).toBe(true);
}

interface UploadOptions {
	token?: string;
	query?: Record<string, string | undefined>;
	partName?: string;
	fileName?: string;
}

async function upload(audio: Buffer, options: UploadOptions = {}): Promise<{ text: string; json: Json }> {
	const params: Record<string, string | undefined> = {
		access_token: options.token,
		format: 'mp3',
		voice_id: 'voice-1',
		lang: 'zh_CN',
		...options.query,
	};
	const query = new URLSearchParams();
	for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
	const form = new FormData();
	form.append(options.partName ?? 'media', new Blob([audio], { type: 'audio/mpeg' }), options.fileName ?? 'voice.mp3');
	const res = await request(`${emulator.url}/cgi-bin/media/voice/addvoicetorecofortext?${query.toString()}`, {
		method: 'POST',
		body: form,
	});
	expect(res.statusCode).toBe(200);
	const text = await res.body.text();
	return { text, json: JSON.parse(text) as Json };
}

async function query(token: string, voiceId = 'voice-1', lang: string | undefined = 'zh_CN', method: 'POST' | 'GET' = 'POST'): Promise<Json> {
	const params = new URLSearchParams({ access_token: token, voice_id: voiceId });
	if (lang !== undefined) params.set('lang', lang);
	const res = await request(`${emulator.url}/cgi-bin/media/voice/queryrecoresultfortext?${params.toString()}`, { method });
	expect(res.statusCode).toBe(200);
	return (await res.body.json()) as Json;
}

describe('MPEG audio inspection', () => {
	it('decodes the 16 kHz mono and 44.1 kHz stereo Layer III headers', () => {
		expect(parseMpegFrameHeader(Buffer.from(MONO_16K), 0)).toEqual({
			version: '2',
			layer: 3,
			bitrateKbps: 32,
			sampleRate: 16000,
			channelMode: 'mono',
			frameBytes: 144,
			samples: 576,
		});
		expect(parseMpegFrameHeader(Buffer.from(STEREO_44K), 0)).toMatchObject({
			version: '1',
			sampleRate: 44100,
			channelMode: 'stereo',
			frameBytes: 417,
			samples: 1152,
		});
		// Padding bit adds one byte.
		expect(parseMpegFrameHeader(Buffer.from([0xff, 0xfb, 0x92, 0x04]), 0)?.frameBytes).toBe(418);
	});

	it('rejects reserved and free-format headers', () => {
		expect(parseMpegFrameHeader(Buffer.from([0xff, 0xeb, 0x90, 0x04]), 0)).toBeUndefined(); // reserved version
		expect(parseMpegFrameHeader(Buffer.from([0xff, 0xf9, 0x90, 0x04]), 0)).toBeUndefined(); // reserved layer
		expect(parseMpegFrameHeader(Buffer.from([0xff, 0xfb, 0x00, 0x04]), 0)).toBeUndefined(); // free format
		expect(parseMpegFrameHeader(Buffer.from([0xff, 0xfb, 0xf0, 0x04]), 0)).toBeUndefined(); // bad bit rate
		expect(parseMpegFrameHeader(Buffer.from([0xff, 0xfb, 0x9c, 0x04]), 0)).toBeUndefined(); // reserved rate
		expect(parseMpegFrameHeader(Buffer.from([0xff, 0xfb, 0x90, 0x06]), 0)).toBeUndefined(); // reserved emphasis
	});

	it('skips ID3v2 and junk, needs a confirming second frame and counts the duration', () => {
		const audio = Buffer.concat([id3(300), Buffer.from('junk\xff\xf3', 'latin1'), frames(MONO_16K, 144, 50)]);
		const info = inspectMpegAudio(audio);
		expect(info).toMatchObject({ sampleRate: 16000, channels: 1, layer: 3, frames: 50 });
		expect(info?.firstFrameOffset).toBe(310 + 6);
		expect(info?.durationSeconds).toBeCloseTo((50 * 576) / 16000, 6);
		// One frame alone is not confirmed; nor are frames spaced at the wrong length.
		expect(inspectMpegAudio(frames(MONO_16K, 144, 1))).toBeUndefined();
		expect(inspectMpegAudio(frames(MONO_16K, 288, 10))).toBeUndefined();
		expect(inspectMpegAudio(frames(STEREO_44K, 417, 3))).toMatchObject({ sampleRate: 44100, channels: 2 });
	});

	it('is not fooled by other containers or text', () => {
		const wav = Buffer.concat([Buffer.from('RIFF\x00\x00\x00\x00WAVEfmt ', 'latin1'), frames(MONO_16K, 144, 5)]);
		expect(inspectMpegAudio(wav)).toBeUndefined();
		expect(inspectMpegAudio(Buffer.from('this is not audio at all, just text\n'.repeat(100)))).toBeUndefined();
	});

	it('reads the fixture as 16 kHz mono Layer III (or the generated stand-in)', () => {
		expect(inspectMpegAudio(SPEECH)).toMatchObject({ layer: 3, sampleRate: 16000, channels: 1 });
	});
});

describe('classic access_token (GET /cgi-bin/token)', () => {
	beforeEach(async () => {
		await start();
	});

	it('validates grant_type, appid and secret like WeChat', async () => {
		expectError((await get(classicPath({ grant_type: 'password' }))).json, 40002);
		expectError((await get(classicPath({ grant_type: undefined }))).json, 40002);
		expectError((await get(classicPath({ appid: undefined }))).json, 41002);
		expectError((await get(classicPath({ secret: undefined }))).json, 41004);
		expectError((await get(classicPath({ appid: 'wx0000000000000000' }))).json, 40013);
		expectError((await get(classicPath({ secret: 'wrong' }))).json, 40125);
		const post = await request(`${emulator.url}${classicPath()}`, { method: 'POST' });
		expectError((await post.body.json()) as Json, 43001);
		expect(emulator.tokenCalls.classic).toBe(7);
	});

	it('answers a long token with expires_in 7200, in WeChat content type', async () => {
		const { json, headers } = await get(classicPath());
		expect(headers['content-type']).toBe('application/json; encoding=utf-8');
		expect(json.expires_in).toBe(7200);
		expect(json.access_token as string).toMatch(/^[0-9]{2}_[A-Za-z0-9_-]{100,}$/);
		expect(await probe(json.access_token as string)).toBe(0);
	});

	it('issues a new token per call; the previous one lives 5 more minutes, then 40001', async () => {
		const first = await classicToken();
		const second = await classicToken();
		expect(second).not.toBe(first);
		emulator.advanceClock(299);
		expect(await probe(first)).toBe(0);
		expect(await probe(second)).toBe(0);
		emulator.advanceClock(1);
		expect(await probe(first)).toBe(40001);
		expect(await probe(second)).toBe(0);
	});

	it('expires tokens after their lifetime (42001)', async () => {
		const token = await classicToken();
		emulator.advanceClock(7199);
		expect(await probe(token)).toBe(0);
		emulator.advanceClock(1);
		expect(await probe(token)).toBe(42001);
	});

	it('honours tokenTtlSeconds', async () => {
		await start({ tokenTtlSeconds: 60 });
		const { json } = await get(classicPath());
		expect(json.expires_in).toBe(60);
		emulator.advanceClock(60);
		expect(await probe(json.access_token as string)).toBe(42001);
	});
});

describe('stable access_token (POST /cgi-bin/stable_token)', () => {
	beforeEach(async () => {
		await start();
	});

	it('rejects non-JSON bodies, bad force_refresh and GET', async () => {
		expectError(await postJson('/cgi-bin/stable_token', undefined, 'grant_type=client_credential'), 47001);
		expectError(await postJson('/cgi-bin/stable_token', undefined, '["client_credential"]'), 47001);
		expectError(await postJson('/cgi-bin/stable_token', undefined, ''), 47001);
		expectError(await stable(undefined, { force_refresh: 'false' }), 47001);
		const res = await request(`${emulator.url}/cgi-bin/stable_token`);
		expectError((await res.body.json()) as Json, 43002);
	});

	it('validates grant_type, appid and secret', async () => {
		expectError(await stable(false, { grant_type: 'x' }), 40002);
		expectError(await stable(false, { appid: 'wxunknown' }), 40013);
		expectError(await stable(false, { secret: 'bad' }), 40125);
		expectError(await stable(false, { appid: undefined }), 41002);
	});

	it('returns the same token with the remaining expires_in, renewing inside the last 5 minutes', async () => {
		const first = await stable(false);
		expect(first.expires_in).toBe(7200);
		emulator.advanceClock(1000);
		const again = await stable();
		expect(again.access_token).toBe(first.access_token);
		expect(again.expires_in).toBe(6200);
		emulator.advanceClock(5900); // 300 s left: still the same
		expect((await stable()).access_token).toBe(first.access_token);
		emulator.advanceClock(1); // 299 s left: renewed
		const renewed = await stable();
		expect(renewed.access_token).not.toBe(first.access_token);
		expect(renewed.expires_in).toBe(7200);
		// The old token lives to its own expiry, then 42001.
		expect(await probe(first.access_token as string)).toBe(0);
		emulator.advanceClock(299);
		expect(await probe(first.access_token as string)).toBe(42001);
		expect(await probe(renewed.access_token as string)).toBe(0);
		expect(emulator.tokenCalls).toEqual({ classic: 0, stable: 4, forced: 0 });
	});

	it('force_refresh issues a new token, invalidates the previous one, 30 s apart, 20 a day', async () => {
		const normal = await stable(false);
		const forced = await stable(true);
		expect(forced.access_token).not.toBe(normal.access_token);
		expect(await probe(normal.access_token as string)).toBe(40001);
		expect(await probe(forced.access_token as string)).toBe(0);
		// Normal mode now returns the forced token.
		expect((await stable(false)).access_token).toBe(forced.access_token);

		emulator.advanceClock(29);
		expectError(await stable(true), 45011);
		emulator.advanceClock(1);
		expect(typeof (await stable(true)).access_token).toBe('string');
		for (let i = 3; i <= 20; i++) {
			emulator.advanceClock(30);
			expect(typeof (await stable(true)).access_token).toBe('string');
		}
		emulator.advanceClock(30);
		expectError(await stable(true), 45009);
		expect(emulator.tokenCalls.forced).toBe(22);
		// A new Beijing day resets the quota.
		emulator.advanceClock(86400);
		expect(typeof (await stable(true)).access_token).toBe('string');
	});

	it('keeps stable and classic tokens independent', async () => {
		const stableToken = (await stable()).access_token as string;
		const classic1 = await classicToken();
		await classicToken();
		emulator.advanceClock(301);
		expect(await probe(classic1)).toBe(40001);
		expect(await probe(stableToken)).toBe(0);
		expect((await stable()).access_token).toBe(stableToken);
		const classic3 = await classicToken();
		await stable(true);
		expect(await probe(classic3)).toBe(0);
	});
});

describe('access_token checks on API calls', () => {
	beforeEach(async () => {
		await start();
	});

	it('distinguishes missing, malformed, unknown, invalidated and expired tokens', async () => {
		expectError((await get('/cgi-bin/get_api_domain_ip')).json, 41001);
		expectError((await get('/cgi-bin/get_api_domain_ip?access_token=')).json, 41001);
		const token = await classicToken();
		expect(await probe(token.slice(0, 100))).toBe(40014);
		expect(await probe(`${token.slice(0, -1)}%`)).toBe(40014);
		expect(await probe(`${token} `)).toBe(40014);
		expect(await probe(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBe(40001);
		expect(await probe(token)).toBe(0);
		emulator.invalidateAllTokens();
		expect(await probe(token)).toBe(40001);
		const fresh = (await stable()).access_token as string;
		expect(await probe(fresh)).toBe(0);
		emulator.expireAllTokens();
		expect(await probe(fresh)).toBe(42001);
		// After an invalidation, normal-mode stable_token hands out a new token.
		const next = (await stable()).access_token as string;
		expect(next).not.toBe(fresh);
		expect(await probe(next)).toBe(0);
	});

	it('answers get_api_domain_ip with an IP list; POST is refused', async () => {
		const token = await classicToken();
		const { json } = await get(`/cgi-bin/get_api_domain_ip?access_token=${token}`);
		expect((json.ip_list as string[]).length).toBeGreaterThan(0);
		const res = await request(`${emulator.url}/cgi-bin/get_api_domain_ip?access_token=${token}`, { method: 'POST' });
		expectError((await res.body.json()) as Json, 43001);
	});

	it('never stores tokens or secrets in the request log', async () => {
		const token = await classicToken();
		await stable();
		await upload(SPEECH, { token });
		const log = JSON.stringify(emulator.requests);
		expect(log).not.toContain(token);
		expect(log).not.toContain(APP_SECRET);
		expect(emulator.requests[0].query).toMatchObject({ secret: '<redacted>', appid: APP_ID });
		expect(emulator.requests[1].body).toMatchObject({ secret: '<redacted>', appid: APP_ID });
		expect(emulator.requests[2].query.access_token).toBe('<redacted>');
	});

	it('answers unknown paths with HTTP 404', async () => {
		const res = await request(`${emulator.url}/cgi-bin/media/upload`);
		expect(res.statusCode).toBe(404);
		await res.body.text();
	});
});

describe('voice upload (addvoicetorecofortext)', () => {
	let token: string;
	beforeEach(async () => {
		await start();
		token = await classicToken();
	});

	it('accepts a 16 kHz mono mp3 and answers errcode as the STRING "0"', async () => {
		const { text, json } = await upload(SPEECH, { token });
		expect(json).toEqual({ errcode: '0', errmsg: 'ok' });
		expect(text).toContain('"errcode":"0"');
		expect(emulator.uploads).toEqual(['voice-1']);
		expect(emulator.requests.at(-1)).toMatchObject({
			api: 'upload',
			method: 'POST',
			partNames: ['media'],
			fileName: 'voice.mp3',
			fileBytes: SPEECH.length,
			errcode: 0,
		});
		expect(emulator.requests.at(-1)?.contentType).toMatch(/^multipart\/form-data; boundary=/);
	});

	it('accepts the form-data package too (what n8n sends)', async () => {
		const form = new FormDataPackage();
		form.append('media', SPEECH, { filename: 'a.mp3', contentType: 'audio/mpeg' });
		const res = await request(
			`${emulator.url}/cgi-bin/media/voice/addvoicetorecofortext?access_token=${token}&format=mp3&voice_id=fd1`,
			{ method: 'POST', headers: form.getHeaders(), body: form.getBuffer() },
		);
		expect(await res.body.json()).toEqual({ errcode: '0', errmsg: 'ok' });
		expect(emulator.uploads).toEqual(['fd1']);
	});

	it('checks the token first', async () => {
		expectError((await upload(SPEECH)).json, 41001);
		expectError((await upload(SPEECH, { token: 'short' })).json, 40014);
		emulator.expireAllTokens();
		expectError((await upload(SPEECH, { token })).json, 42001);
		expect(emulator.uploads).toEqual([]);
	});

	it('requires format=mp3, a voice_id and a valid lang', async () => {
		expectError((await upload(SPEECH, { token, query: { format: undefined } })).json, 40004);
		expectError((await upload(SPEECH, { token, query: { format: 'wav' } })).json, 40004);
		expectError((await upload(SPEECH, { token, query: { format: 'MP3' } })).json, 40004);
		expectError((await upload(SPEECH, { token, query: { voice_id: undefined } })).json, 41006);
		expectError((await upload(SPEECH, { token, query: { voice_id: '' } })).json, 41006);
		expectError((await upload(SPEECH, { token, query: { lang: 'zh_TW' } })).json, 40097);
		expectError((await upload(SPEECH, { token, query: { lang: '' } })).json, 40097);
		expect((await upload(SPEECH, { token, query: { lang: undefined } })).json.errcode).toBe('0');
		expect((await upload(SPEECH, { token, query: { lang: 'en_US', voice_id: 'en' } })).json.errcode).toBe('0');
		const res = await request(
			`${emulator.url}/cgi-bin/media/voice/addvoicetorecofortext?access_token=${token}&format=mp3&voice_id=x`,
		);
		expectError((await res.body.json()) as Json, 43002);
	});

	it('requires a multipart file part named exactly "media"', async () => {
		expectError((await upload(SPEECH, { token, partName: 'file' })).json, 41005);
		expectError((await upload(SPEECH, { token, partName: 'Media' })).json, 41005);
		expectError((await upload(Buffer.alloc(0), { token })).json, 41005);
		const url = `${emulator.url}/cgi-bin/media/voice/addvoicetorecofortext?access_token=${token}&format=mp3&voice_id=v`;
		// A text field called media is not a file.
		const fields = new FormData();
		fields.append('media', 'not a file');
		let res = await request(url, { method: 'POST', body: fields });
		expectError((await res.body.json()) as Json, 41005);
		// Raw bytes, not multipart.
		res = await request(url, { method: 'POST', headers: { 'content-type': 'audio/mpeg' }, body: SPEECH });
		expectError((await res.body.json()) as Json, 41005);
		// Truncated multipart.
		res = await request(url, {
			method: 'POST',
			headers: { 'content-type': 'multipart/form-data; boundary=XYZ' },
			body: '--XYZ\r\nContent-Disposition: form-data; name="media"; filename="a.mp3"\r\n\r\nabc',
		});
		expectError((await res.body.json()) as Json, 41005);
		expect(emulator.uploads).toEqual([]);
		expect(emulator.requests.at(-3)?.partNames).toEqual(['media']);
	});

	it('limits the voice to 1,048,576 bytes (40010) without buffering big uploads', async () => {
		const exact = Buffer.concat([SPEECH, Buffer.alloc(1_048_576 - SPEECH.length)]);
		expect((await upload(exact, { token, query: { voice_id: 'exact' } })).json.errcode).toBe('0');
		expectError((await upload(Buffer.alloc(1_048_577), { token })).json, 40010);
		const started = Date.now();
		expectError((await upload(Buffer.alloc(50 * 1024 * 1024), { token })).json, 40010);
		expect(Date.now() - started).toBeLessThan(10_000);
		expect(emulator.requests.at(-1)?.fileBytes).toBe(1_048_577);
		expect(emulator.uploads).toEqual(['exact']);
		// The connection is still usable afterwards.
		expect(await probe(token)).toBe(0);
	});

	it('lets a re-used voice_id replace the earlier upload', async () => {
		const other = frames(MONO_16K, 144, 30, 9);
		transcripts.register(other, 'second recording');
		await upload(SPEECH, { token, query: { voice_id: 'same' } });
		await upload(other, { token, query: { voice_id: 'same' } });
		expect(emulator.uploads).toEqual(['same', 'same']);
		expect(await query(token, 'same')).toEqual({ result: '', is_end: false });
		expect(await query(token, 'same')).toEqual({ result: 'second recording', is_end: true });
	});
});

describe('recognition result (queryrecoresultfortext)', () => {
	let token: string;

	it('complete mode: "not ready" for processingPolls calls, then the whole text, again on later calls', async () => {
		await start({ processingPolls: 2 });
		token = await classicToken();
		await upload(SPEECH, { token });
		expect(await query(token)).toEqual({ result: '', is_end: false });
		expect(await query(token, 'voice-1', 'zh_CN', 'GET')).toEqual({ result: '', is_end: false });
		expect(await query(token)).toEqual({ result: SPEECH_TEXT, is_end: true });
		expect(await query(token, 'voice-1', 'zh_CN', 'GET')).toEqual({ result: SPEECH_TEXT, is_end: true });
	});

	it('processingPolls 0 answers at once', async () => {
		await start({ processingPolls: 0 });
		token = await classicToken();
		await upload(SPEECH, { token });
		expect(await query(token)).toEqual({ result: SPEECH_TEXT, is_end: true });
	});

	it('partial mode: up to 3 incremental chunks that concatenate to the text', async () => {
		await start({ resultMode: 'partial' });
		token = await classicToken();
		await upload(SPEECH, { token });
		expect(await query(token)).toEqual({ result: '', is_end: false });
		const answers: Json[] = [];
		for (let i = 0; i < 3; i++) answers.push(await query(token));
		expect(answers.map((a) => a.is_end)).toEqual([false, false, true]);
		expect(answers.map((a) => a.result).join('')).toBe(SPEECH_TEXT);
		expect(answers.every((a) => (a.result as string).length > 0)).toBe(true);
		expect(await query(token)).toEqual({ result: '', is_end: true });
	});

	it('partial mode keeps surrogate pairs whole and short texts in fewer chunks', async () => {
		await start({ resultMode: 'partial', processingPolls: 0 });
		token = await classicToken();
		transcripts.register(SPEECH, '😀😀');
		await upload(SPEECH, { token });
		expect(await query(token)).toEqual({ result: '😀', is_end: false });
		expect(await query(token)).toEqual({ result: '😀', is_end: true });
	});

	it('answers unknown audio with an empty final result', async () => {
		await start({ processingPolls: 0 });
		token = await classicToken();
		await upload(frames(MONO_16K, 144, 40, 5), { token });
		expect(await query(token)).toEqual({ result: '', is_end: true });
	});

	it('recognises nothing in stereo, non-16 kHz or non-mp3 audio, even when registered', async () => {
		await start({ processingPolls: 0 });
		token = await classicToken();
		const cases: Array<[string, Buffer]> = [
			['stereo44', frames(STEREO_44K, 417, 20)],
			['stereo16', frames(STEREO_16K, 144, 20)],
			['mono22', frames(MONO_22K, 104, 20)],
			['wav', Buffer.concat([Buffer.from('RIFF\x24\x00\x00\x00WAVEfmt ', 'latin1'), Buffer.alloc(4000)])],
			['text', Buffer.from('hello, this is a text file, not audio\n'.repeat(20))],
		];
		for (const [voiceId, audio] of cases) {
			transcripts.register(audio, `text of ${voiceId}`);
			expect((await upload(audio, { token, query: { voice_id: voiceId } })).json).toEqual({ errcode: '0', errmsg: 'ok' });
			expect(await query(token, voiceId)).toEqual({ result: '', is_end: true });
		}
		// The same registry entry works for proper audio.
		const mono = frames(MONO_16K, 144, 20);
		transcripts.register(mono, 'mono text');
		await upload(mono, { token, query: { voice_id: 'mono' } });
		expect(await query(token, 'mono')).toEqual({ result: 'mono text', is_end: true });
	});

	it('closes the 10-second window (40007), rejects unknown ids and a different lang', async () => {
		await start({ processingPolls: 0 });
		token = await classicToken();
		await upload(SPEECH, { token });
		expectError(await query(token, 'nope'), 40007);
		expectError(await query(token, 'voice-1', 'en_US'), 40097);
		expectError(await query(token, 'voice-1', 'xx'), 40097);
		expectError(await query(token, ''), 41006);
		emulator.advanceClock(10);
		expect(await query(token)).toEqual({ result: SPEECH_TEXT, is_end: true });
		emulator.advanceClock(0.001);
		expectError(await query(token), 40007);
		// lang omitted means zh_CN, which must match the upload's.
		await upload(SPEECH, { token, query: { voice_id: 'en', lang: 'en_US' } });
		expectError(await query(token, 'en', undefined), 40097);
		expect(await query(token, 'en', 'en_US')).toEqual({ result: SPEECH_TEXT, is_end: true });
	});

	it('checks the token on queries', async () => {
		await start();
		token = await classicToken();
		await upload(SPEECH, { token });
		const res = await request(`${emulator.url}/cgi-bin/media/voice/queryrecoresultfortext?voice_id=voice-1`, {
			method: 'POST',
		});
		expectError((await res.body.json()) as Json, 41001);
		emulator.invalidateAllTokens();
		expectError(await query(token), 40001);
		const res2 = await request(`${emulator.url}/cgi-bin/media/voice/queryrecoresultfortext?access_token=${token}&voice_id=voice-1`, {
			method: 'PUT',
		});
		expectError((await res2.body.json()) as Json, 43002);
	});

	it('runs on real time by default', async () => {
		await start({ freezeClock: false });
		const before = emulator.now();
		expect(Math.abs(before - Date.now())).toBeLessThan(1000);
		emulator.advanceClock(5);
		expect(emulator.now() - Date.now()).toBeGreaterThanOrEqual(4900);
	});
});

describe('fault injection', () => {
	let token: string;
	beforeEach(async () => {
		await start({ processingPolls: 0 });
		token = await classicToken();
	});

	it('failNext answers the errcode before any check, count times, then recovers', async () => {
		emulator.failNext('upload', -1, 2);
		expectError((await upload(SPEECH, { token })).json, -1);
		expectError((await upload(SPEECH, { token })).json, -1);
		expect((await upload(SPEECH, { token })).json).toEqual({ errcode: '0', errmsg: 'ok' });
		expect(emulator.requests.slice(-3).map((r) => [r.fault, r.errcode, r.fileBytes])).toEqual([
			['fail', -1, SPEECH.length],
			['fail', -1, SPEECH.length],
			[undefined, 0, SPEECH.length],
		]);
		emulator.failNext('query', 45009);
		expectError(await query(token), 45009);
		expect(await query(token)).toEqual({ result: SPEECH_TEXT, is_end: true });
	});

	it('failNext works on token endpoints, with a custom errmsg', async () => {
		emulator.failNext('token', 40164);
		expectError((await get(classicPath())).json, 40164);
		emulator.failNext('stable_token', 45009, 1, 'custom message');
		expect(await stable()).toEqual({ errcode: 45009, errmsg: 'custom message' });
		emulator.failNext('domain_ip', -1);
		expect(await probe(token)).toBe(-1);
		expect(await probe(token)).toBe(0);
	});

	it('resetNext destroys the connection without an answer, then recovers', async () => {
		emulator.resetNext('upload');
		await expect(upload(SPEECH, { token })).rejects.toThrow();
		expect(emulator.uploads).toEqual([]);
		expect((await upload(SPEECH, { token })).json).toEqual({ errcode: '0', errmsg: 'ok' });
		emulator.resetNext('query', 2);
		await expect(query(token)).rejects.toThrow();
		await expect(query(token)).rejects.toThrow();
		expect(await query(token)).toEqual({ result: SPEECH_TEXT, is_end: true });
		emulator.resetNext('stable_token');
		await expect(stable()).rejects.toThrow();
		expect(emulator.requests.filter((r) => r.fault === 'reset').map((r) => r.api)).toEqual([
			'upload',
			'query',
			'query',
			'stable_token',
		]);
	});
});

describe('transcript registry wiring', () => {
	it('keys transcripts by the SHA-256 of the exact bytes uploaded', async () => {
		await start({ processingPolls: 0 });
		const token = await classicToken();
		const audio = frames(MONO_16K, 144, 25, 3);
		transcripts.register(audioHash(audio), 'by hash');
		await upload(audio, { token, query: { voice_id: 'h' } });
		expect(await query(token, 'h')).toEqual({ result: 'by hash', is_end: true });
		// One byte changed in the payload: unknown audio.
		const changed = Buffer.from(audio);
		changed[10] ^= 1;
		await upload(changed, { token, query: { voice_id: 'h2' } });
		expect(await query(token, 'h2')).toEqual({ result: '', is_end: true });
	});
});
