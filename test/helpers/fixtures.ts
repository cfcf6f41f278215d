/**
 * The committed audio fixtures (test/fixtures/audio, made by make-fixtures.sh) and their table
 * (`fixtures.json`: bytes, sha256, transcript, what ffprobe reported), plus a synthetic mp3 maker
 * for sizes and lengths no committed file has.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Folder of the audio fixtures. */
export const FIXTURES_DIR = join(__dirname, '..', 'fixtures', 'audio');

/** One entry of `fixtures.json`; the mp3 tests read the measured fields they need. */
export interface FixtureEntry {
	bytes: number;
	sha256: string;
	/** The words spoken (speech fixtures only). */
	text?: string;
	/** Paragraph times of the long recording, in seconds of the source. */
	segments?: Array<{ startSeconds: number; endSeconds: number; text: string }>;
	[field: string]: unknown;
}

/** `fixtures.json`, parsed once. */
export const fixtureTable = JSON.parse(readFileSync(join(FIXTURES_DIR, 'fixtures.json'), 'utf8')) as {
	files: Record<string, FixtureEntry>;
	[field: string]: unknown;
};

const cache = new Map<string, Buffer>();

/** The bytes of a fixture file, read once per test file. */
export function fixture(name: string): Buffer {
	let data = cache.get(name);
	if (!data) {
		data = readFileSync(join(FIXTURES_DIR, name));
		cache.set(name, data);
	}
	return data;
}

/** The transcript recorded for a speech fixture. @throws Error when the fixture has none. */
export function fixtureText(name: string): string {
	const text = fixtureTable.files[name]?.text;
	if (typeof text !== 'string') throw new Error(`fixture ${name} has no transcript in fixtures.json`);
	return text;
}

/**
 * `count` silent MPEG-2.5 Layer III frames, 8 kHz mono 8 kbit/s: 72 bytes and 72 ms each, so
 * `silentMp3(25_000)` lasts 30 minutes in 1.8 MB.
 */
export function silentMp3(count: number): Buffer {
	const frame = Buffer.alloc(72);
	frame.set([0xff, 0xe3, 0x18, 0xc4]);
	return Buffer.concat(Array.from({ length: count }, () => frame));
}
