#!/usr/bin/env node
'use strict';
// Thin launcher: the CLI is bundled by esbuild into dist/cli.js (built by `npm run build`, and by `prepare` on `npm ci`).
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
	console.error('modelwright: dist/cli.js is missing. Run `npm run build` first.');
	process.exit(2);
}
require(cli)
	.main(process.argv.slice(2))
	.then((code) => {
		process.exitCode = code;
	});
