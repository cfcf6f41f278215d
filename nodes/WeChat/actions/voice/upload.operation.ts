import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputError } from '../../../common/errors';
import { concurrencyOption, type OperationContext } from '../../../common/router';
import { WECHAT_CREDENTIAL } from '../../transport/request';
import { generateVoiceId, uploadVoice, WECHAT_RESULT_WINDOW_MS, type WeChatLanguage } from '../../transport/voice';
import { languageProperty, readWeChatAudio, voiceInputProperties } from './common';

/** Items in flight at once by default (see the Transcribe operation for the reason). */
export const defaultConcurrency = 4;

const properties: INodeProperties[] = [
	...voiceInputProperties,
	languageProperty,
	{
		displayName: 'Voice ID',
		name: 'voiceId',
		type: 'string',
		default: '',
		placeholder: 'e.g. meeting_2026_12_03_part1',
		description:
			'Unique identifier of this voice file (WeChat `voice_id`). Use the same ID with Get Result within 10 seconds. Leave empty to generate one.',
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

export const description = updateDisplayOptions({ show: { resource: ['voice'], operation: ['upload'] } }, properties);

/**
 * Upload (`addvoicetorecofortext`, docs/wechat.md#voice-upload) of one mp3 of at most 1 MB, 16 kHz mono (checked
 * before sending). Output: `{ voiceId, language, uploadedAt (ISO time), resultDeadline (ISO
 * time, 10 s later), durationSeconds, bytes }`.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: OperationContext): Promise<IDataObject> {
	const language = this.getNodeParameter('language', itemIndex) as WeChatLanguage;
	const voiceId = ((this.getNodeParameter('voiceId', itemIndex, '') as string) || '').trim() || generateVoiceId();
	if (!/^[A-Za-z0-9_\-.]{1,128}$/.test(voiceId)) {
		throw inputError(
			this.getNode(),
			`The Voice ID "${voiceId}" contains characters WeChat may not accept`,
			'Use letters, digits, "_", "-" and "." only (at most 128 characters), or leave it empty to generate one.',
			itemIndex,
		);
	}
	const audio = await readWeChatAudio(this, itemIndex, false);
	const info = audio.mp3!;
	const session = await run.credentials(WECHAT_CREDENTIAL);
	const uploadedAt = await uploadVoice(session, { data: audio.data, voiceId, language, fileName: audio.fileName, itemIndex });
	return {
		voiceId,
		language,
		uploadedAt: new Date(uploadedAt).toISOString(),
		resultDeadline: new Date(uploadedAt + WECHAT_RESULT_WINDOW_MS).toISOString(),
		durationSeconds: Math.round(info.durationSeconds * 1000) / 1000,
		bytes: audio.data.length,
	};
}
