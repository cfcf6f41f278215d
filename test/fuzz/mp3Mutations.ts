/**
 * Mutated mp3 files for the fuzz tests, made from the committed fixtures (test/fixtures/audio,
 * real LAME / FFmpeg output; layouts: docs/audio.md#mp3-frames, #tags, #container-signatures):
 *
 * - frame-level edits on the fixture cut into chunks (leading bytes, every frame, trailing
 *   bytes): frames duplicated, removed, moved, or taken from another fixture (another format);
 *   Xing / Info / VBRI header frames with absurd counts put in; frame headers given reserved
 *   bitrate, sample-rate, version or layer bits; ID3v2 tags with huge, zero or not-syncsafe
 *   sizes, ID3v1 / `TAG+` / APEv2 / appended ID3v2 tags at the start, the end or between frames;
 * - whole-file edits: another file (mp3, WAV, MP2, text) appended, a window of the long fixture;
 * - byte-level edits: bit flips, bytes set, truncation, inserted garbage (random, runs of 0xFF,
 *   runs of fake headers);
 * - tiny files (0–3 bytes) and short random files made of header-like bytes.
 *
 * A case is a small RECIPE (what fast-check prints and shrinks); {@link buildMp3} makes the bytes.
 */
import fc from 'fast-check';

import { inspectMp3, type Mp3Info } from '../../nodes/common/mp3';
import { fixture, fixtureTable } from '../helpers/fixtures';

/** Fixtures to start from: every mp3 fixture except the 2.6 MB one (used through windows). */
export const SOURCES: readonly string[] = Object.keys(fixtureTable.files).filter((name) => name.endsWith('.mp3') && name !== 'long-16k-mono.mp3');
/** Other files appended to mp3s ("concatenated files of different formats"). */
export const FOREIGN: readonly string[] = [...SOURCES, 'speech-16k-mono.wav', 'long-text.txt'];

/** A fixture cut into chunks: bytes before the first frame, every frame (Xing/Info included), bytes after. */
interface Chunked {
	chunks: Buffer[];
	/** Index of the first frame chunk (1) and how many frame chunks there are (0 when not mp3). */
	frames: number;
}

const chunkCache = new Map<string, Chunked>();

/** The frames of a fixture as separate chunks (cached). */
function chunked(name: string): Chunked {
	let cut = chunkCache.get(name);
	if (cut) return cut;
	const data = fixture(name);
	let info: Mp3Info | undefined;
	try {
		info = inspectMp3(data);
	} catch {
		info = undefined;
	}
	if (!info) {
		cut = { chunks: [Buffer.alloc(0), data, Buffer.alloc(0)], frames: 0 };
	} else {
		const starts: Array<[number, number]> = [];
		if (info.vbrHeaderFrame) starts.push([info.vbrHeaderFrame.offset, info.vbrHeaderFrame.length]);
		for (let i = 0; i < info.frameCount; i++) starts.push([info.frameOffsets[i], info.frameLengths[i]]);
		const first = starts[0][0];
		const [lastOffset, lastLength] = starts[starts.length - 1];
		cut = {
			chunks: [data.subarray(0, first), ...starts.map(([offset, length]) => data.subarray(offset, offset + length)), data.subarray(lastOffset + lastLength)],
			frames: starts.length,
		};
	}
	chunkCache.set(name, cut);
	return cut;
}

/** A frame-level or tag edit on the chunk list (indexes are taken modulo the list length). */
export type ChunkEdit =
	| { kind: 'duplicate'; from: number; count: number; to: number }
	| { kind: 'remove'; from: number; count: number }
	| { kind: 'foreignFrames'; source: string; from: number; count: number; to: number }
	| { kind: 'vbrHeader'; at: number; type: 'Xing' | 'Info' | 'VBRI'; frames: number; bytes: number; flags: number; lame: boolean }
	| { kind: 'badHeader'; at: number; field: 'bitrate15' | 'bitrate0' | 'sampleRate3' | 'version01' | 'layer' | 'crc' | 'padding' | 'channel' }
	| { kind: 'id3v2'; at: number; size: number; declared: 'exact' | 'huge' | 'notSyncsafe' | 'short' | 'random'; footer: boolean; random: number }
	| { kind: 'id3v1'; at: number; plus: boolean }
	| { kind: 'ape'; at: number; size: number; header: boolean }
	| { kind: 'appendedId3v2'; at: number; size: number; declared: number };

