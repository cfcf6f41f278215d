import type { IExecuteFunctions } from 'n8n-workflow';

import { inputError } from '../errors';

/** An audio file read from an item's binary property or downloaded from a URL. */
export interface AudioFile {
	data: Buffer;
	/** File name as n8n knows it, or the URL's last path segment (may be empty). */
	fileName: string;
	/** Lower-case extension without the dot, from n8n's metadata or the file name (may be empty). */
	fileExtension: string;
	/** MIME type from n8n's metadata or the download's Content-Type, without parameters (may be empty). */
	mimeType: string;
}

/**
 * Reads the binary property `propertyName` of item `itemIndex` through n8n's binary helpers
 * (`assertBinaryData` + `getBinaryDataBuffer`), so filesystem, S3 and database binary modes all
 * work (docs/n8n.md#binary-data). Throws a clear item error naming the property and the ones
 * the item does have.
 */
export async function readBinaryAudio(
	ctx: IExecuteFunctions,
	itemIndex: number,
	propertyName: string,
): Promise<AudioFile> {
	const item = ctx.getInputData()[itemIndex];
	const available = Object.keys(item?.binary ?? {});
	if (!item?.binary?.[propertyName]) {
		throw inputError(
			ctx.getNode(),
			`Input item ${itemIndex + 1} has no binary property "${propertyName}"`,
			available.length
				? `The item has these binary properties: ${available.join(', ')}. Set "Input Binary Field" to one of them.`
				: 'The item carries no binary data. Put a node that loads the audio (HTTP Request with "Response Format: File", Read/Write Files from Disk, a form or chat upload) before this one, or use an audio URL.',
			itemIndex,
		);
	}
	const meta = ctx.helpers.assertBinaryData(itemIndex, propertyName);
	const data = await ctx.helpers.getBinaryDataBuffer(itemIndex, propertyName);
	const fileName = meta.fileName ?? '';
	const fromName = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1] ?? '';
	return {
		data,
		fileName,
		fileExtension: (meta.fileExtension ?? fromName).toLowerCase(),
		mimeType: meta.mimeType ?? '',
	};
}
