import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeApiError, NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { redactSecrets } from '../../../../credentials/common/redact';
import { urlFileName } from '../../../common/audio/download';
import { inputError, vendorApiError, vendorDetails } from '../../../common/errors';
import type { OperationContext } from '../../../common/router';
import { asItemError, errorItem, withDetails } from '../../../common/runner';
import { TENCENT_CREDENTIAL } from '../../../common/tencent/client';
import { httpUrlProblem, type UrlRules } from '../../../common/url';
import { uploadIvrAudio } from '../../transport/ivrAudio';
import { readSdkAppId, sdkAppIdProperty, toAudioFileOutput } from './audioFile';

/** One request at a time: UploadIvrAudio allows 1 request per second (docs/tencent-cloud-api.md#contact-center-uploadivraudio). */
export const defaultConcurrency = 1;

/**
 * Most files sent in one UploadIvrAudio request. Tencent documents no maximum for `AudioList`
 * (docs/tencent-cloud-api.md#contact-center-uploadivraudio); 10 keeps one request small and one failure's blast radius narrow, while the daily
 * limit of 50 files means an execution rarely needs more than a few requests.
 */
export const MAX_FILES_PER_REQUEST = 10;

/** IVR audio URLs: mp3 or wav when the path shows an extension (docs/tencent-cloud-api.md#contact-center-uploadivraudio). */
const IVR_AUDIO_URL_RULES: UrlRules = {
	label: 'Audio URL',
	extensions: { list: ['mp3', 'wav'], owner: 'Tencent Cloud Contact Center' },
};

const properties: INodeProperties[] = [
	{
		displayName:
			'Tencent accepts at most 50 IVR audio files per day per account and 1 upload request per second. Consecutive items with the same SdkAppId are sent together (up to 10 per request), and the node waits between requests.',
		name: 'uploadNotice',
		type: 'notice',
		default: '',
	},
	sdkAppIdProperty('Contact Center application to upload the files to'),
	{
		displayName: 'Custom File Name',
		name: 'customFileName',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. welcome-message',
		description: 'Name to show for the file in Contact Center. Names may repeat.',
	},
	{
		displayName: 'Audio URL',
		name: 'audioUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://bucket.cos.ap-guangzhou.myqcloud.com/ivr/welcome.mp3',
		description: 'Public http(s) URL of an mp3 or wav file of at most 5 MB that Tencent downloads (a temporary Tencent Cloud COS link is recommended)',
	},
];

/** Parameters of the Upload operation (UploadIvrAudio). */
export const description = updateDisplayOptions(
	{ show: { resource: ['ivrAudio'], operation: ['upload'] } },
	properties,
);

/** One validated input item of the Upload operation. */
interface UploadEntry {
	itemIndex: number;
	sdkAppId: number;
	customFileName: string;
	audioUrl: string;
}

/**
 * Checks an IVR audio URL before it is sent ({@link httpUrlProblem}): an absolute `http:` /
 * `https:` URL with a host, and when its last path segment has an extension, `mp3` or `wav`.
 * Returns the problem as a sentence, or `undefined` when the URL is acceptable.
 */
export function checkIvrAudioUrl(url: string): string | undefined {
	return httpUrlProblem(url, IVR_AUDIO_URL_RULES);
}

function readEntry(ctx: IExecuteFunctions, itemIndex: number): UploadEntry {
	const node = ctx.getNode();
	const sdkAppId = readSdkAppId(ctx, itemIndex);
	const customFileName = String(ctx.getNodeParameter('customFileName', itemIndex) ?? '').trim();
	if (!customFileName) {
		throw inputError(node, 'Custom File Name is empty', 'Give every file a name to show in Contact Center.', itemIndex);
	}
	const audioUrl = String(ctx.getNodeParameter('audioUrl', itemIndex) ?? '').trim();
	const problem = checkIvrAudioUrl(audioUrl);
	if (problem) {
		throw inputError(
			node,
			problem,
			'Tencent downloads the file from this URL: give a public http(s) link to an mp3 or wav file of at most 5 MB.',
			itemIndex,
		);
	}
	return { itemIndex, sdkAppId, customFileName, audioUrl };
}

