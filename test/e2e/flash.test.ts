/**
 * The flash-subtitles example (`examples/tencent-asr-flash-subtitles.json`) inside a real n8n
 * 2.x process with this package installed: download the 2.6 MB meeting recording → Tencent Cloud
 * ASR Flash Recognize with Subtitles SRT → Read/Write Files from Disk. The flash emulator
 * (test/emulators/tencentFlashAsr.ts) sits behind the path-routing gateway that is the Tencent
 * Cloud credential's Custom Endpoint, so the request is signed for asr.cloud.tencent.com inside
 * the credential and verified there. The .srt file n8n wrote must have exactly the emulator's
 * sentence times.
 *
 * Same setup as speech.test.ts (the harness in ./n8n.ts); the workflow is the example file byte
 * for byte except the placeholders a user edits: the `https://example.com/…` audio URL and the
 * output folder `/home/node/.n8n-files/` (n8n's default file-access folder in Docker).
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { startFileServer, TranscriptRegistry, type RunningServer } from '../emulators/common';
import { startGateway, tencentGatewayRoutes } from '../emulators/gateway';
import { startTencentCloudEmulator, type TencentCloudEmulator } from '../emulators/tencentCloud';
import { startTencentFlashAsrEmulator, type TencentFlashAsrEmulator } from '../emulators/tencentFlashAsr';
import { FIXTURES_DIR, fixture, fixtureTable, fixtureText } from '../helpers/fixtures';
import { parseSrt } from '../helpers/subtitles';
import { N8nInstance, REPO_ROOT, ensureN8n, nodeOutput, type WorkflowFixture } from './n8n';

const INSTALL_TIMEOUT_MS = 40 * 60 * 1000;
const WORKFLOW_ID = 'cnSpeechTcFlashSrt1';
const LONG = fixture('long-16k-mono.mp3');
const LONG_TEXT = fixtureText('long-16k-mono.mp3');
const LONG_SEGMENTS = fixtureTable.files['long-16k-mono.mp3'].segments!;
const TENCENT = { secretId: 'AKIDe2eFlashSecretId01234', secretKey: 'e2e-flash-secret-key-0123456789ab', appId: 1250000001 };

describe('flash recognition with SRT subtitles in a real n8n', () => {
	let n8n: N8nInstance | undefined;
	let files: RunningServer;
	let api: TencentCloudEmulator;
	let flash: TencentFlashAsrEmulator;
	let gateway: RunningServer;

	beforeAll(async () => {
		await ensureN8n();
		const transcripts = new TranscriptRegistry();
		transcripts.register(LONG, LONG_TEXT, { durationSeconds: 442.656, segments: LONG_SEGMENTS });
		files = await startFileServer(FIXTURES_DIR);
		api = await startTencentCloudEmulator({ ...TENCENT, sdkAppIds: [], transcripts });
		flash = await startTencentFlashAsrEmulator({ ...TENCENT, transcripts });
		gateway = await startGateway(tencentGatewayRoutes({ api, flash }));

		n8n = await N8nInstance.create();
		await n8n.importCredentials([
			{
				id: 'cnSpeechTencent01',
				name: 'Tencent Cloud account',
				type: 'tencentCloudApi',
				data: { secretId: TENCENT.secretId, secretKey: TENCENT.secretKey, appId: String(TENCENT.appId), endpoint: gateway.url },
			},
		]);
		const text = readFileSync(join(REPO_ROOT, 'examples', 'tencent-asr-flash-subtitles.json'), 'utf8')
			.split('https://example.com/')
			.join(`${files.url}/`)
			.split('/home/node/.n8n-files/')
			.join(`${n8n.filesDir}/`);
		const workflow = JSON.parse(text) as WorkflowFixture;
		expect(workflow.id).toBe(WORKFLOW_ID);
		await n8n.importWorkflows([workflow]);
	}, INSTALL_TIMEOUT_MS);

	afterAll(async () => {
		await n8n?.dispose();
		await Promise.all([files?.close(), api?.close(), flash?.close(), gateway?.close()]);
	});

	test('download → Flash Recognize (Subtitles SRT) → Write SRT File: the file on disk has the emulator sentence times', async () => {
		const run = await n8n!.execute(WORKFLOW_ID);
		const [recognized] = nodeOutput(run, 'Flash Recognize');
		expect(recognized.json.text).toBe(LONG_TEXT);
		expect(recognized.json.audioDuration).toBe(442.656);
		expect(recognized.json.subtitles).toEqual({ format: 'srt', fileName: 'long-16k-mono.srt', binaryField: 'subtitles', cues: LONG_SEGMENTS.length });

		// one signed flash request, through the gateway, with the format read from the bytes
		expect(flash.requests.map((request) => [request.code, request.params.voice_format, request.params.engine_type])).toEqual([[0, 'mp3', '16k_zh']]);

		const srt = await readFile(join(n8n!.filesDir, 'long-16k-mono.srt'), 'utf8');
		const cues = parseSrt(srt);
		expect(cues.map((cue) => [cue.startMs, cue.endMs])).toEqual(
			LONG_SEGMENTS.map((segment) => [Math.round(segment.startSeconds * 1000), Math.round(segment.endSeconds * 1000)]),
		);
		expect(cues.map((cue) => cue.text).join('')).toBe(LONG_TEXT);
		expect(srt.startsWith('1\n00:00:00,000 --> 00:00:23,971\n大家好')).toBe(true);

		const stored = JSON.stringify((await n8n!.getExecutions(WORKFLOW_ID)).map((execution) => execution.data));
		expect(stored).not.toContain(TENCENT.secretKey);
		process.stdout.write(`\nFlash Recognize in n8n wrote long-16k-mono.srt (${cues.length} cues):\n${srt.split('\n').slice(0, 7).join('\n')}\n…\n`);
	});
});
