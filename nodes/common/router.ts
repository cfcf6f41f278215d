import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { ExecutionHints } from './hints';
import { CredentialSession, type CredentialSpec } from './transport';
import { runItems, type ItemResult } from './runner';

/**
 * What every operation of an execution shares: the credential, read once per execution
 * (see {@link CredentialSession}), the items' concurrency, and the execution hints collected
 * for the output pane (added by {@link route} when the operation ends).
 */
export class OperationContext {
	private readonly sessions = new Map<string, Promise<CredentialSession>>();

	/** Hints about the output (see {@link ExecutionHints}); `route` hands them to n8n at the end. */
	readonly hints = new ExecutionHints();

	constructor(
		readonly ctx: IExecuteFunctions,
		/** Items in flight at once for this execution (from the operation's Concurrency option). */
		readonly concurrency: number,
	) {}

	/** The execution's session for a credential type; the credential is read on first use only. */
	async credentials(spec: CredentialSpec): Promise<CredentialSession> {
		let session = this.sessions.get(spec.type);
		if (!session) {
			session = CredentialSession.open(this.ctx, spec);
			this.sessions.set(spec.type, session);
			session.catch(() => this.sessions.delete(spec.type));
		}
		return await session;
	}
}

/** An operation that works on one item at a time; the router runs items concurrently. */
export interface ItemOperation {
	/** Items in flight at once unless the user sets the Concurrency option (documented per vendor). */
	defaultConcurrency: number;
	execute(this: IExecuteFunctions, itemIndex: number, run: OperationContext): Promise<ItemResult>;
}

/**
 * An operation that needs all items at once (requests that carry several items, or tasks that
 * are created first and polled together). It pairs its outputs itself.
 */
export interface BatchOperation {
	defaultConcurrency: number;
	executeBatch(this: IExecuteFunctions, run: OperationContext): Promise<INodeExecutionData[][]>;
}

/** One operation module: `actions/<resource>/<operation>.operation.ts`. */
export type Operation = ItemOperation | BatchOperation;

/**
 * A node's operations by resource and operation value, typed by the node's map of resources to
 * operation names (n8n's Airtable v2 `AirtableType` pattern), e.g.
 * `NodeOperations<{ voice: 'transcribe' | 'upload' | 'getResult' }>`.
 */
export type NodeOperations<T extends Record<string, string>> = { [R in keyof T]: { [O in T[R]]: Operation } };

/** Name of the option that sets how many items run at once (in every operation's Options). */
export const CONCURRENCY_OPTION = 'concurrency';

/** Largest Concurrency accepted: more would only queue at the vendor's rate limits. */
export const MAX_CONCURRENCY = 50;

/**
 * The router every node's `execute` calls: reads Resource and Operation (item 0, as n8n's own
 * nodes do), finds the operation in `operations`, and runs it: item operations through
 * {@link runItems} with the operation's Concurrency, batch operations once for all items; then
 * adds the execution hints the operation collected (`run.hints`).
 *
 * @throws NodeOperationError for an unknown resource/operation pair; the operation's errors.
 */
export async function route<T extends Record<string, string>>(
	ctx: IExecuteFunctions,
	operations: NodeOperations<T>,
): Promise<INodeExecutionData[][]> {
	const resource = ctx.getNodeParameter('resource', 0) as string;
	const operationName = ctx.getNodeParameter('operation', 0) as string;
	const operation = (operations as Record<string, Record<string, Operation | undefined> | undefined>)[resource]?.[operationName];
	if (!operation) {
		throw new NodeOperationError(ctx.getNode(), `The operation "${operationName}" of "${resource}" is not supported`);
	}
	const options = ctx.getNodeParameter('options', 0, {}) as IDataObject;
	const requested = Number(options[CONCURRENCY_OPTION] ?? operation.defaultConcurrency);
	const concurrency = Number.isFinite(requested) ? Math.min(MAX_CONCURRENCY, Math.max(1, Math.floor(requested))) : operation.defaultConcurrency;
	const run = new OperationContext(ctx, concurrency);
	try {
		if ('executeBatch' in operation) return await operation.executeBatch.call(ctx, run);
		return await runItems(ctx, async (itemIndex) => await operation.execute.call(ctx, itemIndex, run), { concurrency });
	} finally {
		run.hints.flush(ctx);
	}
}

/**
 * The Concurrency option of an item operation (inside its Options collection): how many items
 * run at the same time, `defaultValue` by default (each vendor's default and its reason are
 * documented where the operation sets it). Rate limits still apply per credential: items beyond
 * what the vendor allows wait their turn.
 */
export function concurrencyOption(defaultValue: number): INodeProperties {
	return {
		displayName: 'Concurrency',
		name: CONCURRENCY_OPTION,
		type: 'number',
		typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY },
		default: defaultValue,
		description:
			"How many input items to process at the same time. Higher values finish a batch sooner; the node still keeps to the service's rate limits and slows down when the service asks it to.",
	};
}
