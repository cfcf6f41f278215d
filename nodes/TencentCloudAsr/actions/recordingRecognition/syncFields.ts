import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { inputError } from '../../../common/errors';
import { customizationIdProperty, ENGINE_MODEL_TYPES, hotwordIdProperty, readResourceId } from './recTaskFields';

/**
 * Engines of flash recognition (`engine_type`): the CreateRecTask engine list
 * (docs/tencent-cloud-api.md#asr-createrectask); the flash page lists the same languages and
 * dialects (docs/tencent-flash-asr.md#request). Tencent refuses an engine it does not offer for
 * flash with 4001, which the node shows with Tencent's message.
 */
export const FLASH_ENGINE_TYPES: INodePropertyOptions[] = ENGINE_MODEL_TYPES as INodePropertyOptions[];

/**
 * SentenceRecognition engines (`EngSerViceType`: docs/tencent-cloud-api.md#asr-sentencerecognition
 * and the official SDK model): no large-model engines.
 */
const SENTENCE_ENGINES = new Set([
	'8k_zh',
	'8k_en',
	'16k_zh',
	'16k_zh-PY',
	'16k_zh_medical',
	'16k_en',
	'16k_yue',
	'16k_ja',
	'16k_ko',
	'16k_vi',
	'16k_ms',
	'16k_id',
	'16k_fil',
	'16k_th',
	'16k_pt',
	'16k_tr',
	'16k_ar',
	'16k_es',
	'16k_hi',
	'16k_fr',
	'16k_de',
	'16k_zh_dialect',
]);

/** The `EngSerViceType` options of Recognize Sentence. */
export const SENTENCE_ENGINE_TYPES: INodePropertyOptions[] = FLASH_ENGINE_TYPES.filter((option) => SENTENCE_ENGINES.has(String(option.value)));

/** Which synchronous API a field list is for. */
export type SyncApi = 'flash' | 'sentence';

const filterOptions = (label: string, vendorNames: string, values: Array<[string, number]>, description: string): INodeProperties => ({
	displayName: label,
	name: vendorNames,
	type: 'options',
	options: values.map(([name, value]) => ({ name, value })),
	default: 0,
	description,
});

/**
 * The Additional Fields of Flash Recognize (`flash`) and Recognize Sentence (`sentence`), named like
 * Create Task's (`hotwordId`, `hotwordList`, `customizationId`, filters …) so that they read and
 * change the same way; vendor names in the descriptions.
 */
export function syncAdditionalFields(api: SyncApi): INodeProperties[] {
	const vendor = (flash: string, sentence: string) => (api === 'flash' ? flash : sentence);
	const fields: INodeProperties[] = [
		{
			displayName: 'Convert Numbers',
			name: 'convertNumMode',
			type: 'options',
			options: [
				{ name: 'Chinese Numerals (0)', value: 0, description: 'Keep numbers as Chinese characters' },
				{ name: 'Smart Arabic Numerals (1)', value: 1, description: 'Write numbers as digits where it fits' },
			],
			default: 1,
			description: `How numbers are written (${vendor('convert_num_mode', 'ConvertNumMode')}; Mandarin engines)`,
		},
		customizationIdProperty,
		filterOptions('Filter Dirty Words', 'filterDirty', [['Keep (0)', 0], ['Remove (1)', 1], ['Replace With Asterisks (2)', 2]], `What to do with profanity (${vendor('filter_dirty', 'FilterDirty')}; Mandarin engines)`),
		filterOptions('Filter Modal Particles', 'filterModal', [['Keep (0)', 0], ['Remove Some (1)', 1], ['Remove Strictly (2)', 2]], `Whether to drop filler words such as 嗯 and 啊 (${vendor('filter_modal', 'FilterModal')}; Mandarin engines)`),
		filterOptions('Filter Punctuation', 'filterPunc', [['Keep (0)', 0], ['Remove Sentence-Final (1)', 1], ['Remove All (2)', 2]], `Which punctuation to drop (${vendor('filter_punc', 'FilterPunc')}; Mandarin engines)`),
		hotwordIdProperty,
		{
			displayName: 'Hotword List',
			name: 'hotwordList',
			type: 'string',
			default: '',
			placeholder: 'e.g. 腾讯云|10,语音识别|5',
			description: `Temporary hotwords for this request as "word|weight" separated by commas, up to 128, weight 1 to 11 or 100 (${vendor('hotword_list', 'HotwordList')}). Overrides Hotword ID.`,
		},
		{
			displayName: 'Word Timings',
			name: 'wordInfo',
			type: 'options',
			options: [
				{ name: 'None (0)', value: 0 },
				{ name: 'Words Without Punctuation (1)', value: 1, description: 'Adds `words` with start and end times' },
				{ name: 'Words With Punctuation (2)', value: 2, description: 'Adds `words`, punctuation marks included' },
				...(api === 'flash'
					? [{ name: 'Words, Sentences Split at Punctuation (3)', value: 3, description: 'Adds `words` and cuts sentences at every punctuation mark (short subtitle lines)' }]
					: []),
			],
			default: 0,
			description: `Whether to return the time of every word (${vendor('word_info', 'WordInfo')}). Subtitles use word timings to place cue boundaries when present.`,
		},
	];
	if (api === 'flash') {
		fields.push(
			{
				displayName: 'First Channel Only',
				name: 'firstChannelOnly',
				type: 'boolean',
				default: true,
				description: 'Whether to recognise only the first channel of a multi-channel recording (first_channel_only). Off: every channel is recognised and each sentence carries its `channel`.',
			},
			{
				displayName: 'Sentence Max Length',
				name: 'sentenceMaxLength',
				type: 'number',
				typeOptions: { minValue: 0, maxValue: 40 },
				default: 0,
				description: 'Most characters per recognised sentence, 6 to 40, for subtitles; 0 turns it off (sentence_max_length; Tencent documents it for 8k_zh and 16k_zh)',
			},
			{
				displayName: 'Speaker Diarization',
				name: 'speakerDiarization',
				type: 'boolean',
				default: false,
				description: 'Whether to tell speakers apart (speaker_diarization); each sentence then carries its `speaker`',
			},
		);
	}
	return fields.sort((a, b) => a.displayName.localeCompare(b.displayName));
}

