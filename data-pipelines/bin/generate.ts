#!/usr/bin/env node
/** `node data-pipelines/bin/generate.ts --out DIR [...]`: the demo data generator (see --help). */
import { runCli } from '../lib/errors.ts';
import { main } from '../generate/cli.ts';

await runCli('generate', main);
