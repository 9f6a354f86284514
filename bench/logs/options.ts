/** Command-line options of `npm run bench -- logs`. */

/** The benchmark's knobs. */
export interface LogsOptions {
  /** Rows sent through each ingest path (floor, HTTP, OTLP, stdout). */
  ingestRows: number;
  /** Store sizes the queries run on. */
  querySizes: number[];
  soakS: number;
  /** RSS sample period during the soak. */
  soakEveryS: number;
  conns: number;
  /** Entries per HTTP/OTLP request. */
  batch: number;
  /** Entries per SqliteLogRepo.append in the floor. */
  floorBatch: number;
  repeats: number;
  warmup: number;
  /** Measurements of each ingest path; the one other processes disturbed least is reported. */
  tries: number;
  /** Run every hub under --cpu-prof and summarize where its time went (slows it a little). */
  profile: boolean;
  quick: boolean;
  /** Phases to run (all by default). */
  only: Set<Phase>;
}

/** The parts of the benchmark, in the order they run. */
export const phases = ['floor', 'http', 'otlp', 'stdout', 'soak', 'queries'] as const;
/** One part. */
export type Phase = (typeof phases)[number];

export const usage = `usage: npm run bench -- logs [--rows 1000000,10000000] [--ingest 1000000] [--soak 300] [--conns 4] [--repeats 50] [--tries 2] [--profile] [--quick] [--only ${phases.join(',')}]`;

/** Parses `args`; throws with the usage on anything unknown. */
export function parseOptions(args: string[]): LogsOptions {
  const quick = args.includes('--quick');
  const o: LogsOptions = {
    ingestRows: quick ? 100_000 : 1_000_000,
    querySizes: quick ? [100_000, 500_000] : [1_000_000, 10_000_000],
    // The issue asks for hub memory flat during a 5-minute ingest soak.
    soakS: quick ? 15 : 300,
    soakEveryS: 2,
    conns: 4,
    batch: 1000,
    // The hub's write queue commits up to 20,000 entries at once: the floor gets the same.
    floorBatch: 20_000,
    repeats: quick ? 10 : 50,
    warmup: quick ? 2 : 5,
    tries: quick ? 1 : 2,
    profile: false,
    quick,
    only: new Set(phases),
  };
  const positive = (flag: string, v: string | undefined): number => {
    const n = Number(v?.replace(/_/g, ''));
    if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} needs a positive integer, got "${v ?? ''}"\n${usage}`);
    return n;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const value = (): string | undefined => args[++i];
    if (a === '--quick') continue;
    else if (a === '--rows') o.querySizes = [...new Set((value() ?? '').split(',').map((s) => positive('--rows', s)))].sort((x, y) => x - y);
    else if (a === '--ingest') o.ingestRows = positive('--ingest', value());
    else if (a === '--soak') o.soakS = positive('--soak', value());
    else if (a === '--conns') o.conns = positive('--conns', value());
    else if (a === '--repeats') o.repeats = positive('--repeats', value());
    else if (a === '--tries') o.tries = positive('--tries', value());
    else if (a === '--profile') o.profile = true;
    else if (a === '--only') {
      const wanted = (value() ?? '').split(',');
      const bad = wanted.filter((p) => !(phases as readonly string[]).includes(p));
      if (bad.length > 0) throw new Error(`--only: unknown phase ${bad.join(', ')}\n${usage}`);
      o.only = new Set(wanted as Phase[]);
    } else throw new Error(`unknown option "${a}"\n${usage}`);
  }
  return o;
}