/** The Additional Fields of one item, checked and under this package's names (numbers as numbers). */
export interface SyncFields {
	convertNumMode?: number;
	customizationId?: string;
	filterDirty?: number;
	filterModal?: number;
	filterPunc?: number;
	hotwordId?: string;
	hotwordList?: string;
	wordInfo: number;
	/** Flash only. */
	firstChannelOnly?: boolean;
	sentenceMaxLength?: number;
	speakerDiarization?: boolean;
}

/**
 * Checks a temporary hotword list before sending: `word|weight` entries separated by commas, at
 * most 128, each weight 1–11 or 100 (docs/tencent-cloud-api.md#asr-createrectask `HotwordList`,
 * the same form as flash `hotword_list`). Returns what is wrong, or `undefined`.
 */
export function hotwordListProblem(list: string): string | undefined {
	const entries = list.split(',');
	if (entries.length > 128) return `it holds ${entries.length} hotwords; at most 128 are allowed`;
	for (const entry of entries) {
		const bar = entry.lastIndexOf('|');
		if (bar <= 0 || !/^(?:[1-9]|1[01]|100)$/.test(entry.slice(bar + 1))) {
			return `"${entry}" is not "word|weight" with a weight from 1 to 11 or 100`;
		}
	}
	return undefined;
}

/**
 * Reads and checks the Additional Fields of item `itemIndex` (before any request): choices within
 * their documented values, Sentence Max Length 0 or 6–40, the hotword list's form.
 *
 * @throws NodeOperationError (item error) naming the field and the allowed values.
 */
export function readSyncFields(ctx: IExecuteFunctions, itemIndex: number, api: SyncApi): SyncFields {
	const node = ctx.getNode();
	const additional = ctx.getNodeParameter('additionalFields', itemIndex, {}) as IDataObject;
	const choice = (field: string, label: string, allowed: number[]): number | undefined => {
		const value = additional[field];
		if (value === undefined || value === '') return undefined;
		const number = Number(value);
		if (!Number.isInteger(number) || !allowed.includes(number)) {
			throw inputError(node, `${label} must be one of ${allowed.join(', ')}, not ${String(value)}`, undefined, itemIndex);
		}
		return number;
	};
	const text = (field: string) => String(additional[field] ?? '').trim() || undefined;
	const fields: SyncFields = {
		convertNumMode: choice('convertNumMode', 'Convert Numbers', [0, 1]),
		customizationId: readResourceId(node, additional.customizationId, 'Customization ID', itemIndex),
		filterDirty: choice('filterDirty', 'Filter Dirty Words', [0, 1, 2]),
		filterModal: choice('filterModal', 'Filter Modal Particles', [0, 1, 2]),
		filterPunc: choice('filterPunc', 'Filter Punctuation', [0, 1, 2]),
		hotwordId: readResourceId(node, additional.hotwordId, 'Hotword ID', itemIndex),
		hotwordList: text('hotwordList'),
		wordInfo: choice('wordInfo', 'Word Timings', api === 'flash' ? [0, 1, 2, 3] : [0, 1, 2]) ?? 0,
	};
	if (fields.hotwordList) {
		const problem = hotwordListProblem(fields.hotwordList);
		if (problem) throw inputError(node, `Hotword List is not valid: ${problem}`, 'Write hotwords as "word|weight" separated by commas, e.g. 腾讯云|10,语音识别|5.', itemIndex);
	}
	if (api === 'flash') {
		fields.firstChannelOnly = additional.firstChannelOnly !== false;
		fields.speakerDiarization = additional.speakerDiarization === true;
		const max = additional.sentenceMaxLength;
		if (max !== undefined && max !== '') {
			const number = Number(max);
			if (!Number.isInteger(number) || (number !== 0 && (number < 6 || number > 40))) {
				throw inputError(node, `Sentence Max Length must be 0 or a whole number from 6 to 40, not ${String(max)}`, undefined, itemIndex);
			}
			if (number !== 0) fields.sentenceMaxLength = number;
		}
	}
	return fields;
}
