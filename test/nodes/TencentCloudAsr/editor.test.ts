/**
 * Tencent Cloud ASR in the editor, against the API 3.0 emulator over real HTTP: the Hotword ID
 * and Customization ID pickers (GetAsrVocabList / GetCustomizationList: paging by Offset/Limit,
 * search, empty account, vendor errors), their values in Create Task (resource locator or plain),
 * Simplify on Get Task and Transcribe (and the output schema files), and the Max Wait execution
 * hint of Transcribe.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject, INodeListSearchResult } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { TencentCloudAsr } from '../../../nodes/TencentCloudAsr/TencentCloudAsr.node';
import { plainTranscript, SIMPLIFIED_TASK_FIELDS } from '../../../nodes/TencentCloudAsr/actions/recordingRecognition/taskOutput';
import { LIST_MIN_RESULTS, LIST_PAGE_SIZE } from '../../../nodes/TencentCloudAsr/transport/resources';
import { TencentCloudApi } from '../../../credentials/TencentCloudApi.credentials';
import { createExecuteContext, createLoadOptionsContext, expectNoSecrets } from '../../helpers/n8nContext';
import { expectConformsToSchema, readOutputSchema } from '../../helpers/outputSchema';
import { startFileServer, TranscriptRegistry, type RunningServer } from '../../emulators/common';
import { encodeTestWav } from '../../emulators/audio';
import { startTencentCloudEmulator, type TencentCloudEmulator, type TencentCloudEmulatorOptions } from '../../emulators/tencentCloud';

const SECRET_ID = 'AKIDasrEditorSecretId01';
const SECRET_KEY = 'asr-editor-secret-key-do-not-leak-01';
const node = new TencentCloudAsr();
const transcripts = new TranscriptRegistry();
const speech = encodeTestWav(2.4, 16000, 21);
const TEXT = '今天天气很好。我们出去走走吧！';

let dir: string;
let files: RunningServer;

beforeAll(async () => {
	transcripts.register(speech, TEXT, 2.4);
	dir = await mkdtemp(join(tmpdir(), 'asr-editor-'));
	await writeFile(join(dir, 'speech.wav'), speech);
	files = await startFileServer(dir);
});

afterAll(async () => {
	await files.close();
	await rm(dir, { recursive: true, force: true });
});

async function withEmulator(options: Partial<TencentCloudEmulatorOptions>, run: (emulator: TencentCloudEmulator) => Promise<void>) {
	const emulator = await startTencentCloudEmulator({ secretId: SECRET_ID, secretKey: SECRET_KEY, appId: 1250000001, sdkAppIds: [], transcripts, ...options });
	try {
		await run(emulator);
	} finally {
		await emulator.close();
	}
}

const credentials = (emulator: TencentCloudEmulator) => ({
	tencentCloudApi: { secretId: SECRET_ID, secretKey: SECRET_KEY, appId: '1250000001', endpoint: emulator.url, keyCheck: '' },
});

type SearchMethod = 'searchHotwordLists' | 'searchCustomizations';

async function search(emulator: TencentCloudEmulator, method: SearchMethod, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const { loadCtx } = createLoadOptionsContext({
		node,
		parameters: { resource: 'recordingRecognition', operation: 'createTask' },
		credentials: credentials(emulator),
		credentialTypes: { tencentCloudApi: new TencentCloudApi() },
	});
	return await node.methods.listSearch[method].call(loadCtx, filter, paginationToken);
}

/** Every page of a list, following the pagination token as the editor does when the user scrolls. */
async function searchAll(emulator: TencentCloudEmulator, method: SearchMethod, filter?: string) {
	const pages: INodeListSearchResult[] = [];
	let token: string | undefined;
	do {
		const page = await search(emulator, method, filter, token);
		pages.push(page);
		token = page.paginationToken as string | undefined;
	} while (token !== undefined && pages.length < 50);
	return pages;
}

