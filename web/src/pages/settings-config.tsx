/**
 * Configuration (admin): what the hub runs with, read-only, as GET /api/config answers it
 * (defaults applied, secrets redacted), laid out like the YAML file it came from, and a
 * button to make the hub read the file again (POST /api/config/reload).
 */
import { Fragment, useState, type ReactNode } from 'react';
import { api } from '../api';
import { toast } from '../components/toast';
import { Guard } from '../components/states';
import { useFetch } from '../components/use-fetch';
import { bytes, duration } from '../format';
import { copy, Panel } from './settings-ui';

/** GET /api/config. */
interface ConfigView {
  file: string | null;
  data_dir: string;
  version: string;
  config: Record<string, unknown>;
}

/** POST /api/config/reload. */
interface ReloadReport {
  file: string | null;
  services: { service: string; change: 'added' | 'removed' | 'changed' | 'updated'; action: string; success: boolean; message: string; fields: string[] }[];
  unchanged: number;
  restart_required: string[];
}

/** The last reload's answer, or why it was refused. */
type Reloaded = { report: ReloadReport } | { error: string };

/** What the hub puts in place of a secret. */
const redacted = '[redacted]';

const sectionTitles: Record<string, string> = {
  hub: 'Hub',
  store: 'Store',
  system: 'System',
  logs: 'Logs',
  history: 'History retention',
  metrics: 'Metrics',
  agents: 'Agents',
  scrape: 'Scrape targets',
  alerts: 'Alerts and notifications',
  auth: 'Sign-in',
  services: 'Services',
};

