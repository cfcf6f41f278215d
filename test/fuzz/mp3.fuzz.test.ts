/**
 * Property-based fuzzing of nodes/common/mp3.ts (inspectMp3, tryInspectMp3, splitMp3,
 * describeAudioFormat, describeMp3) with 10,000 mutated files made from the committed fixtures
 * (test/fuzz/mp3Mutations.ts), from a fixed seed (see test/fuzz/fuzz.ts to reproduce):
 *
 * - inspectMp3 either answers or throws Mp3FormatError, never another error; tryInspectMp3
 *   never throws and agrees with it;
 * - what it answers holds together: every frame inside the buffer, in order, not overlapping,
 *   starting with a sync byte; every byte accounted for once (tags, header frame, audio, garbage,
 *   truncated frame); durations and bitrates finite and positive;
 * - splitMp3 parts are in order, do not overlap, cover every frame exactly once, are at most the
 *   limit (or the split is refused with a RangeError exactly when a frame is larger than the
 *   limit), hold exactly the frames' bytes, and re-inspect as the same frames;
 * - the parser's work, counted by inspectMp3's optional Mp3ParseWork counters (not timed: the
 *   machine is shared), is linear in the size: at most 3 header probes and 1 scanned byte per
 *   input byte, on every fuzzed file and on adversarial files of 64 KB to 4 MB.
 */
import fc from 'fast-check';

import {
	describeAudioFormat,
	describeMp3,
	inspectMp3,
	Mp3FormatError,
	type Mp3Info,
	type Mp3ParseWork,
	splitMp3,
	tryInspectMp3,
} from '../../nodes/common/mp3';
import { ensure, ensureSame, FUZZ_RUNS, fuzzLabel, fuzzParameters, fuzzSeed } from './fuzz';
import { buildMp3, buildResync, maxPartArb, mp3RecipeArb, resyncRecipeArb } from './mp3Mutations';

// ---------------------------------------------------------------------------------------------
// Checks

/** A fresh work counter. */
function newWork(): Mp3ParseWork {
	return { headerProbes: 0, bytesScanned: 0, tagProbes: 0, tableEntries: 0 };
}

/** Linear bounds on the parser's work for an input of `size` bytes (see mp3.ts, Mp3ParseWork). */
function expectLinearWork(work: Mp3ParseWork, size: number): void {
	if (work.headerProbes > 3 * size + 3) throw new Error(`${work.headerProbes} header probes for ${size} bytes`);
	if (work.bytesScanned > size) throw new Error(`${work.bytesScanned} bytes scanned for ${size} bytes`);
	if (work.tagProbes > size / 10 + 4) throw new Error(`${work.tagProbes} tag probes for ${size} bytes`);
	if (work.tableEntries > size / 4 + 64) throw new Error(`${work.tableEntries} frame-table entries for ${size} bytes`);
}

/** inspectMp3's result, or undefined when it threw Mp3FormatError; rethrows anything else. */
function inspectOrFormatError(data: Buffer, work: Mp3ParseWork): Mp3Info | undefined {
	try {
		return inspectMp3(data, work);
	} catch (error) {
		if (!(error instanceof Mp3FormatError)) throw new Error(`inspectMp3 threw ${String(error)}, not an Mp3FormatError`, { cause: error });
		ensureSame(error.name, 'Mp3FormatError', 'error name');
		ensure(/^not an MP3 file: \S/.test(error.message), () => `message: ${error.message}`);
		return undefined;
	}
}

function expectSameTables(a: Mp3Info, b: Mp3Info): void {
	ensureSame(a.frameCount, b.frameCount, 'frame count');
	ensure(Buffer.from(a.frameOffsets.buffer).equals(Buffer.from(b.frameOffsets.buffer)), 'frame offsets differ');
	ensure(Buffer.from(a.frameLengths.buffer).equals(Buffer.from(b.frameLengths.buffer)), 'frame lengths differ');
}

