#!/usr/bin/env node
'use strict';
// Thin launcher for other editors: `modelwright-language-server --stdio`. The server is bundled
// by esbuild into dist/server.js (built by `npm run build`, and by `prepare` on `npm ci`).
const path = require('node:path');
const fs = require('node:fs');
const server = path.join(__dirname, '..', 'dist', 'server.js');
if (!fs.existsSync(server)) {
	console.error('modelwright-language-server: dist/server.js is missing. Run `npm run build` first.');
	process.exit(2);
}
require(server);
