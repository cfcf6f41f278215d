import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { matchesSearch, searchOffsetList } from '../../common/listSearch';
import { TENCENT_CREDENTIAL } from '../../common/tencent/client';
import { CredentialSession } from '../../common/transport';
import {
	getAsrVocabList,
	getCustomizationList,
	LIST_MAX_REQUESTS,
	LIST_MIN_RESULTS,
	LIST_PAGE_SIZE,
	MODEL_STATE_TEXT,
} from '../transport/resources';

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

function hotwordItem(vocab: IDataObject): INodeListSearchItems {
	const id = text(vocab.VocabId);
	const details: string[] = [];
	if (Number(vocab.State) === 1) details.push('Loaded by default');
	if (Array.isArray(vocab.WordWeights)) details.push(`${vocab.WordWeights.length} ${vocab.WordWeights.length === 1 ? 'word' : 'words'}`);
	if (text(vocab.Description)) details.push(text(vocab.Description));
	const item: INodeListSearchItems = { name: text(vocab.Name) || id, value: id };
	if (details.length) item.description = details.join(' · ');
	return item;
}

function customizationItem(model: IDataObject): INodeListSearchItems {
	const id = text(model.ModelId);
	const details: string[] = [];
	if (text(model.ModelType)) details.push(text(model.ModelType));
	const state = Number(model.ModelState);
	if (model.ModelState !== undefined && model.ModelState !== null) details.push(MODEL_STATE_TEXT[state] ?? `State ${String(model.ModelState)}`);
	if (text(model.AtUpdated)) details.push(`updated ${text(model.AtUpdated)}`);
	const item: INodeListSearchItems = { name: text(model.ModelName) || id, value: id };
	if (details.length) item.description = details.join(' · ');
	return item;
}

/**
 * The Hotword ID picker's From List mode: the account's hotword lists (GetAsrVocabList,
 * docs/tencent-cloud-api.md#asr-getasrvocablist, paged by `Offset`/`Limit`), those whose name or
 * VocabId contains the search text, as `{ name: Name, value: VocabId, description }`. The
 * pagination token is the offset to continue from ({@link searchOffsetList}).
 *
 * @throws NodeApiError with Tencent's Code, Message and RequestId (shown under the list).
 */
export async function searchHotwordLists(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const session = await CredentialSession.open(this, TENCENT_CREDENTIAL);
	return await searchOffsetList<IDataObject>({
		fetchPage: async (offset, limit) => await getAsrVocabList(session, offset, limit),
		matches: (vocab) => text(vocab.VocabId) !== '' && matchesSearch(filter, text(vocab.Name), text(vocab.VocabId)),
		toItem: hotwordItem,
		paginationToken,
		pageSize: LIST_PAGE_SIZE,
		minResults: LIST_MIN_RESULTS,
		maxRequests: LIST_MAX_REQUESTS,
	});
}

/**
 * The Customization ID picker's From List mode: the account's self-learning models
 * (GetCustomizationList, docs/tencent-cloud-api.md#asr-getcustomizationlist, paged by
 * `Offset`/`Limit`), those whose name or ModelId contains the search text, as
 * `{ name: ModelName, value: ModelId, description: "16k · Online · updated …" }`. Models that are
 * not online are listed too (their state says so): only online models recognise anything.
 *
 * @throws NodeApiError with Tencent's Code, Message and RequestId (shown under the list).
 */
export async function searchCustomizations(this: ILoadOptionsFunctions, filter?: string, paginationToken?: string): Promise<INodeListSearchResult> {
	const session = await CredentialSession.open(this, TENCENT_CREDENTIAL);
	return await searchOffsetList<IDataObject>({
		fetchPage: async (offset, limit) => await getCustomizationList(session, offset, limit),
		matches: (model) => text(model.ModelId) !== '' && matchesSearch(filter, text(model.ModelName), text(model.ModelId)),
		toItem: customizationItem,
		paginationToken,
		pageSize: LIST_PAGE_SIZE,
		minResults: LIST_MIN_RESULTS,
		maxRequests: LIST_MAX_REQUESTS,
	});
}