/** What must hold for any Mp3Info computed from `data`. */
function expectConsistentInfo(data: Buffer, info: Mp3Info): void {
	const { frameCount, frameOffsets, frameLengths } = info;
	ensure(frameCount > 0, 'no frames');
	ensureSame(frameOffsets.length, frameCount, 'frameOffsets length');
	ensureSame(frameLengths.length, frameCount, 'frameLengths length');
	const audioStart = info.id3v2Bytes;
	const audioEnd = data.length - info.trailingTagBytes;
	let previousEnd = audioStart;
	let sum = 0;
	for (let i = 0; i < frameCount; i++) {
		const offset = frameOffsets[i];
		const length = frameLengths[i];
		if (!(Number.isInteger(offset) && offset >= previousEnd && length >= 24 && length <= 1441 && offset + length <= audioEnd)) {
			throw new Error(`frame ${i} at ${offset} (+${length}) is outside [${previousEnd}, ${audioEnd}) of ${data.length} bytes`);
		}
		if (data[offset] !== 0xff) throw new Error(`frame ${i} at ${offset} does not start with a sync byte`);
		previousEnd = offset + length;
		sum += length;
	}
	ensureSame(info.audioBytes, sum, 'audioBytes');
	const header = info.vbrHeaderFrame;
	if (header) {
		ensureSame(header.kind, info.vbrHeader, 'header kind');
		ensure(header.offset >= audioStart && header.offset + header.length <= frameOffsets[0], 'header frame not before the audio');
		for (const count of [header.frames, header.bytes, header.encoderDelaySamples, header.encoderPaddingSamples]) {
			ensure(count === undefined || (Number.isInteger(count) && count >= 0 && count <= 0xffffffff), `header count ${count}`);
		}
	}
	// every byte is accounted for exactly once
	ensureSame(info.id3v2Bytes + (header?.length ?? 0) + sum + info.garbageBytes + info.truncatedBytes + info.trailingTagBytes, data.length, 'bytes accounted for');
	for (const value of [info.durationSeconds, info.averageBitrateKbps, info.minBitrateKbps, info.maxBitrateKbps]) {
		if (!(Number.isFinite(value) && value > 0)) throw new Error(`non-finite or non-positive figure in ${describeMp3(info)}`);
	}
	ensure(info.minBitrateKbps <= info.maxBitrateKbps, 'min bitrate above max');
	ensureSame(info.samplesPerFrame, info.mpegVersion === 1 ? 1152 : 576, 'samplesPerFrame');
	const format = describeAudioFormat(info);
	ensure(/^(8000|11025|12000|16000|22050|24000|32000|44100|48000) Hz (mono|stereo)$/.test(format), () => `describeAudioFormat: ${format}`);
	ensure(!/NaN|Infinity|undefined/.test(describeMp3(info)), () => `describeMp3: ${describeMp3(info)}`);
}

function asciiAt(data: Uint8Array, at: number, text: string): boolean {
	return at >= 0 && at + text.length <= data.length && Buffer.from(data.subarray(at, at + text.length)).toString('latin1') === text;
}

/**
 * Whether a part re-inspects to exactly its frames. It does unless the stream changes format
 * (a part starting right before the change is resynchronised past its first frame), or its
 * first frame carries a Xing/Info/VBRI header (a concatenated file's header frame is audio in the
 * middle of a stream but the header of a part), or its last bytes look like a trailing tag.
 */
function reinspectsExactly(info: Mp3Info, part: Buffer): boolean {
	if (!info.consistent) return false;
	const head = part.subarray(0, 48).toString('latin1');
	if (/Xing|Info|VBRI/.test(head) || asciiAt(part, 4, 'ftyp')) return false;
	return !(asciiAt(part, part.length - 128, 'TAG') || asciiAt(part, part.length - 32, 'APETAGEX') || asciiAt(part, part.length - 10, '3DI'));
}

