/** The node's editor methods (n8n's Airtable v2 layout: `methods/index.ts` re-exports each kind). */
export * as listSearch from './listSearch';
