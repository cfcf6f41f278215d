/**
 * The Tencent Cloud API 3.0 emulator (CAM, CCC, ASR), split by service under ./tencent/:
 * ./tencent/tc3 (TC3-HMAC-SHA256 verification, lossless JSON), ./tencent/api (error envelope,
 * parameter checks), ./tencent/cam, ./tencent/ccc, ./tencent/asr (the actions and their state),
 * ./tencent/recognition (how transcripts become results) and ./tencent/server (the HTTP server
 * that composes them). This module re-exports all of it, so tests import from one place.
 */
export * from './tencent/tc3';
export * from './tencent/api';
export * from './tencent/recognition';
export * from './tencent/voiceFormat';
export * from './tencent/cam';
export * from './tencent/ccc';
export * from './tencent/asr';
export * from './tencent/server';