/** Splits and checks the parts; returns how many parts were checked. */
function expectValidSplit(data: Buffer, info: Mp3Info, maxPartBytes: number): number {
	const largest = info.frameLengths.reduce((max, length) => Math.max(max, length), 0);
	if (largest > maxPartBytes) {
		let refusal: unknown;
		try {
			splitMp3(data, info, maxPartBytes);
		} catch (error) {
			refusal = error;
		}
		ensure(refusal instanceof RangeError && /larger than the maximum part size/.test(refusal.message), () => `split with a ${largest}-byte frame over ${maxPartBytes}: ${String(refusal)}`);
		return 0;
	}
	const parts = splitMp3(data, info, maxPartBytes);
	let frame = 0;
	let seconds = 0;
	parts.forEach((part, index) => {
		ensureSame(part.index, index, 'part index');
		ensureSame(part.firstFrame, frame, `part ${index} first frame`);
		ensure(part.frameCount > 0, `part ${index} is empty`);
		ensure(part.byteLength <= maxPartBytes, `part ${index} is ${part.byteLength} bytes, over ${maxPartBytes}`);
		ensureSame(part.data.length, part.byteLength, `part ${index} data length`);
		// exactly the frames' bytes, in order
		let at = 0;
		for (let f = frame; f < frame + part.frameCount; f++) {
			const original = data.subarray(info.frameOffsets[f], info.frameOffsets[f] + info.frameLengths[f]);
			if (!part.data.subarray(at, at + original.length).equals(original)) throw new Error(`part ${index} does not hold frame ${f} at ${at}`);
			at += original.length;
		}
		ensureSame(at, part.byteLength, `part ${index} bytes`);
		// greedy: a part ends only where the next frame does not fit
		ensure(index === parts.length - 1 || part.byteLength + info.frameLengths[frame + part.frameCount] > maxPartBytes, `part ${index} not filled`);
		ensureSame(part.startSeconds, seconds, `part ${index} start`);
		ensure(Number.isFinite(part.endSeconds) && part.endSeconds > part.startSeconds, `part ${index} end ${part.endSeconds}`);
		seconds = part.endSeconds;
		// a valid mp3 on its own
		const partInfo = tryInspectMp3(part.data);
		if (reinspectsExactly(info, part.data)) {
			if (!partInfo) throw new Error(`part ${index} (frames ${frame}+${part.frameCount}) does not inspect as mp3`);
			const extra = { garbage: partInfo.garbageBytes, truncated: partInfo.truncatedBytes, tags: partInfo.id3v2Bytes + partInfo.trailingTagBytes, header: partInfo.vbrHeader };
			ensure(extra.garbage + extra.truncated + extra.tags === 0 && extra.header === undefined, () => `part ${index} re-inspects with ${JSON.stringify(extra)}`);
			const expected = Buffer.from(info.frameLengths.slice(frame, frame + part.frameCount).buffer);
			ensure(Buffer.from(partInfo.frameLengths.buffer).equals(expected), `part ${index} re-inspects as other frames`);
			ensure(Math.abs(partInfo.durationSeconds - (part.endSeconds - part.startSeconds)) < 1e-6, `part ${index} duration`);
		} else if (partInfo) {
			expectConsistentInfo(part.data, partInfo);
		}
		frame += part.frameCount;
	});
	ensureSame(frame, info.frameCount, 'frames covered by the parts');
	ensure(Math.abs(seconds - info.durationSeconds) < 1e-6 * Math.max(1, info.durationSeconds), 'parts do not add up to the duration');
	return parts.length;
}

// ---------------------------------------------------------------------------------------------
// Fuzzing

