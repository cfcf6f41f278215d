import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputError } from '../../../shared/errors';
import { generateVoiceId, uploadVoice, WECHAT_MAX_VOICE_BYTES, type WeChatLanguage } from '../../transport/voice';
import { checkWeChatAudio } from './audioCheck';
import { languageProperty, readVoiceInput, voiceInputProperties } from './common';

const properties: INodeProperties[] = [
	...voiceInputProperties,
	languageProperty,
	{
		displayName: 'Voice ID',
		name: 'voiceId',
		type: 'string',
		default: '',
		placeholder: 'Leave empty to generate one',
		description:
			'Unique identifier of this voice file (WeChat `voice_id`). Use the same ID with Get Result within 10 seconds. Empty: a new ID is generated.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['voice'], operation: ['upload'] } }, properties);

/**
 * Upload (`addvoicetorecofortext`, seed 000) of one mp3 of at most 1 MB, 16 kHz mono (checked
 * before sending). Output: `{ voiceId, language, uploadedAt (ISO time), resultDeadline (ISO
 * time, 10 s later), durationSeconds, bytes }`.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
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
	const audio = await readVoiceInput(this, itemIndex, WECHAT_MAX_VOICE_BYTES);
	const info = checkWeChatAudio(this.getNode(), audio.data, itemIndex, false);
	const uploadedAt = await uploadVoice.call(this, { data: audio.data, voiceId, language, fileName: audio.fileName, itemIndex });
	return {
		voiceId,
		language,
		uploadedAt: new Date(uploadedAt).toISOString(),
		resultDeadline: new Date(uploadedAt + 10_000).toISOString(),
		durationSeconds: Math.round(info.durationSeconds * 1000) / 1000,
		bytes: audio.data.length,
	};
}
