/**
 * WeChat Transcribe with Subtitles: a recording over 1 MB is split into parts at mp3 frame
 * boundaries, and the subtitle file has one cue per part with the part's time range (or several
 * per part with Max Characters per Cue), against the WeChat emulator over real HTTP.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { WeChatApi } from '../../../credentials/WeChatApi.credentials';
import { WeChat } from '../../../nodes/WeChat/WeChat.node';
import { inspectMp3, splitMp3 } from '../../../nodes/common/mp3';
import { TranscriptRegistry } from '../../emulators/common';
import { startWeChatEmulator, type WeChatEmulator } from '../../emulators/wechat';
import { fixture } from '../../helpers/fixtures';
import { binaryItem, createExecuteContext, expectNoSecrets } from '../../helpers/n8nContext';
import { parseSrt } from '../../helpers/subtitles';

const APP_ID = 'wx0123456789abcdef';
const APP_SECRET = 'b1b2c3d4e5f60718293a4b5c6d7e8f90';
const LONG = fixture('long-16k-mono.mp3');
const PARTS = splitMp3(LONG, inspectMp3(LONG), 1_048_576);

let emulator: WeChatEmulator;

beforeAll(async () => {
	const transcripts = new TranscriptRegistry();
	PARTS.forEach((part, index) => transcripts.register(part.data, `第${index + 1}段的文字，比较长的一段话。`));
	emulator = await startWeChatEmulator({ appId: APP_ID, appSecret: APP_SECRET, transcripts });
});
afterAll(async () => await emulator.close());

async function transcribe(options: Record<string, unknown>) {
	const test = createExecuteContext({
		node: new WeChat(),
		parameters: { resource: 'voice', operation: 'transcribe', options: { pollIntervalMs: 200, ...options } },
		items: [binaryItem(LONG, 'meeting.mp3')],
		credentials: { weChatApi: { appId: APP_ID, appSecret: APP_SECRET, baseUrl: emulator.url, grantEndpoint: 'stable', accessToken: '', expiresAt: 0 } as ICredentialDataDecryptedObject },
		credentialTypes: { weChatApi: new WeChatApi() },
	});
	const [[item]] = await new WeChat().execute.call(test.ctx);
	expectNoSecrets(item, [APP_SECRET, String(test.credentials.weChatApi.accessToken ?? '')], test.logs);
	return item;
}

describe('WeChat Transcribe subtitles', () => {
	it('one cue per part with the part time range, exact to the millisecond', async () => {
		expect(PARTS.length).toBeGreaterThanOrEqual(3);
		const item = await transcribe({ subtitles: 'srt' });
		expect(item.binary!.subtitles).toMatchObject({ fileName: 'meeting.srt', mimeType: 'application/x-subrip' });
		const cues = parseSrt(Buffer.from(item.binary!.subtitles.data, 'base64').toString('utf8'));
		expect(cues.map((cue) => [cue.startMs, cue.endMs, cue.text])).toEqual(
			PARTS.map((part, index) => [Math.round(part.startSeconds * 1000), Math.round(part.endSeconds * 1000), `第${index + 1}段的文字，比较长的一段话。`]),
		);
		expect(item.json.subtitles).toEqual({ format: 'srt', fileName: 'meeting.srt', binaryField: 'subtitles', cues: PARTS.length });
	});

	it('splits each part by Max Characters per Cue, in order and within the part', async () => {
		const item = await transcribe({ subtitles: 'vtt', maxCharsPerCue: 8, subtitleBinaryField: 'vtt' });
		const vtt = Buffer.from(item.binary!.vtt.data, 'base64').toString('utf8');
		expect(vtt.startsWith('WEBVTT\n\n1\n00:00:00.000 --> ')).toBe(true);
		expect(vtt).toContain('\n第1段的文字，\n');
		expect(vtt).toContain('\n比较长的一段话。\n');
		expect(item.json.subtitles).toMatchObject({ cues: PARTS.length * 2 });
	});
});
