// Lint exactly what n8n's verification scanner lints, with the same two rule sets:
// eslint-plugin-n8n-nodes-base (community / credentials / nodes) and
// @n8n/eslint-plugin-community-nodes (recommended). Inline eslint-disable comments are
// not honoured, as in the scanner.
import tsParser from '@typescript-eslint/parser';
import * as jsoncParser from 'jsonc-eslint-parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const recommended = n8nCommunityNodesPlugin.configs.recommended;

// Three eslint-plugin-n8n-nodes-base rules are turned off, each documented here:
// - node-class-description-inputs/outputs-wrong want the literal ['main'], while
//   @n8n/community-nodes/node-connection-type-literal wants NodeConnectionTypes.Main: no code
//   satisfies both.
// - cred-class-field-documentation-url-miscased wants a camelCase slug (its own docs: "only
//   applicable to nodes in the main repository"). A slug would pass both plugins, but n8n turns a
//   slug into a docs.n8n.io page that does not exist for a community credential, so the users'
//   "Open docs" link would be dead. We keep real vendor URLs, which
//   @n8n/community-nodes/credential-documentation-url accepts.
const contradicted = {
	'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
	'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
	'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
};

export default [
	{ ignores: ['dist/**', 'node_modules/**', 'test/**', 'examples/**', 'eslint.config.mjs', 'gulpfile.js', 'index.js', 'jest.config.js'] },
	{ linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'off' } },
	{
		files: ['package.json'],
		languageOptions: { parser: jsoncParser },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...recommended.plugins },
		rules: { ...n8nNodesBase.configs.community.rules, ...recommended.rules },
	},
	{
		files: ['credentials/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...recommended.plugins },
		rules: { ...n8nNodesBase.configs.credentials.rules, ...recommended.rules, ...contradicted },
	},
	{
		files: ['nodes/**/*.ts'],
		languageOptions: { parser: tsParser, parserOptions: { sourceType: 'module' } },
		plugins: { 'n8n-nodes-base': n8nNodesBase, ...recommended.plugins },
		rules: { ...n8nNodesBase.configs.nodes.rules, ...recommended.rules, ...contradicted },
	},
];
