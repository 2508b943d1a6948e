#!/usr/bin/env node
import { runCli } from '../lib/errors.ts';
import { pipelineCli } from '../pipeline/cli.ts';

await runCli('pipeline', pipelineCli);
