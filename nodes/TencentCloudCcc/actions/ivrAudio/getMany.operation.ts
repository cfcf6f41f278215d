import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { inputError } from '../../../common/errors';
import { concurrencyOption, type OperationContext } from '../../../common/router';
import { TENCENT_CREDENTIAL } from '../../../common/tencent/client';
import { describeIvrAudioList } from '../../transport/ivrAudio';
import { readSdkAppId, sdkAppIdProperty, toAudioFileOutput } from './audioFile';

/** Items in flight at once by default (DescribeIvrAudioList: 20 requests per second, kept to by the node). */
export const defaultConcurrency = 5;

/** Largest `PageSize` DescribeIvrAudioList accepts (docs/tencent-cloud-api.md#contact-center-describeivraudiolist). */
export const MAX_PAGE_SIZE = 50;

const properties: INodeProperties[] = [
	sdkAppIdProperty('Contact Center application whose IVR audio files to list'),
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		displayOptions: { show: { returnAll: [false] } },
		description: 'Max number of results to return',
	},
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			{
				displayName: 'Audio File Names',
				name: 'audioFileNames',
				type: 'string',
				default: '',
				placeholder: 'e.g. business_id_pic5.mp3, business_id_pic6.mp3',
				description: 'Only files with these names given by Tencent (AudioFileName), separated by commas',
			},
			{
				displayName: 'Custom File Names',
				name: 'customFileNames',
				type: 'string',
				default: '',
				placeholder: 'e.g. welcome-message, closing-message',
				description: 'Only files with these custom names, separated by commas',
			},
			{
				displayName: 'File IDs',
				name: 'fileIds',
				type: 'string',
				default: '',
				placeholder: 'e.g. 50, 51',
				description: 'Only files with these FileIds, separated by commas',
			},
		],
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [concurrencyOption(defaultConcurrency)],
	},
];

/** Parameters of the Get Many operation (DescribeIvrAudioList). */
export const description = updateDisplayOptions(
	{ show: { resource: ['ivrAudio'], operation: ['getMany'] } },
	properties,
);

/**
 * Splits a filter value into its entries: a comma-separated string (`"a, b"`) or an array (from
 * an expression) becomes trimmed, non-empty strings.
 */
export function splitFilterValues(value: unknown): string[] {
	const parts = Array.isArray(value) ? value.map((entry) => String(entry)) : String(value ?? '').split(',');
	return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

/**
 * Get Many (DescribeIvrAudioList, docs/tencent-cloud-api.md#contact-center-describeivraudiolist) for one input item: pages through the
 * application's IVR audio files (`PageSize` ≤ 50, `PageNumber` from 0) until Return All has them
 * all (`TotalCount`, or a short page) or Limit is reached, with the CustomFileName /
 * AudioFileName / FileId filters. Returns one entry per `AudioFileInfo` with `statusText` added.
 *
 * @throws NodeOperationError for an invalid SdkAppId, Limit or FileId before any request;
 *   NodeApiError with Tencent's Code, Message and RequestId.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number, run: OperationContext): Promise<IDataObject[]> {
	const node = this.getNode();
	const sdkAppId = readSdkAppId(this, itemIndex);
	const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
	const limit = returnAll ? Number.POSITIVE_INFINITY : Number(this.getNodeParameter('limit', itemIndex));
	if (!returnAll && (!Number.isInteger(limit) || limit < 1)) {
		throw inputError(node, `Limit must be a whole number of at least 1, not ${String(limit)}`, undefined, itemIndex);
	}
	const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
	const query: IDataObject = { SdkAppId: sdkAppId };
	const customFileNames = splitFilterValues(filters.customFileNames);
	const audioFileNames = splitFilterValues(filters.audioFileNames);
	const fileIdTexts = splitFilterValues(filters.fileIds);
	const badId = fileIdTexts.find((id) => !/^\d+$/.test(id) || !Number.isSafeInteger(Number(id)));
	if (badId !== undefined) {
		throw inputError(node, `"${badId}" is not a valid FileId`, 'FileIds are whole numbers, e.g. 50, 51.', itemIndex);
	}
	if (customFileNames.length) query.CustomFileName = customFileNames;
	if (audioFileNames.length) query.AudioFileName = audioFileNames;
	if (fileIdTexts.length) query.FileId = fileIdTexts.map(Number);

	const session = await run.credentials(TENCENT_CREDENTIAL);
	const pageSize = Math.min(MAX_PAGE_SIZE, limit);
	const files: IDataObject[] = [];
	for (let pageNumber = 0; files.length < limit; pageNumber++) {
		const response = await describeIvrAudioList(session, { ...query, PageSize: pageSize, PageNumber: pageNumber }, itemIndex);
		const page = Array.isArray(response.FileInfo) ? (response.FileInfo as IDataObject[]) : [];
		for (const info of page) {
			if (files.length >= limit) break;
			files.push(toAudioFileOutput(info));
		}
		const total = Number(response.TotalCount);
		const seen = (pageNumber + 1) * pageSize;
		if (page.length < pageSize || (Number.isFinite(total) && seen >= total)) break;
	}
	return files;
}