/**
 * Groups entries into requests: consecutive entries with the same SdkAppId, at most
 * {@link MAX_FILES_PER_REQUEST} per request, and never two entries with the same custom file name
 * in one request (Tencent's answer identifies files only by name, so unique names make matching
 * answers to items exact even when the same name is uploaded twice).
 */
export function groupIntoRequests<T extends { sdkAppId: number; customFileName: string }>(entries: T[]): T[][] {
	const batches: T[][] = [];
	let current: T[] = [];
	for (const entry of entries) {
		const fits =
			current.length > 0 &&
			current.length < MAX_FILES_PER_REQUEST &&
			current[0].sdkAppId === entry.sdkAppId &&
			!current.some((other) => other.customFileName === entry.customFileName);
		if (!fits && current.length > 0) {
			batches.push(current);
			current = [];
		}
		current.push(entry);
	}
	if (current.length > 0) batches.push(current);
	return batches;
}

/** What Tencent said about one file of a request. */
type FileOutcome =
	| { kind: 'uploaded'; info: IDataObject }
	| { kind: 'failed'; info: IDataObject }
	/** Not named in the answer; `unmatchedFailures`: FailedFileList entries no item could be matched to. */
	| { kind: 'missing'; unmatchedFailures: IDataObject[] };

/**
 * Finds each entry's result in an UploadIvrAudio answer. `SuccessFileList` entries are matched
 * by `CustomFileName`; `FailedFileList` entries by `FileName`, compared with the custom name, the
 * audio URL and the URL's last path segment (the API reference does not say which of them `FileName`
 * holds). Each answer entry is used once, in order. When exactly one entry and one failure are
 * left unmatched they belong together; otherwise the unmatched failures are kept on every
 * unmatched entry, so no `FailedMsg` is lost.
 */
function matchOutcomes(batch: UploadEntry[], response: IDataObject): FileOutcome[] {
	const succeeded = Array.isArray(response.SuccessFileList) ? (response.SuccessFileList as IDataObject[]) : [];
	const failed = Array.isArray(response.FailedFileList) ? (response.FailedFileList as IDataObject[]) : [];
	const usedSucceeded = new Set<number>();
	const usedFailed = new Set<number>();
	const outcomes = batch.map((entry): FileOutcome => {
		const okIndex = succeeded.findIndex(
			(info, index) => !usedSucceeded.has(index) && String(info.CustomFileName ?? '') === entry.customFileName,
		);
		if (okIndex >= 0) {
			usedSucceeded.add(okIndex);
			return { kind: 'uploaded', info: succeeded[okIndex] };
		}
		const names = [entry.customFileName, entry.audioUrl, urlFileName(entry.audioUrl)];
		const failIndex = failed.findIndex(
			(info, index) => !usedFailed.has(index) && names.includes(String(info.FileName ?? '')),
		);
		if (failIndex >= 0) {
			usedFailed.add(failIndex);
			return { kind: 'failed', info: failed[failIndex] };
		}
		return { kind: 'missing', unmatchedFailures: [] };
	});
	const missing = outcomes.flatMap((outcome, index) => (outcome.kind === 'missing' ? [index] : []));
	const leftFailures = failed.filter((_info, index) => !usedFailed.has(index));
	if (missing.length === 1 && leftFailures.length === 1) {
		outcomes[missing[0]] = { kind: 'failed', info: leftFailures[0] };
	} else {
		for (const index of missing) outcomes[index] = { kind: 'missing', unmatchedFailures: leftFailures };
	}
	return outcomes;
}

