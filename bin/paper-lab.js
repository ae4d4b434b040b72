#!/usr/bin/env node
// The `paper-lab` command: headless runs and benchmarks. Built by `npm run build`.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  console.error('paper-lab: dist/cli.js is missing; run `npm run build` first.');
  process.exit(2);
}
require(cli);
