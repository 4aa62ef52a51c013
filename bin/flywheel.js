#!/usr/bin/env node
// The flywheel CLI: a client of a running service's HTTP API.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
