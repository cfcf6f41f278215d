'use strict';
/**
 * Benchmark (not a test: nothing is asserted against a time) of the ASR Trigger's callback form
 * parser, nodes/TencentCloudAsrTrigger/callback.ts `parseCallbackForm`, on bodies as large as the
 * trigger accepts by default (16 MB, the Max Body Size option; word-level results of long
 * recordings can be megabytes):
 *
 * - `ASCII text`: a CreateRecTask-shaped body whose `text` is plain ASCII (nothing escaped);
 * - `Chinese text, UTF-8 escaped`: the text is CJK, every byte a `%XX` escape (as Tencent sends);
 * - `Chinese text, GBK escaped`: a legacy callback whose text is GBK, read with Text Encoding Auto.
 *
 * Reports MB/s (1 MB = 1,048,576 bytes of body) for each Text Encoding, best of the timed runs
 * after a warm-up. Run with `node test/bench/run.js callback` (or `npm run bench`);
 * `CALLBACK_BENCH_MB` changes the size, `CALLBACK_BENCH_RUNS` the number of runs.
 */
const { performance } = require('node:perf_hooks');
const { requireTs } = require('./compile-ts');

const { parseCallbackForm } = requireTs('nodes/TencentCloudAsrTrigger/callback.ts');

const MB = 1048576;
const TARGET_BYTES = Math.round(Number(process.env.CALLBACK_BENCH_MB || 16) * MB);
const RUNS = Math.max(1, Number(process.env.CALLBACK_BENCH_RUNS || 3));

/** A body of about TARGET_BYTES: the fixed fields, then `text=` and `unit` repeated. */
function body(prefix, unit) {
	const head = `${prefix}&text=`;
	return Buffer.from(head + unit.repeat(Math.max(1, Math.floor((TARGET_BYTES - head.length) / unit.length))), 'latin1');
}

const REC_TASK = 'code=0&requestId=4000048858&appid=12516&projectid=0&audioTime=8.420000&message=&resultDetail=';
const LEGACY = 'code=0&requestId=500&appid=12000001&projectid=0&audioTime=2.5&message=success';
const SCENARIOS = [
	['ASCII text', () => body(REC_TASK, 'Hello+world.+'), ['auto', 'utf-8']],
	['Chinese text, UTF-8 escaped', () => body(REC_TASK, '%E6%88%91%E5%9C%A8%E9%A9%AC%E4%B8%8A'), ['auto', 'utf-8']],
	['Chinese text, GBK escaped', () => body(LEGACY, '%C4%FA%BA%C3'), ['auto', 'gb18030']],
];

function run() {
	console.log(`callback parser benchmark: ~${(TARGET_BYTES / MB).toFixed(0)} MB bodies, best of ${RUNS} runs after a warm-up (Node ${process.version})`);
	const rows = [];
	for (const [label, make, encodings] of SCENARIOS) {
		const data = make();
		for (const encoding of encodings) {
			const first = parseCallbackForm(data, encoding); // warm-up, and the body must parse
			if (!first.ok) throw new Error(`${label} (${encoding}): ${first.rejection.message}`);
			let best = Infinity;
			for (let i = 0; i < RUNS; i++) {
				const start = performance.now();
				parseCallbackForm(data, encoding);
				best = Math.min(best, performance.now() - start);
			}
			rows.push({
				scenario: label,
				'text encoding': encoding,
				'body MB': +(data.length / MB).toFixed(1),
				'text chars': first.value.text.length,
				'parse ms': +best.toFixed(0),
				'MB/s': +(data.length / MB / (best / 1000)).toFixed(1),
			});
		}
	}
	console.table(rows);
	return rows;
}

module.exports = { run };
if (require.main === module) run();
