/**
 * How the Tencent ASR emulators lay a registered transcript out as recognition results: the
 * sentences with their times (the registered segments' times exactly, else spread over the audio),
 * words spread over each sentence, and the formats of CreateRecTask/DescribeTaskStatus
 * (`Result` lines and `SentenceDetail`, docs/tencent-cloud-api.md#asr-describetaskstatus),
 * SentenceRecognition (`WordList`, docs/tencent-cloud-api.md#asr-sentencerecognition) and flash
 * recognition (`sentence_list`, docs/tencent-flash-asr.md#answer). Also the checks of the
 * temporary hotword list shared by SentenceRecognition and flash recognition.
 *
 * An emulator cannot recognise speech: the text comes from the {@link TranscriptRegistry} of
 * ../common, the times from its segments when the test registered them.
 */
import type { Transcript, TranscriptSegment } from '../common';

/** A word of a SentenceDetail (offsets relative to the sentence start, milliseconds). */
export interface SentenceWord {
	Word: string;
	OffsetStartMs: number;
	OffsetEndMs: number;
}

/** A SentenceDetail as returned in `ResultDetail` (PascalCase, as DescribeTaskStatus). */
export interface SentenceDetail {
	FinalSentence: string;
	SliceSentence: string;
	WrittenText: string;
	StartMs: number;
	EndMs: number;
	WordsNum: number;
	Words: SentenceWord[];
	SpeechSpeed: number;
	SpeakerId: number;
	EmotionalEnergy: number;
	SilenceTime: number;
	EmotionType: string[];
}

/** A sentence laid out on the audio, milliseconds from its start. */
export interface TimedSentence {
	text: string;
	startMs: number;
	endMs: number;
	speakerId: number;
	/** Characters of speech (punctuation and spaces left out), at least 1. */
	weight: number;
}

/** A word laid out on the audio, milliseconds from its start. */
export interface TimedWord {
	word: string;
	startMs: number;
	endMs: number;
}

/** Formats milliseconds as Tencent's `m:s.mmm` (seconds not zero-padded: `0:1.640`, `1:5.100`). */
export function formatResultTime(ms: number): string {
	const minutes = Math.floor(ms / 60000);
	return `${minutes}:${((ms - minutes * 60000) / 1000).toFixed(3)}`;
}

const PUNCTUATION = /[\p{P}]/u;
const TRAILING_PUNCTUATION = /[\p{P}]+$/u;
const SENTENCES = /[^。！？!?.\n]+[。！？!?.]*/gu;

/** Word tokens as the emulator counts them: runs of Latin letters/digits, or single other characters. */
export function tokenize(sentence: string): string[] {
	return sentence.match(/[A-Za-z0-9'’-]+|[^\sA-Za-z0-9'’-]/gu) ?? [];
}

/**
 * Applies a punctuation filter (`FilterPunc` / `filter_punc`): 0 keeps everything, 1 drops the
 * punctuation that ends each sentence, 2 drops all punctuation.
 */
export function filterPunctuation(text: string, filterPunc: number): string {
	if (filterPunc === 2) {
		return text.replace(/[\p{P}]/gu, '');
	}
	if (filterPunc === 1) {
		return (text.match(SENTENCES) ?? []).map((sentence) => sentence.trim().replace(TRAILING_PUNCTUATION, '')).join('');
	}
	return text;
}

const weightOf = (text: string): number => Math.max(1, text.replace(/[\s\p{P}]/gu, '').length);

/**
 * The sentences of a recognition. With registered segments: one sentence per segment, with the
 * segment's times rounded to whole milliseconds (exactly what the test registered). Otherwise
 * the text is split after 。！？!?. and spread proportionally (by characters) over the audio,
 * from 20 ms to 20 ms before its end (the whole text at 250 ms a character when the duration is
 * unknown). `filterPunc` as {@link filterPunctuation}; sentences left empty are dropped.
 */
export function layoutSentences(
	text: string,
	durationSeconds: number,
	options: { segments?: readonly TranscriptSegment[]; filterPunc?: number } = {},
): TimedSentence[] {
	const filterPunc = options.filterPunc ?? 0;
	if (options.segments && options.segments.length > 0) {
		return options.segments
			.map((segment) => ({
				text: filterPunctuation(segment.text.trim(), filterPunc),
				startMs: Math.round(segment.startSeconds * 1000),
				endMs: Math.round(segment.endSeconds * 1000),
				speakerId: segment.speakerId ?? 0,
				weight: weightOf(segment.text),
			}))
			.filter((sentence) => sentence.text.length > 0);
	}
	const sentences = (text.match(SENTENCES) ?? [])
		.map((sentence) => filterPunctuation(sentence.trim(), filterPunc))
		.filter((sentence) => sentence.length > 0);
	const weights = sentences.map((sentence) => Math.max(1, sentence.replace(/\s/g, '').length));
	const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
	const totalMs = durationSeconds > 0 ? Math.round(durationSeconds * 1000) : totalWeight * 250 + 40;
	const spanMs = Math.max(totalWeight, totalMs - 40);
	let cursor = 0;
	return sentences.map((sentence, index) => {
		const startMs = 20 + Math.round((cursor / totalWeight) * spanMs);
		cursor += weights[index];
		const endMs = 20 + Math.round((cursor / totalWeight) * spanMs);
		return { text: sentence, startMs, endMs, speakerId: 0, weight: weights[index] };
	});
}

