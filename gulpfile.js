const path = require('path');
const { task, src, dest } = require('gulp');

/** Copies node and credential icons next to the compiled files in dist/. */
task('build:icons', function copyIcons() {
	const nodeSource = path.resolve('nodes', '**', '*.{png,svg}');
	const nodeDestination = path.resolve('dist', 'nodes');
	src(nodeSource, { encoding: false }).pipe(dest(nodeDestination));

	const credSource = path.resolve('credentials', '**', '*.{png,svg}');
	const credDestination = path.resolve('dist', 'credentials');
	return src(credSource, { encoding: false }).pipe(dest(credDestination));
});

/**
 * Copies the output schema files (nodes/<Node>/__schema__/v<version>/<resource>/<operation>.json)
 * next to the compiled nodes: n8n looks for them in the folder of the node's .js file, and its
 * editor shows them as the node's output before the first run. `n8n-node build` copies the same
 * files (`**\/__schema__/**\/*.json`).
 */
task('build:schemas', function copySchemas() {
	const source = path.resolve('nodes', '**', '__schema__', '**', '*.json');
	return src(source, { encoding: false }).pipe(dest(path.resolve('dist', 'nodes')));
});
