'use strict';
/**
 * Benchmark (not a test: nothing is asserted against a time) of nodes/common/mp3.ts on about
 * 100 MB of MP3 built in memory from the frames of real fixtures:
 *
 * - `16 kHz mono CBR`: the frames of long-16k-mono.mp3 (216-byte MPEG-2 frames, the WeChat
 *   format) repeated; every part of the split is a zero-copy view;
 * - `16 kHz mono CBR + garbage`: the same with 333 bytes of garbage (holding a fake header)
 *   after every 1000th frame, so resynchronisation runs and most parts must be copied;
 * - `44.1 kHz joint stereo VBR`: the frames of vbr-44k-joint.mp3 repeated (MPEG-1).
 *
 * Reports MB/s (1 MB = 1,048,576 bytes) for inspectMp3 and for splitMp3 at 1 MB, best of the
 * timed runs after a warm-up, plus heap and peak RSS. Run with `node test/bench/run.js` (or
 * `npm run bench`); `MP3_BENCH_MB` changes the size, `MP3_BENCH_RUNS` the number of runs.
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { performance } = require('node:perf_hooks');
const { requireTs, REPO_ROOT } = require('./compile-ts');

const { inspectMp3, splitMp3 } = requireTs('nodes/common/mp3.ts');

const MB = 1048576;
const TARGET_BYTES = Math.round(Number(process.env.MP3_BENCH_MB || 100) * MB);
const RUNS = Math.max(1, Number(process.env.MP3_BENCH_RUNS || 5));
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'audio');

/** The audio frames of a fixture, concatenated (no tags, no Xing/Info frame). */
function framesOf(name) {
	const data = fs.readFileSync(path.join(FIXTURES, name));
	const info = inspectMp3(data);
	const first = info.frameOffsets[0];
	const last = info.frameCount - 1;
	return { frames: data.subarray(first, info.frameOffsets[last] + info.frameLengths[last]), info };
}

/** About TARGET_BYTES of whole frames: `frames` repeated, with `garbage` after every `every` frames. */
function build(name, garbage, every) {
	const { frames, info } = framesOf(name);
	if (!garbage) {
		const copies = Math.max(1, Math.floor(TARGET_BYTES / frames.length));
		const out = Buffer.allocUnsafe(copies * frames.length);
		for (let i = 0; i < copies; i++) frames.copy(out, i * frames.length);
		return { data: out, frames: copies * info.frameCount };
	}
	const chunks = [];
	let size = 0;
	let count = 0;
	while (size < TARGET_BYTES) {
		for (let f = 0; f < info.frameCount && size < TARGET_BYTES; f++) {
			const offset = info.frameOffsets[f] - info.frameOffsets[0];
			chunks.push(frames.subarray(offset, offset + info.frameLengths[f]));
			size += info.frameLengths[f];
			count++;
			if (count % every === 0) {
				chunks.push(garbage);
				size += garbage.length;
			}
		}
	}
	return { data: Buffer.concat(chunks, size), frames: count };
}

function time(fn) {
	fn(); // warm-up
	let best = Infinity;
	let result;
	for (let i = 0; i < RUNS; i++) {
		const start = performance.now();
		result = fn();
		best = Math.min(best, performance.now() - start);
	}
	return { ms: best, result };
}

function mbps(bytes, ms) {
	return (bytes / MB / (ms / 1000)).toFixed(0);
}

function scenario(label, data, expectedFrames) {
	const inspect = time(() => inspectMp3(data));
	const info = inspect.result;
	if (info.frameCount !== expectedFrames) throw new Error(`${label}: found ${info.frameCount} frames, built ${expectedFrames}`);
	const split = time(() => splitMp3(data, info, MB));
	const parts = split.result;
	const copied = parts.filter((part) => part.data.buffer !== data.buffer);
	const copiedBytes = copied.reduce((sum, part) => sum + part.byteLength, 0);
	const heap = process.memoryUsage();
	return {
		scenario: label,
		sizeMB: +(data.length / MB).toFixed(1),
		frames: info.frameCount,
		garbageBytes: info.garbageBytes,
		'inspect ms': +inspect.ms.toFixed(1),
		'inspect MB/s': +mbps(data.length, inspect.ms),
		'split ms': +split.ms.toFixed(1),
		'split MB/s': +mbps(data.length, split.ms),
		parts: parts.length,
		'copied parts': copied.length,
		'copied MB': +(copiedBytes / MB).toFixed(1),
		'frame table MB': +((info.frameOffsets.byteLength + info.frameLengths.byteLength) / MB).toFixed(1),
		'heap used MB': +(heap.heapUsed / MB).toFixed(0),
		'external MB': +(heap.external / MB).toFixed(0),
	};
}

const SCENARIOS = [
	['16 kHz mono CBR', 'long-16k-mono.mp3'],
	['16 kHz mono CBR + garbage', 'long-16k-mono.mp3', 'garbage', 1000],
	['44.1 kHz joint stereo VBR', 'vbr-44k-joint.mp3'],
];

/** One scenario, in its own process so that its peak RSS is its own. */
function runScenario(index) {
	const [label, name, withGarbage, every] = SCENARIOS[index];
	let garbage;
	if (withGarbage) {
		garbage = Buffer.alloc(333, 0x55);
		garbage.set([0xff, 0xf3, 0x68, 0xc4], 40); // a 16 kHz mono 48 kbit/s header whose successor is missing
	}
	const rssBefore = process.memoryUsage().rss;
	const built = build(name, garbage, every);
	const row = scenario(label, built.data, built.frames);
	row['RSS before input MB'] = +(rssBefore / MB).toFixed(0);
	row['peak RSS MB'] = +(process.resourceUsage().maxRSS / 1024).toFixed(0);
	return row;
}

function run() {
	console.log(
		`mp3 benchmark: ~${(TARGET_BYTES / MB).toFixed(0)} MB per scenario, best of ${RUNS} runs after a warm-up, one process per scenario (Node ${process.version})`,
	);
	const rows = SCENARIOS.map((_, index) => {
		const child = spawnSync(process.execPath, [__filename, '--scenario', String(index)], { encoding: 'utf8', env: process.env });
		if (child.status !== 0) throw new Error(`scenario ${index} failed: ${child.stderr}`);
		return JSON.parse(child.stdout);
	});
	console.table(rows);
	console.log(
		'MB = 1,048,576 bytes. "RSS before input" includes Node and the TypeScript compiler used to load mp3.ts; ' +
			'peak RSS adds the ~100 MB input built in memory and, with garbage, the copied parts of the timed runs not yet collected.',
	);
	return rows;
}

module.exports = { run };
if (require.main === module) {
	const flag = process.argv.indexOf('--scenario');
	if (flag > 0) process.stdout.write(JSON.stringify(runScenario(Number(process.argv[flag + 1]))));
	else run();
}
