// Loaded into a CLI child with `node --import` by cli-peak-rss.ts: when the process exits, however
// it exits, writes its peak RSS in kB to the file named by AOS_BENCH_RSS_FILE.
import { writeFileSync } from 'node:fs';

const file = process.env.AOS_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