/** A byte-level edit on the assembled file (offsets taken modulo the length). */
export type ByteEdit =
	| { kind: 'flip'; at: number; bit: number }
	| { kind: 'set'; at: number; byte: number }
	| { kind: 'truncate'; at: number }
	| { kind: 'insert'; at: number; garbage: Garbage };

/** Garbage to insert: random bytes, a run of one byte, or repeated fake frame headers. */
export type Garbage =
	| { kind: 'random'; bytes: number[] }
	| { kind: 'run'; byte: number; length: number }
	| { kind: 'headers'; header: number[]; spacing: number; count: number };

/** A whole mutated file. */
export type Mp3Recipe =
	| { kind: 'fixture'; source: string; edits: ChunkEdit[]; append?: string; bytes: ByteEdit[] }
	| { kind: 'window'; start: number; length: number; bytes: ByteEdit[] }
	| { kind: 'tiny'; bytes: number[] };

function syncsafe(size: number): number[] {
	return [(size >> 21) & 0x7f, (size >> 14) & 0x7f, (size >> 7) & 0x7f, size & 0x7f];
}

/** A frame carrying a Xing/Info (after the side information) or VBRI (32 bytes in) header. */
function vbrFrame(model: Buffer, edit: Extract<ChunkEdit, { kind: 'vbrHeader' }>): Buffer {
	const frame = Buffer.alloc(Math.max(model.length, 4));
	model.copy(frame, 0, 0, 4);
	const mpeg1 = (frame[1] & 0x18) === 0x18;
	const mono = (frame[3] & 0xc0) === 0xc0;
	const sideInfo = mpeg1 ? (mono ? 17 : 32) : mono ? 9 : 17;
	const write = (at: number, bytes: Buffer) => bytes.copy(frame, at, 0, Math.max(0, Math.min(bytes.length, frame.length - at)));
	const u32 = (value: number) => {
		const b = Buffer.alloc(4);
		b.writeUInt32BE(value >>> 0);
		return b;
	};
	if (edit.type === 'VBRI') {
		write(36, Buffer.from('VBRI'));
		write(46, u32(edit.bytes));
		write(50, u32(edit.frames));
	} else {
		const at = 4 + sideInfo;
		write(at, Buffer.from(edit.type));
		write(at + 4, u32(edit.flags));
		write(at + 8, u32(edit.frames));
		write(at + 12, u32(edit.bytes));
		if (edit.lame) write(at + 8 + 4 * 2 + (edit.flags & 4 ? 100 : 0) + (edit.flags & 8 ? 4 : 0), Buffer.from('LAME3.100\xff\xff\xff', 'latin1'));
	}
	return frame;
}

function badHeader(frame: Buffer, field: Extract<ChunkEdit, { kind: 'badHeader' }>['field']): Buffer {
	if (frame.length < 4) return frame;
	const copy = Buffer.from(frame);
	switch (field) {
		case 'bitrate15':
			copy[2] |= 0xf0;
			break;
		case 'bitrate0':
			copy[2] &= 0x0f;
			break;
		case 'sampleRate3':
			copy[2] |= 0x0c;
			break;
		case 'version01':
			copy[1] = (copy[1] & ~0x18) | 0x08;
			break;
		case 'layer':
			copy[1] = (copy[1] & ~0x06) | 0x04; // Layer II
			break;
		case 'crc':
			copy[1] ^= 0x01;
			break;
		case 'padding':
			copy[2] ^= 0x02;
			break;
		case 'channel':
			copy[3] ^= 0xc0;
			break;
	}
	return copy;
}

function id3v2(edit: Extract<ChunkEdit, { kind: 'id3v2' }>): Buffer {
	const body = Buffer.alloc(edit.size, 0x20);
	let size: number[];
	switch (edit.declared) {
		case 'exact':
			size = syncsafe(edit.size);
			break;
		case 'huge':
			size = [0x7f, 0x7f, 0x7f, 0x7f];
			break;
		case 'notSyncsafe':
			size = [0x00, 0x00, 0x80 | (edit.random & 0x7f), 0xff];
			break;
		case 'short':
			size = syncsafe(Math.max(0, edit.size - 1 - (edit.random % 64)));
			break;
		case 'random':
			size = [edit.random & 0xff, (edit.random >> 8) & 0xff, (edit.random >> 16) & 0xff, (edit.random >> 24) & 0xff];
			break;
	}
	const flags = edit.footer ? 0x10 : 0;
	const footer = edit.footer ? Buffer.from([0x33, 0x44, 0x49, 4, 0, flags, ...size]) : Buffer.alloc(0);
	return Buffer.concat([Buffer.from([0x49, 0x44, 0x33, 4, 0, flags, ...size]), body, footer]);
}