export function ConfigTab() {
  const cfg = useFetch((signal) => api.get<ConfigView>('/api/config', {}, signal), []);
  const [busy, setBusy] = useState(false);
  const [reloaded, setReloaded] = useState<Reloaded | null>(null);
  const reload = async () => {
    setBusy(true);
    try {
      const report = await api.post<ReloadReport>('/api/config/reload');
      setReloaded({ report });
      const failed = report.services.filter((x) => !x.success).length;
      if (failed > 0) toast('error', `Reloaded, but ${failed} service${failed > 1 ? 's' : ''} failed`);
      else toast('ok', report.services.length === 0 ? 'Reloaded: no service changed' : `Reloaded: ${report.services.length} service${report.services.length > 1 ? 's' : ''} changed`);
      cfg.reload();
    } catch (err) {
      setReloaded({ error: (err as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Guard f={cfg} what="the configuration">
      {(c) => <ConfigBody c={c} onReload={() => void reload()} busy={busy} reloaded={reloaded} />}
    </Guard>
  );
}

const changeMarks: Record<ReloadReport['services'][number]['change'], string> = { added: '+', removed: '−', changed: '~', updated: '·' };

/** What the last reload did, service by service, or why the file was refused. */
function ReloadOutcome({ r }: { r: Reloaded }) {
  if ('error' in r) {
    return (
      <div className="form-error reload-error" role="alert" data-testid="reload-result">
        The hub kept its configuration: {r.error}
      </div>
    );
  }
  const { report } = r;
  return (
    <div className="reload-result" data-testid="reload-result">
      <p>
        Read <code>{report.file ?? '(no file)'}</code> again: {report.services.length === 0 ? 'no service changed' : `${report.services.length} changed`}, {report.unchanged} unchanged.
      </p>
      {report.services.length > 0 && (
        <ul className="reload-changes">
          {report.services.map((x) => (
            <li key={x.service} data-reload-service={x.service} className={x.success ? '' : 'failed'}>
              <span className="mono">{changeMarks[x.change]}</span> <strong>{x.service}</strong> {x.change}
              {x.fields.length > 0 && <span className="muted"> ({x.fields.join(', ')})</span>}: {x.message}
            </li>
          ))}
        </ul>
      )}
      {report.restart_required.length > 0 && (
        <p className="muted">
          Also changed, applied when the hub next starts: <code>{report.restart_required.join(', ')}</code>
        </p>
      )}
    </div>
  );
}

function ConfigBody({ c, onReload, busy, reloaded }: { c: ConfigView; onReload: () => void; busy: boolean; reloaded: Reloaded | null }) {
  const sections = Object.entries(c.config);
  const secrets = countRedacted(c.config);
  const [open, setOpen] = useState<Record<string, boolean>>(() => Object.fromEntries(sections.map(([k]) => [k, true])));
  const setAll = (v: boolean) => setOpen(Object.fromEntries(sections.map(([k]) => [k, v])));
  return (
    <div className="settings-stack">
      <Panel
        title="Configuration"
        intro="What this hub runs with: the file with every default filled in. Read-only: to change it, edit the file (wheelhouse config validate checks it), then reload: services are added, removed or restarted at once, other sections apply at the hub's next start."
        actions={
          <>
            <button type="button" className="btn btn-primary" onClick={onReload} disabled={busy || !c.file}>
              {busy ? 'Reloading…' : 'Reload from file'}
            </button>
            <button type="button" className="btn" onClick={() => void copy(JSON.stringify(c, null, 2))}>
              Copy as JSON
            </button>
          </>
        }
      >
        {reloaded && <ReloadOutcome r={reloaded} />}
        <dl className="kv config-facts" data-testid="config-facts">
          <dt>Configuration file</dt>
          <dd>{c.file ? <code>{c.file}</code> : <span className="muted">none: the hub runs on defaults only</span>}</dd>
          <dt>Data directory</dt>
          <dd>
            <code>{c.data_dir}</code>
          </dd>
          <dt>Version</dt>
          <dd>
            <code>{c.version}</code>
          </dd>
          <dt>Secrets</dt>
          <dd>
            {secrets === 0 ? 'none configured' : `${secrets} hidden`} <span className="muted">— shown as <Redacted />; the hub never sends them to the browser.</span>
          </dd>
        </dl>
      </Panel>
      <div className="config-toolbar">
        <nav className="config-index" aria-label="Configuration sections">
          {sections.map(([k, v]) => (
            <a key={k} href={`#config-${k}`} onClick={() => setOpen((o) => ({ ...o, [k]: true }))}>
              {sectionTitles[k] ?? k}
              {Array.isArray(v) && <span className="count-chip">{v.length}</span>}
            </a>
          ))}
        </nav>
        <div className="actions">
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setAll(true)}>
            Expand all
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setAll(false)}>
            Collapse all
          </button>
        </div>
      </div>
      <div className="config-sections" data-testid="config-tree">
        {sections.map(([k, v]) => (
          <details
            key={k}
            id={`config-${k}`}
            className={`panel config-section ${isWide(v) ? 'wide' : ''}`}
            open={open[k]}
            onToggle={(e) => {
              const isOpen = e.currentTarget.open;
              setOpen((o) => (o[k] === isOpen ? o : { ...o, [k]: isOpen }));
            }}
          >
            <summary>
              <span className="config-section-title">{sectionTitles[k] ?? k}</span>
              <code className="muted">{k}</code>
              {Array.isArray(v) && <span className="muted small">{v.length === 0 ? 'none' : `${v.length} item${v.length > 1 ? 's' : ''}`}</span>}
            </summary>
            <Section name={k} value={v} />
          </details>
        ))}
      </div>
    </div>
  );
}

/** Lists of named things (services, scrape targets) get a card per item; the rest one YAML block. */
function Section({ name, value }: { name: string; value: unknown }) {
  if (Array.isArray(value) && value.length === 0) return <div className="config-empty">None configured.</div>;
  if (Array.isArray(value) && value.every((x) => x && typeof x === 'object' && 'name' in x)) {
    return (
      <div className="config-items">
        {(value as { name: string }[]).map(({ name: itemName, ...rest }) => (
          <section key={itemName} className="config-item" aria-label={`${name}: ${itemName}`}>
            <h4>
              {itemName}
            </h4>
            <div className="yaml">
              <Yaml value={rest} />
            </div>
          </section>
        ))}
      </div>
    );
  }
  return (
    <div className="yaml" role="group" aria-label={`${name} section`}>
      <Yaml value={value} />
    </div>
  );
}

/** Whole-width sections: lists with items, and anything longer than a short block. */
function isWide(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  const out: Line[] = [];
  lines(v, 0, out);
  return out.length > 14;
}

function countRedacted(v: unknown): number {
  if (v === redacted) return 1;
  if (typeof v === 'string' && v.includes(redacted)) return 1;
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countRedacted(x), 0);
  if (v && typeof v === 'object') return Object.values(v).reduce((n: number, x) => n + countRedacted(x), 0);
  return 0;
}

/** One line of the YAML-ish view. */
interface Line {
  depth: number;
  /** "- " before the line: the first line of a list item. */
  dash: boolean;
  key?: string;
  value?: unknown;
  /** The value follows on the next lines (a mapping or a list). */
  opens?: boolean;
}

/** Lays a value out as YAML does: mappings as key lines, lists of mappings as "- " items. */
function lines(value: unknown, depth: number, out: Line[], dash = false): void {
  if (Array.isArray(value)) {
    if (value.length === 0) return void out.push({ depth, dash, value: [] });
    for (const item of value) {
      if (isScalar(item)) out.push({ depth, dash: true, value: item });
      else lines(item, depth, out, true);
    }
    return;
  }
  if (value && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return void out.push({ depth, dash, value: {} });
    // In a list item the keys line up after the "- " (one level in); the first shares its line.
    const keyDepth = dash ? depth + 1 : depth;
    entries.forEach(([key, v], i) => {
      const first = dash && i === 0;
      const line = { depth: first ? depth : keyDepth, dash: first, key };
      if (isInline(v)) out.push({ ...line, value: v });
      else {
        out.push({ ...line, opens: true });
        lines(v, keyDepth + 1, out);
      }
    });
    return;
  }
  out.push({ depth, dash, value });
}

const isScalar = (v: unknown) => v === null || typeof v !== 'object';
/** Shown on the key's own line: scalars, empty containers, short lists of scalars. */
const isInline = (v: unknown) =>
  isScalar(v) || (Array.isArray(v) && (v.length === 0 || (v.every(isScalar) && JSON.stringify(v).length <= 80))) || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);

