/**
 * The one subtitle writer of the package: recognised sentences with times → SRT or WebVTT text.
 * Pure functions (no n8n, no I/O); nodes/common/subtitleOutput.ts turns the result into n8n
 * binary data.
 *
 * Formats:
 * - SRT (SubRip): numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, text, blank line
 *   (https://en.wikipedia.org/wiki/SubRip#Format).
 * - WebVTT: `WEBVTT` header line, blank line, cues `HH:MM:SS.mmm --> HH:MM:SS.mmm`; cue text
 *   escapes `&`, `<`, `>` and names speakers with a voice span `<v Speaker 1>`
 *   (W3C WebVTT, https://www.w3.org/TR/webvtt1/#file-structure, #webvtt-cue-voice-span).
 *
 * All times are whole MILLISECONDS from the start of the audio: vendors give milliseconds (Tencent
 * flash `start_time`, SentenceDetail `StartMs`), so cue times are exact, never rounded through
 * floating-point seconds.
 */

/** A word with its time, milliseconds from the start of the audio. */
export interface TimedWord {
	word: string;
	startMs: number;
	endMs: number;
}

/** A recognised sentence (or any text with a time span), milliseconds from the start of the audio. */
export interface TimedText {
	text: string;
	startMs: number;
	endMs: number;
	/** Speaker id as the vendor gives it (Tencent `speaker_id` / `SpeakerId`), if known. */
	speaker?: number | string;
	/** Word timings inside the sentence, in order, if the vendor gave them. */
	words?: readonly TimedWord[];
}

/** One subtitle cue. */
export interface Cue {
	/** 1-based position. */
	index: number;
	/** Milliseconds from the start of the audio. */
	startMs: number;
	/** Milliseconds from the start of the audio; never before `startMs`, never after the next cue's start. */
	endMs: number;
	/** The spoken text of the cue (without speaker label), trimmed. */
	text: string;
	speaker?: number | string;
}

/** How sentences become cues. */
export interface CueOptions {
	/**
	 * Most characters (Unicode code points, whitespace at the cue's ends not counted) per cue; a
	 * longer sentence is split at punctuation, else at spaces, else between CJK characters (at word
	 * boundaries when word timings are given). 0 or undefined: one cue per sentence.
	 */
	maxChars?: number;
	/** Put the speaker before the text (`Speaker 1: …` in SRT, `<v Speaker 1>` in WebVTT). */
	speakerLabels?: boolean;
}

/** `srt` (SubRip, `application/x-subrip`) or `vtt` (WebVTT, `text/vtt`). */
export type SubtitleFormat = 'srt' | 'vtt';

/** File extension and MIME type of each format. */
export const SUBTITLE_FORMATS: Readonly<Record<SubtitleFormat, { extension: string; mimeType: string }>> = {
	srt: { extension: 'srt', mimeType: 'application/x-subrip' },
	vtt: { extension: 'vtt', mimeType: 'text/vtt' },
};

const PUNCTUATION = /^\p{P}$/u;
const SPACE = /^\s$/u;
const CJK = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]$/u;

/** Bit flags of a character's class, cached per distinct character (texts repeat few characters). */
const SPACE_FLAG = 1;
const PUNCTUATION_FLAG = 2;
const CJK_FLAG = 4;
const classes = new Map<string, number>();

function classOf(char: string): number {
	let flags = classes.get(char);
	if (flags === undefined) {
		flags = (SPACE.test(char) ? SPACE_FLAG : 0) | (PUNCTUATION.test(char) ? PUNCTUATION_FLAG : 0) | (CJK.test(char) ? CJK_FLAG : 0);
		if (classes.size < 65536) classes.set(char, flags);
	}
	return flags;
}

const isPunctuation = (char: string) => (classOf(char) & PUNCTUATION_FLAG) !== 0;
const isSpace = (char: string) => (classOf(char) & SPACE_FLAG) !== 0;
const isCjk = (char: string) => (classOf(char) & CJK_FLAG) !== 0;

/**
 * Splits `text` into chunks of at most `maxChars` visible code points (see {@link CueOptions}).
 * The chunks joined are exactly `text` (whitespace at a break stays at the end of the earlier
 * chunk); no chunk is only whitespace. A break is chosen, in this order of preference, as the last
 * one within the limit: after punctuation (not before more punctuation), at whitespace, between
 * CJK characters (only at `wordStarts` when given and one fits), else a hard cut that does not
 * start the next chunk with punctuation where avoidable.
 *
 * @param wordStarts code-point offsets where words begin (from word timings), preferred for CJK breaks.
 */
