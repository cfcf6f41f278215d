/**
 * WeChat in the editor, against the WeChat emulator over real HTTP: Simplify on Transcribe (text
 * first; parts only when off), the output schema files, and the execution hints for an empty
 * result and for parts whose 10-second window closed before the text was final.
 */
import type { ICredentialDataDecryptedObject, IDataObject, INodeExecutionData } from 'n8n-workflow';

import { WeChatApi } from '../../../credentials/WeChatApi.credentials';
import { WeChat } from '../../../nodes/WeChat/WeChat.node';
import { inspectMp3, splitMp3 } from '../../../nodes/common/mp3';
import { TranscriptRegistry } from '../../emulators/common';
import { startWeChatEmulator, type WeChatEmulator, type WeChatEmulatorOptions } from '../../emulators/wechat';
import { encodeTestMp3 } from '../../emulators/audio';
import { fixture, fixtureText } from '../../helpers/fixtures';
import { binaryItem, createExecuteContext } from '../../helpers/n8nContext';
import { expectConformsToSchema, readOutputSchema } from '../../helpers/outputSchema';

const SPEECH = fixture('speech-16k-mono.mp3');
const SPEECH_TEXT = fixtureText('speech-16k-mono.mp3');
const LONG = fixture('long-16k-mono.mp3');
const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

let emulator: WeChatEmulator;
let transcripts: TranscriptRegistry;

async function start(options: Partial<WeChatEmulatorOptions> = {}) {
	transcripts = new TranscriptRegistry();
	transcripts.register(SPEECH, SPEECH_TEXT);
	emulator = await startWeChatEmulator({ appId: APP_ID, appSecret: APP_SECRET, transcripts, ...options });
}

afterEach(async () => await emulator?.close());

function credentials(): ICredentialDataDecryptedObject {
	return { appId: APP_ID, appSecret: APP_SECRET, baseUrl: emulator.url, grantEndpoint: 'stable', accessToken: '', expiresAt: 0 };
}

function run(parameters: IDataObject, items: INodeExecutionData[] = [binaryItem(SPEECH, 'speech.mp3')], withoutExecutionHints = false) {
	const test = createExecuteContext({
		node: new WeChat(),
		parameters: { resource: 'voice', operation: 'transcribe', ...parameters, options: { pollIntervalMs: 200, ...(parameters.options as IDataObject) } },
		items,
		credentials: { weChatApi: credentials() },
		credentialTypes: { weChatApi: new WeChatApi() },
		withoutExecutionHints,
	});
	return { ...test, result: async () => await new WeChat().execute.call(test.ctx) };
}

describe('Transcribe: Simplify', () => {
	it('is on by default: text first, four fields (the schema file); parts only with Simplify off', async () => {
		await start();
		const schema = readOutputSchema('WeChat', 'voice', 'transcribe');
		const simple = run({});
		const [[item]] = await simple.result();
		expect(item.json).toEqual({ text: SPEECH_TEXT, complete: true, durationSeconds: expect.any(Number), voiceId: expect.stringMatching(/^n8n_/) });
		expectConformsToSchema(item.json, schema);
		expect(simple.hints).toEqual([]);

		const [[full]] = await run({ simplify: false }).result();
		expect(Object.keys(full.json)).toEqual(['text', 'voiceId', 'language', 'complete', 'durationSeconds', 'bytes', 'sampleRate', 'channels', 'parts']);
		expect(full.json.parts).toHaveLength(1);
	});

	it('Upload and Get Result outputs match their schema files', async () => {
		await start();
		const upload = run({ operation: 'upload', voiceId: 'schema_voice_1' });
		const [[uploaded]] = await upload.result();
		expectConformsToSchema(uploaded.json, readOutputSchema('WeChat', 'voice', 'upload'));
		const get = createExecuteContext({
			node: new WeChat(),
			parameters: { resource: 'voice', operation: 'getResult', voiceId: 'schema_voice_1', pollIntervalMs: 200 },
			credentials: { weChatApi: { ...upload.credentials.weChatApi } },
			credentialTypes: { weChatApi: new WeChatApi() },
		});
		const [[result]] = await new WeChat().execute.call(get.ctx);
		expectConformsToSchema(result.json, readOutputSchema('WeChat', 'voice', 'getResult'));
	});
});

describe('Transcribe: execution hints', () => {
	it('an empty result (silence) keeps its notice and adds one hint naming the items', async () => {
		await start();
		// 16 kHz mono mp3 without recognisable speech: WeChat answers an empty result
		const test = run({}, [binaryItem(encodeTestMp3(2, 7), 'silence-1.mp3'), binaryItem(SPEECH, 'speech.mp3'), binaryItem(encodeTestMp3(2, 8), 'silence-2.mp3')]);
		const [output] = await test.result();
		expect(output.map((item) => item.json.text)).toEqual(['', SPEECH_TEXT, '']);
		expect(output[0].json.notice).toMatch(/^WeChat returned no text/);
		expectConformsToSchema(output[0].json, readOutputSchema('WeChat', 'voice', 'transcribe'));
		expect(test.hints).toEqual([
			{
				message: expect.stringMatching(/^WeChat recognised no text in items 1 and 3\. This is not an error/),
				type: 'warning',
				location: 'outputPane',
			},
		]);
	});

	it('a window that closed before the text was final is named, for one file and for parts of a split recording', async () => {
		// partial answers: the first query gives only the first chunk; a poll interval longer than
		// the 10-second window makes that the last query
		await start({ resultMode: 'partial', processingPolls: 0 });
		transcripts.register(SPEECH, '第一句话说完了。第二句话也说完了。第三句话还没有说完。');
		const parts = splitMp3(LONG, inspectMp3(LONG), 1_048_576);
		parts.forEach((part, index) => transcripts.register(part.data, `第${index + 1}段开始。第${index + 1}段中间。第${index + 1}段结束。`));
		const test = run({ options: { pollIntervalMs: 10_500 } }, [binaryItem(SPEECH, 'speech.mp3'), binaryItem(LONG, 'meeting.mp3')]);
		const [output] = await test.result();
		expect(output.map((item) => item.json.complete)).toEqual([false, false]);
		expect(output[0].json.text).not.toBe('');
		expect(test.hints).toHaveLength(1);
		expect(test.hints[0]).toMatchObject({ type: 'warning', location: 'outputPane' });
		expect(test.hints[0].message).toMatch(
			new RegExp(
				`^WeChat's 10-second result window closed before the text was final \\(item 1: the recording; item 2: part 1 of ${parts.length} \\(0:00\\.0–\\d+:\\d\\d\\.\\d\\), part 2 of ${parts.length} `,
			),
		);
	});

	it('works where n8n has no addExecutionHints', async () => {
		await start();
		const test = run({}, [binaryItem(encodeTestMp3(2, 9), 'silence.mp3')], true);
		const [[item]] = await test.result();
		expect(item.json.text).toBe('');
		expect(test.hints).toEqual([]);
	});
});
