// Example service "catalog": a small HTTP API with a /health endpoint.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 5010);
const items = [
  { id: 1, name: 'anchor', stock: 12 },
  { id: 2, name: 'compass', stock: 4 },
  { id: 3, name: 'sextant', stock: 0 },
];

const server = createServer((req, res) => {
  const started = Date.now();
  if (req.url === '/health') return json(res, 200, { status: 'healthy', service: 'catalog', items: items.length });
  if (req.url === '/items') return json(res, 200, items);
  json(res, 404, { error: 'not found' });
  log('warn', 'unknown path', { path: req.url, ms: Date.now() - started });
});

function json(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function log(level, message, context = {}) {
  console.log(JSON.stringify({ timestamp: new Date().toISOString(), level, message, context }));
}

server.listen(port, '127.0.0.1', () => log('info', `catalog listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => {
  log('info', 'SIGTERM: shutting down');
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
