import type { IExecuteFunctions, NodeExecutionHint } from 'n8n-workflow';

/** "item 2", "items 1 and 3", "items 1, 3 and 4" (1-based, as items are numbered in messages). */
export function itemList(itemIndexes: Iterable<number>): string {
	const numbers = [...new Set(itemIndexes)].sort((a, b) => a - b).map((index) => String(index + 1));
	if (numbers.length === 1) return `item ${numbers[0]}`;
	const shown = numbers.length > 20 ? [...numbers.slice(0, 20), `${numbers.length - 20} more`] : numbers;
	return `items ${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

interface HintGroup {
	type: NonNullable<NodeExecutionHint['type']>;
	items: Map<number, string | undefined>;
	message: (items: string, details: string[]) => string;
}

/**
 * Execution hints of one node run, collected while items are processed and added once at the
 * end: one hint per kind (e.g. "empty result"), naming the items it concerns, instead of one per
 * item. They appear above the node's output in the editor (`location: 'outputPane'`), for
 * situations where the output alone misleads (an empty text that is not an error, files still
 * under review …).
 */
export class ExecutionHints {
	private readonly groups = new Map<string, HintGroup>();

	/**
	 * Records that `kind` applies to item `itemIndex`. The message is built once for all items of
	 * the kind: `message(items, details)` gets the item list ("items 1 and 3") and the `detail`
	 * strings given for them (in item order, those that were given).
	 */
	note(
		kind: string,
		itemIndex: number,
		message: (items: string, details: string[]) => string,
		options: { type?: HintGroup['type']; detail?: string } = {},
	): void {
		let group = this.groups.get(kind);
		if (!group) {
			group = { type: options.type ?? 'warning', items: new Map(), message };
			this.groups.set(kind, group);
		}
		group.items.set(itemIndex, options.detail);
	}

	/** The hints collected so far, one per kind. */
	list(): NodeExecutionHint[] {
		return [...this.groups.values()].map((group) => {
			const indexes = [...group.items.keys()].sort((a, b) => a - b);
			const details = indexes.map((index) => group.items.get(index)).filter((detail): detail is string => Boolean(detail));
			return { message: group.message(itemList(indexes), details), type: group.type, location: 'outputPane' };
		});
	}

	/**
	 * Hands the collected hints to n8n with `addExecutionHints` (IExecuteFunctions in n8n 1.x/2.x:
	 * https://github.com/n8n-io/n8n/blob/master/packages/workflow/src/interfaces.ts) and forgets them.
	 * Where the context has no such method (older n8n, other contexts) nothing happens: hints only
	 * explain an output, they never change it.
	 */
	flush(ctx: Pick<IExecuteFunctions, 'addExecutionHints'> | object): void {
		const hints = this.list();
		this.groups.clear();
		const add = (ctx as Partial<Pick<IExecuteFunctions, 'addExecutionHints'>>).addExecutionHints;
		if (hints.length === 0 || typeof add !== 'function') return;
		add.call(ctx, ...hints);
	}
}
