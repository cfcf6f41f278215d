/**
 * A strict SubRip (SRT) reader for tests: the subtitle writer's output is read back with it
 * (round trip) and the e2e run reads the .srt file n8n wrote to disk. Format:
 * https://en.wikipedia.org/wiki/SubRip#Format (number, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, text
 * lines, blank line).
 */

/** One cue read back: times in milliseconds. */
export interface ParsedCue {
	index: number;
	startMs: number;
	endMs: number;
	/** The text lines joined with `\n`. */
	text: string;
}

const TIME = /^(\d{2,}):([0-5]\d):([0-5]\d),(\d{3})$/;

function parseTime(value: string, where: string): number {
	const match = TIME.exec(value);
	if (!match) throw new Error(`${where}: "${value}" is not HH:MM:SS,mmm`);
	return Number(match[1]) * 3_600_000 + Number(match[2]) * 60_000 + Number(match[3]) * 1000 + Number(match[4]);
}

/** Parses SRT text strictly. @throws Error naming the cue and what is wrong. */
export function parseSrt(text: string): ParsedCue[] {
	if (text === '') return [];
	if (!text.endsWith('\n\n')) throw new Error('an SRT file ends with a blank line after the last cue');
	return text
		.slice(0, -2)
		.split('\n\n')
		.map((block, position) => {
			const lines = block.split('\n');
			const where = `cue ${position + 1}`;
			if (lines.length < 3) throw new Error(`${where}: needs a number, a time line and text`);
			if (!/^[1-9]\d*$/.test(lines[0]) || Number(lines[0]) !== position + 1) throw new Error(`${where}: number "${lines[0]}"`);
			const times = lines[1].split(' --> ');
			if (times.length !== 2) throw new Error(`${where}: time line "${lines[1]}"`);
			return { index: Number(lines[0]), startMs: parseTime(times[0], where), endMs: parseTime(times[1], where), text: lines.slice(2).join('\n') };
		});
}