/** The words of a sentence spread evenly over its time; punctuation tokens only when asked. */
export function layoutWords(sentence: TimedSentence, includePunctuation: boolean): TimedWord[] {
	const tokens = tokenize(sentence.text).filter((token) => includePunctuation || !PUNCTUATION.test(token));
	const slot = tokens.length > 0 ? (sentence.endMs - sentence.startMs) / tokens.length : 0;
	return tokens.map((word, index) => ({
		word,
		startMs: sentence.startMs + Math.round(index * slot),
		endMs: sentence.startMs + Math.round((index + 1) * slot),
	}));
}

/**
 * Lays a transcript out as CreateRecTask/DescribeTaskStatus answer it: `Result` has one line per
 * sentence `[start,end]  text\n` (two spaces); `ResultDetail` is null when `resTextFormat` is 0,
 * else SentenceDetail[] with words (offsets relative to the sentence; punctuation tokens only
 * from format 2). Sentences as {@link layoutSentences}: the registered segments' times when given.
 */
export function buildRecognition(
	text: string,
	durationSeconds: number,
	options: { resTextFormat: number; filterPunc?: number; segments?: readonly TranscriptSegment[] },
): { Result: string; ResultDetail: SentenceDetail[] | null } {
	const sentences = layoutSentences(text, durationSeconds, options);
	let previousEnd = 0;
	let result = '';
	const details: SentenceDetail[] = sentences.map((sentence, index) => {
		result += `[${formatResultTime(sentence.startMs)},${formatResultTime(sentence.endMs)}]  ${sentence.text}\n`;
		const words = layoutWords(sentence, options.resTextFormat >= 2).map((word) => ({
			Word: word.word,
			OffsetStartMs: word.startMs - sentence.startMs,
			OffsetEndMs: word.endMs - sentence.startMs,
		}));
		const detail: SentenceDetail = {
			FinalSentence: sentence.text,
			SliceSentence: words.map((word) => word.Word).join(' '),
			WrittenText: '',
			StartMs: sentence.startMs,
			EndMs: sentence.endMs,
			WordsNum: words.length,
			Words: words,
			SpeechSpeed: Math.round((sentence.weight / Math.max(0.001, (sentence.endMs - sentence.startMs) / 1000)) * 10) / 10,
			SpeakerId: sentence.speakerId,
			EmotionalEnergy: 0,
			SilenceTime: index === 0 ? 0 : sentence.startMs - previousEnd,
			EmotionType: [],
		};
		previousEnd = sentence.endMs;
		return detail;
	});
	return { Result: result, ResultDetail: options.resTextFormat === 0 ? null : details };
}

/** The duration to report for audio: the registered one, else the one estimated from its bytes, else 0. */
export function durationOf(transcript: Transcript | undefined, estimatedSeconds: number | undefined): number {
	return transcript?.durationSeconds ?? estimatedSeconds ?? 0;
}

/** Limits of a temporary hotword list (SentenceRecognition `HotwordList`, flash `hotword_list`). */
export const HOTWORD_LIST_LIMITS = {
	/** Hotwords per list. */
	maxWords: 128,
	/** Characters per hotword (at most 10 Chinese characters, 30 other characters). */
	maxChars: 30,
	maxHanChars: 10,
} as const;

/**
 * Checks a temporary hotword list `"word|weight,word|weight"`: at most 128 entries, each word
 * non-empty, ≤ 30 characters and ≤ 10 Chinese characters, weight an integer 1–11 or 100 (the SDK
 * model and docs/tencent-flash-asr.md#request). Returns a reason, or undefined when valid.
 */
export function hotwordListProblem(list: string): string | undefined {
	const entries = list.split(',');
	if (entries.length > HOTWORD_LIST_LIMITS.maxWords) {
		return `it holds ${entries.length} hotwords, at most ${HOTWORD_LIST_LIMITS.maxWords} are allowed`;
	}
	for (const entry of entries) {
		const bar = entry.lastIndexOf('|');
		const word = bar === -1 ? entry : entry.slice(0, bar);
		const weight = bar === -1 ? '' : entry.slice(bar + 1);
		if (word.length === 0 || !/^(?:[1-9]|1[01]|100)$/.test(weight)) {
			return `"${entry}" is not "word|weight" with a weight 1–11 or 100`;
		}
		const han = (word.match(/\p{Script=Han}/gu) ?? []).length;
		if (Array.from(word).length > HOTWORD_LIST_LIMITS.maxChars || han > HOTWORD_LIST_LIMITS.maxHanChars) {
			return `the hotword "${word}" is longer than 30 characters or 10 Chinese characters`;
		}
	}
	return undefined;
}