function describeUploaded(uploaded: Array<{ name: string; fileId: unknown }>): string {
	const shown = uploaded.slice(0, 10).map((file) => `"${file.name}" (FileId ${String(file.fileId)})`);
	const more = uploaded.length > 10 ? ` and ${uploaded.length - 10} more` : '';
	return `${shown.join(', ')}${more}`;
}

/** Adds to an error's description which files this execution already uploaded, so nobody uploads them twice. */
function noteUploaded<E extends NodeApiError | NodeOperationError>(
	error: E,
	uploaded: Array<{ name: string; fileId: unknown }>,
): E {
	if (uploaded.length === 0) return error;
	const note = `Already uploaded by this execution, do not upload them again: ${describeUploaded(uploaded)}.`;
	error.description = error.description ? `${error.description} ${note}` : note;
	return error;
}

/**
 * Notes for the output pane that an uploaded file is pending review (`Status` 0): the upload
 * succeeded, but Contact Center cannot play the file before Tencent approves it
 * (docs/tencent-cloud-api.md#contact-center-uploadivraudio), which the output alone does not say.
 */
function notePendingReview(run: OperationContext, itemIndex: number): void {
	run.hints.note(
		'pendingReview',
		itemIndex,
		(items) =>
			`The files of ${items} were uploaded and are pending review by Tencent (Status 0): Contact Center can use them only once approved. Run Get Many later to see whether they were approved or rejected.`,
		{ type: 'info' },
	);
}

/**
 * Runs the Upload operation for ALL input items (UploadIvrAudio,
 * docs/tencent-cloud-api.md#contact-center-uploadivraudio).
 *
 * 1. Every item is validated first (SdkAppId, name, URL syntax, mp3/wav extension); without
 *    continue-on-fail an invalid item stops the node before any request is sent.
 * 2. Valid items are grouped ({@link groupIntoRequests}) and sent one request at a time, at most
 *    one request per second per credential, hence per credential and SdkAppId ({@link runPaced}),
 *    across items and executions of this n8n instance. `RequestLimitExceeded` is waited out and retried (a refused call
 *    did nothing); a connection broken after sending is NOT resent (the upload may have happened),
 *    and the error says so.
 * 3. Each input item gets one output item, paired: the file's `AudioFileInfo` plus `statusText`
 *    and `requestId`, or an error (a `FailedFileList` entry's `FailedMsg`; the request's error).
 *    `FailedOperation.UploadFileOverflow` (50 files a day) stops all further requests.
 * 4. Files still pending review (`Status` 0) are named in an execution hint.
 *
 * @returns the node's single output.
 * @throws NodeOperationError for invalid input and NodeApiError for Tencent's errors, unless
 *   continue-on-fail turns them into error items.
 */