export function splitText(text: string, maxChars: number | undefined, wordStarts?: ReadonlySet<number>): string[] {
	const chars = Array.from(text);
	const space = chars.map(isSpace);
	const punctuation = chars.map(isPunctuation);
	const cjk = chars.map(isCjk);
	// one past the last visible character
	let end = chars.length;
	while (end > 0 && space[end - 1]) end--;
	const firstVisible = (from: number) => {
		while (from < end && space[from]) from++;
		return from;
	};
	if (!maxChars || maxChars <= 0 || end - firstVisible(0) <= maxChars) return [text];
	const chunks: string[] = [];
	let pos = 0;
	for (let first = firstVisible(pos); end - first > maxChars; first = firstVisible(pos)) {
		const limit = first + maxChars;
		let punctuationBreak = -1;
		let spaceBreak = -1;
		let cjkBreak = -1;
		let wordBreak = -1;
		let hardBreak = -1;
		for (let b = first + 1; b <= limit; b++) {
			// chars[b] exists: limit < end <= chars.length
			if (punctuation[b - 1] && !punctuation[b]) punctuationBreak = b;
			if (space[b] && !space[b - 1]) spaceBreak = b;
			if ((cjk[b - 1] || cjk[b]) && !punctuation[b] && !space[b] && !space[b - 1]) {
				cjkBreak = b;
				if (wordStarts?.has(b)) wordBreak = b;
			}
			if (!punctuation[b]) hardBreak = b;
		}
		// a punctuation break that leaves a very short chunk loses to a later space/CJK break
		const minimum = first + Math.max(1, Math.floor(maxChars / 3));
		let cut =
			punctuationBreak >= minimum
				? punctuationBreak
				: spaceBreak > 0
					? spaceBreak
					: wordBreak > 0
						? wordBreak
						: cjkBreak > 0
							? cjkBreak
							: punctuationBreak > 0
								? punctuationBreak
								: hardBreak > 0
									? hardBreak
									: limit;
		// whitespace after the break ends the earlier chunk
		while (cut < chars.length && space[cut]) cut++;
		chunks.push(chars.slice(pos, cut).join(''));
		pos = cut;
	}
	if (pos < chars.length) chunks.push(chars.slice(pos).join(''));
	return chunks;
}

/** The code-point offset where each timed word starts in `chars`, matched in order; unmatched words are skipped. */
function alignWords(chars: readonly string[], words: readonly TimedWord[]): Array<{ offset: number; word: TimedWord }> {
	const lower = chars.map((char) => char.toLowerCase());
	const aligned: Array<{ offset: number; word: TimedWord }> = [];
	let cursor = 0;
	for (const word of words) {
		const target = Array.from(word.word.trim().toLowerCase());
		if (target.length === 0) continue;
		for (let offset = cursor; offset + target.length <= lower.length; offset++) {
			let matches = true;
			for (let i = 0; i < target.length && matches; i++) matches = lower[offset + i] === target[i];
			if (matches) {
				aligned.push({ offset, word });
				cursor = offset + target.length;
				break;
			}
		}
	}
	return aligned;
}

/** Whole milliseconds, never negative (vendor times are already whole; this guards the rest). */
const ms = (value: number) => (Number.isFinite(value) ? Math.max(0, Math.round(value)) : 0);

/**
 * Turns sentences into cues: sentences in time order, each split by `maxChars`
 * ({@link splitText}); the time of a split sentence is shared out by visible characters, or taken
 * from the word timings where a chunk's first word was matched (cue k ends where cue k+1 starts, so
 * the first cue starts at the sentence's start and the last ends at its end). Then cues are made
 * monotonic without overlap: a cue starting before the previous cue's end starts there, and a cue
 * never ends before it starts. Sentences with empty text give no cue.
 */