describe('fuzz: mp3 module on mutated fixtures', () => {
	const seed = fuzzSeed(20_251_201);
	it(`only Mp3FormatError, consistent answers, valid splits, linear work (${fuzzLabel(seed)})`, () => {
		const tally = { inspected: 0, refused: 0, splitParts: 0, refusedSplits: 0, bytes: 0, headerProbes: 0, bytesScanned: 0 };
		fc.assert(
			fc.property(mp3RecipeArb, maxPartArb, (recipe, maxPartBytes) => {
				const data = buildMp3(recipe);
				const work = newWork();
				const info = inspectOrFormatError(data, work);
				expectLinearWork(work, data.length);
				tally.bytes += data.length;
				tally.headerProbes += work.headerProbes;
				tally.bytesScanned += work.bytesScanned;
				const tried = tryInspectMp3(data);
				if (!info) {
					tally.refused++;
					ensure(tried === undefined, 'tryInspectMp3 answered where inspectMp3 refused');
					return;
				}
				tally.inspected++;
				ensure(tried !== undefined, 'tryInspectMp3 refused where inspectMp3 answered');
				expectSameTables(info, tried);
				expectConsistentInfo(data, info);
				const parts = expectValidSplit(data, info, maxPartBytes);
				if (parts === 0) tally.refusedSplits++;
				tally.splitParts += parts;
			}),
			fuzzParameters(seed),
		);
		process.stdout.write(
			`mp3 fuzz (${fuzzLabel(seed)}): ${JSON.stringify(tally)}; header probes per byte ${(tally.headerProbes / tally.bytes).toFixed(4)}, scanned bytes per byte ${(tally.bytesScanned / tally.bytes).toFixed(4)}\n`,
		);
		// the generators reach both sides often enough to mean something
		expect(tally.inspected).toBeGreaterThan(FUZZ_RUNS / 5);
		expect(tally.refused).toBeGreaterThan(FUZZ_RUNS / 20);
		expect(tally.splitParts).toBeGreaterThan(FUZZ_RUNS);
	});
});

describe('fuzz: resynchronisation finds exactly the real frames', () => {
	const seed = fuzzSeed(20_251_202);
	it(`real frames with garbage and fake headers (alone or chained in pairs) between them (${fuzzLabel(seed)})`, () => {
		let fakes = 0;
		fc.assert(
			fc.property(resyncRecipeArb, (recipe) => {
				const { data, offsets, lengths, garbageBytes } = buildResync(recipe);
				fakes += recipe.garbage.reduce((sum, chunk) => sum + chunk.fakes.length, 0);
				const info = inspectMp3(data);
				ensureSame(info.frameCount, offsets.length, 'frames found');
				ensure(Buffer.from(info.frameOffsets.buffer).equals(Buffer.from(Float64Array.from(offsets).buffer)), 'frames found at other offsets');
				ensure(Buffer.from(info.frameLengths.buffer).equals(Buffer.from(Uint16Array.from(lengths).buffer)), 'frame lengths differ');
				ensureSame(info.garbageBytes, garbageBytes, 'garbage bytes');
				ensureSame(info.truncatedBytes + info.id3v2Bytes + info.trailingTagBytes, 0, 'truncated and tag bytes');
				ensure(info.vbrHeader === undefined && info.consistent, 'header frame or format change found');
			}),
			fuzzParameters(seed),
		);
		expect(fakes).toBeGreaterThan(FUZZ_RUNS);
	});
});

// ---------------------------------------------------------------------------------------------
// Linear work on adversarial inputs

/** `pattern` repeated to exactly `size` bytes. */
function tile(pattern: Uint8Array, size: number): Buffer {
	const out = Buffer.alloc(size);
	for (let at = 0; at < size; at += pattern.length) out.set(pattern.subarray(0, Math.min(pattern.length, size - at)), at);
	return out;
}

const A = [0xff, 0xf3, 0x48, 0xc4]; // MPEG-2 16 kHz mono 32 kbit/s: a 144-byte frame