function id3v1(plus: boolean): Buffer {
	const tag = Buffer.alloc(128, 0x20);
	tag.write('TAG', 0, 'latin1');
	if (!plus) return tag;
	const extended = Buffer.alloc(227, 0x20);
	extended.write('TAG+', 0, 'latin1');
	return Buffer.concat([extended, tag]);
}

function ape(size: number, header: boolean): Buffer {
	const footer = Buffer.alloc(32);
	footer.write('APETAGEX', 0, 'latin1');
	footer.writeUInt32LE(2000, 8);
	footer.writeUInt32LE(size >>> 0, 12);
	footer.writeUInt32LE(header ? 0x80000000 : 0, 20);
	const items = Buffer.alloc(Math.min(Math.max(0, size - 32), 4096), 0x41);
	return Buffer.concat([header ? Buffer.from(footer).fill(0xa0, 23, 24) : Buffer.alloc(0), items, footer]);
}

function appendedId3v2(size: number, declared: number): Buffer {
	const head = Buffer.from([0x49, 0x44, 0x33, 4, 0, 0x10, ...syncsafe(declared)]);
	return Buffer.concat([head, Buffer.alloc(size, 0x20), Buffer.from([0x33, 0x44, 0x49, 4, 0, 0x10, ...syncsafe(declared)])]);
}

function garbageBytes(garbage: Garbage): Buffer {
	switch (garbage.kind) {
		case 'random':
			return Buffer.from(garbage.bytes);
		case 'run':
			return Buffer.alloc(garbage.length, garbage.byte);
		case 'headers': {
			const out = Buffer.alloc(garbage.spacing * garbage.count);
			for (let i = 0; i < garbage.count; i++) out.set(garbage.header.slice(0, garbage.spacing), i * garbage.spacing);
			return out;
		}
	}
}

function at(index: number, length: number): number {
	return length === 0 ? 0 : index % (length + 1);
}

/** A 144-byte MPEG-2 16 kHz mono frame of zeros, the model for a header frame when no frame is at hand. */
const DEFAULT_FRAME = Buffer.concat([Buffer.from([0xff, 0xf3, 0x48, 0xc4]), Buffer.alloc(140)]);

function applyChunkEdit(chunks: Buffer[], frames: { first: number; count: number }, edit: ChunkEdit): void {
	// frame positions are taken among the frame chunks (tags may be put anywhere)
	const frameIndex = (i: number) => (frames.count === 0 ? 0 : frames.first + (i % frames.count));
	switch (edit.kind) {
		case 'duplicate': {
			const from = frameIndex(edit.from);
			const copies = chunks.slice(from, Math.min(chunks.length, from + edit.count));
			chunks.splice(at(edit.to, chunks.length), 0, ...copies);
			break;
		}
		case 'remove':
			chunks.splice(frameIndex(edit.from), edit.count);
			break;
		case 'foreignFrames': {
			const other = chunked(edit.source);
			const from = other.frames === 0 ? 1 : 1 + (edit.from % other.frames);
			chunks.splice(at(edit.to, chunks.length), 0, ...other.chunks.slice(from, from + edit.count));
			break;
		}
		case 'vbrHeader': {
			const found = chunks[frameIndex(edit.at)];
			const model = found !== undefined && found.length >= 4 && found[0] === 0xff ? found : DEFAULT_FRAME;
			chunks.splice(at(edit.at, chunks.length), 0, vbrFrame(model, edit));
			break;
		}
		case 'badHeader': {
			const index = frameIndex(edit.at);
			if (chunks[index]) chunks[index] = badHeader(chunks[index], edit.field);
			break;
		}
		case 'id3v2':
			chunks.splice(at(edit.at, chunks.length), 0, id3v2(edit));
			break;
		case 'id3v1':
			chunks.splice(at(edit.at, chunks.length), 0, id3v1(edit.plus));
			break;
		case 'ape':
			chunks.splice(at(edit.at, chunks.length), 0, ape(edit.size, edit.header));
			break;
		case 'appendedId3v2':
			chunks.splice(at(edit.at, chunks.length), 0, appendedId3v2(edit.size, edit.declared));
			break;
	}
}

