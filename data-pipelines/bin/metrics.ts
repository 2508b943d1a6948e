#!/usr/bin/env node
import { runCli } from '../lib/errors.ts';
import { metricsCli } from '../metrics/cli.ts';

await runCli('metrics', metricsCli);