function Yaml({ value }: { value: unknown }) {
  const out: Line[] = [];
  lines(value, 0, out);
  return (
    <>
      {out.map((l, i) => (
        <div key={i} className="yaml-line" style={{ paddingLeft: `${l.depth * 2}ch` }}>
          {l.dash && <span className="y-dash">- </span>}
          {l.key !== undefined && <span className="y-key">{l.key}:</span>}
          {!l.opens && (
            <>
              {l.key !== undefined && ' '}
              <Scalar value={l.value} />
              <Hint name={l.key} value={l.value} />
            </>
          )}
        </div>
      ))}
    </>
  );
}

function Scalar({ value }: { value: unknown }): ReactNode {
  if (Array.isArray(value)) {
    return (
      <span className="y-punct">
        [
        {value.map((v, i) => (
          <Fragment key={i}>
            {i > 0 && ', '}
            <Scalar value={v} />
          </Fragment>
        ))}
        ]
      </span>
    );
  }
  if (value && typeof value === 'object') return <span className="y-punct">{'{}'}</span>;
  if (value === null) return <span className="y-null">null</span>;
  if (typeof value === 'boolean') return <span className="y-bool">{String(value)}</span>;
  if (typeof value === 'number') return <span className="y-num">{value}</span>;
  const s = String(value);
  if (s === redacted) return <Redacted />;
  if (s.includes(redacted)) {
    // A URL or command with its secret part cut out: show where.
    const parts = s.split(redacted);
    return (
      <span className="y-str">
        {parts.map((p, i) => (
          <Fragment key={i}>
            {i > 0 && <Redacted />}
            {p}
          </Fragment>
        ))}
      </span>
    );
  }
  return <span className="y-str">{s === '' || /^[\s\d-]|[:#]\s|^(true|false|null)$/.test(s) ? JSON.stringify(s) : s}</span>;
}

function Redacted() {
  return (
    <span className="y-redacted" title="A secret: the hub does not send it">
      <span aria-hidden="true">●●●</span> redacted
    </span>
  );
}

/** Durations and sizes in words, as a YAML comment: "604800000 # 7d". */
function Hint({ name, value }: { name: string | undefined; value: unknown }) {
  if (typeof value !== 'number' || name === undefined) return null;
  let text: string | null = null;
  if (/_ms$/.test(name) && value >= 1000) text = duration(value / 1000).replace(/ 0[hms]$/, '');
  else if (/(bytes|body_limit)$/.test(name) && value >= 1024) text = bytes(value);
  if (!text) return null;
  return <span className="y-comment"> # {text}</span>;
}