function applyByteEdit(data: Buffer, edit: ByteEdit): Buffer {
	switch (edit.kind) {
		case 'flip':
		case 'set': {
			if (data.length === 0) return data;
			const copy = Buffer.from(data);
			const index = edit.at % copy.length;
			copy[index] = edit.kind === 'flip' ? copy[index] ^ (1 << edit.bit) : edit.byte;
			return copy;
		}
		case 'truncate':
			return data.subarray(0, at(edit.at, data.length));
		case 'insert': {
			const index = at(edit.at, data.length);
			return Buffer.concat([data.subarray(0, index), garbageBytes(edit.garbage), data.subarray(index)]);
		}
	}
}

/** The bytes a recipe stands for (a fresh Buffer, or a view of a fixture that is never written to). */
export function buildMp3(recipe: Mp3Recipe): Buffer {
	if (recipe.kind === 'tiny') return Buffer.from(recipe.bytes);
	let data: Buffer;
	if (recipe.kind === 'window') {
		const long = fixture('long-16k-mono.mp3');
		const start = recipe.start % long.length;
		data = long.subarray(start, start + recipe.length);
	} else {
		const base = chunked(recipe.source);
		const chunks = [...base.chunks];
		const frames = { first: 1, count: base.frames };
		for (const edit of recipe.edits) {
			applyChunkEdit(chunks, frames, edit);
			frames.count = Math.max(0, Math.min(frames.count, chunks.length - 2));
		}
		if (recipe.append !== undefined) chunks.push(fixture(recipe.append));
		data = Buffer.concat(chunks);
	}
	for (const edit of recipe.bytes) data = applyByteEdit(data, edit);
	return data;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Valid-looking Layer III headers and near misses, for garbage and tiny files. */
export const HEADERS: ReadonlyArray<number[]> = [
	[0xff, 0xf3, 0x48, 0xc4], // MPEG-2 16 kHz mono 32 kbit/s: 144-byte frames
	[0xff, 0xf3, 0x14, 0xc4], // MPEG-2 24 kHz mono 8 kbit/s: 24-byte frames (the smallest)
	[0xff, 0xfb, 0x90, 0x64], // MPEG-1 44.1 kHz 128 kbit/s: 417-byte frames
	[0xff, 0xfb, 0xe0, 0x04], // MPEG-1 44.1 kHz 320 kbit/s
	[0xff, 0xe3, 0x18, 0xc4], // MPEG-2.5 8 kHz mono 8 kbit/s: 72-byte frames
	[0xff, 0xe3, 0xe8, 0xc4], // MPEG-2.5 8 kHz 160 kbit/s: 1440 bytes (the largest)
	[0xff, 0xfb, 0xf0, 0x64], // bitrate index 15 (forbidden)
	[0xff, 0xfb, 0x0c, 0x64], // free format, reserved sample rate
	[0xff, 0xeb, 0x90, 0x64], // version bits 01 (reserved)
	[0xff, 0xfd, 0x90, 0x64], // MPEG-1 Layer II
	[0xff, 0xff, 0xff, 0xff],
];

const position = fc.nat();
const garbageArb: fc.Arbitrary<Garbage> = fc.oneof(
	fc.record({ kind: fc.constant('random' as const), bytes: fc.array(fc.nat(255), { maxLength: 600 }) }),
	fc.record({ kind: fc.constant('run' as const), byte: fc.constantFrom(0xff, 0x00, 0xe2, 0x55), length: fc.integer({ min: 1, max: 3000 }) }),
	fc.record({
		kind: fc.constant('headers' as const),
		header: fc.constantFrom(...HEADERS),
		spacing: fc.integer({ min: 4, max: 200 }),
		count: fc.integer({ min: 1, max: 40 }),
	}),
);

export const byteEditArb: fc.Arbitrary<ByteEdit> = fc.oneof(
	fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.nat(7) }),
	fc.record({ kind: fc.constant('set' as const), at: position, byte: fc.oneof(fc.nat(255), fc.constantFrom(0xff, 0x00, 0x49)) }),
	fc.record({ kind: fc.constant('truncate' as const), at: position }),
	fc.record({ kind: fc.constant('insert' as const), at: position, garbage: garbageArb }),
);

const u32 = fc.oneof(fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x80000000), fc.nat({ max: 0xffffffff }));