const calls = (emulator: TencentCloudEmulator, action: string) =>
	emulator.requests.filter((request) => request.action === action && request.ok).map((request) => request.params as IDataObject);

const vocabs = (count: number, name = (index: number) => `词表${index + 1}`) =>
	Array.from({ length: count }, (_, index) => ({ Name: name(index), Description: `业务${index + 1}`, WordWeights: [{ Word: '智聆', Weight: 10 }] }));

describe('Hotword ID and Customization ID pickers', () => {
	it('are resource locators inside Additional Fields, From List first', () => {
		const additional = node.description.properties.find((property) => property.name === 'additionalFields')!;
		for (const [name, method] of [
			['hotwordId', 'searchHotwordLists'],
			['customizationId', 'searchCustomizations'],
		]) {
			const picker = (additional.options as Array<{ name: string; type: string; modes?: Array<{ name: string; placeholder?: string; typeOptions?: IDataObject }> }>).find(
				(option) => option.name === name,
			)!;
			expect(picker.type).toBe('resourceLocator');
			expect(picker.modes!.map((mode) => mode.name)).toEqual(['list', 'id']);
			expect(picker.modes![0].typeOptions).toEqual({ searchListMethod: method, searchable: true, searchFilterRequired: false });
			expect(picker.modes![1].placeholder).toMatch(/^e\.g\. [0-9a-f]{32}$/);
		}
		expect(Object.keys(node.methods.listSearch).sort()).toEqual(['searchCustomizations', 'searchHotwordLists']);
	});

	it('hotword lists: pages of 100 by Offset/Limit, every list once, the token being the next offset', async () => {
		await withEmulator({ vocabs: [...vocabs(249), { Name: '默认词表', State: 1 }] }, async (emulator) => {
			const pages = await searchAll(emulator, 'searchHotwordLists');
			expect(pages.map((page) => page.results.length)).toEqual([100, 100, 50]);
			expect(pages.map((page) => page.paginationToken)).toEqual(['100', '200', undefined]);
			const values = pages.flatMap((page) => page.results.map((item) => item.value));
			expect(values).toEqual(emulator.vocabs.map((vocab) => vocab.VocabId));
			expect(pages[0].results[0]).toEqual({ name: '词表1', value: emulator.vocabs[0].VocabId, description: '1 word · 业务1' });
			expect(pages[2].results[49]).toEqual({ name: '默认词表', value: emulator.vocabs[249].VocabId, description: 'Loaded by default · 0 words' });
			expect(calls(emulator, 'GetAsrVocabList')).toEqual([
				{ Offset: 0, Limit: LIST_PAGE_SIZE },
				{ Offset: 100, Limit: LIST_PAGE_SIZE },
				{ Offset: 200, Limit: LIST_PAGE_SIZE },
			]);
		});
	});

	it('stops at TotalCount without asking for an empty page', async () => {
		await withEmulator({ vocabs: vocabs(200) }, async (emulator) => {
			const pages = await searchAll(emulator, 'searchHotwordLists');
			expect(pages.map((page) => page.results.length)).toEqual([100, 100]);
			expect(pages[1].paginationToken).toBeUndefined();
			expect(calls(emulator, 'GetAsrVocabList')).toHaveLength(2);
		});
	});

	it('search: by name (any case) or id, reading on until enough matches are found, and continuing from there', async () => {
		// one "Sales" list in every 10: 30 of 300
		const list = vocabs(300, (index) => (index % 10 === 3 ? `Sales ${index}` : `词表${index}`));
		await withEmulator({ vocabs: list }, async (emulator) => {
			const first = await search(emulator, 'searchHotwordLists', 'sales');
			expect(first.results.length).toBeGreaterThanOrEqual(LIST_MIN_RESULTS);
			expect(first.results.every((item) => item.name.startsWith('Sales '))).toBe(true);
			// 10 matches per page of 100: two pages give the 20 asked for; the rest comes on scrolling
			expect(first.results).toHaveLength(20);
			expect(first.paginationToken).toBe('200');
			expect(calls(emulator, 'GetAsrVocabList').map((params) => params.Offset)).toEqual([0, 100]);
			const pages = await searchAll(emulator, 'searchHotwordLists', 'SALES');
			const names = pages.flatMap((page) => page.results.map((item) => item.name));
			expect(names).toEqual(list.filter((vocab) => vocab.Name.startsWith('Sales')).map((vocab) => vocab.Name));
			const id = emulator.vocabs[42].VocabId;
			expect((await search(emulator, 'searchHotwordLists', id.slice(4, 20).toUpperCase())).results.map((item) => item.value)).toEqual([id]);
			expect((await search(emulator, 'searchHotwordLists', 'no such list')).results).toEqual([]);
		});
	});

	it('custom models: name, ModelId, type and state; Data null (no models) is an empty list', async () => {
		await withEmulator(
			{
				customizations: [
					{ ModelName: '医疗', ModelType: '16k', ModelState: 1, AtUpdated: '2020-08-24 20:16:25' },
					{ ModelName: '客服', ModelType: '8k', ModelState: -1, AtUpdated: '2020-08-24 20:16:15' },
					{ ModelName: 'training one', ModelState: 0 },
				],
			},
			async (emulator) => {
				const { results, paginationToken } = await search(emulator, 'searchCustomizations');
				expect(paginationToken).toBeUndefined();
				expect(results.slice(0, 2)).toEqual([
					{ name: '医疗', value: emulator.customizations[0].ModelId, description: '16k · Online · updated 2020-08-24 20:16:25' },
					{ name: '客服', value: emulator.customizations[1].ModelId, description: '8k · Offline · updated 2020-08-24 20:16:15' },
				]);
				expect(results[2].description).toMatch(/^16k · Training · updated /);
				expect((await search(emulator, 'searchCustomizations', '客')).results.map((item) => item.name)).toEqual(['客服']);
				expect(calls(emulator, 'GetCustomizationList')[0]).toEqual({ Offset: 0, Limit: LIST_PAGE_SIZE });
			},
		);
		await withEmulator({}, async (emulator) => {
			expect(await search(emulator, 'searchCustomizations')).toEqual({ results: [] });
			expect(await search(emulator, 'searchHotwordLists')).toEqual({ results: [] });
		});
	});

	it('custom models page by Offset/Limit too, and search across pages', async () => {
		const models = Array.from({ length: 150 }, (_, index) => ({ ModelName: index % 50 === 7 ? `客服 ${index}` : `模型 ${index}` }));
		await withEmulator({ customizations: models }, async (emulator) => {
			const pages = await searchAll(emulator, 'searchCustomizations');
			expect(pages.map((page) => [page.results.length, page.paginationToken])).toEqual([
				[100, '100'],
				[50, undefined],
			]);
			expect(pages.flatMap((page) => page.results.map((item) => item.value))).toEqual(emulator.customizations.map((model) => model.ModelId));
			const found = await searchAll(emulator, 'searchCustomizations', '客服');
			expect(found.flatMap((page) => page.results.map((item) => item.name))).toEqual(['客服 7', '客服 57', '客服 107']);
			expect(calls(emulator, 'GetCustomizationList').map((params) => params.Offset)).toEqual([0, 100, 0, 100]);
		});
	});

	it.each<[SearchMethod, string]>([
		['searchHotwordLists', 'GetAsrVocabList'],
		['searchCustomizations', 'GetCustomizationList'],
	])("%s surfaces Tencent's code, message and RequestId", async (method, action) => {
		await withEmulator({ vocabs: vocabs(3) }, async (emulator) => {
			emulator.failNext(action, 'FailedOperation.UserNotRegistered', 'The ASR service is not activated.');
			const error = await search(emulator, method).catch((caught: unknown) => caught as NodeApiError);
			expect(error).toBeInstanceOf(NodeApiError);
			expect((error as NodeApiError).message).toBe('Tencent Cloud error: FailedOperation.UserNotRegistered – The ASR service is not activated.');
			const failed = emulator.requests.find((request) => request.action === action && !request.ok)!;
			expect((error as NodeApiError).description).toContain(`RequestId: ${failed.requestId}`);
			expectNoSecrets(error, [SECRET_KEY]);
		});
	});
});

