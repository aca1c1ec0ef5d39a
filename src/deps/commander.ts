import { createRequire } from 'node:module';
import type * as Commander from 'commander';

/**
 * `commander` through its CommonJS build: its ES module entry is a wrapper that Node loads through the
 * ES module loader and then the CommonJS one, a few milliseconds more at the start of every command.
 */
const commander = createRequire(import.meta.url)('commander') as typeof Commander;

export const { Command, CommanderError } = commander;
export type Command = Commander.Command;
export type CommanderError = Commander.CommanderError;
