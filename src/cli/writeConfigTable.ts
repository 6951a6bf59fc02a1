import { readFileSync, writeFileSync } from 'node:fs';
import { withConfigurationTable } from '../configTable.js';

/** `npm run config:readme`: rewrites README.md's configuration table from the declarations. */
const readme = new URL('../../README.md', import.meta.url);
writeFileSync(readme, withConfigurationTable(readFileSync(readme, 'utf8')));
console.log('README.md: configuration table written');
