import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * The per-item loop shared by the action nodes: runs `operation` for every input item and pairs
 * each output with its input (`pairedItem`). With "On Error: Continue" a failed item becomes
 * `{ error, description, …details }` paired to its input, and the loop goes on; otherwise the
 * error is rethrown with its item index. `details` lets an operation keep partial work (e.g. the
 * parts of a long recording that succeeded) in the error item.
 */
export async function executePerItem(
	ctx: IExecuteFunctions,
	operation: (itemIndex: number) => Promise<IDataObject | IDataObject[] | INodeExecutionData[]>,
): Promise<INodeExecutionData[][]> {
	const items = ctx.getInputData();
	const output: INodeExecutionData[] = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		let result: IDataObject | IDataObject[] | INodeExecutionData[];
		try {
			result = await operation(itemIndex);
		} catch (error) {
			if (!ctx.continueOnFail()) throw asItemError(ctx, error, itemIndex);
			output.push({ json: errorItem(error), pairedItem: { item: itemIndex } });
			continue;
		}
		for (const entry of Array.isArray(result) ? result : [result]) {
			const execution: INodeExecutionData =
				'json' in entry && typeof entry.json === 'object'
					? { ...(entry as INodeExecutionData), pairedItem: { item: itemIndex } }
					: { json: entry as IDataObject, pairedItem: { item: itemIndex } };
			output.push(execution);
		}
	}
	return [output];
}

/** An n8n node error carrying `itemIndex`: node errors keep their class, anything else is wrapped. */
export function asItemError(ctx: IExecuteFunctions, error: unknown, itemIndex: number): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.context.itemIndex === undefined) error.context.itemIndex = itemIndex;
		return error;
	}
	return new NodeOperationError(ctx.getNode(), error as Error, { itemIndex });
}

/** Error details that an operation attaches to its error for the continue-on-fail item. */
export const ERROR_DETAILS = 'cnSpeechDetails';

/** The JSON of a continue-on-fail error item: message, description and any attached details. */
export function errorItem(error: unknown): IDataObject {
	const json: IDataObject = { error: error instanceof Error ? error.message : String(error) };
	if (error instanceof NodeApiError || error instanceof NodeOperationError) {
		if (error.description) json.description = error.description;
		const details = (error as unknown as Record<string, unknown>)[ERROR_DETAILS];
		if (details && typeof details === 'object') Object.assign(json, details as IDataObject);
		if (error instanceof NodeApiError && error.httpCode) json.httpCode = error.httpCode;
	}
	return json;
}

/** Attaches `details` to an error so continue-on-fail keeps them in the error item. */
export function withDetails<E extends Error>(error: E, details: IDataObject): E {
	(error as unknown as Record<string, unknown>)[ERROR_DETAILS] = details;
	return error;
}
