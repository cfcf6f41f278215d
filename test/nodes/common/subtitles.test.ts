/**
 * The subtitle writer (nodes/common/subtitles.ts): exact cue times in SRT and WebVTT, splitting
 * long sentences at punctuation / word boundaries, word timings, speaker labels, and properties
 * checked over a few thousand generated sentence lists (a seeded generator: fast-check is not a
 * dependency of this package): times monotonic without overlap, every character kept, chunks
 * within the limit, and a round trip through a strict SRT reader.
 */
import {
	buildCues,
	formatCueTime,
	formatSrt,
	formatWebVtt,
	renderSubtitles,
	splitText,
	type TimedText,
} from '../../../nodes/common/subtitles';
import { subtitleFileName } from '../../../nodes/common/subtitleOutput';
import { parseSrt } from '../../helpers/subtitles';

describe('cue times', () => {
	it('formats milliseconds exactly: SRT with a comma, WebVTT with a dot, hours beyond 99', () => {
		expect(formatCueTime(0, 'srt')).toBe('00:00:00,000');
		expect(formatCueTime(2386, 'srt')).toBe('00:00:02,386');
		expect(formatCueTime(23_971, 'vtt')).toBe('00:00:23.971');
		expect(formatCueTime(3_599_999, 'srt')).toBe('00:59:59,999');
		expect(formatCueTime(7_200_000, 'vtt')).toBe('02:00:00.000');
		expect(formatCueTime(360_000_001, 'srt')).toBe('100:00:00,001');
		expect(formatCueTime(-5, 'srt')).toBe('00:00:00,000');
	});
});

describe('SRT and WebVTT files', () => {
	const sentences: TimedText[] = [
		{ text: '腾讯云智能语音欢迎您。', startMs: 0, endMs: 2386, speaker: 0 },
		{ text: 'Fish & chips <cheap>?', startMs: 2500, endMs: 4000, speaker: 1 },
	];

	it('writes one cue per sentence with the sentence times', () => {
		expect(renderSubtitles(sentences, 'srt').content).toBe(
			'1\n00:00:00,000 --> 00:00:02,386\n腾讯云智能语音欢迎您。\n\n2\n00:00:02,500 --> 00:00:04,000\nFish & chips <cheap>?\n\n',
		);
	});

	it('WebVTT has the header, dots, escaped text and voice spans for speakers', () => {
		expect(renderSubtitles(sentences, 'vtt', { speakerLabels: true }).content).toBe(
			'WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.386\n<v Speaker 0>腾讯云智能语音欢迎您。\n\n2\n00:00:02.500 --> 00:00:04.000\n<v Speaker 1>Fish &amp; chips &lt;cheap&gt;?\n\n',
		);
		expect(formatWebVtt([])).toBe('WEBVTT\n\n');
	});

	it('SRT speaker labels prefix the text; sentences without a speaker get none; a sentence starting inside the previous one starts at its end', () => {
		const cues = buildCues([{ text: 'a b', startMs: 0, endMs: 10 }, ...sentences.slice(0, 1)]);
		expect(formatSrt(cues, { speakerLabels: true })).toBe(
			'1\n00:00:00,000 --> 00:00:00,010\na b\n\n2\n00:00:00,010 --> 00:00:02,386\nSpeaker 0: 腾讯云智能语音欢迎您。\n\n',
		);
	});

	it('drops empty sentences and turns line breaks inside a sentence into spaces', () => {
		const cues = buildCues([
			{ text: '  ', startMs: 0, endMs: 100 },
			{ text: 'one\ntwo', startMs: 100, endMs: 200 },
		]);
		expect(cues).toEqual([{ index: 1, startMs: 100, endMs: 200, text: 'one two', speaker: undefined }]);
	});
});

