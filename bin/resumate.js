#!/usr/bin/env node
// `resumate admin <command>`: the admins' and analysts' commands, with nothing but their own output
// on stdout (no npm banner), so `--json | jq` and `> export.csv` work. In a checkout the TypeScript
// sources run under tsx, in this one process; where there is no tsx or no src/ (the production
// image), the compiled dist/ runs.
/* global process, console, URL */
import { existsSync } from 'node:fs';

const COMMANDS = { admin: 'cli/admin' };
const USAGE = 'Usage: resumate admin <command> [options]    ("resumate admin --help" lists the commands)';

const [command] = process.argv.splice(2, 1);
if (command === undefined || command === '--help' || command === '-h') {
  console.log(USAGE);
  process.exit(command === undefined ? 2 : 0);
}
const entry = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
if (entry === undefined) {
  console.error(`resumate: unknown command "${command}"\n${USAGE}`);
  process.exit(2);
}

const source = new URL(`../src/${entry}.ts`, import.meta.url);
if (existsSync(source) && tsxInstalled()) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(source.href);
} else {
  await import(new URL(`../dist/src/${entry}.js`, import.meta.url).href);
}

function tsxInstalled() {
  try {
    import.meta.resolve('tsx/esm/api');
    return true;
  } catch {
    return false;
  }
}
