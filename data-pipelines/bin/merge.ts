#!/usr/bin/env node
import { runCli } from '../lib/errors.ts';
import { mergeCli } from '../pipeline/merge-cli.ts';

await runCli('merge', mergeCli);