export async function executeBatch(this: IExecuteFunctions, run: OperationContext): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const continueOnFail = this.continueOnFail();
	const results: INodeExecutionData[] = new Array<INodeExecutionData>(items.length);
	const failItem = (itemIndex: number, error: unknown, entry?: UploadEntry) => {
		const json = errorItem(error);
		if (entry) {
			json.customFileName = entry.customFileName;
			json.audioUrl = redactSecrets(entry.audioUrl);
		}
		results[itemIndex] = { json, pairedItem: { item: itemIndex } };
	};

	const entries: UploadEntry[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			entries.push(readEntry(this, itemIndex));
		} catch (error) {
			if (!continueOnFail) throw asItemError(this, error, itemIndex);
			failItem(itemIndex, error);
		}
	}

	const session = entries.length > 0 ? await run.credentials(TENCENT_CREDENTIAL) : undefined;
	const uploaded: Array<{ name: string; fileId: unknown }> = [];
	let overflow: { itemIndex: number } | undefined;

	for (const batch of groupIntoRequests(entries)) {
		const first = batch[0];
		if (overflow) {
			const stopped = new NodeOperationError(
				this.getNode(),
				'Not uploaded: Tencent Cloud Contact Center\'s daily limit of 50 IVR audio files was reached',
				{
					description: `An earlier request of this execution (item ${overflow.itemIndex + 1}) was refused with FailedOperation.UploadFileOverflow, so no further uploads were sent. Try again tomorrow.`,
					itemIndex: first.itemIndex,
				},
			);
			for (const entry of batch) failItem(entry.itemIndex, stopped, entry);
			continue;
		}

		let response: IDataObject;
		try {
			response = await uploadIvrAudio(
				session!,
				first.sdkAppId,
				batch.map((entry) => ({ CustomFileName: entry.customFileName, AudioUrl: entry.audioUrl })),
				first.itemIndex,
			);
		} catch (caught) {
			let error = caught as NodeApiError | NodeOperationError;
			const details = vendorDetails(caught);
			if (details?.code === 'FailedOperation.UploadFileOverflow') {
				overflow = { itemIndex: first.itemIndex };
				error = vendorApiError(
					this.getNode(),
					{
						vendor: 'Tencent Cloud',
						code: details.code,
						message: `${details.message ? `${details.message}. ` : ''}Tencent Cloud Contact Center accepts at most 50 IVR audio files per day per account`,
						requestId: details.requestId,
						requestIdLabel: 'RequestId',
						hint: 'Nothing more was uploaded. Try again tomorrow.',
					},
					first.itemIndex,
				);
			}
			if (!continueOnFail) throw noteUploaded(error, uploaded);
			for (const entry of batch) failItem(entry.itemIndex, error, entry);
			continue;
		}

		const requestId = typeof response.RequestId === 'string' ? response.RequestId : undefined;
		const outcomes = matchOutcomes(batch, response);
		const uploadedHere = batch
			.map((entry, index) => ({ entry, outcome: outcomes[index] }))
			.filter(({ outcome }) => outcome.kind === 'uploaded')
			.map(({ entry, outcome }) => ({
				name: entry.customFileName,
				fileId: outcome.kind === 'uploaded' ? outcome.info.FileId : undefined,
			}));
		uploaded.push(...uploadedHere);
		for (let index = 0; index < batch.length; index++) {
			const entry = batch[index];
			const outcome = outcomes[index];
			if (outcome.kind === 'uploaded') {
				results[entry.itemIndex] = {
					json: { ...toAudioFileOutput(outcome.info), requestId },
					pairedItem: { item: entry.itemIndex },
				};
				if (Number(outcome.info.Status) === 0) notePendingReview(run, entry.itemIndex);
				continue;
			}
			const error =
				outcome.kind === 'failed'
					? vendorApiError(
							this.getNode(),
							{
								vendor: 'Tencent Cloud',
								message: `"${entry.customFileName}" was not uploaded: ${String(outcome.info.FailedMsg ?? 'no reason given')}`,
								requestId,
								requestIdLabel: 'RequestId',
								hint: 'Tencent refused this file (listed in FailedFileList). Check that the URL is publicly downloadable and is an mp3 or wav file of at most 5 MB.',
							},
							entry.itemIndex,
						)
					: vendorApiError(
							this.getNode(),
							{
								vendor: 'Tencent Cloud',
								message: `Tencent's answer does not mention "${entry.customFileName}"${
									outcome.unmatchedFailures.length > 0
										? `; it refused files it did not name this way: ${outcome.unmatchedFailures
												.map((info) => `${String(info.FileName ?? '?')}: ${String(info.FailedMsg ?? 'no reason given')}`)
												.join('; ')}`
										: ''
								}`,
								requestId,
								requestIdLabel: 'RequestId',
								hint: 'The request was accepted, but neither SuccessFileList nor FailedFileList names this file. Use the Get Many operation to check whether it was uploaded before trying again.',
							},
							entry.itemIndex,
						);
			if (!continueOnFail) throw noteUploaded(withDetails(error, { customFileName: entry.customFileName }), uploaded);
			failItem(entry.itemIndex, error, entry);
		}
	}
	return [results];
}