describe('splitting long sentences', () => {
	it('splits Chinese at punctuation and shares the time out by characters', () => {
		const cues = buildCues([{ text: '大家好，欢迎参加今天的项目例会。首先我们回顾一下上周的工作进展。', startMs: 1000, endMs: 4100 }], { maxChars: 16 });
		expect(cues.map((cue) => cue.text)).toEqual(['大家好，欢迎参加今天的项目例会。', '首先我们回顾一下上周的工作进展。']);
		// 16 and 16 characters: the boundary is exactly in the middle
		expect(cues.map((cue) => [cue.startMs, cue.endMs])).toEqual([
			[1000, 2550],
			[2550, 4100],
		]);
	});

	it('splits Latin text at spaces, keeping words whole', () => {
		const chunks = splitText('The quick brown fox jumps over the lazy dog', 15);
		expect(chunks.join('')).toBe('The quick brown fox jumps over the lazy dog');
		expect(chunks.map((chunk) => chunk.trim())).toEqual(['The quick brown', 'fox jumps over', 'the lazy dog']);
	});

	it('takes internal cue boundaries from word timings and breaks Chinese at word starts', () => {
		const sentence: TimedText = {
			text: '腾讯云语音识别欢迎您',
			startMs: 0,
			endMs: 3000,
			words: [
				{ word: '腾讯云', startMs: 100, endMs: 800 },
				{ word: '语音', startMs: 800, endMs: 1200 },
				{ word: '识别', startMs: 1300, endMs: 1900 },
				{ word: '欢迎您', startMs: 2100, endMs: 2900 },
			],
		};
		const cues = buildCues([sentence], { maxChars: 6 });
		// a break after 6 characters would cut 识别; the last word start within the limit is 识 (offset 5)
		expect(cues.map((cue) => cue.text)).toEqual(['腾讯云语音', '识别欢迎您']);
		expect(cues.map((cue) => [cue.startMs, cue.endMs])).toEqual([
			[0, 1300],
			[1300, 3000],
		]);
	});

	it('cuts a word longer than the limit, and never starts a cue with punctuation when avoidable', () => {
		expect(splitText('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
		expect(splitText('abc。def', 3)).toEqual(['ab', 'c。', 'def']);
	});

	it('keeps one cue per sentence with Max Characters 0', () => {
		const text = '很长的句子'.repeat(30);
		expect(buildCues([{ text, startMs: 0, endMs: 60_000 }], { maxChars: 0 })).toHaveLength(1);
	});
});

describe('overlapping input', () => {
	it('sorts sentences by start and removes overlaps (two channels)', () => {
		const cues = buildCues([
			{ text: 'left', startMs: 1000, endMs: 3000, speaker: 0 },
			{ text: 'right', startMs: 500, endMs: 2000, speaker: 1 },
		]);
		expect(cues.map((cue) => [cue.text, cue.startMs, cue.endMs])).toEqual([
			['right', 500, 2000],
			['left', 2000, 3000],
		]);
	});
});

describe('subtitle file names', () => {
	it('replaces the extension, strips folders and characters file systems refuse', () => {
		expect(subtitleFileName('recording.mp3', 'srt')).toBe('recording.srt');
		expect(subtitleFileName('calls/2024/a:b?.wav', 'vtt')).toBe('a_b_.vtt');
		expect(subtitleFileName('9007199254740993', 'srt')).toBe('9007199254740993.srt');
		expect(subtitleFileName('', 'vtt')).toBe('subtitles.vtt');
	});
});

/** mulberry32: a small seeded PRNG, so every run checks the same generated cases. */
function generator(seed: number) {
	let state = seed >>> 0;
	const next = () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
	const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
	const pick = <T>(list: readonly T[]): T => list[int(0, list.length - 1)];
	return { next, int, pick };
}

const PIECES = ['大', '家', '好', '腾讯云', '语音', '识别', '，', '。', '！', '？', '、', ' ', '  ', 'hello', 'world', 'n8n', ',', '.', '!', 'Ünïcödé', '😀', 'a', 'supercalifragilistic', '\t'];

function randomSentences(random: ReturnType<typeof generator>): TimedText[] {
	const count = random.int(0, 8);
	const sentences: TimedText[] = [];
	let cursor = random.int(0, 5000);
	for (let i = 0; i < count; i++) {
		let text = '';
		const pieces = random.int(1, 40);
		for (let p = 0; p < pieces; p++) text += random.pick(PIECES);
		const startMs = cursor + random.int(0, 3000);
		const endMs = startMs + random.int(0, 20_000);
		cursor = endMs;
		const sentence: TimedText = { text, startMs, endMs, speaker: random.int(0, 2) };
		if (random.next() < 0.4) {
			// word timings for the non-space tokens, spread over the sentence
			const tokens = text.split(/\s+/).filter(Boolean);
			const slot = tokens.length > 0 ? (endMs - startMs) / tokens.length : 0;
			sentence.words = tokens.map((word, index) => ({ word, startMs: Math.round(startMs + index * slot), endMs: Math.round(startMs + (index + 1) * slot) }));
		}
		sentences.push(sentence);
	}
	return sentences;
}

const visible = (text: string) => Array.from(text.replace(/\s/gu, ''));

describe('properties over generated sentence lists', () => {
	it('holds for 1000 cases: monotonic, no overlap, within the sentence, every character kept, within the limit, SRT round trip', () => {
		const random = generator(20260101);
		// plain checks collecting the first problem, one expect per case: jest's matchers are too slow for ~10^6 cues
		for (let run = 0; run < 1000; run++) {
			const sentences = randomSentences(random);
			const maxChars = random.pick([0, 1, 2, 5, 8, 16, 42]);
			const { cues, content } = renderSubtitles(sentences, 'srt', { maxChars });
			const problems: string[] = [];
			let previousEnd = 0;
			for (const [position, cue] of cues.entries()) {
				if (cue.index !== position + 1) problems.push(`cue ${position + 1} numbered ${cue.index}`);
				if (!Number.isInteger(cue.startMs) || !Number.isInteger(cue.endMs)) problems.push(`cue ${cue.index} has fractional times`);
				if (cue.startMs < previousEnd) problems.push(`cue ${cue.index} starts before the previous one ends`);
				if (cue.endMs < cue.startMs) problems.push(`cue ${cue.index} ends before it starts`);
				if (maxChars > 0 && Array.from(cue.text).length > maxChars) problems.push(`cue ${cue.index} is longer than ${maxChars}`);
				if (cue.text === '' || cue.text !== cue.text.trim()) problems.push(`cue ${cue.index} text ${JSON.stringify(cue.text)}`);
				previousEnd = cue.endMs;
			}
			// every character kept, in order (the generated sentences do not overlap)
			if (cues.map((cue) => visible(cue.text).join('')).join('') !== sentences.map((sentence) => visible(sentence.text).join('')).join('')) {
				problems.push('characters lost or reordered');
			}
			// each sentence's cues span exactly the sentence
			let next = 0;
			for (const sentence of sentences.filter((entry) => entry.text.trim() !== '')) {
				const first = cues[next];
				let chars = 0;
				let last = first;
				while (chars < visible(sentence.text).length && next < cues.length) {
					last = cues[next];
					chars += visible(cues[next].text).length;
					next++;
				}
				if (first?.startMs !== sentence.startMs || last?.endMs !== sentence.endMs) problems.push(`sentence at ${sentence.startMs} ms not spanned exactly`);
			}
			// the SRT file reads back to the same cues
			const back = parseSrt(content);
			const same =
				back.length === cues.length &&
				back.every((cue, index) => cue.index === cues[index].index && cue.startMs === cues[index].startMs && cue.endMs === cues[index].endMs && cue.text === cues[index].text);
			if (!same) problems.push('the SRT does not read back to the cues');
			expect(problems.length === 0 ? '' : `${problems.slice(0, 3).join('; ')} in ${JSON.stringify({ run, maxChars, sentences })}`).toBe('');
		}
	});

	it('splitText: chunks join to the input, none is only whitespace, each within the limit', () => {
		const random = generator(7);
		for (let run = 0; run < 3000; run++) {
			let text = '';
			for (let p = random.int(0, 60); p > 0; p--) text += random.pick(PIECES);
			const maxChars = random.int(1, 30);
			const chunks = splitText(text, maxChars);
			const ok =
				chunks.join('') === text &&
				(text.trim() === '' || chunks.every((chunk) => chunk.trim() !== '')) &&
				chunks.every((chunk) => Array.from(chunk.trim()).length <= maxChars);
			expect(ok ? '' : JSON.stringify({ text, maxChars, chunks })).toBe('');
		}
	});
});