export const chunkEditArb: fc.Arbitrary<ChunkEdit> = fc.oneof(
	fc.record({ kind: fc.constant('duplicate' as const), from: position, count: fc.integer({ min: 1, max: 40 }), to: position }),
	fc.record({ kind: fc.constant('remove' as const), from: position, count: fc.integer({ min: 1, max: 40 }) }),
	fc.record({ kind: fc.constant('foreignFrames' as const), source: fc.constantFrom(...SOURCES), from: position, count: fc.integer({ min: 1, max: 40 }), to: position }),
	fc.record({
		kind: fc.constant('vbrHeader' as const),
		at: position,
		type: fc.constantFrom<'Xing' | 'Info' | 'VBRI'>('Xing', 'Info', 'VBRI'),
		frames: u32,
		bytes: u32,
		flags: fc.oneof(fc.constant(0x0f), fc.nat(0x0f), u32),
		lame: fc.boolean(),
	}),
	fc.record({
		kind: fc.constant('badHeader' as const),
		at: position,
		field: fc.constantFrom<Extract<ChunkEdit, { kind: 'badHeader' }>['field']>('bitrate15', 'bitrate0', 'sampleRate3', 'version01', 'layer', 'crc', 'padding', 'channel'),
	}),
	fc.record({
		kind: fc.constant('id3v2' as const),
		at: fc.oneof(fc.constant(0), position),
		size: fc.oneof(fc.integer({ min: 0, max: 64 }), fc.integer({ min: 0, max: 5000 })),
		declared: fc.constantFrom<Extract<ChunkEdit, { kind: 'id3v2' }>['declared']>('exact', 'exact', 'huge', 'notSyncsafe', 'short', 'random'),
		footer: fc.boolean(),
		random: fc.nat({ max: 0xffffffff }),
	}),
	fc.record({ kind: fc.constant('id3v1' as const), at: fc.oneof(fc.constant(1e9), position), plus: fc.boolean() }),
	fc.record({ kind: fc.constant('ape' as const), at: fc.oneof(fc.constant(1e9), position), size: fc.oneof(fc.integer({ min: 0, max: 200 }), u32), header: fc.boolean() }),
	fc.record({ kind: fc.constant('appendedId3v2' as const), at: fc.oneof(fc.constant(1e9), position), size: fc.integer({ min: 0, max: 300 }), declared: fc.oneof(fc.integer({ min: 0, max: 300 }), fc.nat({ max: 0x0fffffff })) }),
);

/** Mostly edited fixtures; some windows of the long fixture; some tiny and short random files. */
export const mp3RecipeArb: fc.Arbitrary<Mp3Recipe> = fc.oneof(
	{
		weight: 14,
		arbitrary: fc.record(
			{
				kind: fc.constant('fixture' as const),
				source: fc.constantFrom(...SOURCES),
				edits: fc.array(chunkEditArb, { maxLength: 4 }),
				append: fc.constantFrom(...FOREIGN),
				bytes: fc.oneof(fc.constant<ByteEdit[]>([]), fc.array(byteEditArb, { minLength: 1, maxLength: 4 })),
			},
			{ requiredKeys: ['kind', 'source', 'edits', 'bytes'] },
		),
	},
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant('window' as const),
			start: position,
			length: fc.integer({ min: 0, max: 262144 }),
			bytes: fc.array(byteEditArb, { maxLength: 3 }),
		}),
	},
	{ weight: 1, arbitrary: fc.record({ kind: fc.constant('tiny' as const), bytes: fc.array(fc.nat(255), { maxLength: 3 }) }) },
	{
		weight: 1,
		arbitrary: fc.record({
			kind: fc.constant('tiny' as const),
			bytes: fc.array(fc.oneof(fc.constantFrom(...HEADERS), fc.array(fc.nat(255), { maxLength: 4 })), { maxLength: 40 }).map((parts) => parts.flat()),
		}),
	},
);

/** Largest part sizes to split with: 1 byte, around one frame, a few KB, WeChat's 1 MB. */
export const maxPartArb = fc.oneof(
	fc.constantFrom(1, 24, 144, 1441, 1442, 8192, 1048576),
	fc.integer({ min: 1, max: 4000 }),
	fc.integer({ min: 4000, max: 300000 }),
);

// ---------------------------------------------------------------------------------------------
// Frames with garbage between them, where the right answer is known

