import type { IDataObject } from 'n8n-workflow';

import { tencentApiRequest } from '../../common/tencent/client';
import type { CredentialSession } from '../../common/transport';

/**
 * What to do about SentenceRecognition's own error codes (docs/tencent-cloud-api.md#asr-sentencerecognition);
 * the common API 3.0 codes have their hints in credentials/common/tencent/hints.ts.
 */
export const SENTENCE_HINTS: Readonly<Record<string, string>> = {
	'InvalidParameterValue.ErrorVoicedataTooLong': 'Recognize Sentence takes at most 60 seconds of audio. Use Flash Recognize (up to 2 hours) for longer recordings.',
	'InvalidParameter.ErrorContentlength': 'Recognize Sentence takes at most 3 MB of base64 data (2,359,296 bytes of audio). Use Flash Recognize for larger files.',
	'FailedOperation.ErrorRecognize': 'Tencent could not recognise the audio: check that it is not damaged and that the engine matches it (8k for telephone audio).',
	'InvalidParameterValue.ErrorInvalidVoiceFormat': 'Tencent does not take this audio format here. Convert it, e.g. ffmpeg -i input -ar 16000 -ac 1 output.mp3.',
	'InvalidParameterValue.ErrorInvalidEngservice': 'Choose another Engine Type: this one is not available for Recognize Sentence.',
	'FailedOperation.UserNotRegistered': 'Activate speech recognition (ASR) for the account on the Tencent Cloud website.',
	'FailedOperation.ServiceIsolate': 'The account is in arrears: top up the Tencent Cloud account.',
	'FailedOperation.UserHasNoFreeAmount': 'No free quota is left: buy a resource pack or turn on pay-as-you-go billing for speech recognition.',
};

/** A SentenceRecognition answer (`Response` without `Error`). */
export interface SentenceAnswer extends IDataObject {
	/** The recognised text. */
	Result: string;
	/** Milliseconds. */
	AudioDuration: number;
	WordSize?: number;
	/** With WordInfo > 0: `{ Word, StartTime, EndTime }`, milliseconds from the start of the audio. */
	WordList?: Array<{ Word: string; StartTime: number; EndTime: number }> | null;
	RequestId?: string;
}

/**
 * Sends one SentenceRecognition (API 3.0, docs/tencent-cloud-api.md#asr-sentencerecognition)
 * through the credential (TC3-signed), within its 30 requests/s (`TENCENT_RATE_LIMITS`). A
 * recognition is billed, so a request whose connection broke after sending is not resent;
 * rate-limit answers are waited out (Tencent did not act on them).
 *
 * @param params `EngSerViceType`, `SourceType` 1, `VoiceFormat`, `Data` (base64), `DataLen` (raw bytes) and the options.
 * @throws NodeApiError with Tencent's Code, Message and RequestId, plus a hint ({@link SENTENCE_HINTS}).
 */
export async function recognizeSentence(session: CredentialSession, params: IDataObject, itemIndex: number): Promise<SentenceAnswer> {
	const response = await tencentApiRequest(session, {
		service: 'asr',
		action: 'SentenceRecognition',
		params,
		itemIndex,
		hints: SENTENCE_HINTS,
		notResent: { check: 'the audio may have been recognised (and billed) without an answer arriving; run the item again only if that is acceptable.' },
	});
	return response as SentenceAnswer;
}
