import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/** What an operation returns for one item: one or more JSON objects, or full execution data. */
export type ItemResult = IDataObject | IDataObject[] | INodeExecutionData[];

/** How {@link runItems} runs the items. */
export interface RunItemsOptions {
	/** Items in flight at once (at least 1). */
	concurrency: number;
}

/**
 * The item loop shared by every action node (n8n's Airtable v2 `router.ts` pattern, with bounded
 * concurrency): runs `operation` for every input item, at most `concurrency` at a time, and
 * returns the outputs in INPUT order, each paired with its item (`pairedItem`).
 *
 * - "On Error: Continue": a failed item becomes `{ error, description, httpCode?, …details }`
 *   paired to its input, and the other items go on.
 * - Otherwise the first failure stops new items from starting; the items already in flight are
 *   awaited (no request is left orphaned), then the error of the LOWEST failed item index is
 *   thrown with that index (as a sequential loop would have reported).
 * - When the execution is cancelled, no new item starts; the node then fails with a message
 *   saying so.
 *
 * @throws NodeApiError / NodeOperationError of the failed item (see above).
 */
export async function runItems(
	ctx: IExecuteFunctions,
	operation: (itemIndex: number) => Promise<ItemResult>,
	options: RunItemsOptions,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const continueOnFail = ctx.continueOnFail();
	const signal = ctx.getExecutionCancelSignal?.();
	const outputs: Array<INodeExecutionData[] | undefined> = new Array(items.length);
	const failures = new Map<number, unknown>();
	await forEachConcurrently(
		items.length,
		options.concurrency,
		async (itemIndex) => {
			try {
				outputs[itemIndex] = toExecutionData(await operation(itemIndex), itemIndex);
			} catch (error) {
				if (continueOnFail) outputs[itemIndex] = [{ json: errorItem(error), pairedItem: { item: itemIndex } }];
				else failures.set(itemIndex, error);
			}
		},
		() => failures.size > 0 || Boolean(signal?.aborted),
	);

	if (failures.size > 0) {
		const first = Math.min(...failures.keys());
		throw asItemError(ctx, failures.get(first), first);
	}
	const missing = outputs.findIndex((output) => output === undefined);
	if (missing >= 0) {
		throw new NodeOperationError(ctx.getNode(), 'The execution was cancelled before every item was processed', {
			description: `Items from ${missing + 1} on were not processed.`,
			itemIndex: missing,
		});
	}
	return [outputs.flat() as INodeExecutionData[]];
}

/**
 * Runs `work(0 … count-1)` with at most `concurrency` calls in flight, starting them in index
 * order; once `stop()` returns true no further call starts (the ones in flight are awaited).
 * `work` must not throw (it records its own failures).
 */
export async function forEachConcurrently(
	count: number,
	concurrency: number,
	work: (index: number) => Promise<void>,
	stop: () => boolean = () => false,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (!stop()) {
			const index = next++;
			if (index >= count) return;
			await work(index);
		}
	};
	const workers = Math.max(1, Math.min(Math.floor(concurrency) || 1, count));
	await Promise.all(Array.from({ length: workers }, worker));
}

/** Pairs one operation result with its input item. */
export function toExecutionData(result: ItemResult, itemIndex: number): INodeExecutionData[] {
	return (Array.isArray(result) ? result : [result]).map((entry) =>
		'json' in entry && typeof entry.json === 'object' && entry.json !== null
			? { ...(entry as INodeExecutionData), pairedItem: { item: itemIndex } }
			: { json: entry as IDataObject, pairedItem: { item: itemIndex } },
	);
}

/** An n8n node error carrying `itemIndex`: node errors keep their class, anything else is wrapped. */
export function asItemError(ctx: Pick<IExecuteFunctions, 'getNode'>, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/** Error details that an operation attaches to its error for the continue-on-fail item. */
const ERROR_DETAILS = Symbol('cnSpeechErrorDetails');

/** The JSON of a continue-on-fail error item: message, description, HTTP code and any attached details. */
export function errorItem(error: unknown): IDataObject {
	const json: IDataObject = { error: error instanceof Error ? error.message : String(error) };
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) json.description = error.description;
		if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	}
	const details = error && typeof error === 'object' ? (error as { [ERROR_DETAILS]?: IDataObject })[ERROR_DETAILS] : undefined;
	if (details) Object.assign(json, details);
	return json;
}

/**
 * Attaches `details` (partial results such as the parts of a long recording that succeeded, or
 * the id of a task that was created) to an error, so continue-on-fail keeps them in the error
 * item. Returns the same error.
 */
export function withDetails<E extends Error>(error: E, details: IDataObject): E {
	(error as unknown as { [ERROR_DETAILS]?: IDataObject })[ERROR_DETAILS] = details;
	return error;
}
