/**
 * `npm run bench [-- name…]`: runs benchmarks, each beside its ceiling in the same run.
 * Exits 1 when a benchmark misses its target ratio.
 */
const benchmarks: Record<string, () => Promise<{ main(): Promise<boolean> }>> = {
  append: () => import('./append.js'),
  login: () => import('./login.js'),
  tracker: () => import('./tracker.js'),
  'authenticated-user': () => import('./authenticatedUser.js'),
  cached: () => import('./cached.js'),
  rebuild: () => import('./rebuild.js'),
  load: () => import('./load.js'),
  'command-cost': () => import('./commandCost.js'),
  bounds: () => import('./bounds.js'),
  text: () => import('./text.js'),
};

// Names only: `--option value` pairs are for the benchmarks themselves (e.g. rebuild --events N).
const requested = process.argv.slice(2).filter((arg, i, all) => !arg.startsWith('--') && !all[i - 1]?.startsWith('--'));
const unknown = requested.filter((name) => !(name in benchmarks));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${Object.keys(benchmarks).join(', ')}`);
  process.exit(2);
}

let allMet = true;
for (const name of requested.length > 0 ? requested : Object.keys(benchmarks)) {
  const met = await (await benchmarks[name]!()).main();
  const verdict = process.env.BENCH_ASSERT === 'failures' ? (met ? 'no failures' : 'FAILURES') : met ? 'target met' : 'TARGET MISSED';
  console.log(`${name}: ${verdict}`);
  allMet &&= met;
}
process.exit(allMet ? 0 : 1);
