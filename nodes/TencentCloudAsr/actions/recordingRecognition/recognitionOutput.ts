import type { IDataObject } from 'n8n-workflow';

import type { TimedText, TimedWord } from '../../../common/subtitles';
import type { FlashAnswer } from '../../transport/flash';
import type { RecTask } from '../../transport/recTask';
import type { SentenceAnswer } from '../../transport/sentenceRecognition';

/**
 * The shape Flash Recognize and Recognize Sentence output (Simplify on), one unit throughout:
 * every time and duration in SECONDS (vendor milliseconds divided by 1000, so exact to the
 * millisecond), plus the sentences as {@link TimedText} in milliseconds for the subtitle writer.
 */
export interface Recognition {
	/** The whole text (channels joined by a line break). */
	text: string;
	/** Seconds. */
	audioDuration: number;
	/** `{ text, start, end (seconds), speaker (null without diarization), channel? }`. */
	sentences: IDataObject[];
	/** `{ word, start, end (seconds) }` when word timings were asked for. */
	words?: IDataObject[];
	/** The sentences for subtitles, milliseconds. */
	timed: TimedText[];
}

const seconds = (milliseconds: number) => (Number.isFinite(milliseconds) ? milliseconds / 1000 : 0);
const number = (value: unknown) => (typeof value === 'number' ? value : Number(value));

/**
 * The output of a flash answer (docs/tencent-flash-asr.md#answer): `speaker` is `speaker_id`
 * with Speaker Diarization on, else null (the id means nothing then); `channel` only when more
 * than one channel was recognised; `words` (all channels, in order) only when Word Timings > 0
 * (`word_list` is optional even then: UNCONFIRMED in the documentation).
 */
export function flashRecognition(answer: FlashAnswer, options: { diarization: boolean; wordInfo: number }): Recognition {
	const channels = answer.flash_result ?? [];
	const multi = channels.length > 1;
	const sentences: IDataObject[] = [];
	const words: IDataObject[] = [];
	const timed: TimedText[] = [];
	for (const channel of channels) {
		for (const sentence of channel.sentence_list ?? []) {
			const speaker = options.diarization && sentence.speaker_id !== undefined ? number(sentence.speaker_id) : null;
			const startMs = number(sentence.start_time);
			const endMs = number(sentence.end_time);
			const sentenceWords: TimedWord[] = (sentence.word_list ?? []).map((word) => ({ word: word.word, startMs: number(word.start_time), endMs: number(word.end_time) }));
			sentences.push({ text: sentence.text, start: seconds(startMs), end: seconds(endMs), speaker, ...(multi ? { channel: number(channel.channel_id) } : {}) });
			if (options.wordInfo > 0) words.push(...sentenceWords.map((word) => ({ word: word.word, start: seconds(word.startMs), end: seconds(word.endMs) })));
			timed.push({ text: sentence.text, startMs, endMs, speaker: speaker ?? undefined, words: sentenceWords });
		}
	}
	return {
		text: channels.map((channel) => channel.text).join('\n'),
		audioDuration: seconds(number(answer.audio_duration)),
		sentences,
		...(options.wordInfo > 0 ? { words } : {}),
		timed,
	};
}

/**
 * The output of a SentenceRecognition answer (docs/tencent-cloud-api.md#asr-sentencerecognition):
 * one sentence, the whole `Result`, from the first word's start (else 0) to the last word's end
 * (else `AudioDuration`); `words` from `WordList` when Word Timings > 0.
 */
export function sentenceRecognition(answer: SentenceAnswer, options: { wordInfo: number }): Recognition {
	const list = Array.isArray(answer.WordList) ? answer.WordList : [];
	const timedWords: TimedWord[] = list.map((word) => ({ word: word.Word, startMs: number(word.StartTime), endMs: number(word.EndTime) }));
	const durationMs = number(answer.AudioDuration);
	const text = typeof answer.Result === 'string' ? answer.Result : '';
	const startMs = timedWords.length > 0 ? timedWords[0].startMs : 0;
	const endMs = timedWords.length > 0 ? timedWords[timedWords.length - 1].endMs : durationMs;
	const timed: TimedText[] = text.trim() ? [{ text, startMs, endMs, words: timedWords }] : [];
	return {
		text,
		audioDuration: seconds(durationMs),
		sentences: timed.map((sentence) => ({ text: sentence.text, start: seconds(sentence.startMs), end: seconds(sentence.endMs), speaker: null })),
		...(options.wordInfo > 0 ? { words: timedWords.map((word) => ({ word: word.word, start: seconds(word.startMs), end: seconds(word.endMs) })) } : {}),
		timed,
	};
}

/** `m:s.mmm` of a Result line → milliseconds, exactly (no floating point). */
function resultTimeMs(minutes: string, secondsText: string): number {
	const [whole, fraction = ''] = secondsText.split('.');
	return Number(minutes) * 60_000 + Number(whole) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
}

const RESULT_LINE = /^\[(\d+):(\d+(?:\.\d+)?),(\d+):(\d+(?:\.\d+)?)(?:,(\d+))?\]\s*(.*)$/;

/**
 * The sentences of a DescribeTaskStatus `Result` text: lines `[m:s.mmm,m:s.mmm]  text`, or with a
 * third field (speaker/channel id) `[0:0.000,0:2.260,0]  text`; any number of minutes
 * (docs/tencent-cloud-api.md#asr-describetaskstatus). Lines that do not match are skipped.
 */
export function parseResultLines(result: string): TimedText[] {
	const sentences: TimedText[] = [];
	for (const line of result.split(/\r?\n/)) {
		const match = RESULT_LINE.exec(line.trim());
		if (!match) continue;
		sentences.push({
			text: match[6],
			startMs: resultTimeMs(match[1], match[2]),
			endMs: resultTimeMs(match[3], match[4]),
			...(match[5] !== undefined ? { speaker: Number(match[5]) } : {}),
		});
	}
	return sentences;
}

/**
 * The sentences of a finished task for subtitles: `ResultDetail` when present (`FinalSentence`,
 * `StartMs`/`EndMs` in milliseconds, `SpeakerId`, `Words` whose `OffsetStartMs`/`OffsetEndMs` are
 * relative to the sentence start), else the `Result` lines ({@link parseResultLines}).
 */
export function taskSentences(task: RecTask): TimedText[] {
	if (Array.isArray(task.resultDetail) && task.resultDetail.length > 0) {
		return task.resultDetail.map((detail) => {
			const startMs = number(detail.StartMs);
			const words = Array.isArray(detail.Words) ? (detail.Words as IDataObject[]) : [];
			return {
				text: String(detail.FinalSentence ?? ''),
				startMs,
				endMs: number(detail.EndMs),
				...(detail.SpeakerId !== undefined && detail.SpeakerId !== null ? { speaker: number(detail.SpeakerId) } : {}),
				words: words.map((word) => ({ word: String(word.Word ?? ''), startMs: startMs + number(word.OffsetStartMs), endMs: startMs + number(word.OffsetEndMs) })),
			};
		});
	}
	return parseResultLines(task.text);
}
