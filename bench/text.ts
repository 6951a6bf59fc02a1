/**
 * Issue 14, item 5: the offline formatter and pythonStrip on the texts that made their regexes
 * backtrack quadratically, beside ordinary text of the same length (the ceiling), interleaved.
 * Passes when every hostile text costs at most RATIO_TARGET times its ordinary counterpart.
 */
import { extractFacts } from '../src/ai/offlineFacts.js';
import { pythonStrip } from '../src/http/validation/python.js';
import { fmt, median, table } from './support/measure.js';

const ROUNDS = 30;
const RATIO_TARGET = 3;
const ORDINARY = 'I am a senior backend developer with 7 years of experience in Python and Django. I worked at Acme Corp. Contact: jane.doe@example.com, +1 555 123 4567. Based in Berlin. BSc in Computer Science from University of Oxford. ';
const ordinary = (length: number) => ORDINARY.repeat(Math.ceil(length / ORDINARY.length)).slice(0, length);

const cases: Array<{ name: string; run: (text: string) => unknown; hostile: string }> = [
  { name: 'extractFacts: "A" × 20,000', run: extractFacts, hostile: 'A'.repeat(20_000) },
  { name: 'extractFacts: "worked at " + "A" × 20,000', run: extractFacts, hostile: `worked at ${'A'.repeat(20_000)}` },
  { name: 'extractFacts: "A." × 10,000', run: extractFacts, hostile: 'A.'.repeat(10_000) },
  { name: 'extractFacts: "a" × 20,000 + "@"', run: extractFacts, hostile: `${'a'.repeat(20_000)}@` },
  { name: 'pythonStrip: "x" + 1 MB of spaces + "x"', run: pythonStrip, hostile: `x${' '.repeat(1_048_576)}x` },
];

function timeOnce(run: (text: string) => unknown, text: string): number {
  const started = performance.now();
  run(text);
  return performance.now() - started;
}

export async function main(): Promise<boolean> {
  const rows = cases.map(({ name, run, hostile }) => {
    const plain = ordinary(hostile.length);
    const hostileMs: number[] = [];
    const ordinaryMs: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      hostileMs.push(timeOnce(run, hostile));
      ordinaryMs.push(timeOnce(run, plain));
    }
    const ratio = median(hostileMs) / median(ordinaryMs);
    return { name, 'hostile ms': fmt(median(hostileMs), 2), 'ordinary ms': fmt(median(ordinaryMs), 2), ratio: fmt(ratio, 2), met: ratio <= RATIO_TARGET ? 'yes' : 'NO' };
  });
  console.log(`\nuser text in linear time — median of ${ROUNDS} interleaved rounds; target: hostile ≤ ${RATIO_TARGET} × ordinary text of the same length`);
  console.log(table(rows));
  return rows.every((row) => row.met === 'yes');
}

if (import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().then((ok) => process.exit(ok ? 0 : 1), (err) => { console.error(err); process.exit(2); });
}
