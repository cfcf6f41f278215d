import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { audioSummary } from '../../../common/audio/gate';
import { inputError } from '../../../common/errors';
import { readSimplify, simplifyProperty } from '../../../common/simplify';
import { concurrencyOption, type OperationContext } from '../../../common/router';
import { readSubtitleRequest, subtitleBinary, subtitleOptions } from '../../../common/subtitleOutput';
import { TENCENT_CREDENTIAL } from '../../../common/tencent/client';
import { recognizeSentence } from '../../transport/sentenceRecognition';
import { readSyncAudio, SENTENCE_AUDIO_RULES } from './audio';
import { sentenceRecognition } from './recognitionOutput';
import { readSyncFields, SENTENCE_ENGINE_TYPES, syncAdditionalFields } from './syncFields';

/**
 * Items in flight at once by default. SentenceRecognition allows 30 requests per second per
 * account (docs/tencent-cloud-api.md#asr-sentencerecognition), which the node keeps to whatever
 * this is set to (`TENCENT_RATE_LIMITS`); each item holds at most 2.25 MB of audio.
 */
export const defaultConcurrency = 10;

const properties: INodeProperties[] = [
	{
		displayName: 'Engine Type',
		name: 'sentenceEngineType',
		type: 'options',
		options: SENTENCE_ENGINE_TYPES,
		default: '16k_zh',
		description: 'Recognition engine (EngSerViceType). Use an 8k engine for telephone recordings and a 16k engine for everything else.',
	},
	simplifyProperty,
	{
		displayName: 'Additional Fields',
		name: 'additionalFields',
		type: 'collection',
		placeholder: 'Add Field',
		default: {},
		options: syncAdditionalFields('sentence'),
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

/** Parameters of Recognize Sentence (SentenceRecognition), besides the audio input. */
export const description = updateDisplayOptions({ show: { resource: ['recordingRecognition'], operation: ['recognizeSentence'] } }, properties);

/**
 * Recognize Sentence for one item (一句话识别 `SentenceRecognition`,
 * docs/tencent-cloud-api.md#asr-sentencerecognition): checks the fields and the audio first (binary,
 * or the Audio URL downloaded by n8n; format from the bytes as `VoiceFormat`; at most 60 seconds
 * and 2,359,296 bytes, the raw size whose base64 `Data` is 3 MB), then sends `EngSerViceType`,
 * `SourceType` 1, `VoiceFormat`, `Data`, `DataLen` (raw bytes) and the options.
 *
 * Output (Simplify on): `{ text, audioDuration (s), sentences: [{ text, start, end (s), speaker:
 * null }], words?: [{ word, start, end (s) }], requestId, audio }`; Simplify off: Tencent's
 * `Response` (`Result`, `AudioDuration` in ms, `WordSize`, `WordList`, `RequestId`) plus `audio`.
 * With Subtitles: the subtitle file as binary and `subtitles` as for Flash Recognize.
 *
 * @throws NodeOperationError for input refused before sending; NodeApiError with Tencent's Code,
 *   Message and RequestId.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: OperationContext): Promise<INodeExecutionData[]> {
	const node = this.getNode();
	const engine = String(this.getNodeParameter('sentenceEngineType', itemIndex) ?? '').trim();
	if (!engine) throw inputError(node, 'Engine Type is empty', 'Choose a recognition engine, e.g. 16k_zh.', itemIndex);
	const simplify = readSimplify(this.getNodeParameter('simplify', itemIndex, true));
	const fields = readSyncFields(this, itemIndex, 'sentence');
	const subtitles = readSubtitleRequest(this, itemIndex, this.getNodeParameter('options', itemIndex, {}) as IDataObject);
	const { audio, voiceFormat } = await readSyncAudio(this, itemIndex, SENTENCE_AUDIO_RULES, engine);

	const params: IDataObject = {
		EngSerViceType: engine,
		SourceType: 1,
		VoiceFormat: voiceFormat,
		Data: audio.data.toString('base64'),
		DataLen: audio.data.length,
	};
	if (fields.wordInfo > 0) params.WordInfo = fields.wordInfo;
	if (fields.filterDirty !== undefined) params.FilterDirty = fields.filterDirty;
	if (fields.filterModal !== undefined) params.FilterModal = fields.filterModal;
	if (fields.filterPunc !== undefined) params.FilterPunc = fields.filterPunc;
	if (fields.convertNumMode !== undefined) params.ConvertNumMode = fields.convertNumMode;
	if (fields.hotwordId) params.HotwordId = fields.hotwordId;
	if (fields.hotwordList) params.HotwordList = fields.hotwordList;
	if (fields.customizationId) params.CustomizationId = fields.customizationId;

	const session = await run.credentials(TENCENT_CREDENTIAL);
	const answer = await recognizeSentence(session, params, itemIndex);
	const recognition = sentenceRecognition(answer, { wordInfo: fields.wordInfo });
	const summary = audioSummary(audio);
	const requestId = typeof answer.RequestId === 'string' ? answer.RequestId : undefined;
	const json: IDataObject = simplify
		? {
				text: recognition.text,
				audioDuration: recognition.audioDuration,
				sentences: recognition.sentences,
				...(recognition.words ? { words: recognition.words } : {}),
				requestId,
				audio: summary,
			}
		: { ...answer, audio: summary };
	if (!subtitles) return [{ json }];
	const file = await subtitleBinary(this, subtitles, recognition.timed, audio.fileName || requestId || 'sentence');
	return [{ json: { ...json, subtitles: file.summary }, binary: file.binary }];
}
