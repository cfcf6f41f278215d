import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { audioSummary } from '../../../common/audio/gate';
import { inputError } from '../../../common/errors';
import { readSimplify, simplifyProperty } from '../../../common/simplify';
import { concurrencyOption, type OperationContext } from '../../../common/router';
import { readSubtitleRequest, subtitleBinary, subtitleOptions } from '../../../common/subtitleOutput';
import { TENCENT_CREDENTIAL } from '../../../common/tencent/client';
import { FLASH_DEFAULT_CONCURRENCY, flashRecognize } from '../../transport/flash';
import { credentialAppId } from './appId';
import { FLASH_AUDIO_RULES, readSyncAudio } from './audio';
import { flashRecognition } from './recognitionOutput';
import { FLASH_ENGINE_TYPES, readSyncFields, syncAdditionalFields } from './syncFields';

/**
 * Items in flight at once by default: flash recognition limits CONCURRENT requests per account
 * (20 by default on the current product page, 3 in an earlier revision of it;
 * docs/tencent-flash-asr.md#request), not requests per second; see {@link FLASH_DEFAULT_CONCURRENCY}.
 * 4006 answers (limit reached) are waited out and retried.
 */
export const defaultConcurrency = FLASH_DEFAULT_CONCURRENCY;

const properties: INodeProperties[] = [
	{
		displayName: 'Engine Type',
		name: 'engineType',
		type: 'options',
		options: FLASH_ENGINE_TYPES,
		default: '16k_zh',
		description: 'Recognition engine (engine_type). Use an 8k engine for telephone recordings and a 16k engine for everything else.',
	},
	simplifyProperty,
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: syncAdditionalFields('flash'),
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [concurrencyOption(defaultConcurrency), ...subtitleOptions()],
	},
];

/** Parameters of Flash Recognize (docs/tencent-flash-asr.md#request), besides the audio input. */
export const description = updateDisplayOptions({ show: { resource: ['recordingRecognition'], operation: ['flashRecognize'] } }, properties);

/**
 * Flash Recognize for one item (录音文件识别极速版, docs/tencent-flash-asr.md): everything is
 * checked before anything is sent — Additional Fields, subtitle options, the credential's App ID,
 * and the audio (binary, or the Audio URL downloaded by n8n: at most 100 MB and 2 hours, format
 * recognised from the bytes and sent as `voice_format`) — then the audio is sent in one signed
 * request and the whole result comes back at once.
 *
 * Output (Simplify on): `{ text, audioDuration (s), sentences: [{ text, start, end (s), speaker,
 * channel? }], words?: [{ word, start, end (s) }], requestId, audio: { format, bytes, … } }`;
 * Simplify off: the vendor's answer (`request_id`, `code`, `message`, `audio_duration` in ms,
 * `flash_result`) plus `audio`. With Subtitles: the .srt/.vtt file in the Binary Output Field and
 * `subtitles: { format, fileName, binaryField, cues }`.
 *
 * @throws NodeOperationError for input refused before sending; NodeApiError with Tencent's code,
 *   message and Request ID (see `flashRecognize`).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: OperationContext): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const engine = String(this.getNodeParameter('engineType', itemIndex) ?? '').trim();
	if (!engine) throw inputError(node, 'Engine Type is empty', 'Choose a recognition engine, e.g. 16k_zh.', itemIndex);
	const simplify = readSimplify(this.getNodeParameter('simplify', itemIndex, true));
	const fields = readSyncFields(this, itemIndex, 'flash');
	const subtitles = readSubtitleRequest(this, itemIndex, this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const session = await run.credentials(TENCENT_CREDENTIAL);
	const appId = credentialAppId(this, session, itemIndex, 'Flash recognition', 'use Transcribe, which does not need it');
	const { audio, voiceFormat } = await readSyncAudio(this, itemIndex, FLASH_AUDIO_RULES, engine);

	const query: IDataObject = { engine_type: engine, voice_format: voiceFormat };
	if (fields.speakerDiarization) query.speaker_diarization = 1;
	if (fields.hotwordId) query.hotword_id = fields.hotwordId;
	if (fields.hotwordList) query.hotword_list = fields.hotwordList;
	if (fields.customizationId) query.customization_id = fields.customizationId;
	if (fields.filterDirty !== undefined) query.filter_dirty = fields.filterDirty;
	if (fields.filterModal !== undefined) query.filter_modal = fields.filterModal;
	if (fields.filterPunc !== undefined) query.filter_punc = fields.filterPunc;
	if (fields.convertNumMode !== undefined) query.convert_num_mode = fields.convertNumMode;
	if (fields.wordInfo > 0) query.word_info = fields.wordInfo;
	if (fields.firstChannelOnly === false) query.first_channel_only = 0;
	if (fields.sentenceMaxLength !== undefined) query.sentence_max_length = fields.sentenceMaxLength;

	const answer = await flashRecognize(session, appId, query, audio.data, itemIndex);
	const recognition = flashRecognition(answer, { diarization: fields.speakerDiarization === true, wordInfo: fields.wordInfo });
	const summary = audioSummary(audio);
	const json: IDataObject = simplify
		? {
				text: recognition.text,
				audioDuration: recognition.audioDuration,
				sentences: recognition.sentences,
				...(recognition.words ? { words: recognition.words } : {}),
				requestId: answer.request_id,
				audio: summary,
			}
		: { ...answer, audio: summary };
	if (!subtitles) return [{ json }];
	const file = await subtitleBinary(this, subtitles, recognition.timed, audio.fileName || answer.request_id);
	return [{ json: { ...json, subtitles: file.summary }, binary: file.binary }];
}
