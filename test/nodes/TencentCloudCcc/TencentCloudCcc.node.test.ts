/**
 * Tencent Cloud Contact Center node against the API 3.0 emulator over real HTTP (signed by the
 * credential's own authenticate): batching and pairing, 1 request/second spacing, FailedFileList
 * items, RequestLimitExceeded retries, the 50-files-a-day stop, no resend after a broken
 * connection, URL validation before any request, and Get Many across pages with filters.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { TencentCloudCcc } from '../../../nodes/TencentCloudCcc/TencentCloudCcc.node';
import { checkIvrAudioUrl, groupIntoRequests, MAX_FILES_PER_REQUEST } from '../../../nodes/TencentCloudCcc/actions/ivrAudio/upload.operation';
import { splitFilterValues } from '../../../nodes/TencentCloudCcc/actions/ivrAudio/getMany.operation';
import { TencentCloudApi } from '../../../credentials/TencentCloudApi.credentials';
import { createExecuteContext, expectNoSecrets } from '../../helpers/n8nContext';
import { startFileServer, TranscriptRegistry, type RunningServer } from '../../emulators/common';
import { encodeTestMp3, encodeTestWav } from '../../emulators/audio';
import { startTencentCloudEmulator, type TencentCloudEmulator } from '../../emulators/tencentCloud';

const SECRET_ID = 'AKIDcccTestSecretId0001';
const SECRET_KEY = 'ccc-test-secret-key-do-not-leak-0001';
const APP_ONE = 1400000001;
const APP_TWO = 1400000002;
const node = new TencentCloudCcc();

let dir: string;
let files: RunningServer;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'ccc-'));
	await writeFile(join(dir, 'welcome.mp3'), encodeTestMp3(2, 1));
	await writeFile(join(dir, 'menu.wav'), encodeTestWav(1, 8000, 2));
	await writeFile(join(dir, 'not-audio.mp3'), Buffer.from('this is text, not audio'));
	await writeFile(join(dir, 'no-extension'), encodeTestMp3(1, 3));
	files = await startFileServer(dir);
});

afterAll(async () => {
	await files.close();
	await rm(dir, { recursive: true, force: true });
});

async function withEmulator(run: (emulator: TencentCloudEmulator) => Promise<void>, options: { failedFileName?: 'custom' | 'opaque' } = {}) {
	const emulator = await startTencentCloudEmulator({
		secretId: SECRET_ID,
		secretKey: SECRET_KEY,
		appId: 1250000001,
		sdkAppIds: [APP_ONE, APP_TWO],
		transcripts: new TranscriptRegistry(),
		failedFileName: options.failedFileName,
	});
	try {
		await run(emulator);
	} finally {
		await emulator.close();
	}
}

type Row = { sdkAppId: number | string; customFileName: string; audioUrl: string };

function context(emulator: TencentCloudEmulator, operation: string, rows: Row[] | IDataObject, continueOnFail = false) {
	const list = Array.isArray(rows) ? rows : [rows];
	return createExecuteContext({
		node,
		parameters: (itemIndex) => ({ resource: 'ivrAudio', operation, ...(list[itemIndex] as IDataObject) }),
		items: list.map(() => ({ json: {} })),
		credentials: { tencentCloudApi: { secretId: SECRET_ID, secretKey: SECRET_KEY, appId: '1250000001', endpoint: emulator.url, keyCheck: '' } },
		credentialTypes: { tencentCloudApi: new TencentCloudApi() },
		continueOnFail,
	});
}

function uploadsSent(emulator: TencentCloudEmulator) {
	return emulator.requests.filter((request) => request.action === 'UploadIvrAudio');
}

function audioListSizes(emulator: TencentCloudEmulator): number[] {
	return uploadsSent(emulator)
		.filter((request) => request.ok)
		.map((request) => ((request.params as { AudioList: unknown[] }).AudioList ?? []).length);
}

async function runUpload(emulator: TencentCloudEmulator, rows: Row[], continueOnFail = false): Promise<INodeExecutionData[]> {
	const { ctx } = context(emulator, 'upload', rows, continueOnFail);
	const [output] = await node.execute.call(ctx);
	return output;
}

const expectNoSecret = (value: unknown) => expectNoSecrets(value, [SECRET_KEY]);

describe('pure helpers', () => {
	it('checkIvrAudioUrl: http(s) only, mp3/wav when the path shows an extension', () => {
		expect(checkIvrAudioUrl('https://bucket.example.com/a/b.MP3?sign=x')).toBeUndefined();
		expect(checkIvrAudioUrl('http://example.com/welcome.wav')).toBeUndefined();
		expect(checkIvrAudioUrl('https://example.com/download?id=5')).toBeUndefined();
		expect(checkIvrAudioUrl('https://example.com/a.ogg')).toMatch(/\.ogg.*only mp3 and wav/);
		expect(checkIvrAudioUrl('ftp://example.com/a.mp3')).toMatch(/http/);
		expect(checkIvrAudioUrl('welcome.mp3')).toMatch(/not a valid URL/);
		expect(checkIvrAudioUrl('https://example.com/x%E0%A4%A.mp3')).toMatch(/broken %-escape/);
	});

	it('groupIntoRequests: consecutive SdkAppIds, at most 10, unique names per request', () => {
		const rows = [
			...Array.from({ length: 12 }, (_, i) => ({ sdkAppId: 1, customFileName: `f${i}` })),
			{ sdkAppId: 2, customFileName: 'x' },
			{ sdkAppId: 2, customFileName: 'x' },
			{ sdkAppId: 1, customFileName: 'y' },
		];
		expect(groupIntoRequests(rows).map((batch) => batch.length)).toEqual([MAX_FILES_PER_REQUEST, 2, 1, 1, 1]);
	});

	it('splitFilterValues: comma-separated strings or arrays', () => {
		expect(splitFilterValues(' a, b ,,c ')).toEqual(['a', 'b', 'c']);
		expect(splitFilterValues(['x', 5])).toEqual(['x', '5']);
		expect(splitFilterValues(undefined)).toEqual([]);
	});
});

describe('upload', () => {
	it('batches, pairs every output, spaces requests >= 1 s apart, then Get Many pages through 51 files with filters', async () => {
		await withEmulator(async (emulator) => {
			const rows: Row[] = Array.from({ length: 50 }, (_, i) => ({
				sdkAppId: i < 49 ? APP_ONE : APP_TWO,
				customFileName: i === 20 || i === 21 ? 'dup-name' : `file-${String(i).padStart(2, '0')}`,
				audioUrl: `${files.url}/${i % 2 === 0 ? 'welcome.mp3' : 'menu.wav'}`,
			}));
			const output = await runUpload(emulator, rows);
			expect(output).toHaveLength(50);
			output.forEach((item, index) => {
				expect(item.pairedItem).toEqual({ item: index });
				expect(item.json.CustomFileName).toBe(rows[index].customFileName);
				expect(item.json.Status).toBe(0);
				expect(item.json.statusText).toBe('Pending review');
				expect(typeof item.json.FileId).toBe('number');
				expect(typeof item.json.AudioFileName).toBe('string');
				expect(typeof item.json.requestId).toBe('string');
			});
			// The duplicate name starts a new request; the last item (another SdkAppId) goes alone.
			expect(audioListSizes(emulator)).toEqual([10, 10, 1, 10, 10, 8, 1]);
			const uploadRecords = uploadsSent(emulator);
			expect(uploadRecords.every((request) => request.ok)).toBe(true);
			for (let i = 1; i < uploadRecords.length; i++) {
				expect(uploadRecords[i].at - uploadRecords[i - 1].at).toBeGreaterThanOrEqual(1000);
			}
			// Each output's FileId is the file the emulator stored under that name and URL.
			const dupIds = [output[20].json.FileId, output[21].json.FileId];
			expect(new Set(dupIds).size).toBe(2);
			for (const index of [0, 20, 21, 49]) {
				const stored = emulator.uploads.find((upload) => upload.FileId === output[index].json.FileId);
				expect(stored).toMatchObject({ CustomFileName: rows[index].customFileName, AudioUrl: rows[index].audioUrl, SdkAppId: rows[index].sdkAppId });
			}

			emulator.setDailyUploads(0);
			const more = await runUpload(emulator, [
				{ sdkAppId: APP_ONE, customFileName: 'extra-reject', audioUrl: `${files.url}/welcome.mp3` },
				{ sdkAppId: APP_ONE, customFileName: 'extra-ok', audioUrl: `${files.url}/no-extension` },
			]);
			expect(more.map((item) => item.json.CustomFileName)).toEqual(['extra-reject', 'extra-ok']);
			emulator.approveAll();

			const listRequestsBefore = emulator.requests.filter((r) => r.action === 'DescribeIvrAudioList').length;
			const all = context(emulator, 'getMany', { sdkAppId: APP_ONE, returnAll: true });
			const [listed] = await node.execute.call(all.ctx);
			expect(listed).toHaveLength(51);
			listed.forEach((item) => expect(item.pairedItem).toEqual({ item: 0 }));
			const listRequests = emulator.requests.filter((r) => r.action === 'DescribeIvrAudioList').slice(listRequestsBefore);
			expect(listRequests.map((r) => r.params)).toEqual([
				{ SdkAppId: APP_ONE, PageSize: 50, PageNumber: 0 },
				{ SdkAppId: APP_ONE, PageSize: 50, PageNumber: 1 },
			]);
			const rejected = listed.find((item) => item.json.CustomFileName === 'extra-reject');
			expect(rejected?.json).toMatchObject({ Status: 2, statusText: 'Rejected' });
			expect(listed.find((item) => item.json.CustomFileName === 'file-00')?.json).toMatchObject({ Status: 1, statusText: 'Approved' });

			const limited = context(emulator, 'getMany', { sdkAppId: APP_ONE, returnAll: false, limit: 3 });
			const [three] = await node.execute.call(limited.ctx);
			expect(three).toHaveLength(3);
			expect(emulator.requests[emulator.requests.length - 1].params).toEqual({ SdkAppId: APP_ONE, PageSize: 3, PageNumber: 0 });

			const filtered = context(emulator, 'getMany', {
				sdkAppId: APP_ONE,
				returnAll: true,
				filters: { customFileNames: 'file-02, dup-name ,extra-ok' },
			});
			const [byName] = await node.execute.call(filtered.ctx);
			expect(byName.map((item) => item.json.CustomFileName).sort()).toEqual(['dup-name', 'dup-name', 'extra-ok', 'file-02']);

			const ids = `${String(output[5].json.FileId)},${String(output[6].json.FileId)}`;
			const byId = context(emulator, 'getMany', { sdkAppId: APP_ONE, returnAll: true, filters: { fileIds: ids, audioFileNames: String(output[5].json.AudioFileName) } });
			const [oneById] = await node.execute.call(byId.ctx);
			expect(oneById.map((item) => item.json.FileId)).toEqual([output[5].json.FileId]);
			expect(emulator.requests[emulator.requests.length - 1].params).toMatchObject({
				FileId: [output[5].json.FileId, output[6].json.FileId],
				AudioFileName: [output[5].json.AudioFileName],
			});
			expectNoSecret([output, listed]);
		});
	}, 30000);

	it('FailedFileList entries become paired item errors with continue-on-fail; uploaded files keep their output', async () => {
		await withEmulator(async (emulator) => {
			const output = await runUpload(
				emulator,
				[
					{ sdkAppId: APP_ONE, customFileName: 'good', audioUrl: `${files.url}/welcome.mp3` },
					{ sdkAppId: APP_ONE, customFileName: 'fake', audioUrl: `${files.url}/not-audio.mp3` },
					{ sdkAppId: APP_ONE, customFileName: 'gone', audioUrl: `${files.url}/missing.wav` },
				],
				true,
			);
			expect(audioListSizes(emulator)).toEqual([3]);
			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(output[0].json).toMatchObject({ CustomFileName: 'good', statusText: 'Pending review' });
			expect(output[1].json.error).toBe('Tencent Cloud error: "fake" was not uploaded: file format not supported');
			expect(output[1].json.description).toMatch(/RequestId: [0-9a-f-]{36}/);
			expect(output[1].json.customFileName).toBe('fake');
			expect(output[2].json.error).toContain('"gone" was not uploaded: download file failed');
			expect(emulator.uploads.map((upload) => upload.CustomFileName)).toEqual(['good']);
		});
	});

	it('keeps every FailedMsg when Tencent names failed files in a way that matches no input', async () => {
		await withEmulator(
			async (emulator) => {
				// one unmatched failure and one unmatched item: they belong together
				const one = await runUpload(
					emulator,
					[
						{ sdkAppId: APP_ONE, customFileName: 'good', audioUrl: `${files.url}/welcome.mp3` },
						{ sdkAppId: APP_ONE, customFileName: 'fake', audioUrl: `${files.url}/not-audio.mp3` },
					],
					true,
				);
				expect(one[0].json).toMatchObject({ CustomFileName: 'good' });
				expect(one[1].json.error).toBe('Tencent Cloud error: "fake" was not uploaded: file format not supported');
				// two: no guessing, but both reasons reach both items
				const two = await runUpload(
					emulator,
					[
						{ sdkAppId: APP_ONE, customFileName: 'fake', audioUrl: `${files.url}/not-audio.mp3` },
						{ sdkAppId: APP_ONE, customFileName: 'gone', audioUrl: `${files.url}/missing.wav` },
					],
					true,
				);
				for (const item of two) {
					expect(item.json.error).toMatch(/does not mention ".+"; it refused files it did not name this way: upload_\w+: file format not supported; upload_\w+: download file failed/);
				}
			},
			{ failedFileName: 'opaque' },
		);
	}, 30000);

	it('without continue-on-fail a FailedFileList entry stops the node, naming the file and what was already uploaded', async () => {
		await withEmulator(async (emulator) => {
			const { ctx } = context(emulator, 'upload', [
				{ sdkAppId: APP_ONE, customFileName: 'good', audioUrl: `${files.url}/welcome.mp3` },
				{ sdkAppId: APP_ONE, customFileName: 'fake', audioUrl: `${files.url}/not-audio.mp3` },
			]);
			const error = await node.execute.call(ctx).then(
				() => undefined,
				(caught: unknown) => caught,
			);
			expect(error).toBeInstanceOf(NodeApiError);
			const apiError = error as NodeApiError;
			expect(apiError.message).toContain('"fake" was not uploaded: file format not supported');
			expect(apiError.context.itemIndex).toBe(1);
			expect(apiError.description).toContain('do not upload them again: "good" (FileId');
			expectNoSecret(error);
		});
	});

	it('RequestLimitExceeded is waited out and retried; the upload happens once', async () => {
		await withEmulator(async (emulator) => {
			emulator.failNext('UploadIvrAudio', 'RequestLimitExceeded', 'Your current request times equals to `2` in a second.');
			const output = await runUpload(emulator, [{ sdkAppId: APP_ONE, customFileName: 'retry-me', audioUrl: `${files.url}/welcome.mp3` }]);
			expect(output[0].json).toMatchObject({ CustomFileName: 'retry-me', statusText: 'Pending review' });
			const sent = uploadsSent(emulator);
			expect(sent.map((request) => request.errorCode ?? 'ok')).toEqual(['RequestLimitExceeded', 'ok']);
			expect(sent[1].at - sent[0].at).toBeGreaterThanOrEqual(1000);
			expect(emulator.uploads).toHaveLength(1);
		});
	});

	it('FailedOperation.UploadFileOverflow stops all further uploads with a message about 50 files a day', async () => {
		await withEmulator(async (emulator) => {
			emulator.setDailyUploads(49);
			const output = await runUpload(
				emulator,
				[
					{ sdkAppId: APP_ONE, customFileName: 'a', audioUrl: `${files.url}/welcome.mp3` },
					{ sdkAppId: APP_ONE, customFileName: 'b', audioUrl: `${files.url}/welcome.mp3` },
					{ sdkAppId: APP_TWO, customFileName: 'c', audioUrl: `${files.url}/welcome.mp3` },
				],
				true,
			);
			expect(uploadsSent(emulator)).toHaveLength(1);
			expect(emulator.uploads).toHaveLength(0);
			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(output[0].json.error).toContain('FailedOperation.UploadFileOverflow');
			expect(output[0].json.error).toContain('at most 50 IVR audio files per day');
			expect(output[1].json.error).toBe(output[0].json.error);
			expect(output[2].json.error).toContain('daily limit of 50 IVR audio files was reached');
			expect(output[2].json.description).toContain('item 1');
		});
		await withEmulator(async (emulator) => {
			emulator.failNext('UploadIvrAudio', 'FailedOperation.UploadFileOverflow', 'Number of Uploaded Files exceeds the limit');
			const { ctx } = context(emulator, 'upload', [{ sdkAppId: APP_ONE, customFileName: 'a', audioUrl: `${files.url}/welcome.mp3` }]);
			await expect(node.execute.call(ctx)).rejects.toThrow(/UploadFileOverflow.*50 IVR audio files per day/);
			expect(uploadsSent(emulator)).toHaveLength(1);
		});
	});

	it('a connection broken after the upload was sent is NOT resent, and the error says so', async () => {
		await withEmulator(async (emulator) => {
			emulator.resetNext('UploadIvrAudio');
			const { ctx } = context(emulator, 'upload', [{ sdkAppId: APP_ONE, customFileName: 'once', audioUrl: `${files.url}/welcome.mp3` }]);
			const error = (await node.execute.call(ctx).catch((caught: unknown) => caught)) as NodeApiError;
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error.description).toMatch(/NOT resent/);
			expect(error.description).toMatch(/Get Many/);
			expect(uploadsSent(emulator)).toHaveLength(1);
			expect(uploadsSent(emulator)[0].reset).toBe(true);
			expect(emulator.uploads).toHaveLength(1);
			expectNoSecret(error);
		});
	});

	it('validates SdkAppId, names and URLs before any request', async () => {
		await withEmulator(async (emulator) => {
			const invalid: Row[] = [
				{ sdkAppId: APP_ONE, customFileName: 'ok', audioUrl: `${files.url}/welcome.mp3` },
				{ sdkAppId: APP_ONE, customFileName: 'ogg', audioUrl: `${files.url}/voice.ogg` },
			];
			const { ctx } = context(emulator, 'upload', invalid);
			const error = (await node.execute.call(ctx).catch((caught: unknown) => caught)) as NodeOperationError;
			expect(error).toBeInstanceOf(NodeOperationError);
			expect(error.message).toMatch(/\.ogg file.*only mp3 and wav/);
			expect(error.context.itemIndex).toBe(1);
			expect(emulator.requests).toHaveLength(0);

			const output = await runUpload(
				emulator,
				[
					{ sdkAppId: APP_ONE, customFileName: 'fine', audioUrl: `${files.url}/welcome.mp3` },
					{ sdkAppId: APP_ONE, customFileName: 'ftp', audioUrl: 'ftp://example.com/a.mp3' },
					{ sdkAppId: APP_ONE, customFileName: 'relative', audioUrl: 'welcome.mp3' },
					{ sdkAppId: 0, customFileName: 'no-app', audioUrl: `${files.url}/welcome.mp3` },
					{ sdkAppId: APP_ONE, customFileName: '  ', audioUrl: `${files.url}/welcome.mp3` },
				],
				true,
			);
			expect(output.map((item) => item.pairedItem)).toEqual([0, 1, 2, 3, 4].map((item) => ({ item })));
			expect(output[0].json.CustomFileName).toBe('fine');
			expect(output[1].json.error).toMatch(/http:\/\/ or https:\/\//);
			expect(output[2].json.error).toMatch(/not a valid URL/);
			expect(output[3].json.error).toMatch(/not a valid SdkAppId/);
			expect(output[4].json.error).toMatch(/Custom File Name is empty/);
			expect(audioListSizes(emulator)).toEqual([1]);
		});
	});
});

describe('get many', () => {
	it('refuses an invalid FileId filter before any request', async () => {
		await withEmulator(async (emulator) => {
			const { ctx } = context(emulator, 'getMany', { sdkAppId: APP_ONE, returnAll: true, filters: { fileIds: '12, abc' } });
			await expect(node.execute.call(ctx)).rejects.toThrow('"abc" is not a valid FileId');
			expect(emulator.requests).toHaveLength(0);
		});
	});

	it("surfaces Tencent's Code, Message and RequestId (unknown SdkAppId)", async () => {
		await withEmulator(async (emulator) => {
			const { ctx } = context(emulator, 'getMany', { sdkAppId: 1400009999, returnAll: true }, true);
			const [[item]] = await node.execute.call(ctx);
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(item.json.error).toContain('InvalidParameterValue.InstanceNotExist');
			expect(item.json.description).toContain(emulator.requests[emulator.requests.length - 1].requestId);
		});
	});
});
