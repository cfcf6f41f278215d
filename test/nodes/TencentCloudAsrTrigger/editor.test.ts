/**
 * Tencent Cloud ASR Trigger in the editor: Simplify (on by default: eight fields in a fixed order,
 * matching the output schema file `__schema__/v1.0.0.json`; off: every field as before).
 */
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { SIMPLIFIED_CALLBACK_FIELDS, TencentCloudAsrTrigger } from '../../../nodes/TencentCloudAsrTrigger/TencentCloudAsrTrigger.node';
import { createWebhookContext } from '../../helpers/webhookContext';
import { expectConformsToSchema, readOutputSchema } from '../../helpers/outputSchema';

const trigger = new TencentCloudAsrTrigger();

/** docs/tencent-asr-callbacks.md#callback-request: a CreateRecTask callback and a legacy one. */
const REC_TASK_BODY =
	'code=0&requestId=4000048858&appid=12516&projectid=0&text=%5B0%3A1.640%2C0%3A4.600%5D++%E6%88%91%E5%9C%A8%E9%A9%AC%E4%B8%8A%E4%B8%8A%E5%A4%9C%E7%8F%AD%E3%80%82%0A&audioTime=8.420000&message=&resultDetail=';
const LEGACY_FAILED_BODY = 'code=10007&requestId=501&appid=12000001&projectid=0&text=&audioUrl=http%3a%2f%2ftest.qq.com%2fvoice_url&audioTime=0&message=download+failed';

async function post(body: string, parameters: IDataObject = {}): Promise<IDataObject> {
	const raw = Buffer.from(body, 'utf8');
	const test = createWebhookContext({ node: trigger, parameters, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, rawBody: raw });
	const result = await trigger.webhook.call(test.ctx);
	return (result.workflowData as INodeExecutionData[][])[0][0].json;
}

describe('Simplify', () => {
	it('is on by default: taskId, code, message, success, text, audioTime, audioUrl, format (the schema file)', async () => {
		const schema = readOutputSchema('TencentCloudAsrTrigger');
		expect(Object.keys(schema.properties!)).toEqual([...SIMPLIFIED_CALLBACK_FIELDS]);
		const json = await post(REC_TASK_BODY);
		expect(json).toEqual({
			taskId: '4000048858',
			code: 0,
			message: '',
			success: true,
			text: '[0:1.640,0:4.600]  我在马上上夜班。\n',
			audioTime: 8.42,
			audioUrl: null,
			format: 'recTask',
		});
		expectConformsToSchema(json, schema);
		const failed = await post(LEGACY_FAILED_BODY);
		expect(failed).toMatchObject({ taskId: '501', code: 10007, success: false, message: 'download failed', audioUrl: 'http://test.qq.com/voice_url', format: 'legacy' });
		expectConformsToSchema(failed, schema);
	});

	it('off: every field, raw and rawBody included, as before', async () => {
		const json = await post(REC_TASK_BODY, { simplify: false });
		expect(Object.keys(json)).toEqual(['taskId', 'code', 'message', 'text', 'audioTime', 'audioUrl', 'appId', 'projectId', 'resultDetail', 'resultDetailRaw', 'format', 'raw', 'rawBody']);
		expect(json.rawBody).toBe(REC_TASK_BODY);
		expect(json.success).toBeUndefined();
	});

	it('Simplify sits before Options, with n8n\'s standard wording', () => {
		const names = trigger.description.properties.map((property) => property.name);
		expect(names.indexOf('simplify')).toBe(names.indexOf('options') - 1);
		expect(trigger.description.properties.find((property) => property.name === 'simplify')).toEqual({
			displayName: 'Simplify',
			name: 'simplify',
			type: 'boolean',
			default: true,
			description: 'Whether to return a simplified version of the response instead of the raw data',
		});
	});
});