describe('Hotword ID and Customization ID values in Create Task', () => {
	const createTask = (emulator: TencentCloudEmulator, additionalFields: IDataObject) =>
		createExecuteContext({
			node,
			parameters: { resource: 'recordingRecognition', operation: 'createTask', inputType: 'url', audioUrl: `${files.url}/speech.wav`, additionalFields },
			credentials: credentials(emulator),
			credentialTypes: { tencentCloudApi: new TencentCloudApi() },
		});

	it('sends resource-locator values and plain values alike; an empty picker sends nothing', async () => {
		await withEmulator({}, async (emulator) => {
			await node.execute.call(
				createTask(emulator, {
					hotwordId: { __rl: true, mode: 'list', value: 'e92bd0d632d211eab508446a2eb5fd98', cachedResultName: '词表1' },
					customizationId: { __rl: true, mode: 'id', value: ' a07acb16e60311ea9a76b49691037310 ' },
				}).ctx,
			);
			await node.execute.call(createTask(emulator, { hotwordId: 'f10b9bf4367411eab508446a2eb5fd98', customizationId: '98bda0fee60311ea9a76b49691037310' }).ctx);
			await node.execute.call(createTask(emulator, { hotwordId: { __rl: true, mode: 'list', value: '' }, customizationId: { __rl: true, mode: 'id', value: '' } }).ctx);
			expect(emulator.tasks.map((task) => [task.params.HotwordId, task.params.CustomizationId])).toEqual([
				['e92bd0d632d211eab508446a2eb5fd98', 'a07acb16e60311ea9a76b49691037310'],
				['f10b9bf4367411eab508446a2eb5fd98', '98bda0fee60311ea9a76b49691037310'],
				[undefined, undefined],
			]);
		});
	});

	it('refuses an ID that cannot be one before any request', async () => {
		await withEmulator({}, async (emulator) => {
			const error = await node.execute
				.call(createTask(emulator, { hotwordId: { __rl: true, mode: 'id', value: 'my list; drop' } }).ctx)
				.catch((caught: unknown) => caught as NodeOperationError);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as Error).message).toBe('"my list; drop" is not a valid Hotword ID');
			expect(emulator.requests).toHaveLength(0);
		});
	});
});

