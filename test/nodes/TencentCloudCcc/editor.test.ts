/**
 * Tencent Cloud Contact Center in the editor: the SdkAppId picker's list (DescribeCCCBuyInfoList
 * against the API 3.0 emulator, signed by the credential), SdkAppId read from a resource locator
 * or a plain value, and the "pending review" execution hint after Upload.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { TencentCloudCcc } from '../../../nodes/TencentCloudCcc/TencentCloudCcc.node';
import { TencentCloudApi } from '../../../credentials/TencentCloudApi.credentials';
import { createExecuteContext, createLoadOptionsContext, expectNoSecrets } from '../../helpers/n8nContext';
import { expectConformsToSchema, readOutputSchema } from '../../helpers/outputSchema';
import { startFileServer, TranscriptRegistry, type RunningServer } from '../../emulators/common';
import { encodeTestMp3 } from '../../emulators/audio';
import { startTencentCloudEmulator, type TencentCloudEmulator, type TencentCloudEmulatorOptions } from '../../emulators/tencentCloud';

const SECRET_ID = 'AKIDcccEditorSecretId01';
const SECRET_KEY = 'ccc-editor-secret-key-do-not-leak-01';
const node = new TencentCloudCcc();

let dir: string;
let files: RunningServer;

beforeAll(async () => {
	dir = await mkdtemp(join(tmpdir(), 'ccc-editor-'));
	await writeFile(join(dir, 'welcome.mp3'), encodeTestMp3(2, 1));
	files = await startFileServer(dir);
});

afterAll(async () => {
	await files.close();
	await rm(dir, { recursive: true, force: true });
});

async function withEmulator(options: Partial<TencentCloudEmulatorOptions>, run: (emulator: TencentCloudEmulator) => Promise<void>) {
	const emulator = await startTencentCloudEmulator({
		secretId: SECRET_ID,
		secretKey: SECRET_KEY,
		appId: 1250000001,
		sdkAppIds: [],
		transcripts: new TranscriptRegistry(),
		...options,
	});
	try {
		await run(emulator);
	} finally {
		await emulator.close();
	}
}

const credentials = (emulator: TencentCloudEmulator, secretKey = SECRET_KEY) => ({
	tencentCloudApi: { secretId: SECRET_ID, secretKey, appId: '1250000001', endpoint: emulator.url, keyCheck: '' },
});

async function searchSdkAppIds(emulator: TencentCloudEmulator, filter?: string, secretKey?: string) {
	const { loadCtx } = createLoadOptionsContext({
		node,
		parameters: { resource: 'ivrAudio', operation: 'upload' },
		credentials: credentials(emulator, secretKey),
		credentialTypes: { tencentCloudApi: new TencentCloudApi() },
	});
	return await node.methods.listSearch.searchSdkAppIds.call(loadCtx, filter);
}

const listCalls = (emulator: TencentCloudEmulator) => emulator.requests.filter((request) => request.action === 'DescribeCCCBuyInfoList');

describe('SdkAppId picker', () => {
	it('is a resource locator (From List first, searchable; By ID checked) on both operations', () => {
		const pickers = node.description.properties.filter((property) => property.name === 'sdkAppId');
		expect(pickers).toHaveLength(2);
		for (const picker of pickers) {
			expect(picker.type).toBe('resourceLocator');
			expect(picker.default).toEqual({ mode: 'list', value: '' });
			const [list, id] = picker.modes!;
			expect(list).toMatchObject({ name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchSdkAppIds', searchable: true, searchFilterRequired: false } });
			expect(id.name).toBe('id');
			expect(id.placeholder).toMatch(/^e\.g\. /);
			const regex = new RegExp(`^${(id.validation![0] as unknown as { properties: { regex: string } }).properties.regex}$`);
			expect(regex.test('1400000000')).toBe(true);
			expect(regex.test('abc')).toBe(false);
			expect(regex.test('0')).toBe(false);
		}
		expect(Object.keys(node.methods.listSearch)).toEqual(['searchSdkAppIds']);
	});

	it("lists every application in one request although TotalCount is 0, as in Tencent's example", async () => {
		await withEmulator(
			{
				sdkAppIds: [1400000001, 1400000002, 1400000003],
				cccBuyInfo: {
					apps: {
						1400000001: { Name: 'Sales hotline', StaffBuyNum: 2 },
						1400000002: { Name: 'Support', PhoneNumBuyList: [{ PhoneNum: '008612345', Type: 1, CallType: 1, BuyTime: 0, EndTime: 0, State: 1 }] },
					},
				},
			},
			async (emulator) => {
				const { results, paginationToken } = await searchSdkAppIds(emulator);
				expect(paginationToken).toBeUndefined();
				expect(results).toEqual([
					{ name: 'Sales hotline (1400000001)', value: '1400000001', description: '2 seats, 0 phone numbers' },
					{ name: 'Support (1400000002)', value: '1400000002', description: '1 seat, 1 phone number' },
					{ name: 'CCC 1400000003 (1400000003)', value: '1400000003', description: '1 seat, 0 phone numbers' },
				]);
				const calls = listCalls(emulator);
				expect(calls).toHaveLength(1);
				expect(calls[0].params).toEqual({});
			},
		);
	});

	it('filters by name (any case) or SdkAppId, locally', async () => {
		await withEmulator(
			{ sdkAppIds: [1400000001, 1400000002, 1499000003], cccBuyInfo: { apps: { 1400000001: { Name: 'Sales hotline' }, 1400000002: { Name: 'Support' } } } },
			async (emulator) => {
				expect((await searchSdkAppIds(emulator, 'SALES')).results.map((item) => item.value)).toEqual(['1400000001']);
				expect((await searchSdkAppIds(emulator, ' 14990 ')).results.map((item) => item.value)).toEqual(['1499000003']);
				expect((await searchSdkAppIds(emulator, 'nothing like this')).results).toEqual([]);
				expect(listCalls(emulator).every((call) => JSON.stringify(call.params) === '{}')).toBe(true);
			},
		);
	});

	it('an account without Contact Center applications gives an empty list', async () => {
		await withEmulator({ sdkAppIds: [] }, async (emulator) => {
			expect(await searchSdkAppIds(emulator)).toEqual({ results: [] });
		});
	});

	it("surfaces Tencent's error (code, message, RequestId) and a wrong key, without the SecretKey", async () => {
		await withEmulator({ sdkAppIds: [1400000001] }, async (emulator) => {
			emulator.failNext('DescribeCCCBuyInfoList', 'AuthFailure.UnauthorizedOperation', 'The sub-account has no ccc:DescribeCCCBuyInfoList permission.');
			const error = await searchSdkAppIds(emulator).then(
				() => undefined,
				(caught: unknown) => caught as NodeApiError,
			);
			expect(error).toBeInstanceOf(NodeApiError);
			expect(error!.message).toBe('Tencent Cloud error: AuthFailure.UnauthorizedOperation – The sub-account has no ccc:DescribeCCCBuyInfoList permission.');
			expect(error!.description).toContain(`RequestId: ${listCalls(emulator)[0].requestId}`);

			const wrong = await searchSdkAppIds(emulator, undefined, 'another-secret-key-that-is-wrong-0').catch((caught: unknown) => caught as Error);
			expect(wrong).toBeInstanceOf(NodeApiError);
			expect((wrong as Error).message).toContain('AuthFailure.SignatureFailure');
			expectNoSecrets([error, wrong], [SECRET_KEY, 'another-secret-key-that-is-wrong-0']);
		});
	});
});

describe('SdkAppId values', () => {
	function context(emulator: TencentCloudEmulator, parameters: IDataObject, options: { continueOnFail?: boolean; withoutExecutionHints?: boolean } = {}) {
		return createExecuteContext({
			node,
			parameters: { resource: 'ivrAudio', ...parameters },
			credentials: credentials(emulator),
			credentialTypes: { tencentCloudApi: new TencentCloudApi() },
			...options,
		});
	}

	it.each([
		['a resource locator from the list', { __rl: true, mode: 'list', value: '1400000001', cachedResultName: 'Sales hotline (1400000001)' }],
		['a resource locator by ID', { __rl: true, mode: 'id', value: ' 1400000001 ' }],
		['a plain number (workflows saved before the picker)', 1400000001],
		['plain text from an expression', '1400000001'],
	])('Get Many reads %s', async (_what, sdkAppId) => {
		await withEmulator({ sdkAppIds: [1400000001] }, async (emulator) => {
			const { ctx } = context(emulator, { operation: 'getMany', sdkAppId, returnAll: true });
			const [output] = await node.execute.call(ctx);
			expect(output).toEqual([]);
			const [call] = emulator.requests.filter((request) => request.action === 'DescribeIvrAudioList');
			expect((call.params as IDataObject).SdkAppId).toBe(1400000001);
		});
	});

	it.each([
		[{ __rl: true, mode: 'list', value: '' }, /No SdkAppId was chosen/],
		['', /No SdkAppId was chosen/],
		[{ __rl: true, mode: 'id', value: '14000x' }, /"14000x" is not a valid SdkAppId/],
		[-5, /"-5" is not a valid SdkAppId/],
	])('refuses %j before any request', async (sdkAppId, message) => {
		await withEmulator({ sdkAppIds: [1400000001] }, async (emulator) => {
			const { ctx } = context(emulator, { operation: 'upload', sdkAppId, customFileName: 'welcome', audioUrl: `${files.url}/welcome.mp3` });
			const error = await node.execute.call(ctx).catch((caught: unknown) => caught as NodeOperationError);
			expect(error).toBeInstanceOf(NodeOperationError);
			expect((error as Error).message).toMatch(message);
			expect((error as NodeOperationError).description).toMatch(/Choose the Contact Center application from the list/);
			expect(emulator.requests).toHaveLength(0);
		});
	});
});

describe('Upload: files pending review', () => {
	it('adds one info hint naming the items whose files await review', async () => {
		await withEmulator({ sdkAppIds: [1400000001], reviewSeconds: 3600 }, async (emulator) => {
			const rows = ['welcome', 'menu', 'closing'].map((customFileName) => ({
				sdkAppId: { __rl: true, mode: 'list', value: '1400000001' },
				customFileName,
				audioUrl: `${files.url}/welcome.mp3`,
			}));
			const test = createExecuteContext({
				node,
				parameters: (itemIndex) => ({ resource: 'ivrAudio', operation: 'upload', ...rows[itemIndex] }),
				items: rows.map(() => ({ json: {} })),
				credentials: credentials(emulator),
				credentialTypes: { tencentCloudApi: new TencentCloudApi() },
			});
			const [output] = await node.execute.call(test.ctx);
			expect(output.map((item) => item.json.Status)).toEqual([0, 0, 0]);
			for (const item of output) expectConformsToSchema(item.json, readOutputSchema('TencentCloudCcc', 'ivrAudio', 'upload'));
			expect(test.hints).toEqual([
				{
					message: expect.stringMatching(/^The files of items 1, 2 and 3 were uploaded and are pending review by Tencent \(Status 0\).*Run Get Many later/),
					type: 'info',
					location: 'outputPane',
				},
			]);

			const list = createExecuteContext({
				node,
				parameters: { resource: 'ivrAudio', operation: 'getMany', sdkAppId: { __rl: true, mode: 'id', value: '1400000001' }, returnAll: true },
				credentials: credentials(emulator),
				credentialTypes: { tencentCloudApi: new TencentCloudApi() },
			});
			const [listed] = await node.execute.call(list.ctx);
			expect(listed).toHaveLength(3);
			for (const item of listed) expectConformsToSchema(item.json, readOutputSchema('TencentCloudCcc', 'ivrAudio', 'getMany'));
			expect(list.hints).toEqual([]);
		});
	});

	it('works where n8n has no addExecutionHints', async () => {
		await withEmulator({ sdkAppIds: [1400000001] }, async (emulator) => {
			const test = createExecuteContext({
				node,
				parameters: { resource: 'ivrAudio', operation: 'upload', sdkAppId: 1400000001, customFileName: 'welcome', audioUrl: `${files.url}/welcome.mp3` },
				credentials: credentials(emulator),
				credentialTypes: { tencentCloudApi: new TencentCloudApi() },
				withoutExecutionHints: true,
			});
			expect('addExecutionHints' in test.ctx).toBe(false);
			const [[item]] = await node.execute.call(test.ctx);
			expect(item.json).toMatchObject({ CustomFileName: 'welcome', Status: 0, statusText: 'Pending review' });
			expect(test.hints).toEqual([]);
		});
	});
});