/** Adversarial inputs by name: each a function of the size in bytes. */
const ADVERSARIAL: Record<string, (size: number) => Buffer> = {
	// every byte a sync-byte candidate
	'all 0xFF': (size) => Buffer.alloc(size, 0xff),
	// a valid header every 5 bytes; the header 144 bytes on is never there (144 = 28 × 5 + 4)
	'header every 5 bytes, never confirmed': (size) => tile(Uint8Array.from([...A, 0x00]), size),
	// headers every 4 bytes for 288 bytes, then 144 zeros: each candidate's first confirmation
	// succeeds and the second fails, or the first fails
	'confirmed once, then not': (size) => tile(Uint8Array.from([...Array.from({ length: 72 }, () => A).flat(), ...new Array<number>(144).fill(0)]), size),
	// the smallest frames there are (MPEG-2 24 kHz 8 kbit/s, 24 bytes), all accepted
	'24-byte frames': (size) => tile(Uint8Array.from([0xff, 0xf3, 0x14, 0xc4, ...new Array<number>(20).fill(0)]), size),
	// 24-byte 24 kHz frames alternating with 26-byte 22.05 kHz frames: lock lost at every frame
	'alternating sample rates': (size) => tile(Uint8Array.from([0xff, 0xf3, 0x14, 0xc4, ...new Array<number>(20).fill(0), 0xff, 0xf3, 0x10, 0xc4, ...new Array<number>(22).fill(0)]), size),
	// an ID3v2 tag that claims 256 MB, then sync bytes
	'huge ID3v2 size': (size) => {
		const data = Buffer.alloc(size, 0xff);
		data.set([0x49, 0x44, 0x33, 4, 0, 0, 0x7f, 0x7f, 0x7f, 0x7f]);
		return data;
	},
	// empty ID3v2 tags back to back (10 bytes each), then frames
	'chain of empty ID3v2 tags': (size) => {
		const data = tile(Uint8Array.from([0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 0]), size);
		return Buffer.concat([data.subarray(0, size - 1440 - (size % 10)), tile(Uint8Array.from([...A, ...new Array<number>(140).fill(0)]), 1440)]);
	},
	// frames, then 32-byte APEv2 footers back to back (each claims 32 bytes: itself)
	'chain of APEv2 footers': (size) => {
		const footer = Buffer.alloc(32);
		footer.write('APETAGEX', 0, 'latin1');
		footer.writeUInt32LE(32, 12);
		return Buffer.concat([tile(Uint8Array.from([...A, ...new Array<number>(140).fill(0)]), 1440), tile(footer, size - 1440 - ((size - 1440) % 32))]);
	},
};

const SIZES = [65_536, 262_144, 1_048_576, 4_194_304];

describe('mp3 parser work is linear in the size (counted, not timed)', () => {
	const figures: Array<Record<string, string | number>> = [];

	it.each(Object.keys(ADVERSARIAL))('%s: at most 3 header probes and 1 scanned byte per byte, growing linearly', (name) => {
		const works = SIZES.map((size) => {
			const data = ADVERSARIAL[name](size);
			const work = newWork();
			try {
				inspectMp3(data, work);
			} catch (error) {
				if (!(error instanceof Mp3FormatError)) throw error;
			}
			expectLinearWork(work, data.length);
			return { size: data.length, work };
		});
		for (const { size, work } of works) {
			figures.push({
				input: name,
				bytes: size,
				'header probes / byte': +(work.headerProbes / size).toFixed(4),
				'scanned / byte': +(work.bytesScanned / size).toFixed(4),
				'tag probes / byte': +(work.tagProbes / size).toFixed(4),
				'table entries / byte': +(work.tableEntries / size).toFixed(4),
			});
		}
		// 64× the input, at most 64× (+5%) the work: no superlinear term
		const total = (work: Mp3ParseWork) => work.headerProbes + work.bytesScanned + work.tagProbes + work.tableEntries;
		const small = works[0];
		const large = works[works.length - 1];
		expect(total(large.work)).toBeLessThanOrEqual((total(small.work) * (large.size / small.size)) * 1.05 + 64);
	});

	afterAll(() => {
		process.stdout.write(`mp3 parser work per input byte:\n${figures.map((row) => JSON.stringify(row)).join('\n')}\n`);
	});
});
