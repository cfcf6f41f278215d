import type { INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

/**
 * True when `filter` (the text typed into a resource locator's search box) is empty, or occurs,
 * ignoring case and surrounding spaces, in one of `texts` (a name, an id …).
 */
export function matchesSearch(filter: string | undefined, ...texts: Array<string | number | null | undefined>): boolean {
	const needle = (filter ?? '').trim().toLowerCase();
	if (!needle) return true;
	return texts.some((text) => text !== null && text !== undefined && String(text).toLowerCase().includes(needle));
}

/** One page of an `Offset`/`Limit` list: its rows and the total the vendor reported (if any). */
export interface OffsetPage<T> {
	rows: T[];
	/** The vendor's total count, when it sent a usable number. */
	total?: number;
}

/** How {@link searchOffsetList} pages through a vendor list. */
export interface OffsetListSearch<T> {
	/** Fetches `limit` rows from `offset` (one vendor request). */
	fetchPage: (offset: number, limit: number) => Promise<OffsetPage<T>>;
	/** Whether a row matches the search text. */
	matches: (row: T) => boolean;
	/** The list entry shown for a row. */
	toItem: (row: T) => INodeListSearchItems;
	/** The token n8n passes back for the next page (the offset to continue from), if any. */
	paginationToken?: string;
	/** Rows asked for per request. */
	pageSize: number;
	/** With a search text, keep fetching until this many matches are found (or the list ends). */
	minResults: number;
	/** Most vendor requests per call (the editor asks again, with the token, when the user scrolls on). */
	maxRequests: number;
}

/**
 * A resource locator's list search over a vendor list paged by `Offset`/`Limit` (n8n's
 * `listSearch` contract: `{ results, paginationToken }`, the token handed back when the user
 * scrolls to the end: `INodeListSearchResult` in
 * https://github.com/n8n-io/n8n/blob/master/packages/workflow/src/interfaces.ts, and
 * https://docs.n8n.io/integrations/creating-nodes/build/reference/node-ui-elements/#resource-locator).
 * The vendor lists have no name filter, so the search text is applied here: pages are fetched
 * from the token's offset until `minResults` matches are found, the list ends, or `maxRequests`
 * requests were made. The list ends when a page comes back shorter than asked, or when the
 * vendor's total is a positive number and reached. The returned token is the offset of the first
 * row not yet looked at, so no row is skipped or listed twice.
 *
 * @throws whatever `fetchPage` throws (the vendor's error, shown by the editor under the list).
 */
export async function searchOffsetList<T>(search: OffsetListSearch<T>): Promise<INodeListSearchResult> {
	const start = Number(search.paginationToken);
	let offset = Number.isSafeInteger(start) && start > 0 ? start : 0;
	const results: INodeListSearchItems[] = [];
	for (let request = 0; request < search.maxRequests; request++) {
		const page = await search.fetchPage(offset, search.pageSize);
		offset += page.rows.length;
		for (const row of page.rows) if (search.matches(row)) results.push(search.toItem(row));
		const ended =
			page.rows.length < search.pageSize || (page.total !== undefined && page.total > 0 && offset >= page.total);
		if (ended) return { results };
		if (results.length >= search.minResults) break;
	}
	return { results, paginationToken: String(offset) };
}
