/** Tables and verdicts of the agent benchmark. */
import { printTable, num, times } from '../lib/table.js';
import { ratio } from '../lib/stats.js';
import type { AgentBenchResults } from './model.js';

/** The targets of issue 4, judged. */
export function verdicts(r: AgentBenchResults): AgentBenchResults['verdicts'] {
  const out: AgentBenchResults['verdicts'] = [];
  const restricted = r.exporter.find((e) => e.collectors === 'restricted');
  const dflt = r.exporter.find((e) => e.collectors === 'default');
  if (r.agent && restricted?.cpuMsPerScrape) {
    const x = r.agent.cpuMsPerCollection / restricted.cpuMsPerScrape;
    out.push({ target: 'CPU per collection ≤ 0.3× node_exporter\'s per scrape (restricted collectors)', value: `${x.toFixed(2)}×`, pass: x <= 0.3 });
  }
  if (r.agent && (restricted || dflt)) {
    const against = dflt ?? restricted!;
    const x = r.agent.bytesGzip / against.bytesGzip;
    out.push({ target: `bytes per report ≤ 0.1× a gzip scrape (${against.collectors} collectors)`, value: `${x.toFixed(3)}×`, pass: x <= 0.1 });
  }
  if (r.agent?.rssAfter1000Mb !== undefined && r.agent.rssAfter1000Mb !== null) {
    const worst = Math.max(r.agent.rssAfter1000Mb, r.agent.rssAfter10Mb ?? 0);
    out.push({ target: 'agent RSS ≤ 50 MB (dist/agent/main.js, worst of idle and after 1,000 reports)', value: `${worst.toFixed(1)} MB`, pass: worst <= 50 });
  }
  const target = r.ingest.find((i) => i.mode === 'rate');
  if (target) {
    const perCore = Math.max(...r.ingest.map((i) => i.reportsPerCpuS));
    const refused = Object.entries(target.statuses).filter(([k]) => k !== '200').reduce((s, [, v]) => s + v, 0) + target.errors;
    // One core's worth: the hub's own CPU time per report, at its best load; and nothing refused at the target rate.
    out.push({
      target: '10,000 hosts at 10 s (1,000 reports/s) on one core',
      value: `${perCore.toFixed(0)} reports per hub CPU-second; at the target ${target.reportsPerS.toFixed(0)} reports/s took ${target.hubCpuPercent.toFixed(0)}% of a core, ${refused} refused`,
      pass: perCore >= 1000 && refused === 0,
    });
  }
  return out;
}

/** Prints every table. */
export function printAll(r: AgentBenchResults): void {
  const restricted = r.exporter.find((e) => e.collectors === 'restricted');
  const a = r.agent;
  if (a || r.exporter.length > 0) {
    const rows = [
      ['resident memory, idle / after 10 reports (MB)', ...r.exporter.map((e) => num(e.rssIdleMb, 1)), num(a?.rssAfter10Mb, 1), times(ratio(a?.rssAfter10Mb, restricted?.rssIdleMb))],
      ['resident memory after 1,000 scrapes / reports (MB)', ...r.exporter.map((e) => num(e.rssAfterMb, 1)), num(a?.rssAfter1000Mb, 1), times(ratio(a?.rssAfter1000Mb, restricted?.rssAfterMb))],
      ['CPU per scrape / collection (ms)', ...r.exporter.map((e) => num(e.cpuMsPerScrape, 3)), num(a?.cpuMsPerCollection, 3), times(ratio(a?.cpuMsPerCollection, restricted?.cpuMsPerScrape))],
      ['CPU per whole report, collect + JSON + gzip (ms)', ...r.exporter.map(() => null), num(a?.cpuMsPerReport, 3), times(ratio(a?.cpuMsPerReport, restricted?.cpuMsPerScrape))],
      ['series', ...r.exporter.map((e) => num(e.series)), num(a?.series), times(ratio(a?.series, restricted?.series))],
      ['bytes per scrape / report, plain (B)', ...r.exporter.map((e) => num(e.bytesPlain)), num(a?.bytesJson), times(ratio(a?.bytesJson, restricted?.bytesPlain))],
      ['bytes per scrape / report, gzip (B)', ...r.exporter.map((e) => num(e.bytesGzip)), num(a?.bytesGzip), times(ratio(a?.bytesGzip, restricted?.bytesGzip))],
      ['request headers of a report (B)', ...r.exporter.map(() => null), num(a?.headerBytes), null],
    ];
    printTable(
      'Agent vs node_exporter (ratio: agent / node_exporter with the restricted collectors)',
      ['', ...r.exporter.map((e) => `node_exporter ${e.collectors}`), 'wheelhouse agent', 'ratio'],
      rows,
    );
    if (a?.rssCliAfter10Mb) process.stdout.write(`(\`wheelhouse agent\` through the CLI: ${a.rssCliAfter10Mb.toFixed(1)} MB after 10 reports; the CLI loads its config schema and commander first.)\n`);
  }
  if (r.ingest.length > 0) {
    const single = r.floor.find((f) => f.perCall === 1)?.pointsPerCpuS;
    const batched = r.floor.find((f) => f.perCall > 1)?.pointsPerCpuS;
    printTable(
      `Hub ingest: ${r.hosts.toLocaleString('en-US')} simulated hosts, ${r.samplesPerReport} samples per report, gzip'd JSON over kept-alive HTTP (ratios: hub reports per CPU-second / floor points per CPU-second)`,
      ['load', 'reports/s', 'samples/s', 'hub CPU', 'reports per CPU-s', 'p50 ms', 'p99 ms', 'non-200', 'vs floor 1/call', 'vs floor 100/call'],
      r.ingest.map((i) => [
        i.label,
        num(i.reportsPerS),
        num(i.samplesPerS),
        `${i.hubCpuPercent.toFixed(0)}%`,
        num(i.reportsPerCpuS),
        num(i.p50Ms, 1),
        num(i.p99Ms, 1),
        num(Object.entries(i.statuses).filter(([k]) => k !== '200').reduce((s, [, v]) => s + v, 0) + i.errors),
        times(ratio(i.reportsPerCpuS, single)),
        times(ratio(i.reportsPerCpuS, batched)),
      ]),
    );
    printTable('Floor: the same points straight into the store', ['', 'points', 'points/s', 'points per CPU-s'], r.floor.map((f) => [f.label, num(f.points), num(f.pointsPerS), num(f.pointsPerCpuS)]));
  }
  printTable('Targets (issue 4)', ['target', 'measured', 'verdict'], r.verdicts.map((v) => [v.target, v.value, v.pass ? 'PASS' : 'FAIL']));
  for (const e of r.errors) process.stdout.write(`error: ${e}\n`);
}
