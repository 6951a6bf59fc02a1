import { declaredSettings } from './configRegistry.js';
import { configSchema } from './configSettings.js';

export const CONFIG_TABLE_START = '<!-- configuration table: generated from src/configSettings.ts by `npm run config:readme` -->';
export const CONFIG_TABLE_END = '<!-- end of configuration table -->';

/** Every declared setting, in declaration order. */
export const configurationSettings = () => declaredSettings(configSchema);

/** README's configuration table, one row per declared variable. */
export function configurationTable(): string {
  const rows = configurationSettings().map((s) => `| \`${s.variable}\` | ${s.default} | ${s.meaning} |`);
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}

/** `readme` with its configuration table (between the two markers) replaced by the generated one. */
export function withConfigurationTable(readme: string): string {
  const start = readme.indexOf(CONFIG_TABLE_START);
  const end = readme.indexOf(CONFIG_TABLE_END);
  if (start === -1 || end < start) throw new Error('README.md has no configuration table markers');
  return `${readme.slice(0, start + CONFIG_TABLE_START.length)}\n${configurationTable()}\n${readme.slice(end)}`;
}
