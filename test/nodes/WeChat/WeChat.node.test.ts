/**
 * WeChat node against the strict WeChat emulator, over real HTTP, with the package's own
 * credential (preAuthentication + generic auth) applied by the execute-context stand-in.
 */
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { WeChatApi } from '../../../credentials/WeChatApi.credentials';
import { WeChat } from '../../../nodes/WeChat/WeChat.node';
import { request } from 'undici';

import FormDataPackage from 'form-data';
import { inspectMp3, splitMp3 } from '../../../nodes/common/mp3';
import { startFileServer, TranscriptRegistry } from '../../emulators/common';
import { startWeChatEmulator, type WeChatEmulator } from '../../emulators/wechat';
import { FIXTURES_DIR, fixture, fixtureText } from '../../helpers/fixtures';
import { allStrings, binaryItem, createExecuteContext, expectNoSecrets as expectNoSecretValues } from '../../helpers/n8nContext';

const SPEECH = fixture('speech-16k-mono.mp3');
const SPEECH_TEXT = fixtureText('speech-16k-mono.mp3');
const SPEECH_EN = fixture('speech-en-16k-mono.mp3');
const SPEECH_EN_TEXT = fixtureText('speech-en-16k-mono.mp3');
const LONG = fixture('long-16k-mono.mp3');

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('WeChat node', () => {
	let emulator: WeChatEmulator;
	let transcripts: TranscriptRegistry;

	beforeEach(async () => {
		transcripts = new TranscriptRegistry();
		transcripts.register(SPEECH, SPEECH_TEXT);
		transcripts.register(SPEECH_EN, SPEECH_EN_TEXT);
		emulator = await startWeChatEmulator({ appId: APP_ID, appSecret: APP_SECRET, transcripts });
	});
	afterEach(async () => await emulator.close());

	function credentials(overrides: Partial<ICredentialDataDecryptedObject> = {}): ICredentialDataDecryptedObject {
		return {
			appId: APP_ID,
			appSecret: APP_SECRET,
			baseUrl: emulator.url,
			grantEndpoint: 'stable',
			accessToken: '',
			expiresAt: 0,
			...overrides,
		};
	}

	function run(
		parameters: IDataObject,
		items = [binaryItem(SPEECH, 'speech.mp3')],
		options: { credentials?: ICredentialDataDecryptedObject; continueOnFail?: boolean } = {},
	) {
		const test = createExecuteContext({
			node: new WeChat(),
			// these tests check every field; Simplify has its own tests (simplify.test.ts)
			parameters: { resource: 'voice', operation: 'transcribe', simplify: false, options: { pollIntervalMs: 200 }, ...parameters },
			items,
			credentials: { weChatApi: options.credentials ?? credentials() },
			credentialTypes: { weChatApi: new WeChatApi() },
			continueOnFail: options.continueOnFail,
		});
		return { ...test, result: async () => await new WeChat().execute.call(test.ctx) };
	}

	function expectNoSecrets(value: unknown, test: { credentials: Record<string, ICredentialDataDecryptedObject>; logs: string[] }) {
		expectNoSecretValues(value, [APP_SECRET, String(test.credentials.weChatApi.accessToken ?? '')], test.logs);
	}

	it('transcribes a 16 kHz mono mp3, fetching a stable token once and storing it with its expiry', async () => {
		const test = run({});
		const [[item]] = await test.result();
		expect(item.json).toMatchObject({ text: SPEECH_TEXT, language: 'zh_CN', complete: true, sampleRate: 16000, channels: 1 });
		expect(item.json.voiceId).toMatch(/^n8n_/);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(item.json.parts).toHaveLength(1);
		expect(emulator.tokenCalls).toEqual({ classic: 0, stable: 1, forced: 0 });
		expect(test.credentials.weChatApi.accessToken).toEqual(expect.any(String));
		expect(Number(test.credentials.weChatApi.expiresAt)).toBeGreaterThan(Date.now() + 7000_000);
		const upload = emulator.requests.find((r) => r.api === 'upload');
		expect(upload).toMatchObject({ partNames: ['media'], fileBytes: SPEECH.length });
		expect(upload?.query).toMatchObject({ format: 'mp3', lang: 'zh_CN' });
		expectNoSecrets(item, test);
	});

	it('reuses a valid stored token and refreshes one that is about to expire', async () => {
		const first = run({});
		await first.result();
		const stored = first.credentials.weChatApi;
		const again = run({}, undefined, { credentials: { ...stored } });
		await again.result();
		expect(emulator.tokenCalls.stable).toBe(1);
		expect(again.preAuthenticationCalls.weChatApi ?? 0).toBe(0);

		const nearlyExpired = run({}, undefined, { credentials: { ...stored, expiresAt: Date.now() + 30_000 } });
		await nearlyExpired.result();
		expect(nearlyExpired.preAuthenticationCalls.weChatApi).toBe(1);
		expect(emulator.tokenCalls.stable).toBe(2);
	});

	it.each([
		['invalidated (40001)', (e: WeChatEmulator) => e.invalidateAllTokens()],
		['expired (42001)', (e: WeChatEmulator) => e.expireAllTokens()],
	])('refreshes a token WeChat reports as %s and retries once', async (_name, breakTokens) => {
		const first = run({});
		await first.result();
		breakTokens(emulator);
		const test = run({}, undefined, { credentials: { ...first.credentials.weChatApi } });
		const [[item]] = await test.result();
		expect(item.json.text).toBe(SPEECH_TEXT);
		expect(test.preAuthenticationCalls.weChatApi).toBe(1);
		expect(test.credentials.weChatApi.accessToken).not.toBe(first.credentials.weChatApi.accessToken);
	});

	it('retries the token endpoint when WeChat is busy (-1) or the connection breaks, up to 3 attempts', async () => {
		emulator.failNext('stable_token', -1, 1);
		emulator.resetNext('stable_token', 1);
		const [[item]] = await run({}).result();
		expect(item.json.text).toBe(SPEECH_TEXT);
		expect(emulator.tokenCalls.stable).toBe(3);

		emulator.failNext('stable_token', -1, 3);
		const busy = run({});
		const error = await busy.result().catch((e: unknown) => e);
		expect(String((error as Error).message)).toMatch(/-1/);
		expect(emulator.tokenCalls.stable).toBe(6);
		expectNoSecrets(error, busy);
	});

	it('refreshes a stored token WeChat calls malformed (40014) and retries once', async () => {
		const stored = { accessToken: 'shortMalformedToken', expiresAt: Date.now() + 3_600_000 };
		const test = run({}, undefined, { credentials: { ...credentials(), ...stored } });
		const [[item]] = await test.result();
		expect(item.json.text).toBe(SPEECH_TEXT);
		expect(emulator.requests.filter((r) => r.api === 'upload').map((r) => r.errcode)).toEqual([40014, 0]);
		expect(test.preAuthenticationCalls.weChatApi).toBe(1);
		expect(test.credentials.weChatApi.accessToken).not.toBe(stored.accessToken);
	});

	it('refreshes exactly once: a persisting 40001 fails with errcode, message and advice, no secrets', async () => {
		emulator.failNext('upload', 40001, 5);
		const test = run({});
		const error = await test.result().catch((e: unknown) => e);
		expect(error).toBeInstanceOf(Error);
		expect((error as Error).message).toMatch(/^WeChat error: 40001 – invalid credential/);
		expect((error as { description?: string }).description).toMatch(/App Secret/);
		expect(emulator.requests.filter((r) => r.api === 'upload')).toHaveLength(2);
		expect(test.preAuthenticationCalls.weChatApi).toBe(2);
		expectNoSecrets(error, test);
	});

	it('retries errcode -1 (system busy) and connection resets with back-off', async () => {
		emulator.failNext('upload', -1, 1);
		emulator.resetNext('query', 1);
		const [[item]] = await run({}).result();
		expect(item.json.text).toBe(SPEECH_TEXT);
		expect(emulator.requests.filter((r) => r.api === 'upload')).toHaveLength(2);
	});

	it('reports a wrong App Secret with WeChat errcode 40125, never the secret', async () => {
		const wrong = 'ffffffffffffffffffffffffffffffff';
		const test = run({}, undefined, { credentials: credentials({ appSecret: wrong }) });
		const error = (await test.result().catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.message).toMatch(/WeChat error: 40125 – invalid appsecret/);
		expect(error.description).toMatch(/Getting an access_token failed/);
		expect(allStrings(error).join('\n')).not.toContain(wrong);
		expect(emulator.requests.filter((r) => r.api === 'upload')).toHaveLength(0);
	});

	it.each([
		['a WAV file', 'speech-16k-mono.wav', /WeChat accepts only mp3 audio, but this file is WAV audio/],
		['text named .mp3', 'not-audio.mp3', /not a valid mp3 file/],
		['44.1 kHz stereo', 'cbr-44k-stereo.mp3', /only 16000 Hz mono mp3, but this file is 44100 Hz stereo/],
		['8 kHz mono', 'cbr-8k-mono.mp3', /but this file is 8000 Hz mono/],
		['an empty file', 'empty.mp3', /empty \(0 bytes\)/],
	])('refuses %s before any network call, saying how to convert', async (_name, file, message) => {
		const test = run({}, [binaryItem(fixture(file), file)]);
		const error = (await test.result().catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.message).toMatch(message);
		if (file !== 'empty.mp3') expect(error.description).toContain('ffmpeg -i input -ar 16000 -ac 1 -b:a 32k output.mp3');
		expect(emulator.requests).toHaveLength(0);
	});

	it('shows why WeChat returns an empty result: sent anyway, 44.1 kHz stereo is accepted and recognised as nothing', async () => {
		const stereo = fixture('cbr-44k-stereo.mp3');
		transcripts.register(stereo, 'this text is never returned');
		// the node refuses before any request
		const test = run({ operation: 'upload' }, [binaryItem(stereo, 'stereo.mp3')]);
		await expect(test.result()).rejects.toThrow(/44100 Hz stereo/);
		expect(emulator.requests).toHaveLength(0);
		// what WeChat does with the same file when a client sends it anyway
		const tokenAnswer = await request(`${emulator.url}/cgi-bin/stable_token`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ grant_type: 'client_credential', appid: APP_ID, secret: APP_SECRET }),
		});
		const { access_token: token } = (await tokenAnswer.body.json()) as { access_token: string };
		const form = new FormDataPackage();
		form.append('media', stereo, { filename: 'stereo.mp3', contentType: 'audio/mpeg' });
		const body = form.getBuffer();
		const contentType = form.getHeaders()['content-type'] as string;
		const query = new URLSearchParams({ access_token: token, format: 'mp3', voice_id: 'stereo-1', lang: 'zh_CN' });
		const uploaded = await request(`${emulator.url}/cgi-bin/media/voice/addvoicetorecofortext?${query}`, { method: 'POST', headers: { 'content-type': contentType }, body });
		expect(await uploaded.body.json()).toMatchObject({ errcode: '0' }); // docs/wechat.md#voice-upload: the string "0"
		let result: { result?: string; is_end?: boolean } = {};
		for (let poll = 0; poll < 5 && !result.is_end; poll++) {
			const answer = await request(`${emulator.url}/cgi-bin/media/voice/queryrecoresultfortext?${new URLSearchParams({ access_token: token, voice_id: 'stereo-1', lang: 'zh_CN' })}`, { method: 'POST' });
			result = (await answer.body.json()) as typeof result;
		}
		expect(result).toMatchObject({ result: '', is_end: true });
	});

	it('transcribes from an Audio URL (the AI-agent tool form), checking the downloaded file the same way', async () => {
		const files = await startFileServer(FIXTURES_DIR);
		try {
			const test = run({ inputType: 'url', audioUrl: `${files.url}/speech-16k-mono.mp3` }, [{ json: {} }]);
			const [[item]] = await test.result();
			expect(item.json).toMatchObject({ text: SPEECH_TEXT, sampleRate: 16000, channels: 1 });
			const stereo = run({ inputType: 'url', audioUrl: `${files.url}/cbr-44k-stereo.mp3` }, [{ json: {} }]);
			await expect(stereo.result()).rejects.toThrow(/44100 Hz stereo/);
			expect(emulator.requests.filter((r) => r.api === 'upload')).toHaveLength(1);
		} finally {
			await files.close();
		}
	});

	it('refuses a Layer II file with the mp3 check\'s reason, and a file whose format changes midway', async () => {
		const layer2 = run({}, [binaryItem(fixture('layer2-44k-stereo.mp3'), 'layer2.mp3')]);
		const error = (await layer2.result().catch((e: unknown) => e)) as Error & { description?: string };
		expect(error.message).toMatch(/not a valid mp3 file/);
		expect(error.description).toMatch(/^Not an MP3 file: .*MPEG-1 Layer II frame header/);
		const joined = Buffer.concat([SPEECH, fixture('cbr-44k-stereo.mp3')]);
		const mixed = run({}, [binaryItem(joined, 'joined.mp3')]);
		await expect(mixed.result()).rejects.toThrow(/starts as 16000 Hz mono and then changes format/);
		expect(emulator.requests).toHaveLength(0);
	});

	it('refuses files over 1 MB when Split Long Audio is off, and a missing binary property', async () => {
		const tooBig = run({ options: { splitLongAudio: false } }, [binaryItem(LONG, 'long.mp3')]);
		await expect(tooBig.result()).rejects.toThrow(/over WeChat's 1 MB limit/);
		const missing = run({ binaryPropertyName: 'audio' });
		await expect(missing.result()).rejects.toThrow(/has no binary property "audio"/);
		expect(emulator.requests).toHaveLength(0);
	});

	it('keeps going with continue-on-fail: one error item and one result, both paired', async () => {
		const test = run({}, [binaryItem(fixture('speech-16k-mono.wav'), 'a.wav'), binaryItem(SPEECH, 'b.mp3')], {
			continueOnFail: true,
		});
		const [items] = await test.result();
		expect(items).toHaveLength(2);
		expect(items[0].json.error).toMatch(/only mp3/);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[1].json.text).toBe(SPEECH_TEXT);
		expect(items[1].pairedItem).toEqual({ item: 1 });
	});

	it('splits a recording over 1 MB at frame boundaries and joins the parts in order', async () => {
		const parts = splitMp3(LONG, inspectMp3(LONG), 1_048_576);
		expect(parts.length).toBeGreaterThanOrEqual(3);
		parts.forEach((part, index) => transcripts.register(part.data, `第${index + 1}段。`));
		const test = run({}, [binaryItem(LONG, 'meeting.mp3')]);
		const [[item]] = await test.result();
		expect(item.json.text).toBe(parts.map((_p, index) => `第${index + 1}段。`).join(''));
		const outParts = item.json.parts as IDataObject[];
		expect(outParts).toHaveLength(parts.length);
		expect(outParts[0].startSeconds).toBe(0);
		for (let i = 1; i < outParts.length; i++) expect(outParts[i].startSeconds).toBe(outParts[i - 1].endSeconds);
		const uploads = emulator.requests.filter((r) => r.api === 'upload');
		expect(uploads.map((u) => u.fileBytes)).toEqual(parts.map((p) => p.byteLength));
		expect(new Set(outParts.map((p) => p.voiceId)).size).toBe(parts.length);
	});

	it('names the failed part and its time range, keeping the parts that succeeded', async () => {
		const parts = splitMp3(LONG, inspectMp3(LONG), 1_048_576);
		expect(parts).toHaveLength(3);
		parts.forEach((part, index) => transcripts.register(part.data, `part ${index + 1}`));
		const test = run({}, [binaryItem(LONG, 'meeting.mp3')], { continueOnFail: true });
		// Parts are uploaded in order (three in flight): the second upload gets WeChat's 40010 answer.
		const helpers = test.ctx.helpers as IExecuteFunctions['helpers'];
		const original = helpers.httpRequestWithAuthentication;
		let uploads = 0;
		helpers.httpRequestWithAuthentication = async function (this: unknown, ...args: Parameters<typeof original>) {
			if (String(args[1].url).includes('addvoicetorecofortext') && ++uploads === 2) {
				return { statusCode: 200, headers: {}, body: Buffer.from(JSON.stringify({ errcode: 40010, errmsg: 'invalid voice size' })) };
			}
			return await original.apply(this as IExecuteFunctions, args);
		} as typeof original;
		const [[item]] = await test.result();
		expect(item.json.error).toMatch(/^Part 2 of \d+ \(\d+:\d+\.\d–\d+:\d+\.\d\) failed: WeChat error: 40010/);
		// part 3 was already in flight when part 2 failed: its text is kept too
		expect(item.json.parts).toEqual([expect.objectContaining({ index: 0, text: 'part 1' }), expect.objectContaining({ index: 2, text: 'part 3' })]);
		expect(item.json.text).toBe('part 1part 3');
		expect(item.json.failedPart).toMatchObject({ index: 1 });
	});

	it('joins English with spaces and concatenates partial results until is_end', async () => {
		await emulator.close();
		emulator = await startWeChatEmulator({ appId: APP_ID, appSecret: APP_SECRET, transcripts, resultMode: 'partial' });
		const test = run({ language: 'en_US' }, [binaryItem(SPEECH_EN, 'en.mp3')]);
		const [[item]] = await test.result();
		expect(item.json.text).toBe(SPEECH_EN_TEXT);
		expect(emulator.requests.filter((r) => r.api === 'query').length).toBeGreaterThan(2);
	});

	it("reads the official answer shape without is_end: the first non-empty result is the whole text", async () => {
		await emulator.close();
		emulator = await startWeChatEmulator({ appId: APP_ID, appSecret: APP_SECRET, transcripts, resultMode: 'official', processingPolls: 2 });
		const [[item]] = await run({}).result();
		expect(item.json).toMatchObject({ text: SPEECH_TEXT, complete: true });
		expect(emulator.requests.filter((r) => r.api === 'query')).toHaveLength(3);
	});

	it('uploads and gets the result in two steps, with a given or generated voice id', async () => {
		const upload = run({ operation: 'upload', voiceId: 'my_voice_1' });
		const [[uploaded]] = await upload.result();
		expect(uploaded.json).toMatchObject({ voiceId: 'my_voice_1', language: 'zh_CN', bytes: SPEECH.length });
		const get = run({ operation: 'getResult', voiceId: 'my_voice_1', pollIntervalMs: 200 }, [{ json: {} }], {
			credentials: { ...upload.credentials.weChatApi },
		});
		const [[result]] = await get.result();
		expect(result.json).toEqual({ voiceId: 'my_voice_1', language: 'zh_CN', text: SPEECH_TEXT, complete: true });

		const generated = run({ operation: 'upload' });
		const [[second]] = await generated.result();
		expect(second.json.voiceId).toMatch(/^n8n_[a-z0-9]+_[0-9a-f]{12}$/);
	});

	it('surfaces an unknown voice id as WeChat errcode 40007', async () => {
		const get = run({ operation: 'getResult', voiceId: 'never_uploaded' }, [{ json: {} }]);
		await expect(get.result()).rejects.toThrow(/WeChat error: 40007 – invalid media_id/);
	});

	it('works with the classic token endpoint', async () => {
		const test = run({}, undefined, { credentials: credentials({ grantEndpoint: 'classic' }) });
		const [[item]] = await test.result();
		expect(item.json.text).toBe(SPEECH_TEXT);
		expect(emulator.tokenCalls.classic).toBe(1);
	});
});
