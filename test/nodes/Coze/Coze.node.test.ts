/**
 * Coze node against the strict Coze emulator, over real HTTP, with the package's credential.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { CozeApi } from '../../../credentials/CozeApi.credentials';
import { Coze } from '../../../nodes/Coze/Coze.node';
import { startFileServer, TranscriptRegistry, type RunningServer } from '../../emulators/common';
import { startCozeEmulator, type CozeEmulator } from '../../emulators/coze';
import { FIXTURES_DIR, fixture, fixtureText, silentMp3 } from '../../helpers/fixtures';
import { allStrings, binaryItem, createExecuteContext } from '../../helpers/n8nContext';

const SPEECH = fixture('speech-16k-mono.mp3');
const WAV = fixture('speech-16k-mono.wav');
const TEXT = fixtureText('speech-16k-mono.mp3');
const TOKEN = 'pat_goodTokenForTests0123456789';


describe('Coze node', () => {
	let emulator: CozeEmulator;
	let files: RunningServer;
	const transcripts = new TranscriptRegistry();
	transcripts.register(SPEECH, TEXT);
	transcripts.register(WAV, TEXT);

	beforeAll(async () => {
		files = await startFileServer(FIXTURES_DIR);
	});
	afterAll(async () => await files.close());
	beforeEach(async () => {
		emulator = await startCozeEmulator({
			tokens: { [TOKEN]: { scopes: ['createTranscription'] }, pat_noPermission: { scopes: [] } },
			transcripts,
		});
	});
	afterEach(async () => await emulator.close());

	function run(
		parameters: IDataObject,
		items = [binaryItem(SPEECH, 'speech.mp3')],
		options: { credentials?: Partial<ICredentialDataDecryptedObject>; continueOnFail?: boolean } = {},
	) {
		const test = createExecuteContext({
			node: new Coze(),
			parameters: { resource: 'audio', operation: 'transcribe', ...parameters },
			items,
			credentials: {
				cozeApi: { accessToken: TOKEN, baseUrl: 'custom', customBaseUrl: emulator.url, ...options.credentials },
			},
			credentialTypes: { cozeApi: new CozeApi() },
			continueOnFail: options.continueOnFail,
		});
		return { ...test, result: async () => await new Coze().execute.call(test.ctx) };
	}

	it('transcribes an mp3 from a binary property, with the log id', async () => {
		const [[item]] = await run({}).result();
		expect(item.json).toMatchObject({ text: TEXT, fileName: 'speech.mp3', format: 'mp3', bytes: SPEECH.length });
		expect(item.json.logId).toMatch(/^\d{14}[0-9A-F]{18}$/);
		expect(item.json.durationSeconds).toBeCloseTo(6.516, 1);
		expect(item.pairedItem).toEqual({ item: 0 });
		expect(emulator.requests[0]).toMatchObject({ path: '/v1/audio/transcriptions', partNames: ['file'], fileBytes: SPEECH.length });
	});

	it('transcribes from an audio URL (the AI-tool form) and a wav file', async () => {
		const [[fromUrl]] = await run({ inputType: 'url', audioUrl: `${files.url}/speech-16k-mono.mp3` }, [{ json: {} }]).result();
		expect(fromUrl.json).toMatchObject({ text: TEXT, fileName: 'speech-16k-mono.mp3' });
		const [[wav]] = await run({}, [binaryItem(WAV, 'speech.wav', 'audio/wav')]).result();
		expect(wav.json).toMatchObject({ text: TEXT, format: 'wav' });
	});

	it('refuses a Custom Base URL that is empty before any request', async () => {
		const error = await run({}, undefined, { credentials: { customBaseUrl: '' } }).result().catch((e: unknown) => e);
		expect((error as Error).message).toMatch(/Base URL "Custom" but no valid Custom Base URL/);
		expect(emulator.requests).toHaveLength(0);
	});

	it('fails a bad token with code 4100 and the Log ID, never showing the token', async () => {
		const bad = 'pat_wrongTokenForTests999999';
		const test = run({}, undefined, { credentials: { accessToken: bad } });
		const error = (await test.result().catch((e: unknown) => e)) as Error & { description?: string; httpCode?: string };
		expect(error.message).toMatch(/^Coze error: 4100 – /);
		expect(error.description).toMatch(/personal access token[\s\S]*Log ID: \d{14}/);
		expect(error.httpCode).toBe('401');
		expect(allStrings(error).join('\n')).not.toContain(bad);
		expect(emulator.requests).toHaveLength(1);
	});

	it('fails a token without createTranscription with code 4101', async () => {
		await expect(run({}, undefined, { credentials: { accessToken: 'pat_noPermission' } }).result()).rejects.toThrow(
			/Coze error: 4101/,
		);
	});

	it('retries 429/4013, 5xx and connection resets, then succeeds', async () => {
		emulator.failNext(429, 4013, 1);
		emulator.failNext(502, 502, 1);
		emulator.resetNext(1);
		const [[item]] = await run({}).result();
		expect(item.json.text).toBe(TEXT);
		expect(emulator.requests.length).toBeGreaterThanOrEqual(4);
	});

	it('does not retry input errors the service reports (4000)', async () => {
		emulator.failNext(400, 4000, 1, { msg: 'invalid parameter' });
		await expect(run({}).result()).rejects.toThrow(/Coze error: 4000 – invalid parameter/);
		expect(emulator.requests).toHaveLength(1);
	});

	it.each([
		['over 10 MB', silentMp3(145_636), 'big.mp3', /over Coze's 10 MB limit/],
		['30 minutes or longer', silentMp3(25_000), 'long.mp3', /lasts 30\.0 minutes; Coze takes recordings under 30 minutes/],
		['FLAC', Buffer.concat([Buffer.from('fLaC'), Buffer.alloc(200)]), 'a.flac', /Coze does not accept FLAC audio/],
		['text named .mp3', fixture('not-audio.mp3'), 'x.mp3', /claims to be mp3 but does not contain mp3 audio/],
		['an empty file', Buffer.alloc(0), 'x.mp3', /empty \(0 bytes\)/],
	])('refuses %s before uploading', async (_name, data, name, message) => {
		await expect(run({}, [binaryItem(data, name)]).result()).rejects.toThrow(message);
		expect(emulator.requests).toHaveLength(0);
	});

	it('refuses an unreachable URL and a missing binary property before uploading; continue-on-fail pairs errors', async () => {
		const test = run(
			{ inputType: 'url', audioUrl: `${files.url}/missing.mp3` },
			[{ json: {} }, { json: {} }],
			{ continueOnFail: true },
		);
		const [items] = await test.result();
		expect(items.map((i) => i.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		expect(items[0].json.error).toMatch(/failed with HTTP 404/);
		await expect(run({ binaryPropertyName: 'audio' }).result()).rejects.toThrow(/no binary property "audio"/);
		expect(emulator.requests).toHaveLength(0);
	});

	it('sends headerless pcm when the file name says so', async () => {
		const pcm = Buffer.alloc(3200, 1);
		const [[item]] = await run({ options: { fileName: 'call.pcm' } }, [binaryItem(pcm, 'blob.bin', 'application/octet-stream')]).result();
		expect(item.json).toMatchObject({ text: '', fileName: 'call.pcm', format: 'pcm' });
		expect(emulator.requests[0].fileName).toBe('call.pcm');
	});
});
