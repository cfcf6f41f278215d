/**
 * Subtitles from recording-file recognition tasks (Get Task, Transcribe) against the API 3.0
 * emulator over real HTTP: cue times from `ResultDetail` (StartMs/EndMs, milliseconds) or, for
 * Result Format 0, from the `Result` lines, whose third bracket field is the speaker
 * (docs/tencent-cloud-api.md#asr-describetaskstatus).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';

import { TencentCloudApi } from '../../../credentials/TencentCloudApi.credentials';
import { TencentCloudAsr } from '../../../nodes/TencentCloudAsr/TencentCloudAsr.node';
import { parseResultLines, taskSentences } from '../../../nodes/TencentCloudAsr/actions/recordingRecognition/recognitionOutput';
import { encodeTestWav } from '../../emulators/audio';
import { startFileServer, TranscriptRegistry, type RunningServer } from '../../emulators/common';
import { startTencentCloudEmulator, type TencentCloudEmulator } from '../../emulators/tencentCloud';
import { createExecuteContext, expectNoSecrets } from '../../helpers/n8nContext';
import { parseSrt } from '../../helpers/subtitles';

const SECRET_ID = 'AKIDtaskSubtitleSecretId1';
const SECRET_KEY = 'task-subtitle-secret-key-do-not-leak';
const node = new TencentCloudAsr();
const transcripts = new TranscriptRegistry();
const AUDIO = encodeTestWav(5, 16000, 41);
const SEGMENTS = [
	{ startSeconds: 0.125, endSeconds: 2.0625, text: '第一句话。', speakerId: 0 },
	{ startSeconds: 2.5, endSeconds: 4.999, text: '第二句话！', speakerId: 1 },
];
let dir: string;
let files: RunningServer;
let api: TencentCloudEmulator;

beforeAll(async () => {
	transcripts.register(AUDIO, '第一句话。第二句话！', { durationSeconds: 5, segments: SEGMENTS });
	dir = await mkdtemp(join(tmpdir(), 'asr-task-srt-'));
	await writeFile(join(dir, 'meeting.wav'), AUDIO);
	files = await startFileServer(dir);
	api = await startTencentCloudEmulator({ secretId: SECRET_ID, secretKey: SECRET_KEY, appId: 1250000001, sdkAppIds: [], transcripts });
});

afterAll(async () => {
	await api.close();
	await files.close();
	await rm(dir, { recursive: true, force: true });
});

async function run(parameters: IDataObject) {
	const test = createExecuteContext({
		node,
		parameters: { resource: 'recordingRecognition', ...parameters },
		credentials: { tencentCloudApi: { secretId: SECRET_ID, secretKey: SECRET_KEY, endpoint: api.url, keyCheck: '' } as ICredentialDataDecryptedObject },
		credentialTypes: { tencentCloudApi: new TencentCloudApi() },
	});
	const [output] = await node.execute.call(test.ctx);
	expectNoSecrets(output, [SECRET_KEY], test.logs);
	return output;
}

const text = (data: string) => Buffer.from(data, 'base64').toString('utf8');

describe('Result lines', () => {
	it('reads [m:s.mmm,m:s.mmm] and [m:s.mmm,m:s.mmm,id] lines exactly, with any number of minutes', () => {
		expect(parseResultLines('[0:1.640,0:4.600]  我在马上上夜班。\n[0:0.000,0:2.260,0]  腾讯云语音识别欢迎您。\n[75:3.5,125:59.999,1]  late\nnot a line\n')).toEqual([
			{ text: '我在马上上夜班。', startMs: 1640, endMs: 4600 },
			{ text: '腾讯云语音识别欢迎您。', startMs: 0, endMs: 2260, speaker: 0 },
			{ text: 'late', startMs: 4_503_500, endMs: 7_559_999, speaker: 1 },
		]);
	});

	it('prefers ResultDetail, with word offsets made absolute', () => {
		const sentences = taskSentences({
			taskId: '1',
			status: 2,
			statusText: 'success',
			text: '[0:0.000,0:9.000]  ignored\n',
			resultDetail: [{ FinalSentence: '你好', StartMs: 1000, EndMs: 2000, SpeakerId: 3, Words: [{ Word: '你', OffsetStartMs: 0, OffsetEndMs: 400 }, { Word: '好', OffsetStartMs: 400, OffsetEndMs: 1000 }] }],
			audioDuration: 2,
			errorMessage: '',
		});
		expect(sentences).toEqual([
			{ text: '你好', startMs: 1000, endMs: 2000, speaker: 3, words: [{ word: '你', startMs: 1000, endMs: 1400 }, { word: '好', startMs: 1400, endMs: 2000 }] },
		]);
	});
});

describe('subtitles of recognition tasks', () => {
	it('Transcribe: SRT cue times are the ResultDetail StartMs/EndMs, the file named after the audio URL', async () => {
		const output = await run({
			operation: 'transcribe',
			inputType: 'url',
			audioUrl: `${files.url}/meeting.wav`,
			resTextFormat: 2,
			options: { pollIntervalSeconds: 0.02, subtitles: 'srt', speakerLabels: true },
		});
		const item = output[0];
		expect(item.json).toMatchObject({ status: 2, subtitles: { format: 'srt', fileName: 'meeting.srt', binaryField: 'subtitles', cues: 2 } });
		expect(item.binary!.subtitles).toMatchObject({ fileName: 'meeting.srt', mimeType: 'application/x-subrip' });
		expect(parseSrt(text(item.binary!.subtitles.data))).toEqual([
			{ index: 1, startMs: 125, endMs: 2063, text: 'Speaker 0: 第一句话。' },
			{ index: 2, startMs: 2500, endMs: 4999, text: 'Speaker 1: 第二句话！' },
		]);
	});

	it('Get Task: WebVTT from the Result lines of Result Format 0, named after the task id; nothing before the task is done', async () => {
		const created = await run({ operation: 'createTask', inputType: 'url', audioUrl: `${files.url}/meeting.wav`, resTextFormat: 0 });
		const taskId = String(created[0].json.taskId);
		const parameters = { operation: 'getTask', taskId, simplify: false, options: { subtitles: 'vtt' } };
		const waiting = await run(parameters);
		expect(waiting[0].json.status).toBe(0);
		expect(waiting[0].binary).toBeUndefined();
		await api.completeTask(taskId);
		const done = await run(parameters);
		expect(done[0].json.resultDetail).toBeNull();
		expect(done[0].binary!.subtitles).toMatchObject({ fileName: `${taskId}.vtt`, mimeType: 'text/vtt' });
		expect(text(done[0].binary!.subtitles.data)).toBe('WEBVTT\n\n1\n00:00:00.125 --> 00:00:02.063\n第一句话。\n\n2\n00:00:02.500 --> 00:00:04.999\n第二句话！\n\n');
	});
});