describe('Simplify', () => {
	it('plainTranscript drops the [start,end] and [start,end,speaker] stamps', () => {
		expect(plainTranscript('[0:1.640,0:4.600]  我在马上上夜班。\n[0:4.600,0:6.000,1]  好的。\n')).toBe('我在马上上夜班。\n好的。');
		expect(plainTranscript('')).toBe('');
		expect(plainTranscript('no stamps here')).toBe('no stamps here');
	});

	it('Transcribe: text first and seven fields by default (schema file), every field when off', async () => {
		const schema = readOutputSchema('TencentCloudAsr', 'recordingRecognition', 'transcribe');
		expect(Object.keys(schema.properties!)).toEqual([...SIMPLIFIED_TASK_FIELDS]);
		await withEmulator({}, async (emulator) => {
			const parameters = { resource: 'recordingRecognition', operation: 'transcribe', inputType: 'url', audioUrl: `${files.url}/speech.wav`, resTextFormat: 2, options: { pollIntervalSeconds: 0.02 } };
			const simple = createExecuteContext({ node, parameters, credentials: credentials(emulator), credentialTypes: { tencentCloudApi: new TencentCloudApi() } });
			const [[item]] = await node.execute.call(simple.ctx);
			expect(Object.keys(item.json)[0]).toBe('text');
			expectConformsToSchema(item.json, schema);
			expect(item.json).toMatchObject({ status: 2, statusText: 'success', audioDuration: 2.4, errorMessage: '' });
			expect(item.json.transcript).toBe('今天天气很好。\n我们出去走走吧！');
			expect(item.json.text).toMatch(/^\[0:0\.020,0:\d\.\d{3}\] {2}今天天气很好。\n/);

			const full = createExecuteContext({ node, parameters: { ...parameters, simplify: false }, credentials: credentials(emulator), credentialTypes: { tencentCloudApi: new TencentCloudApi() } });
			const [[fullItem]] = await node.execute.call(full.ctx);
			expect(Object.keys(fullItem.json)).toEqual(['taskId', 'status', 'statusText', 'text', 'transcript', 'resultDetail', 'audioDuration', 'errorMessage', 'requestId']);
			expect((fullItem.json.resultDetail as IDataObject[]).length).toBe(2);
		});
	});

	it('Get Task: the same simplified shape (schema file) while the task is still waiting', async () => {
		await withEmulator({}, async (emulator) => {
			const created = createExecuteContext({
				node,
				parameters: { resource: 'recordingRecognition', operation: 'createTask', inputType: 'url', audioUrl: `${files.url}/speech.wav` },
				credentials: credentials(emulator),
				credentialTypes: { tencentCloudApi: new TencentCloudApi() },
			});
			const [[task]] = await node.execute.call(created.ctx);
			expectConformsToSchema(task.json, readOutputSchema('TencentCloudAsr', 'recordingRecognition', 'createTask'));
			const get = createExecuteContext({
				node,
				parameters: { resource: 'recordingRecognition', operation: 'getTask', taskId: task.json.taskId },
				credentials: credentials(emulator),
				credentialTypes: { tencentCloudApi: new TencentCloudApi() },
			});
			const [[item]] = await node.execute.call(get.ctx);
			expect(item.json).toEqual({ text: '', transcript: '', taskId: task.json.taskId, status: 0, statusText: 'waiting', audioDuration: 0, errorMessage: '' });
			expectConformsToSchema(item.json, readOutputSchema('TencentCloudAsr', 'recordingRecognition', 'getTask'));
		});
	});
});

