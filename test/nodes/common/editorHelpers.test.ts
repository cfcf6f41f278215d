/** The shared editor helpers: resource-locator values, list search paging, Simplify, execution hints. */
import { ExecutionHints, itemList } from '../../../nodes/common/hints';
import { matchesSearch, searchOffsetList } from '../../../nodes/common/listSearch';
import { resourceLocatorValue } from '../../../nodes/common/resourceLocator';
import { pickFields, readSimplify } from '../../../nodes/common/simplify';

describe('resourceLocatorValue', () => {
	it('unwraps { __rl, mode, value } and passes plain values through', () => {
		expect(resourceLocatorValue({ __rl: true, mode: 'list', value: '1400000000', cachedResultName: 'Sales' })).toBe('1400000000');
		expect(resourceLocatorValue({ mode: 'id', value: 5 })).toBe(5);
		expect(resourceLocatorValue(1400000000)).toBe(1400000000);
		expect(resourceLocatorValue('abc')).toBe('abc');
		expect(resourceLocatorValue({ value: 'not a locator' })).toEqual({ value: 'not a locator' });
		expect(resourceLocatorValue(undefined)).toBeUndefined();
	});
});

describe('list search', () => {
	it('matchesSearch: empty search matches everything; case and surrounding spaces ignored', () => {
		expect(matchesSearch(undefined, 'x')).toBe(true);
		expect(matchesSearch('  ', 'x')).toBe(true);
		expect(matchesSearch(' SaL ', 'Sales hotline', '1400')).toBe(true);
		expect(matchesSearch('140', 'Sales', 1400000001)).toBe(true);
		expect(matchesSearch('zz', 'Sales', null, undefined)).toBe(false);
	});

	const rows = Array.from({ length: 25 }, (_, index) => ({ id: index }));
	const fetcher = (total: number | undefined, requests: number[]) => async (offset: number, limit: number) => {
		requests.push(offset);
		return { rows: rows.slice(offset, offset + limit), total };
	};
	const base = { matches: () => true, toItem: (row: { id: number }) => ({ name: String(row.id), value: row.id }), pageSize: 10, minResults: 5, maxRequests: 3 };

	it('does not stop on a TotalCount of 0 while pages come back full', async () => {
		const requests: number[] = [];
		const first = await searchOffsetList({ ...base, fetchPage: fetcher(0, requests) });
		expect(first).toMatchObject({ paginationToken: '10' });
		const last = await searchOffsetList({ ...base, fetchPage: fetcher(0, requests), paginationToken: '20' });
		expect(last.results.map((item) => item.value)).toEqual([20, 21, 22, 23, 24]);
		expect(last.paginationToken).toBeUndefined();
	});

	it('with few matches reads at most maxRequests pages and hands back where it stopped', async () => {
		const requests: number[] = [];
		const result = await searchOffsetList({ ...base, maxRequests: 2, matches: (row: { id: number }) => row.id === 24, fetchPage: fetcher(undefined, requests) });
		expect(result).toEqual({ results: [], paginationToken: '20' });
		expect(requests).toEqual([0, 10]);
	});

	it('ignores a token that is not an offset', async () => {
		const requests: number[] = [];
		await searchOffsetList({ ...base, fetchPage: fetcher(25, requests), paginationToken: 'garbage' });
		expect(requests).toEqual([0]);
	});
});

describe('Simplify helpers', () => {
	it('readSimplify: on unless false', () => {
		expect(readSimplify(undefined)).toBe(true);
		expect(readSimplify(true)).toBe(true);
		expect(readSimplify(false)).toBe(false);
		expect(readSimplify(' FALSE ')).toBe(false);
	});

	it('pickFields keeps the given order and leaves out missing fields', () => {
		expect(Object.keys(pickFields({ b: 1, a: 2, c: undefined, d: null }, ['a', 'b', 'c', 'd', 'e']))).toEqual(['a', 'b', 'd']);
	});
});

describe('execution hints', () => {
	it('itemList numbers items from 1 and shortens long lists', () => {
		expect(itemList([0])).toBe('item 1');
		expect(itemList([2, 0])).toBe('items 1 and 3');
		expect(itemList([0, 1, 1, 3])).toBe('items 1, 2 and 4');
		expect(itemList(Array.from({ length: 25 }, (_, index) => index))).toMatch(/^items 1, 2, .*, 20 and 5 more$/);
	});

	it('one hint per kind, items in order, details of the items that gave one; flushed once', () => {
		const hints = new ExecutionHints();
		hints.note('a', 2, (items, details) => `A for ${items} (${details.join(', ')})`, { detail: 'two' });
		hints.note('b', 0, (items) => `B for ${items}`, { type: 'info' });
		hints.note('a', 0, (items, details) => `A for ${items} (${details.join(', ')})`);
		const added: unknown[] = [];
		const ctx = { addExecutionHints: (...list: unknown[]) => added.push(...list) };
		hints.flush(ctx);
		hints.flush(ctx);
		expect(added).toEqual([
			{ message: 'A for items 1 and 3 (two)', type: 'warning', location: 'outputPane' },
			{ message: 'B for item 1', type: 'info', location: 'outputPane' },
		]);
		expect(() => new ExecutionHints().flush({})).not.toThrow();
		const lonely = new ExecutionHints();
		lonely.note('x', 0, () => 'x');
		expect(() => lonely.flush({})).not.toThrow();
	});
});
