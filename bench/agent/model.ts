/** Shapes of the agent benchmark's results (bench/results/agent.json). */

/** node_exporter under one set of collectors. */
export interface ExporterRun {
  collectors: 'restricted' | 'default';
  args: string[];
  rssIdleMb: number | null;
  rssAfterMb: number | null;
  scrapes: number;
  cpuMsPerScrape: number | null;
  series: number;
  bytesPlain: number;
  bytesGzip: number;
}

/** The agent's side. */
export interface AgentRun {
  collections: number;
  /** collect() alone, in a process started like the agent (V8 lite mode, the built code). */
  cpuMsPerCollection: number;
  /** collect() + JSON + gzip: everything but the HTTP request. */
  cpuMsPerReport: number;
  series: number;
  bytesJson: number;
  bytesGzip: number;
  /** Request headers as sent, for the bytes-on-the-wire comparison. */
  headerBytes: number | null;
  rssAfter10Mb: number | null;
  rssAfter1000Mb: number | null;
  rssCliAfter10Mb: number | null;
}

/** One load level against the hub. */
export interface IngestRun {
  label: string;
  mode: 'rate' | 'closed';
  offered: string;
  seconds: number;
  reportsPerS: number;
  samplesPerS: number;
  hubCpuPercent: number;
  /** Reports the hub takes per second of its own CPU time: what one core sustains. */
  reportsPerCpuS: number;
  p50Ms: number | null;
  p99Ms: number | null;
  statuses: Record<string, number>;
  errors: number;
}

/** The store alone. */
export interface FloorRun {
  label: string;
  points: number;
  perCall: number;
  pointsPerS: number;
  pointsPerCpuS: number;
}

/** Everything. */
export interface AgentBenchResults {
  machine: { cpus: number; loadAtStart: number; node: string; exporterVersion: string | null };
  exporter: ExporterRun[];
  agent: AgentRun | null;
  hosts: number;
  samplesPerReport: number;
  ingest: IngestRun[];
  floor: FloorRun[];
  verdicts: { target: string; value: string; pass: boolean }[];
  errors: string[];
}