describe('Transcribe: Max Wait hint', () => {
	it('with continue-on-fail, one hint names the items that stopped waiting and their tasks', async () => {
		await withEmulator({ taskSteps: { waitingPolls: 1000 } }, async (emulator) => {
			const test = createExecuteContext({
				node,
				parameters: { resource: 'recordingRecognition', operation: 'transcribe', inputType: 'url', audioUrl: `${files.url}/speech.wav`, options: { pollIntervalSeconds: 0.05, maxWaitSeconds: 0.2 } },
				items: [{ json: {} }, { json: {} }],
				credentials: credentials(emulator),
				credentialTypes: { tencentCloudApi: new TencentCloudApi() },
				continueOnFail: true,
			});
			const [output] = await node.execute.call(test.ctx);
			expect(output.map((item) => item.json.taskId)).toEqual(['9007199254740993', '9007199254740994']);
			expect(output.every((item) => typeof item.json.error === 'string')).toBe(true);
			expect(test.hints).toEqual([
				{
					message: expect.stringMatching(
						/^Transcribe stopped waiting for items 1 and 2 after Max Wait, but their tasks are still running at Tencent \(task 9007199254740993, task 9007199254740994\)\. Fetch the results later with Get Task/,
					),
					type: 'warning',
					location: 'outputPane',
				},
			]);
		});
	});

	it('adds no hint when every task finished', async () => {
		await withEmulator({}, async (emulator) => {
			const test = createExecuteContext({
				node,
				parameters: { resource: 'recordingRecognition', operation: 'transcribe', inputType: 'url', audioUrl: `${files.url}/speech.wav`, options: { pollIntervalSeconds: 0.02 } },
				credentials: credentials(emulator),
				credentialTypes: { tencentCloudApi: new TencentCloudApi() },
				continueOnFail: true,
			});
			await node.execute.call(test.ctx);
			expect(test.hints).toEqual([]);
		});
	});
});