/** Valid Layer III headers (the first 6 of {@link HEADERS}) to plant in garbage, with their frame lengths. */
const FAKE_HEADERS = HEADERS.slice(0, 6);
const FAKE_LENGTHS = [144, 24, 417, 1044, 72, 1440];

/**
 * Real audio frames of one fixture in runs ("segments") with garbage between them. Garbage is
 * bytes 0x00–0x3F (no sync byte, no tag or container signature) with valid frame headers planted
 * in it, alone or as a pair that chains (the second where the first's frame ends), followed by
 * more filler than any frame is long: one or two headers in a row are never a stream.
 * Every segment has at least 3 frames (a resynchronisation needs the header and 2 more) unless
 * it ends the file (then the end confirms).
 */
export interface ResyncRecipe {
	source: string;
	/** First audio frame taken (modulo the count); frames are taken in order, wrapping around. */
	from: number;
	/** Garbage before the first segment, between segments, after the last. */
	garbage: Array<{ filler: number[]; fakes: Array<{ header: number; at: number; chained: boolean }> }>;
	/** Frames per segment; garbage (taken in turn from `garbage`) goes between segments. */
	segments: number[];
	/** Whether garbage also comes first, and last. */
	leading: boolean;
	trailing: boolean;
}

/** The file a {@link ResyncRecipe} stands for, with the offsets of its real frames and its garbage size. */
export function buildResync(recipe: ResyncRecipe): { data: Buffer; offsets: number[]; lengths: number[]; garbageBytes: number } {
	const data = fixture(recipe.source);
	const info = inspectMp3(data);
	const chunks: Buffer[] = [];
	const offsets: number[] = [];
	const lengths: number[] = [];
	let size = 0;
	let garbageBytes = 0;
	let frame = recipe.from % info.frameCount;
	let garbageIndex = 0;
	const addGarbage = () => {
		const spec = recipe.garbage[garbageIndex++ % recipe.garbage.length];
		const parts: Buffer[] = [Buffer.from(spec.filler.length > 0 ? spec.filler : [0x00])];
		for (const fake of spec.fakes) {
			const which = fake.header % FAKE_HEADERS.length;
			parts.push(Buffer.from(FAKE_HEADERS[which]));
			if (fake.chained) {
				parts.push(Buffer.alloc(FAKE_LENGTHS[which] - 4, fake.at & 0x3f));
				parts.push(Buffer.from(FAKE_HEADERS[which]));
			}
			parts.push(Buffer.alloc(1500 + (fake.at % 100), fake.at & 0x3f));
		}
		const garbage = Buffer.concat(parts);
		chunks.push(garbage);
		size += garbage.length;
		garbageBytes += garbage.length;
	};
	if (recipe.leading) addGarbage();
	recipe.segments.forEach((count, index) => {
		if (index > 0) addGarbage();
		for (let i = 0; i < count; i++) {
			const offset = info.frameOffsets[frame];
			const length = info.frameLengths[frame];
			chunks.push(data.subarray(offset, offset + length));
			offsets.push(size);
			lengths.push(length);
			size += length;
			frame = (frame + 1) % info.frameCount;
		}
	});
	if (recipe.trailing) addGarbage();
	return { data: Buffer.concat(chunks), offsets, lengths, garbageBytes };
}

const filler = fc.array(fc.nat(0x3f), { minLength: 1, maxLength: 300 });

export const resyncRecipeArb: fc.Arbitrary<ResyncRecipe> = fc
	.record({
		source: fc.constantFrom(...SOURCES.filter((name) => fixtureTable.files[name].ffprobe !== undefined && (fixtureTable.files[name].ffprobe as { codec?: string }).codec === 'mp3')),
		from: fc.nat(),
		garbage: fc.array(fc.record({ filler, fakes: fc.array(fc.record({ header: fc.nat(), at: fc.nat(), chained: fc.boolean() }), { maxLength: 3 }) }), { minLength: 1, maxLength: 4 }),
		inner: fc.array(fc.integer({ min: 3, max: 12 }), { minLength: 0, maxLength: 5 }),
		last: fc.integer({ min: 1, max: 12 }),
		leading: fc.boolean(),
		trailing: fc.boolean(),
	})
	.map(({ inner, last, trailing, ...rest }) => ({
		...rest,
		trailing,
		// the last segment may be short only when it ends the file
		segments: [...inner, trailing ? Math.max(3, last) : last],
	}));