export function buildCues(sentences: readonly TimedText[], options: CueOptions = {}): Cue[] {
	const ordered = sentences
		.map((sentence, order) => ({ sentence, order }))
		.sort((a, b) => ms(a.sentence.startMs) - ms(b.sentence.startMs) || a.order - b.order)
		.map(({ sentence }) => sentence);
	const cues: Cue[] = [];
	let previousEnd = 0;
	for (const sentence of ordered) {
		const text = sentence.text.replace(/\r\n|\r|\n/g, ' ');
		if (text.trim() === '') continue;
		const start = ms(sentence.startMs);
		const end = Math.max(start, ms(sentence.endMs));
		const chars = Array.from(text);
		const aligned = sentence.words && sentence.words.length > 0 ? alignWords(chars, sentence.words) : [];
		const chunks = splitText(text, options.maxChars, aligned.length > 0 ? new Set(aligned.map((entry) => entry.offset)) : undefined);
		const weights = chunks.map((chunk) => Math.max(1, Array.from(chunk).filter((char) => !isSpace(char)).length));
		const total = weights.reduce((sum, weight) => sum + weight, 0);
		// boundaries[k] = start of chunk k; boundaries[chunks.length] = the sentence's end
		const lengths = chunks.map((chunk) => Array.from(chunk).length);
		const boundaries: number[] = [start];
		let offset = 0;
		let cumulative = 0;
		let word = 0;
		for (let k = 1; k < chunks.length; k++) {
			offset += lengths[k - 1];
			cumulative += weights[k - 1];
			const chunkEnd = offset + lengths[k];
			while (word < aligned.length && aligned[word].offset < offset) word++;
			const firstWord = word < aligned.length && aligned[word].offset < chunkEnd ? aligned[word] : undefined;
			const byShare = start + Math.round(((end - start) * cumulative) / total);
			const at = firstWord ? ms(firstWord.word.startMs) : byShare;
			boundaries.push(Math.min(end, Math.max(boundaries[k - 1], at)));
		}
		boundaries.push(end);
		chunks.forEach((chunk, k) => {
			const cueStart = Math.max(previousEnd, boundaries[k]);
			const cueEnd = Math.max(cueStart, boundaries[k + 1]);
			cues.push({ index: cues.length + 1, startMs: cueStart, endMs: cueEnd, text: chunk.trim(), speaker: sentence.speaker });
			previousEnd = cueEnd;
		});
	}
	return cues;
}

/**
 * A cue time: `HH:MM:SS,mmm` (SRT) or `HH:MM:SS.mmm` (WebVTT), hours at least two digits.
 *
 * @param milliseconds whole milliseconds from the start (rounded, negative taken as 0).
 */
export function formatCueTime(milliseconds: number, format: SubtitleFormat): string {
	const total = ms(milliseconds);
	const hours = Math.floor(total / 3_600_000);
	const minutes = Math.floor((total % 3_600_000) / 60_000);
	const seconds = Math.floor((total % 60_000) / 1000);
	const millis = total % 1000;
	const pad = (value: number, width: number) => String(value).padStart(width, '0');
	return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}${format === 'srt' ? ',' : '.'}${pad(millis, 3)}`;
}

/** The label put before a cue's text: `Speaker <id>` (the vendor's id as given). */
export function speakerLabel(speaker: number | string): string {
	return `Speaker ${String(speaker)}`;
}

const escapeVtt = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** SRT text of `cues` (LF line ends, a blank line after each cue; '' for no cues). */
export function formatSrt(cues: readonly Cue[], options: Pick<CueOptions, 'speakerLabels'> = {}): string {
	return cues
		.map((cue) => {
			const label = options.speakerLabels && cue.speaker !== undefined ? `${speakerLabel(cue.speaker)}: ` : '';
			return `${cue.index}\n${formatCueTime(cue.startMs, 'srt')} --> ${formatCueTime(cue.endMs, 'srt')}\n${label}${cue.text}\n\n`;
		})
		.join('');
}

/** WebVTT text of `cues`: the `WEBVTT` header, then each cue with its number as identifier. */
export function formatWebVtt(cues: readonly Cue[], options: Pick<CueOptions, 'speakerLabels'> = {}): string {
	const body = cues
		.map((cue) => {
			const label = options.speakerLabels && cue.speaker !== undefined ? `<v ${escapeVtt(speakerLabel(cue.speaker))}>` : '';
			return `${cue.index}\n${formatCueTime(cue.startMs, 'vtt')} --> ${formatCueTime(cue.endMs, 'vtt')}\n${label}${escapeVtt(cue.text)}\n\n`;
		})
		.join('');
	return `WEBVTT\n\n${body}`;
}

/** Cues ({@link buildCues}) and the subtitle file text in `format`. */
export function renderSubtitles(
	sentences: readonly TimedText[],
	format: SubtitleFormat,
	options: CueOptions = {},
): { cues: Cue[]; content: string } {
	const cues = buildCues(sentences, options);
	return { cues, content: format === 'srt' ? formatSrt(cues, options) : formatWebVtt(cues, options) };
}
