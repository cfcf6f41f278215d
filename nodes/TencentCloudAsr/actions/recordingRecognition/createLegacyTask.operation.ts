import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputError } from '../../../common/errors';
import { credentialAppId } from './appId';
import { concurrencyOption, type OperationContext } from '../../../common/router';
import { TENCENT_CREDENTIAL } from '../../../common/tencent/client';
import { checkHttpUrl } from '../../../common/url';
import { submitLegacyAsrTask } from '../../transport/legacyAsr';
import { LEGACY_AUDIO, LEGACY_MAX_URL_BYTES, readTencentAudio, tencentAudioSummary } from './audio';

/** Items in flight at once by default; the legacy API documents no rate limit (docs/tencent-legacy-asr.md#request). */
export const defaultConcurrency = 5;

const properties: INodeProperties[] = [
	{
		displayName:
			'This is Tencent\'s older recording-file API (aai.qcloud.com). It needs the App ID in the credential, returns results only by callback, and takes recordings of up to one hour.',
		name: 'legacyNotice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'Callback URL',
		name: 'callbackUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://n8n.example.com/webhook/…/tencent-asr-callback?token=…',
		description: 'Where Tencent posts the result (required by this API; shorter than 2048 bytes), e.g. the production URL of a Tencent Cloud ASR Trigger with its token',
	},
	{
		displayName: 'Engine Model Type',
		name: 'legacyEngineModelType',
		type: 'options',
		options: [
			{ name: 'General 16k (16k_0)', value: '16k_0', description: '16 kHz Mandarin Chinese' },
			{ name: 'Telephone 8k (8k_0)', value: '8k_0', description: '8 kHz telephone audio; the only engine for two-channel audio' },
			{ name: 'Telephone 8k With Speaker Separation (8k_6)', value: '8k_6', description: '8 kHz one-channel telephone audio, speakers told apart' },
		],
		default: '16k_0',
		description: 'Recognition engine (engine_model_type)',
	},
	{
		displayName: 'Channel Count',
		name: 'legacyChannelNum',
		type: 'options',
		options: [
			{ name: 'One Channel (1)', value: 1 },
			{ name: 'Two Channels (2)', value: 2, description: 'Only with the 8k_0 telephone engine' },
		],
		default: 1,
		description: 'Channels of the audio (channel_num)',
	},
	{
		displayName: 'Result Text Encoding',
		name: 'legacyResTextFormat',
		type: 'options',
		options: [
			{ name: 'UTF-8 (0)', value: 0 },
			{ name: 'GB2312 (1)', value: 1 },
			{ name: 'GBK (2)', value: 2 },
			{ name: 'BIG5 (3)', value: 3 },
		],
		default: 0,
		description: 'Text encoding of the result in the callback (res_text_format). The Tencent Cloud ASR Trigger reads UTF-8, GB2312 and GBK by itself; for BIG5 set its Text Encoding option to BIG5.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [concurrencyOption(defaultConcurrency)],
	},
];

/** Parameters of Create Legacy Task (`aai.qcloud.com/asr/v1/{appid}`: docs/tencent-legacy-asr.md#request). */
export const description = updateDisplayOptions(
	{ show: { resource: ['recordingRecognition'], operation: ['createLegacyTask'] } },
	properties,
);

/** Engines of the legacy API (docs/tencent-legacy-asr.md#request). */
const LEGACY_ENGINES = ['8k_0', '16k_0', '8k_6'];

/**
 * Create Legacy Task for one item (docs/tencent-legacy-asr.md#request): checks everything first (App ID in
 * the credential, callback URL http(s) and < 2048 bytes, engine, channel count — 2 only with
 * 8k_0 —, text encoding 0–3, audio URL < 2048 bytes or binary audio of at most 5 MB in a
 * recognised format), then submits `projectid=0`, `sub_service_type=0`, `res_type=1`,
 * `engine_model_type`, `res_text_format`, `channel_num`, `callback_url`, `source_type` (0 with
 * `url`, 1 with the audio as the body).
 *
 * @returns `{ taskId (string, the answer's requestId), code, message }` plus `audio` for binary input.
 * @throws NodeOperationError for invalid input; NodeApiError with the numeric code 1000–1034,
 *   Tencent's message and an English explanation.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: OperationContext): Promise<IDataObject> {
	const node = this.getNode();
	const session = await run.credentials(TENCENT_CREDENTIAL);
	const appId = credentialAppId(this, session, itemIndex, 'The legacy API', 'use Create Task, which does not need it');
	const callbackUrl = checkHttpUrl(node, this.getNodeParameter('callbackUrl', itemIndex), itemIndex, {
		label: 'Callback URL',
		maxLength: { bytes: LEGACY_MAX_URL_BYTES, owner: 'Tencent' },
	});
	const engine = String(this.getNodeParameter('legacyEngineModelType', itemIndex) ?? '');
	if (!LEGACY_ENGINES.includes(engine)) {
		throw inputError(node, `Engine Model Type "${engine}" is not one of ${LEGACY_ENGINES.join(', ')}`, undefined, itemIndex);
	}
	const channelNum = Number(this.getNodeParameter('legacyChannelNum', itemIndex));
	if (channelNum !== 1 && channelNum !== 2) {
		throw inputError(node, `Channel Count must be 1 or 2, not ${String(channelNum)}`, undefined, itemIndex);
	}
	if (channelNum === 2 && engine !== '8k_0') {
		throw inputError(
			node,
			`Channel Count 2 is only available with the 8k_0 engine, not ${engine}`,
			'Set Channel Count to 1, or choose Telephone 8k (8k_0) for two-channel telephone recordings.',
			itemIndex,
		);
	}
	const resTextFormat = Number(this.getNodeParameter('legacyResTextFormat', itemIndex));
	if (![0, 1, 2, 3].includes(resTextFormat)) {
		throw inputError(node, `Result Text Encoding must be 0, 1, 2 or 3, not ${String(resTextFormat)}`, undefined, itemIndex);
	}
	const audio = await readTencentAudio(this, itemIndex, LEGACY_AUDIO, channelNum);
	const query: IDataObject = {
		projectid: 0,
		sub_service_type: 0,
		engine_model_type: engine,
		res_text_format: resTextFormat,
		res_type: 1,
		callback_url: callbackUrl,
		channel_num: channelNum,
		source_type: audio.kind === 'url' ? 0 : 1,
	};
	if (audio.kind === 'url') query.url = audio.url;
	const body = audio.kind === 'url' ? Buffer.alloc(0) : audio.data;
	const created = await submitLegacyAsrTask(session, appId, query, body, itemIndex);
	const output: IDataObject = { taskId: created.taskId, code: created.code, message: created.message };
	const summary = tencentAudioSummary(audio);
	if (summary) output.audio = summary;
	return output;
}
